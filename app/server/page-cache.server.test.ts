import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPageCache } from "./page-cache.server";

/** A page whose render the test holds and releases, answered through the cache as in the app. */
describe("a kept page past its time", () => {
  let now = 1_000_000;
  let renders = 0;
  let hold: Promise<void> = Promise.resolve();
  let release = () => {};
  let server: http.Server;
  let base = "";

  const holdRenders = () => {
    hold = new Promise<void>((resolve) => {
      release = resolve;
    });
  };

  beforeAll(async () => {
    const app = express();
    let n = 0;
    app.use((_req, res, next) => {
      res.locals.cspNonce = `nonce${++n}`;
      next();
    });
    app.use(createPageCache({ ttlMs: 1000, staleMs: 1000, now: () => now }));
    app.get("/proposals", async (_req, res) => {
      const version = ++renders;
      await hold;
      res.type("html").send(`<p>render ${version}</p><script nonce="${res.locals.cspNonce}"></script>`);
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    release();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async () => {
    const response = await fetch(`${base}/proposals`);
    return { cache: response.headers.get("x-page-cache"), html: await response.text() };
  };

  it("answers at once from the old copy while one request renders the new one", async () => {
    expect(await get()).toMatchObject({ cache: "miss", html: expect.stringContaining("render 1") });
    expect(await get()).toMatchObject({ cache: "hit", html: expect.stringContaining("render 1") });

    now += 1500; // past its time, within the stale allowance
    holdRenders();
    const renewing = get();
    await expect.poll(() => renders).toBe(2);
    // The render is held: this visitor is answered from the old copy, with its own nonce.
    const stale = await get();
    expect(stale.cache).toBe("stale");
    expect(stale.html).toContain("render 1");
    expect(stale.html).toMatch(/nonce="nonce\d+"/);
    expect(stale.html).not.toContain('nonce="nonce1"');
    expect(renders).toBe(2);
    release();
    expect(await renewing).toMatchObject({ cache: "miss", html: expect.stringContaining("render 2") });
    expect(await get()).toMatchObject({ cache: "hit", html: expect.stringContaining("render 2") });
  });

  it("never answers from a copy older than the allowance: visitors wait for the render", async () => {
    now += 5000;
    holdRenders();
    const renewing = get();
    await expect.poll(() => renders).toBe(3);
    // Too old to answer with: this visitor waits for the render (and gets it, not the old copy).
    const waiting = get();
    release();
    expect(await renewing).toMatchObject({ cache: "miss", html: expect.stringContaining("render 3") });
    expect(await waiting).toMatchObject({ cache: "hit", html: expect.stringContaining("render 3") });
    expect(renders).toBe(3);
  });
});
