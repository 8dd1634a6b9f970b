import { Fragment } from "react";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'«»]+[^\s<>"'«».,،؛:!?؟)\]]/gi;

/**
 * Plain text where http(s) addresses become links and nothing else does: no HTML, no other schemes
 * (a `javascript:` address stays text). Line breaks are kept by the caller's class ("prose").
 * Links open without referrer and are marked as user content.
 */
export function LinkedText({ text, className }: { text: string; className?: string }) {
  const parts: (string | { href: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push({ href: match[0] });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <p className={className} dir="auto">
      {parts.map((part, i) =>
        typeof part === "string" ? (
          <Fragment key={i}>{part}</Fragment>
        ) : (
          <a key={i} href={part.href} rel="nofollow noopener noreferrer ugc" target="_blank" dir="ltr">
            {part.href}
          </a>
        ),
      )}
    </p>
  );
}
