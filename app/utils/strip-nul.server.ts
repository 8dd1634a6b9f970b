import { Transform } from "node:stream";

/**
 * React 18's streaming renderer pads its 2 KB output buffer with zero bytes when a multi-byte
 * character (every Persian letter) does not fit at the end of the buffer; the character itself is
 * written into the next buffer. Dropping the zero bytes restores the exact document. HTML never
 * carries U+0000 legitimately, and user text has control characters stripped on input.
 * See docs/decisions/003-strip-nul-from-ssr-stream.md.
 */
export function createStripNulStream() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunk.indexOf(0) === -1) return callback(null, chunk);
      const out = Buffer.allocUnsafe(chunk.length);
      let length = 0;
      for (const byte of chunk) if (byte !== 0) out[length++] = byte;
      callback(null, out.subarray(0, length));
    },
  });
}
