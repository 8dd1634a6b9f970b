import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { districts } from "../../db/schema";
import { notifyCityChanged } from "../../app/realtime/notify.server";
import { readsMayLag } from "../../app/server/app-server.server";
import { ConfigError, loadEnv } from "../../app/utils/env.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { metricValue } from "../support/metrics";
import { waitFor } from "../support/wait";

/**
 * What an operator sees: /metrics (who may read it, and that it counts what happened by route id,
 * never by raw address), /healthz against /readyz (database, adapter, draining), and the read
 * handle of DATABASE_READ_URL.
 */

const TOKEN = "metrics-token-0123456789abcdef";

/** Status of a GET whose answer was read to its end (the server counts a request when it has sent it all). */
async function status(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response.status;
}

async function scrape(app: TestApp, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}/metrics`, { headers });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

function openSocket(app: TestApp) {
  return connect(app.baseUrl, { transports: ["websocket"], extraHeaders: { origin: app.baseUrl }, reconnection: false, forceNew: true });
}

describe.each(BACKENDS)("metrics, health and readiness (%s)", (backend) => {
  let app: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await startTestApp(backend, { METRICS_TOKEN: TOKEN });
  }, 180_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("answers /metrics to loopback and to the bearer token only", async () => {
    const local = await scrape(app);
    expect(local.status).toBe(200);
    expect(local.type).toContain("text/plain");
    expect(local.text).toContain("# TYPE mahalleh_http_requests_total counter");

    // Through a proxy on this machine, a visitor from elsewhere is not loopback.
    const remote = { "x-forwarded-for": "10.20.30.40" };
    expect((await scrape(app, remote)).status).toBe(403);
    expect((await scrape(app, { ...remote, authorization: "Bearer wrong-token-0123456789" })).status).toBe(403);
    expect((await scrape(app, { ...remote, authorization: TOKEN })).status).toBe(403);
    const withToken = await scrape(app, { ...remote, authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).toBe(200);
    expect(withToken.text).toContain("mahalleh_http_requests_total");
  });

  it("counts requests by Remix route id and method, never by raw address", async () => {
    const [district] = await app.database.db
      .insert(districts)
      .values({ number: 71, name: "منطقه هفتاد و یک", nameKey: "منطقه هفتاد و یک" })
      .returning({ id: districts.id });
    const before = (await scrape(app)).text;
    const base = metricValue(before, "mahalleh_http_requests_total", { route: "routes/proposals._index", method: "GET", code: "200" });
    expect(await status(`${app.baseUrl}/proposals`)).toBe(200);
    expect(await status(`${app.baseUrl}/proposals.data`)).toBe(200);
    expect(await status(`${app.baseUrl}/districts/${district!.id}`)).toBe(200);
    expect(await status(`${app.baseUrl}/no/such/page/${"x".repeat(20)}`)).toBe(404);
    const after = (await scrape(app)).text;

    expect(metricValue(after, "mahalleh_http_requests_total", { route: "routes/proposals._index", method: "GET", code: "200" })).toBe(
      base + 2,
    );
    expect(
      metricValue(after, "mahalleh_http_requests_total", { route: "routes/districts.$districtId", method: "GET", code: "200" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(after, "mahalleh_http_request_duration_seconds_count", { route: "routes/districts.$districtId", method: "GET" }),
    ).toBeGreaterThanOrEqual(1);
    // Unknown addresses share the splat route's label.
    expect(metricValue(after, "mahalleh_http_requests_total", { route: "routes/$", code: "404" })).toBeGreaterThanOrEqual(1);
    // No label carries an id or a raw path.
    expect(after).not.toContain(district!.id);
    expect(after).not.toContain("xxxxxxxxxx");
    // The database was used and timed, and its pool is described.
    expect(
      metricValue(after, "mahalleh_db_operation_duration_seconds_count", { handle: "primary", operation: "query", outcome: "ok" }),
    ).toBeGreaterThan(0);
    expect(metricValue(after, "mahalleh_db_pool_size", { handle: "primary" })).toBe(backend === "pglite" ? 1 : 20);
    expect(after).toContain('mahalleh_db_pool_in_use{handle="primary"}');
    expect(after).toContain("mahalleh_process_resident_memory_bytes");
  });

  it("has every series the Grafana dashboard asks for", async () => {
    const dashboard = fs.readFileSync(path.resolve(import.meta.dirname, "../../docs/deploy/grafana-dashboard.json"), "utf8");
    JSON.parse(dashboard);
    const text = (await scrape(app)).text;
    const names = new Set([...dashboard.matchAll(/mahalleh_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(names.size).toBeGreaterThan(10);
    const missing = [...names].filter((name) => !new RegExp(`^(# (HELP|TYPE) )?${name}[ {]`, "m").test(text));
    expect(missing).toEqual([]);
  });

  it("counts sockets, rooms, events published and delivered", async () => {
    const a = openSocket(app);
    const b = openSocket(app);
    sockets.push(a, b);
    for (const s of [a, b]) {
      await waitFor(() => s.connected, 5000, "socket connected");
      expect(await s.timeout(5000).emitWithAck("room:join", { room: "city" })).toEqual({ ok: true, room: "city" });
    }
    const before = (await scrape(app)).text;
    expect(metricValue(before, "mahalleh_sockets_connected")).toBeGreaterThanOrEqual(2);
    expect(metricValue(before, "mahalleh_socket_rooms", { kind: "city" })).toBe(1);
    const published = metricValue(before, "mahalleh_socket_events_published_total", { event: "city:changed" });
    const delivered = metricValue(before, "mahalleh_socket_events_delivered_total", { event: "city:changed" });

    let got = 0;
    for (const s of [a, b]) s.on("city:changed", () => got++);
    notifyCityChanged(app.server.services.io);
    await waitFor(() => got === 2, 5000, "both sockets told");
    const after = (await scrape(app)).text;
    expect(metricValue(after, "mahalleh_socket_events_published_total", { event: "city:changed" })).toBe(published + 1);
    expect(metricValue(after, "mahalleh_socket_events_delivered_total", { event: "city:changed" })).toBe(delivered + 2);
    expect(metricValue(after, "mahalleh_socket_adapter_info", { adapter: backend === "pglite" ? "memory" : "postgres" })).toBe(1);
  });

  it("tells alive (/healthz) from ready (/readyz): the database, and draining", async () => {
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ok",
      draining: false,
      db: { status: "ok", driver: backend },
      adapter: { kind: backend === "pglite" ? "memory" : "postgres", status: "ok" },
    });

    app.server.setDraining(true);
    try {
      const draining = await fetch(`${app.baseUrl}/readyz`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ status: "error", draining: true, db: { status: "ok" } });
      expect(await status(`${app.baseUrl}/healthz`)).toBe(200);
      // Pages are still served while draining: only new visitors are sent elsewhere.
      expect(await status(`${app.baseUrl}/proposals`)).toBe(200);
    } finally {
      app.server.setDraining(false);
    }
    expect(await status(`${app.baseUrl}/readyz`)).toBe(200);

    // The database unreachable: not ready, still alive; the 503 pages are counted.
    const before = metricValue((await scrape(app)).text, "mahalleh_database_unavailable_answers_total");
    const ping = app.database.ping;
    app.database.ping = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    };
    try {
      const down = await fetch(`${app.baseUrl}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: "error", db: { status: "unavailable" } });
      const alive = await fetch(`${app.baseUrl}/healthz`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toMatchObject({ status: "ok" });
      expect(await status(`${app.baseUrl}/proposals`)).toBe(503);
      expect(metricValue((await scrape(app)).text, "mahalleh_database_unavailable_answers_total")).toBe(before + 1);
    } finally {
      app.database.ping = ping;
    }
    await waitFor(async () => (await status(`${app.baseUrl}/readyz`)) === 200, 15_000, "ready again");
  });
});

describe.each(BACKENDS)("load shedding in the metrics (%s)", (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { MAX_INFLIGHT: "1", MAX_QUEUE: "0" });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  it("counts page views turned away, and /metrics and /readyz are never held", async () => {
    // A form post whose body is still coming holds the one slot.
    const body = new URLSearchParams({ phone: "09120000000", password: "نادرست-نادرست" }).toString();
    const held = http.request(`${app.baseUrl}/login`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body), origin: app.baseUrl },
    });
    const answered = new Promise<number>((resolve) => held.on("response", (res) => (res.resume(), resolve(res.statusCode!))));
    held.flushHeaders();
    held.write(body.slice(0, 5));
    try {
      await waitFor(async () => (await status(`${app.baseUrl}/`)) === 503, 20_000, "a page view turned away");
      expect(await status(`${app.baseUrl}/readyz`)).toBe(200);
      const text = (await scrape(app)).text;
      expect(metricValue(text, "mahalleh_load_shed_total", { reason: "queue_full" })).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, "mahalleh_http_requests_total", { route: "routes/_index", code: "503" })).toBeGreaterThanOrEqual(1);
    } finally {
      held.end(body.slice(5));
    }
    await answered;
  });
});

describe("the read handle (DATABASE_READ_URL)", () => {
  it("is refused without DATABASE_URL", () => {
    expect(() => loadEnv({ DATABASE_READ_URL: "postgres://x@127.0.0.1/y" })).toThrow(ConfigError);
  });

  it("reads may lag only for a page asked for by someone with no session", () => {
    const req = (method: string, path: string, headers: Record<string, string> = {}) => ({ method, path, headers });
    expect(readsMayLag(req("GET", "/proposals"))).toBe(true);
    expect(readsMayLag(req("GET", "/proposals", { cookie: "lng=en" }))).toBe(true);
    expect(readsMayLag(req("GET", "/proposals", { cookie: "lng=fa; mahalleh_session=abc" }))).toBe(false);
    expect(readsMayLag(req("GET", "/proposals", { authorization: "Bearer x" }))).toBe(false);
    expect(readsMayLag(req("GET", "/proposals.data"))).toBe(false);
    expect(readsMayLag(req("POST", "/proposals"))).toBe(false);
  });

  describe.runIf(BACKENDS.includes("postgres"))("pointed at the same PostgreSQL", () => {
    let owner: TestApp;
    let app: TestApp;
    beforeAll(async () => {
      // A fresh database, and an instance on it whose read handle is the same server and database.
      owner = await startTestApp("postgres");
      app = await startTestApp("postgres", { DATABASE_READ_URL: owner.database.url! }, { sameDatabaseAs: owner.database });
    }, 180_000);
    afterAll(async () => {
      await app?.close();
      await owner?.close();
    });

    it("is a separate, read-only handle used for visitors' first page views", async () => {
      const { db, readDb } = app.server.services;
      expect(readDb).not.toBe(db);
      await expect(
        readDb.insert(districts).values({ number: 72, name: "منطقه هفتاد و دو", nameKey: "منطقه هفتاد و دو" }),
      ).rejects.toMatchObject({ cause: expect.objectContaining({ code: "25006" }) });
      await db.insert(districts).values({ number: 73, name: "منطقه هفتاد و سه", nameKey: "منطقه هفتاد و سه" });

      const reads = async () => metricValue((await scrape(app)).text, "mahalleh_db_operation_duration_seconds_count", { handle: "read" });
      const ready = await (await fetch(`${app.baseUrl}/readyz`)).json();
      expect(ready).toMatchObject({ status: "ok", readDb: { status: "ok" } });

      const r0 = await reads();
      const home = await fetch(`${app.baseUrl}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("منطقه هفتاد و سه");
      const r1 = await reads();
      expect(r1).toBeGreaterThan(r0);

      // Data requests (what a live event makes a page ask again) and signed-in visitors read the primary.
      expect(await status(`${app.baseUrl}/_root.data`)).toBe(200);
      expect(await status(`${app.baseUrl}/proposals.data`)).toBe(200);
      expect(await status(`${app.baseUrl}/proposals`, { cookie: "mahalleh_session=not-a-session" })).toBe(200);
      expect(await reads()).toBe(r1);

      const list = await fetch(`${app.baseUrl}/proposals`);
      expect(list.status).toBe(200);
      expect(await reads()).toBeGreaterThan(r1);
    });
  });
});
