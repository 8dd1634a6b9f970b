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
  }, 180_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.destroy();
  });

  let mark = 0;
  /** Emits a numbered signal to the city room from an instance (the payload tells each apart). */
  const emitFrom = (app: TestApp) => {
    const n = ++mark;
    app.server.services.io.to("city").emit("city:changed", { mark: n });
    return n;
  };

  async function readerOn(app: TestApp) {
    const socket = connect(app.baseUrl, {
      transports: ["websocket"],
      extraHeaders: { origin: app.baseUrl },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const marks: number[] = [];
    socket.on("city:changed", (payload: { mark?: number } | undefined) => marks.push(payload?.mark ?? 0));
    await waitFor(() => socket.connected, 5000, "socket connected");
    expect(await socket.timeout(5000).emitWithAck("room:join", { room: "city" })).toEqual({ ok: true, room: "city" });
    return { socket, marks };
  }

  /** The link works: a signal from A reaches B's reader (sent again, numbered anew, until one does). */
  async function linked(reader: { marks: number[] }) {
    await waitFor(
      () => {
        const sent = emitFrom(a);
        return reader.marks.some((m) => m >= sent - 20 && m > 0) || null;
      },
      10_000,
      "a signal from one instance on the other",
    );
  }

  it("is chosen by REDIS_URL and reported ready", async () => {
    for (const app of [a, b]) {
      const ready = await fetch(`${app.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ok", adapter: { kind: "redis", status: "ok" } });
      expect(metricValue(await (await fetch(`${app.baseUrl}/metrics`)).text(), "mahalleh_socket_adapter_info", { adapter: "redis" })).toBe(
        1,
      );
    }
  });

  it("carries an event emitted on one instance to a reader on the other, once", async () => {
    const reader = await readerOn(b);
    await linked(reader);
    const n = emitFrom(a);
    await waitFor(() => reader.marks.includes(n), 5000, `signal ${n} on the other instance`);
    notifyCityChanged(a.server.services.io);
    await waitFor(() => reader.marks.includes(0), 5000, "the app's own city:changed on the other instance");
    expect(reader.marks.filter((m) => m === n)).toHaveLength(1);
    // Questions to every instance (presence counts) go through Redis too.
    const everywhere = await a.server.services.io.in("city").fetchSockets();
    expect(everywhere.length).toBeGreaterThanOrEqual(1);
  });

  it("delivers an event once when its publish is sent again after Redis carried out the first attempt", async () => {
    // As after a connection cut between Redis writing the entry and its reply: the same message
    // goes into the stream twice. The other instance drops the second by the message's own id.
    const reader = await readerOn(b);
    await linked(reader);
    const n = ++mark;
    const adapter = a.server.services.io.of("/").adapter as unknown as { uid: string; doPublish(message: unknown): Promise<unknown> };
    const message = {
      uid: adapter.uid,
      nsp: "/",
      type: 3, // BROADCAST
      data: { packet: { type: 2, nsp: "/", data: ["city:changed", { mark: n }] }, opts: { rooms: ["city"], except: [], flags: {} } },
    };
    await adapter.doPublish(message);
    await adapter.doPublish(message);
    const after = emitFrom(a);
    await waitFor(() => reader.marks.includes(after), 5000, `signal ${after} on the other instance`);
    expect(reader.marks.filter((m) => m === n)).toHaveLength(1);
  });

  it("is not ready while Redis is down, and delivers what was emitted meanwhile once it is back", async () => {
    const reader = await readerOn(b);
    await linked(reader);

    let during = 0;
    await redis.stop();
    try {
      await waitFor(async () => (await fetch(`${a.baseUrl}/readyz`)).status === 503, 10_000, "not ready without Redis");
      const body = await (await fetch(`${a.baseUrl}/readyz`)).json();
      expect(body).toMatchObject({ status: "error", db: { status: "ok" }, adapter: { kind: "redis", status: "unavailable" } });
      expect((await fetch(`${a.baseUrl}/healthz`)).status).toBe(200);
      // Emitted while Redis is down: queued by the client, written once Redis is back.
      during = emitFrom(a);
    } finally {
      await redis.start();
    }
    await waitFor(async () => (await fetch(`${a.baseUrl}/readyz`)).status === 200, 15_000, "ready again");
    await waitFor(async () => (await fetch(`${b.baseUrl}/readyz`)).status === 200, 15_000, "the other ready again");
    await waitFor(() => reader.marks.includes(during), 15_000, "the signal emitted during the outage");
    const after = emitFrom(a);
    await waitFor(() => reader.marks.includes(after), 15_000, "a signal after the restart");
    expect(reader.marks.filter((m) => m === during)).toHaveLength(1);
    const errors = metricValue(await (await fetch(`${a.baseUrl}/metrics`)).text(), "mahalleh_socket_adapter_errors_total", {
      adapter: "redis",
    });
    expect(errors).toBeGreaterThan(0);
  });
});
