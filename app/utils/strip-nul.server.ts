/**
 * React 18's streaming renderer pads its 2 KB output buffer with zero bytes when a multi-byte
 * character (every Persian letter) does not fit at the end of the buffer; the character itself is
 * written into the next buffer. Dropping the zero bytes restores the exact document. HTML never
 * carries U+0000 legitimately, and user text has control characters stripped on input.
 * See docs/decisions/003-strip-nul-from-ssr-stream.md.
 */
export function stripNul(html: Buffer): Buffer {
  let at = html.indexOf(0);
  if (at === -1) return html;
  const out = Buffer.allocUnsafe(html.length);
  let length = 0;
  let from = 0;
  while (at !== -1) {
    length += html.copy(out, length, from, at);
    from = at + 1;
    at = html.indexOf(0, from);
  }
  length += html.copy(out, length, from);
  return out.subarray(0, length);
}
