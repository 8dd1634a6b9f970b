import { and, eq, isNull } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CODE_MAX_ATTEMPTS } from "../../app/domain/auth.server";
import { SERVER_EVENTS } from "../../app/realtime/events";
import { roleAssignments, verificationCodes } from "../../db/schema";
import { BACKENDS } from "../support/database";
import { Browserless, visibleText } from "../support/http";
import { holdsFor, nextEvent, scaled } from "../support/wait";
import { PASSWORD, buildWorld, type World } from "./world";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

/**
 * Sessions under attack: a stolen cookie after sign-out, sockets that outlive the right to listen,
 * "sign out elsewhere", and guessing a verification code.
 */
describe.each(BACKENDS)("sessions on %s", (backend) => {
  let w: World;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    w = await buildWorld(backend);
  }, scaled(120_000));
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await w?.app.close();
  });

  async function socketOf(device: Browserless) {
    const socket = connect(w.app.baseUrl, {
      transports: ["websocket"],
      extraHeaders: { origin: w.app.baseUrl, cookie: device.cookieHeader() },
      forceNew: true,
      reconnection: false,
      timeout: scaled(5000),
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return socket;
  }
  const join = (socket: Socket, room: string) => socket.timeout(scaled(3000)).emitWithAck("room:join", { room });

  it("refuses a session cookie replayed after sign-out", async () => {
    const device = await w.signIn("resident");
    expect((await device.get("/account")).status).toBe(200);
    const stolen = device.cookieHeader();
    expect((await device.post("/logout", {})).status).toBe(302);
    const replay = await fetch(`${w.app.baseUrl}/account`, { redirect: "manual", headers: { cookie: stolen } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/login/);
    // Nor does a form go through with it.
    const post = await fetch(`${w.app.baseUrl}/account`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: stolen, origin: w.app.baseUrl, "content-type": "application/x-www-form-urlencoded" },
      body: "intent=sign-out-others",
    });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login/);
  });

  it("stops a signed-out person's sockets within 5 s, and their next socket is anonymous", async () => {
    const device = await w.signIn("commissionOwn");
    const socket = await socketOf(device);
    const room = `thread:${w.ids.commissionThread}`;
    expect(await join(socket, room)).toMatchObject({ ok: true });
    const gone = nextEvent(socket, "disconnect", 5000);
    expect((await device.post("/logout", {})).status).toBe(302);
    expect((await gone)[0]).toBe("io server disconnect");
    const again = await socketOf(device);
    expect(await join(again, room)).toEqual({ ok: false, error: "forbidden" });
  });

  it("stops a demoted person's sockets within 5 s; what the room hears afterwards does not reach them", async () => {
    const device = await w.signIn("commissionForeign");
    const socket = await socketOf(device);
    const room = `commission:${w.ids.commissionForeign}`;
    expect(await join(socket, room)).toMatchObject({ ok: true });
    const heard: unknown[] = [];
    socket.on(SERVER_EVENTS.deskChanged, (p) => heard.push(p));
    const [grant] = await w.app.database.db
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.userId, w.users.commissionForeign.id), isNull(roleAssignments.revokedAt)));
    const gone = nextEvent(socket, "disconnect", 5000);
    // The administrator takes the role away through the roles page.
    expect((await w.client.admin.post("/admin/roles", { intent: "revoke", assignmentId: grant!.id })).status).toBe(200);
    await gone;
    w.app.server.services.io.in(room).emit(SERVER_EVENTS.deskChanged, { probe: true });
    await holdsFor(() => heard.length === 0, 300, "nothing reaches the demoted person");
    // Reconnecting with the same cookie: still signed in, no longer a member of the commission.
    const again = await socketOf(device);
    expect(await join(again, room)).toEqual({ ok: false, error: "forbidden" });
    expect((await device.get(`/commissions/${w.ids.commissionForeign}`)).status).toBe(403);
  });

  it("ends the other devices' sockets on «sign out elsewhere», and keeps this one", async () => {
    const phone = await w.signIn("deputy");
    const laptop = await w.signIn("deputy");
    const here = await w.signIn("deputy");
    const others = [await socketOf(phone), await socketOf(laptop)];
    const mine = await socketOf(here);
    for (const socket of [...others, mine]) expect(await join(socket, "deputy")).toMatchObject({ ok: true });
    const gone = others.map((socket) => nextEvent(socket, "disconnect", 5000));
    const response = await here.post("/account", { intent: "sign-out-others" });
    expect(response.status).toBe(200);
    for (const [reason] of await Promise.all(gone)) expect(reason).toBe("io server disconnect");
    await holdsFor(() => mine.connected, 300, "this device's socket stays");
    expect((await here.get("/deputy")).status).toBe(200);
    for (const device of [phone, laptop]) expect((await device.get("/deputy")).status).toBe(302);
  });

  it("locks a verification code after a few wrong tries, counted in the database, with a Persian message", async () => {
    const device = new Browserless(w.app.baseUrl);
    const phone = "09127770011";
    const started = await device.post("/signup", { phone, displayName: "مهمان تازه", password: PASSWORD });
    expect(started.status).toBe(302);
    const verifyUrl = started.headers.get("location")!;
    const flowId = new URL(verifyUrl, w.app.baseUrl).searchParams.get("flow")!;
    const right = w.app.sms.lastCode("+989127770011")!;
    expect(right).toMatch(/^\d{6}$/);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 1; i <= CODE_MAX_ATTEMPTS; i++) {
      const response = await device.post(verifyUrl, { intent: "verify", code: wrong });
      expect(response.status).toBe(400);
      expect(visibleText(await response.text())).toContain(fa.errors.code_wrong.split("{{")[0]!.trim());
    }
    const [flow] = await w.app.database.db
      .select({ attempts: verificationCodes.attempts })
      .from(verificationCodes)
      .where(eq(verificationCodes.id, flowId));
    expect(flow!.attempts).toBe(CODE_MAX_ATTEMPTS);
    // Now even the right code is refused, on the form, in Persian.
    const locked = await device.post(verifyUrl, { intent: "verify", code: right });
    expect(locked.status).toBe(429);
    const text = visibleText(await locked.text());
    expect(text).toContain(fa.errors.code_locked.split("{{")[0]!.trim());
    expect(device.cookies.has("mahalleh_session")).toBe(false);
    // A new code for the same number does not reset the count.
    expect((await device.post(verifyUrl, { intent: "resend" })).status).toBeLessThan(500);
    const fresh = w.app.sms.lastCode("+989127770011");
    const retried = await device.post(verifyUrl, { intent: "verify", code: fresh ?? right });
    expect(retried.status).toBe(429);
  });
});
