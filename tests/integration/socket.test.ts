import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { roleAssignments, users } from "../../db/schema";
import { notifyAuthChanged, notifyCityChanged } from "../../app/realtime/notify.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless } from "../support/http";
import { nextEvent, pause, scaled, waitFor } from "../support/wait";

const JOIN = "room:join";

/**
 * Counts an event: waits (with a scaled deadline) until `expected` have arrived, then keeps
 * counting for `ms` (scaled) more, so that one too many is seen too; returns how many arrived.
 */
async function countEvents(socket: Socket, event: string, ms: number, expected = 0) {
  let n = 0;
  const on = () => n++;
  socket.on(event, on);
  try {
    if (expected > 0) await waitFor(() => n >= expected, 5000, `${expected} "${event}"`);
    await pause(scaled(ms));
    return n;
  } finally {
    socket.off(event, on);
  }
}

function connected(socket: Socket, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${scaled(ms)} ms`)), scaled(ms));
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function refused(socket: Socket, ms = 5000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither refused nor connected within ${scaled(ms)} ms`)), scaled(ms));
    socket.once("connect", () => {
      clearTimeout(timer);
      reject(new Error("connected, expected refusal"));
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

function join(socket: Socket, ...payload: unknown[]) {
  return socket.timeout(scaled(2000)).emitWithAck(JOIN, ...payload);
}

describe.each(BACKENDS)("realtime sockets on %s", (backend) => {
  let app: TestApp;
  const sockets: Socket[] = [];
  let phoneSeq = 0;

  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await app?.close();
  });

  const io = () => app.server.services.io;

  /** A new client socket; `origin: null` sends no Origin header at all. */
  function open(opts: { cookie?: string; origin?: string | null } = {}) {
    const headers: Record<string, string> = {};
    const origin = opts.origin === undefined ? app.baseUrl : opts.origin;
    if (origin !== null) headers.origin = origin;
    if (opts.cookie) headers.cookie = opts.cookie;
    const socket = connect(app.baseUrl, {
      transports: ["websocket"],
      extraHeaders: headers,
      reconnection: false,
      forceNew: true,
      timeout: scaled(5000),
    });
    sockets.push(socket);
    return socket;
  }

  async function openConnected(opts: Parameters<typeof open>[0] = {}) {
    const socket = open(opts);
    await connected(socket);
    return socket;
  }

  /** Signs a new resident up over HTTP; returns their browser, cookie header and id. */
  async function signUp() {
    const national = `0935${String(1_000_000 + phoneSeq++).padStart(7, "0")}`;
    const phone = `+98${national.slice(1)}`;
    const client = new Browserless(app.baseUrl);
    const started = await client.post("/signup", { phone: national, displayName: "نرگس کاظمی", password: "گل‌های-بهاری-۱۴۰۵" });
    expect(started.status).toBe(302);
    const code = app.sms.lastCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await client.post(started.headers.get("location")!, { intent: "verify", code: code! });
    expect(verified.status).toBe(302);
    expect(client.cookies.has("mahalleh_session")).toBe(true);
    const [row] = await app.database.db.select({ id: users.id }).from(users).where(eq(users.phone, phone));
    return { client, cookie: client.cookieHeader(), userId: row!.id };
  }

  it("lets an anonymous socket join public rooms only", async () => {
    const socket = await openConnected();
    expect(await join(socket, { room: "city" })).toEqual({ ok: true, room: "city" });
    expect(await join(socket, { room: `district:${crypto.randomUUID()}` })).toMatchObject({ ok: true });
    for (const room of ["deputy", "admin", `user:${crypto.randomUUID()}`, `district-staff:${crypto.randomUUID()}`]) {
      expect(await join(socket, { room })).toEqual({ ok: false, error: "forbidden" });
    }
  });

  it("answers malformed joins with bad_request and keeps the socket", async () => {
    const socket = await openConnected();
    for (const payload of ["city", { room: 123 }, { room: "x".repeat(10_000) }, null, [], { nope: "city" }]) {
      expect(await join(socket, payload)).toEqual({ ok: false, error: "bad_request" });
    }
    // No ack callback: nothing to answer, nothing to break.
    socket.emit(JOIN, { room: "city" });
    socket.emit(JOIN);
    socket.emit(JOIN, "x".repeat(5000));
    expect(await join(socket, { room: "city" })).toEqual({ ok: true, room: "city" });
    expect(socket.connected).toBe(true);
    // The server still takes new connections.
    await openConnected();
  });

  // The server takes the first argument as the payload, so with no payload it receives the ack
  // function there and never answers. Flip to `it` once the handler reads the ack from the end.
  it("answers a join with no payload at all with bad_request", async () => {
    const socket = await openConnected();
    expect(await join(socket)).toEqual({ ok: false, error: "bad_request" });
  });

  it("refuses a handshake from another site but accepts one without Origin", async () => {
    const evil = open({ origin: "https://evil.example" });
    await refused(evil);
    expect(evil.connected).toBe(false);
    const lookalike = open({ origin: app.baseUrl.replace("127.0.0.1", "127.0.0.1.evil.example") });
    await refused(lookalike);

    const script = await openConnected({ origin: null });
    expect(await join(script, { room: "city" })).toEqual({ ok: true, room: "city" });
  });

  it("puts a signed-in resident in their own user room and nobody else's", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const aliceSocket = await openConnected({ cookie: alice.cookie });
    const bobSocket = await openConnected({ cookie: bob.cookie });
    const anonSocket = await openConnected();

    const received = nextEvent(aliceSocket, "probe");
    const bobCount = countEvents(bobSocket, "probe", 400);
    const anonCount = countEvents(anonSocket, "probe", 400);
    io().to(`user:${alice.userId}`).emit("probe", 1);
    expect(await received).toEqual([1]);
    expect(await bobCount).toBe(0);
    expect(await anonCount).toBe(0);

    // Joining one's own room is allowed; someone else's is not.
    expect(await join(aliceSocket, { room: `user:${alice.userId}` })).toMatchObject({ ok: true });
    expect(await join(aliceSocket, { room: `user:${bob.userId}` })).toEqual({ ok: false, error: "forbidden" });
    expect(await join(aliceSocket, { room: "deputy" })).toEqual({ ok: false, error: "forbidden" });
  });

  it("lets a deputy join the deputy room, and cuts the socket off when the role is revoked", async () => {
    const deputy = await signUp();
    await app.database.db.insert(roleAssignments).values({ userId: deputy.userId, role: "deputy" });
    const socket = await openConnected({ cookie: deputy.cookie });
    expect(await join(socket, { room: "deputy" })).toEqual({ ok: true, room: "deputy" });
    expect(await join(socket, { room: "admin" })).toEqual({ ok: false, error: "forbidden" });

    await app.database.db.update(roleAssignments).set({ revokedAt: new Date() }).where(eq(roleAssignments.userId, deputy.userId));
    const cutOff = nextEvent(socket, "disconnect", 3000);
    notifyAuthChanged(io(), deputy.userId);
    // The server does not rely on the client: the socket that joined as deputy is closed.
    expect((await cutOff)[0]).toBe("io server disconnect");

    // A fresh handshake sees the revoked role.
    const again = await openConnected({ cookie: deputy.cookie });
    expect(await join(again, { room: "deputy" })).toEqual({ ok: false, error: "forbidden" });
    expect(await join(again, { room: `user:${deputy.userId}` })).toMatchObject({ ok: true });
  });

  it("treats a forged session cookie as anonymous", async () => {
    const someone = await signUp();
    const socket = await openConnected({ cookie: "mahalleh_session=forged.value" });
    expect(await join(socket, { room: "city" })).toEqual({ ok: true, room: "city" });
    expect(await join(socket, { room: `user:${someone.userId}` })).toEqual({ ok: false, error: "forbidden" });

    // A well-formed but unsigned token is no better.
    const unsigned = await openConnected({ cookie: `mahalleh_session=${Buffer.from(JSON.stringify("a".repeat(43))).toString("base64")}` });
    expect(await join(unsigned, { room: `user:${someone.userId}` })).toEqual({ ok: false, error: "forbidden" });
  });

  it("disconnects live sockets on sign-out; the old cookie then counts for nothing", async () => {
    const resident = await signUp();
    const socket = await openConnected({ cookie: resident.cookie });
    const other = await signUp();
    const otherSocket = await openConnected({ cookie: other.cookie });

    const gone = nextEvent(socket, "disconnect", 3000);
    const otherDisconnects = countEvents(otherSocket, "disconnect", 1000);
    const response = await resident.client.post("/logout", {});
    expect(response.status).toBe(302);
    const [reason] = await gone;
    expect(reason).toBe("io server disconnect");
    expect(await otherDisconnects).toBe(0);
    expect(otherSocket.connected).toBe(true);

    const stale = await openConnected({ cookie: resident.cookie });
    expect(await join(stale, { room: `user:${resident.userId}` })).toEqual({ ok: false, error: "forbidden" });
    const probes = countEvents(stale, "probe", 300);
    io().to(`user:${resident.userId}`).emit("probe", 1);
    expect(await probes).toBe(0);
  });

  it("drops a socket that sends more than 16 KB and keeps serving the rest", async () => {
    const bystander = await openConnected();
    const flooder = await openConnected();
    const dropped = nextEvent(flooder, "disconnect", 3000);
    flooder.emit(JOIN, { room: "x".repeat(20 * 1024) });
    const [reason] = await dropped;
    expect(reason).toMatch(/transport (close|error)/);

    expect(bystander.connected).toBe(true);
    expect(await join(bystander, { room: "city" })).toEqual({ ok: true, room: "city" });
    const fresh = await openConnected();
    expect(await join(fresh, { room: "city" })).toEqual({ ok: true, room: "city" });
  });

  it("delivers a city event to every joined socket exactly once", async () => {
    const joined = await Promise.all([openConnected(), openConnected(), openConnected()]);
    for (const socket of joined) expect(await join(socket, { room: "city" })).toMatchObject({ ok: true });
    const outsider = await openConnected();

    const counts = joined.map((socket) => countEvents(socket, "city:changed", 800, 1));
    const outsiderCount = countEvents(outsider, "city:changed", 800);
    notifyCityChanged(io());
    expect(await Promise.all(counts)).toEqual([1, 1, 1]);
    expect(await outsiderCount).toBe(0);
  });
});
