import { describe, expect, it } from "vitest";
import { stripNul } from "./strip-nul.server";

describe("stripNul", () => {
  it("drops every zero byte and keeps the rest exactly", () => {
    const text = "<p>همراه</p>";
    const bytes = Buffer.from(text);
    const padded = Buffer.concat([
      bytes.subarray(0, 4),
      Buffer.alloc(3),
      bytes.subarray(4, 9),
      Buffer.alloc(1),
      bytes.subarray(9),
      Buffer.alloc(2),
    ]);
    expect(stripNul(padded).toString()).toBe(text);
    expect(stripNul(Buffer.alloc(2)).length).toBe(0);
    expect(stripNul(bytes)).toBe(bytes);
  });
});
