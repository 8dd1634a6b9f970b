import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";

/** The nonce the security header allows and the nonces the page's scripts carry. */
async function nonces(response: Response) {
  const header = response.headers.get("content-security-policy") ?? "";
  const allowed = /'nonce-([^']+)'/.exec(header)?.[1] ?? "";
  const html = await response.text();
  const used = new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]));
  return { allowed, used, html };
}

describe.each(BACKENDS)("pages kept for visitors who are not signed in, on %s", (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { PAGE_CACHE_MS: "60000" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("renders a public page once and answers the next visitor from it, with that visitor's own nonce", async () => {
    const first = await fetch(`${app.baseUrl}/proposals`);
    expect(first.headers.get("x-page-cache")).toBe("miss");
    const a = await nonces(first);
    const second = await fetch(`${app.baseUrl}/proposals`);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-page-cache")).toBe("hit");
    const b = await nonces(second);
    expect(b.allowed).not.toBe(a.allowed);
    expect([...b.used]).toEqual([b.allowed]);
    expect(b.html.replaceAll(b.allowed, "N")).toBe(a.html.replaceAll(a.allowed, "N"));
  });

  it("keeps each language apart and never answers a request that carries a session from it", async () => {
    await fetch(`${app.baseUrl}/`);
    const english = await fetch(`${app.baseUrl}/`, { headers: { cookie: "lng=en" } });
    expect(english.headers.get("x-page-cache")).toBe("miss");
    expect(await english.text()).toContain('lang="en"');
    const withSession = await fetch(`${app.baseUrl}/`, { headers: { cookie: "lng=fa; __session=anything" } });
    expect(withSession.headers.get("x-page-cache")).toBeNull();
  });

  it("never keeps sign-in, development or data answers", async () => {
    for (const path of ["/login", "/login", "/dev/outbox", "/proposals.data", "/proposals.data", "/proposals/new"]) {
      const response = await fetch(`${app.baseUrl}${path}`, { redirect: "manual" });
      expect(response.headers.get("x-page-cache"), path).toBeNull();
      await response.arrayBuffer();
    }
  });
});

describe("outside production", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("pglite");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("keeps nothing unless PAGE_CACHE_MS says so", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${app.baseUrl}/proposals`);
      expect(response.headers.get("x-page-cache")).toBeNull();
      await response.arrayBuffer();
    }
  });
});
