import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { notifyCityChanged } from "../../app/realtime/notify.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { REDIS_AVAILABLE, startTestRedis, type TestRedis } from "../support/redis";
import { waitFor } from "../support/wait";
import { metricValue } from "../support/metrics";

/**
 * REDIS_URL switches socket.io between instances to the Redis streams adapter (the default stays
 * PostgreSQL, tested in socket.test.ts and database-outage.test.ts). Two instances on one Redis of
 * the test's own (never the machine's): events cross between them, /readyz follows Redis, and an
 * event emitted while Redis is stopped arrives once it is back.
 */

if (!REDIS_AVAILABLE) console.warn("redis-server is not installed: the Redis adapter tests are skipped");

describe.runIf(REDIS_AVAILABLE).each(BACKENDS)("socket.io over Redis streams (%s)", (backend) => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    a = await startTestApp(backend, { REDIS_URL: redis.url });
    // On PostgreSQL the second instance shares the database, as behind a load balancer; on PGlite
    // each has its own (the rooms used here need none).
    b = await startTestApp(backend, { REDIS_URL: redis.url }, backend === "postgres" ? { sameDatabaseAs: a.database } : {});
  }, 60_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.destroy();
  });

  async function readerOn(app: TestApp) {
    const socket = connect(app.baseUrl, { transports: ["websocket"], extraHeaders: { origin: app.baseUrl }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await waitFor(() => socket.connected, 5000, "socket connected");
    expect(await socket.timeout(5000).emitWithAck("room:join", { room: "city" })).toEqual({ ok: true, room: "city" });
    return socket;
  }

  it("is chosen by REDIS_URL and reported ready", async () => {
    for (const app of [a, b]) {
      const ready = await fetch(`${app.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ok", adapter: { kind: "redis", status: "ok" } });
      expect(metricValue(await (await fetch(`${app.baseUrl}/metrics`)).text(), "mahalleh_socket_adapter_info", { adapter: "redis" })).toBe(1);
    }
  });

  it("carries an event emitted on one instance to a reader on the other", async () => {
    const reader = await readerOn(b);
    let got = 0;
    reader.on("city:changed", () => got++);
    // The other instance may not have read the stream yet when the join is answered: emit until seen once.
    await waitFor(() => {
      if (got === 0) notifyCityChanged(a.server.services.io);
      return got > 0;
    }, 10_000, "the event on the other instance");
    const before = got;
    notifyCityChanged(a.server.services.io);
    await waitFor(() => got === before + 1, 5000, "one more event");
    // Presence-style questions across instances go through Redis too.
    const everywhere = await a.server.services.io.in("city").fetchSockets();
    expect(everywhere.length).toBeGreaterThanOrEqual(1);
  });

  it("is not ready while Redis is down, and delivers what was emitted meanwhile once it is back", async () => {
    const reader = await readerOn(b);
    let got = 0;
    reader.on("city:changed", () => got++);
    await waitFor(() => {
      if (got === 0) notifyCityChanged(a.server.services.io);
      return got > 0;
    }, 10_000, "the link works before the restart");
    const before = got;

    await redis.stop();
    try {
      await waitFor(async () => (await fetch(`${a.baseUrl}/readyz`)).status === 503, 10_000, "not ready without Redis");
      const body = await (await fetch(`${a.baseUrl}/readyz`)).json();
      expect(body).toMatchObject({ status: "error", db: { status: "ok" }, adapter: { kind: "redis", status: "unavailable" } });
      expect((await fetch(`${a.baseUrl}/healthz`)).status).toBe(200);
      // Emitted while Redis is down: queued by the client, written once Redis is back.
      notifyCityChanged(a.server.services.io);
    } finally {
      await redis.start();
    }
    await waitFor(async () => (await fetch(`${a.baseUrl}/readyz`)).status === 200, 15_000, "ready again");
    await waitFor(async () => (await fetch(`${b.baseUrl}/readyz`)).status === 200, 15_000, "the other ready again");
    await waitFor(() => got === before + 1, 15_000, "the event emitted during the outage");
    const errors = metricValue(await (await fetch(`${a.baseUrl}/metrics`)).text(), "mahalleh_socket_adapter_errors_total", { adapter: "redis" });
    expect(errors).toBeGreaterThan(0);
  });
});
