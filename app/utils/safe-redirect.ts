/**
 * The one check for every address a request asks to be sent to (`redirectTo` after signing in or
 * changing the language, `returnTo` after a thread form): only a path on this site passes, and
 * anything else becomes the fallback.
 *
 * Browsers forgive a lot in a `Location` header: they drop tabs and newlines, read `\` as `/`, and
 * take `//host` or `/\host` as another site. So a value is refused if, as sent or after
 * percent-decoding (repeatedly, since a value may be encoded twice), it has any control, format
 * (bidi, zero-width) or whitespace character, a backslash, does not start with exactly one `/`, or
 * resolves to another origin. Spaces in a query are written `+`, which passes.
 */
export const SAFE_REDIRECT_MAX = 1000;

const ORIGIN = "http://mahalleh.invalid";
// Controls (C0, DEL, C1), format characters (bidi, zero-width), separators and every whitespace;
// the zero-width non-joiner alone is let through, since Persian words (in a search) are written with it.
const FORBIDDEN = /(?!\u200c)[\p{Cc}\p{Cf}\p{Z}\s\\]/u;

function hostile(candidate: string): boolean {
  if (FORBIDDEN.test(candidate)) return true;
  if (!candidate.startsWith("/") || candidate.startsWith("//")) return true;
  return false;
}

export function isSafeRedirect(to: unknown): to is string {
  if (typeof to !== "string" || to.length === 0 || to.length > SAFE_REDIRECT_MAX) return false;
  let current = to;
  // Each decoding must still be a plain path; a value that does not decode is refused.
  for (let round = 0; round < 4; round++) {
    if (hostile(current)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) break;
    if (round === 3) return false; // encoded more deeply than any address of ours
    current = decoded;
  }
  let url: URL;
  try {
    url = new URL(to, ORIGIN);
  } catch {
    return false;
  }
  // Dot segments may not turn the path into `//host` either.
  return url.origin === ORIGIN && !url.pathname.startsWith("//");
}

/** A path on this site to send the person to, or `fallback` when the value is not one. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return isSafeRedirect(to) ? to : fallback;
}

/**
 * A path and an optional `#anchor`, as the thread forms send it: the path passes `safeRedirect`
 * (else `fallback`), the anchor is a plain id (else `defaultAnchor`).
 */
export function safeRedirectWithAnchor(
  to: FormDataEntryValue | string | null | undefined,
  fallback: string,
  defaultAnchor: string,
): string {
  const raw = typeof to === "string" ? to : "";
  const hash = raw.indexOf("#");
  const path = hash === -1 ? raw : raw.slice(0, hash);
  const anchor = hash === -1 ? "" : raw.slice(hash + 1);
  return `${safeRedirect(path, fallback)}#${/^[a-z0-9-]{1,60}$/.test(anchor) ? anchor : defaultAnchor}`;
}
