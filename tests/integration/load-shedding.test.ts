import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

function get(baseUrl: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${path}`, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string | undefined, body }));
      })
      .on("error", reject);
  });
}

/**
 * A form post whose body arrives only when `finish` is called: while it waits for its body, it
 * holds one of the server's slots for page requests.
 */
function slowPost(baseUrl: string) {
  const body = new URLSearchParams({ phone: "09120000000", password: "نادرست-نادرست" }).toString();
  const bytes = Buffer.byteLength(body);
  let settle!: (a: Answer) => void;
  const answer = new Promise<Answer>((resolve) => (settle = resolve));
  const req = http.request(`${baseUrl}/login`, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": bytes, origin: baseUrl },
  });
  req.on("response", (res) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (c) => (text += c));
    res.on("end", () => settle({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string | undefined, body: text }));
  });
  req.flushHeaders();
  req.write(body.slice(0, 5));
  return {
    answer,
    finish: () => req.end(body.slice(5)),
  };
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectBusyPage(answer: Answer) {
  expect(answer.status).toBe(503);
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(answer.body).toContain(fa.errors.busy_title);
  expect(answer.body).toContain(fa.errors.busy_body);
  expect(answer.body).toContain('dir="rtl"');
}

describe.each(BACKENDS)("bounded concurrency on %s", (backend) => {
  describe("one slot, no queue", () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(backend, { MAX_INFLIGHT: "1", MAX_QUEUE: "0" });
    });
    afterAll(async () => {
      await app?.close();
    });

    it("answers page requests beyond the limit at once with a Persian 503 and Retry-After; health and static files pass", async () => {
      expect((await get(app.baseUrl, "/")).status).toBe(200);
      const holder = slowPost(app.baseUrl);
      // The held post has its slot once a page view is turned away.
      expectBusyPage(
        await until(
          "a page to be turned away",
          () => get(app.baseUrl, "/"),
          (a) => a.status === 503,
        ),
      );
      const burst = await Promise.all(Array.from({ length: 5 }, () => get(app.baseUrl, "/proposals")));
      for (const answer of burst) expectBusyPage(answer);
      // The open data API is turned away in its own shape: JSON, not a page.
      const api = await get(app.baseUrl, "/api/v1/proposals");
      expect(api.status).toBe(503);
      expect(Number(api.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(api.body)).toEqual({ error: { code: "busy", message: fa.errors.busy_body } });
      expect((await get(app.baseUrl, "/healthz")).status).toBe(200);
      expect((await get(app.baseUrl, "/favicon.svg")).status).toBe(200);

      holder.finish();
      expect((await holder.answer).status).not.toBe(503);
      // The slot is free again.
      expect(
        (
          await until(
            "the page to be served again",
            () => get(app.baseUrl, "/"),
            (a) => a.status === 200,
          )
        ).status,
      ).toBe(200);
    });
  });

  describe("one slot, a short queue", () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(backend, { MAX_INFLIGHT: "1", MAX_QUEUE: "1", MAX_QUEUE_WAIT_MS: "200" });
    });
    afterAll(async () => {
      await app?.close();
    });

    it("turns away a page view that waited too long or found the queue full, and lets a form post wait its turn", async () => {
      const holder = slowPost(app.baseUrl);
      await until(
        "a page to be turned away",
        () => get(app.baseUrl, "/"),
        (a) => a.status === 503,
      );
      // One waits in the queue (and is turned away when its wait runs out), the other finds it full.
      const [first, second] = await Promise.all([get(app.baseUrl, "/"), get(app.baseUrl, "/proposals")]);
      expectBusyPage(first);
      expectBusyPage(second);

      // A form post is never turned away: it waits for the slot and is then answered.
      const queuedPost = fetch(`${app.baseUrl}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl },
        body: new URLSearchParams({ phone: "09120000001", password: "نادرست-نادرست" }),
      });
      holder.finish();
      expect((await holder.answer).status).not.toBe(503);
      expect((await queuedPost).status).not.toBe(503);
      expect(
        (
          await until(
            "the page to be served again",
            () => get(app.baseUrl, "/"),
            (a) => a.status === 200,
          )
        ).status,
      ).toBe(200);
    });
  });
});
