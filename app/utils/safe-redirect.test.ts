import { describe, expect, it } from "vitest";
import { isSafeRedirect, safeRedirect, safeRedirectWithAnchor } from "./safe-redirect";

const HOSTILE: [string, unknown][] = [
  ["tab after the slash, encoded", "/%09/evil.example"],
  ["tab after the slash, raw", "/\t/evil.example"],
  ["newline, raw", "/\n/evil.example"],
  ["newline, encoded", "/%0a/evil.example"],
  ["carriage return and line feed (header splitting)", "/%0d%0aSet-Cookie:%20x=1"],
  ["raw CRLF header splitting", "/ok\r\nSet-Cookie: x=1"],
  ["NUL", "/%00/evil.example"],
  ["DEL", "/%7f/evil.example"],
  ["C1 control (next line)", "/\u0085/evil.example"],
  ["protocol-relative", "//evil.example"],
  ["protocol-relative with a path", "//evil.example/login"],
  ["slash and backslash", "/\\evil.example"],
  ["two backslashes", "\\\\evil.example"],
  ["backslash encoded", "/%5cevil.example"],
  ["backslash encoded twice", "/%255cevil.example"],
  ["protocol-relative encoded", "/%2fevil.example"],
  ["protocol-relative encoded twice", "%252f%252fevil.example"],
  ["tab encoded twice", "/%2509/evil.example"],
  ["absolute http", "http://evil.example/"],
  ["absolute https", "https://evil.example"],
  ["javascript scheme", "javascript:alert(1)"],
  ["data scheme", "data:text/html,<script>alert(1)</script>"],
  ["scheme with a leading space", " /ok"],
  ["space after the slash", "/ /evil.example"],
  ["no-break space", "/\u00a0/evil.example"],
  ["ideographic space", "/\u3000/evil.example"],
  ["right-to-left override", "/\u202e/elpmaxe.live"],
  ["zero-width space", "/\u200b/evil.example"],
  ["byte-order mark", "\ufeff//evil.example"],
  ["malformed percent-encoding", "/%E0%A4%A"],
  ["dot segments that climb to a protocol-relative path", "/..//evil.example"],
  ["relative path", "evil.example"],
  ["empty", ""],
  ["not a string", 42],
  ["null", null],
  ["a file object stand-in", { name: "x" }],
  ["very long", `/${"a".repeat(5000)}`],
];

describe("safe redirect", () => {
  it.each(HOSTILE)("refuses %s", (_name, value) => {
    expect(isSafeRedirect(value)).toBe(false);
    expect(safeRedirect(value as string, "/fallback")).toBe("/fallback");
  });

  it("has at least twenty hostile cases", () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    "/",
    "/account",
    "/proposals?status=open&q=a+b",
    "/proposals?q=%D8%A8%D9%88%D8%B3%D8%AA%D8%A7%D9%86",
    "/proposals?q=می‌خواهم",
    "/threads/0b6f6a4e-7a0b-4c8e-9f57-6b2a0a9c1d11",
    "/councils/1?tab=members#thread",
  ])("lets a path on this site through: %s", (value) => {
    expect(safeRedirect(value, "/fallback")).toBe(value);
  });

  it("keeps a plain anchor and replaces anything else", () => {
    expect(safeRedirectWithAnchor("/proposals/1#review-thread", "/home", "thread")).toBe("/proposals/1#review-thread");
    expect(safeRedirectWithAnchor("/proposals/1#<x>", "/home", "thread")).toBe("/proposals/1#thread");
    expect(safeRedirectWithAnchor("/%09/evil.example#thread", "/home", "thread")).toBe("/home#thread");
    expect(safeRedirectWithAnchor("//evil.example", "/home", "thread")).toBe("/home#thread");
    expect(safeRedirectWithAnchor(null, "/home", "thread")).toBe("/home#thread");
  });
});
