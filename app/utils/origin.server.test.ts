import { describe, expect, it } from "vitest";
import { isAllowedOrigin, isCrossSiteWrite } from "./origin.server";

type OriginEnv = { APP_ORIGIN: string[] | undefined };
const NO_LIST: OriginEnv = { APP_ORIGIN: undefined };
const LISTED: OriginEnv = { APP_ORIGIN: ["https://mahalleh.example", "https://www.mahalleh.example"] };
const HOST = "mahalleh.example";

describe("isAllowedOrigin", () => {
  it("accepts the origin the request was addressed to", () => {
    expect(isAllowedOrigin("https://mahalleh.example", NO_LIST, HOST, "https")).toBe(true);
    expect(isAllowedOrigin("http://localhost:3000", NO_LIST, "localhost:3000", "http")).toBe(true);
  });

  it.each([
    ["another site", "https://evil.example"],
    ["a look-alike subdomain", "https://mahalleh.example.evil.example"],
    ["another scheme", "http://mahalleh.example"],
    ["another port", "https://mahalleh.example:8443"],
    ["not a URL", "mahalleh.example"],
    ["the literal null", "null"],
  ])("refuses %s", (_label, origin) => {
    expect(isAllowedOrigin(origin, NO_LIST, HOST, "https")).toBe(false);
  });

  it("refuses everything when neither APP_ORIGIN nor a host is known", () => {
    expect(isAllowedOrigin("https://mahalleh.example", NO_LIST, undefined, "https")).toBe(false);
  });

  it("uses the APP_ORIGIN list instead of the request host", () => {
    expect(isAllowedOrigin("https://www.mahalleh.example", LISTED, "internal:3000", "http")).toBe(true);
    expect(isAllowedOrigin("https://mahalleh.example", LISTED, undefined, "http")).toBe(true);
    expect(isAllowedOrigin("http://internal:3000", LISTED, "internal:3000", "http")).toBe(false);
  });
});

describe("isCrossSiteWrite", () => {
  const check = (headers: Parameters<typeof isCrossSiteWrite>[0], env = NO_LIST, host: string | undefined = HOST) =>
    isCrossSiteWrite(headers, env, host, "https");

  it("lets a same-origin form through", () => {
    expect(check({ origin: "https://mahalleh.example", "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("refuses a form posted from another origin", () => {
    expect(check({ origin: "https://evil.example" })).toBe(true);
    expect(check({ origin: "https://evil.example", referer: "https://mahalleh.example/x" })).toBe(true);
  });

  it('refuses Origin "null" (sandboxed frames, data: pages)', () => {
    expect(check({ origin: "null" })).toBe(true);
    expect(check({ origin: "null", referer: "https://mahalleh.example/", "sec-fetch-site": "same-origin" })).toBe(true);
  });

  it("refuses Sec-Fetch-Site cross-site when Origin is missing", () => {
    expect(check({ "sec-fetch-site": "cross-site" })).toBe(true);
    expect(check({ "sec-fetch-site": "cross-site", referer: "https://mahalleh.example/" })).toBe(true);
    expect(check({ "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("falls back to Referer when Origin is missing", () => {
    expect(check({ referer: "https://mahalleh.example/districts/new?x=1" })).toBe(false);
    expect(check({ referer: "https://evil.example/mahalleh.example" })).toBe(true);
  });

  it("follows the APP_ORIGIN list rather than the Host header", () => {
    expect(check({ origin: "https://www.mahalleh.example" }, LISTED, "internal:3000")).toBe(false);
    expect(check({ origin: "https://internal:3000" }, LISTED, "internal:3000")).toBe(true);
    expect(check({ referer: "https://mahalleh.example/" }, LISTED, "internal:3000")).toBe(false);
  });

  it("allows a request with no browser headers at all", () => {
    expect(check({})).toBe(false);
    expect(check({}, NO_LIST, undefined)).toBe(false);
  });
});
