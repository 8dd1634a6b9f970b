import type { Env } from "./env.server";

/**
 * Whether a request's Origin is this app. Allowed: the origins in APP_ORIGIN, or, when that is
 * unset, the origin the request itself was addressed to.
 */
export function isAllowedOrigin(origin: string, env: Pick<Env, "APP_ORIGIN">, host: string | undefined, protocol: string) {
  if (env.APP_ORIGIN?.length) return env.APP_ORIGIN.some((allowed) => sameOrigin(allowed, origin));
  if (!host) return false;
  return sameOrigin(`${protocol}://${host}`, origin);
}

function sameOrigin(a: string, b: string) {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * A state-changing request from another site is refused. Browsers send Origin on POST; older ones
 * may send only Sec-Fetch-Site or Referer, which are checked in turn.
 */
export function isCrossSiteWrite(
  headers: { origin?: string; referer?: string; "sec-fetch-site"?: string },
  env: Pick<Env, "APP_ORIGIN">,
  host: string | undefined,
  protocol: string,
): boolean {
  if (headers.origin && headers.origin !== "null") return !isAllowedOrigin(headers.origin, env, host, protocol);
  if (headers.origin === "null") return true;
  if (headers["sec-fetch-site"] === "cross-site") return true;
  if (headers.referer) return !isAllowedOrigin(headers.referer, env, host, protocol);
  // No browser signal at all (scripts, curl): the SameSite cookie still keeps sessions out.
  return false;
}
