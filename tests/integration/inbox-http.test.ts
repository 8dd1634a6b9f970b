import { eq, sql } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { openVote } from "../../app/domain/votes.server";
import type { InboxNotice } from "../../app/realtime/events";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { districts, memberships, neighborhoods, notifications, proposals, smsMessages, supports, users, votes } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { testCharter } from "../support/fixtures";
import { Browserless, visibleText } from "../support/http";
import { scaled, waitFor } from "../support/wait";

const WAIT = scaled(10_000);
const TOKEN = "gateway-token-0123456789";

describe.each(BACKENDS)("the inbox over HTTP and sockets, on %s", (backend) => {
  let app: TestApp;
  let second: TestApp | null = null;
  const sockets: Socket[] = [];
  let districtId = "";
  let categoryId = "";
  let seq = 0;

  async function person(name: string) {
    const db = app.database.db;
    const phone = `+98915${String(1_000_000 + seq++).padStart(7, "0")}`;
    const [row] = await db.insert(users).values({ phone, displayName: name, passwordHash: "x" }).returning({ id: users.id });
    const client = new Browserless(app.baseUrl);
    const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(db, row!.id))).split(";");
    const at = pair!.indexOf("=");
    client.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    return { id: row!.id, name, phone, client };
  }

  async function councilOf(members: { id: string }[]) {
    const db = app.database.db;
    const k = seq++;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: `کوی شقایق ${k}`, nameKey: `inbox-http-${k}` })
      .returning();
    const made = await createCouncil(db, members[0]!.id, hood!.id, testCharter({ supportThreshold: 100 }));
    if (!made.ok) throw new Error(made.error);
    await db.insert(memberships).values(
      members.map((m, i) => ({
        councilId: made.id,
        userId: m.id,
        termNumber: 1,
        role: i === 0 ? ("chair" as const) : ("member" as const),
      })),
    );
    return made.id;
  }

  async function file(councilId: string, authorId: string) {
    const filed = await fileProposal(app.database.db, {
      councilId,
      authorId,
      title: "سایه‌بان برای ایستگاه اتوبوس",
      body: "ایستگاه اتوبوس خیابان اصلی هیچ سایه‌بانی ندارد و تابستان‌ها سخت است.",
      categoryId,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    return filed.id;
  }

  /** A socket with the person's cookie, recording the inbox events it gets. */
  async function socketOf(baseUrl: string, client: Browserless) {
    const socket = connect(baseUrl, {
      transports: ["websocket"],
      extraHeaders: { origin: baseUrl, cookie: client.cookieHeader() },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const notices: InboxNotice[] = [];
    socket.on("inbox:notice", (payload: InboxNotice) => notices.push(payload));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return notices;
  }

  beforeAll(async () => {
    app = await startTestApp(backend, { SMS_WEBHOOK_TOKEN: TOKEN });
    const db = app.database.db;
    const [district] = await db.insert(districts).values({ number: 17, name: "منطقه ۱۷", nameKey: "district-17" }).returning();
    districtId = district!.id;
    const category = await createCategory(db, "حمل‌ونقل", 1);
    if (!category.ok) throw new Error(category.error);
    categoryId = category.id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await second?.close();
    await app?.close();
  });

  it("a member hears a vote opening live with the unread count, reads it on /inbox, and opening it marks it read", async () => {
    const chair = await person("رئیس شورا");
    const member = await person("عضو شورا");
    const author = await person("نویسنده طرح");
    const councilId = await councilOf([chair, member]);
    const proposalId = await file(councilId, author.id);
    await putOnAgenda(app.database.db, proposalId, chair.id);
    const live = await socketOf(app.baseUrl, member.client);
    const opened = await openVote(app.database.db, { proposalId, actorId: chair.id, hours: 24 });
    expect(opened.ok).toBe(true);
    const notice = await waitFor(() => live.find((n) => n.notice.kind === "vote_opened"), WAIT, "the vote-opened notice");
    expect(notice.unread).toBe(1);
    expect(notice.notice.link).toBe(`/proposals/${proposalId}`);

    const page = await member.client.get("/inbox");
    expect(page.status).toBe(200);
    const text = visibleText(await page.text());
    expect(text).toContain("رأی‌گیری طرح «سایه‌بان برای ایستگاه اتوبوس» باز شد");
    expect(text).toContain("۱ مورد خوانده‌نشده");

    // Someone else's item (the author's own agenda notice is theirs): not found, nothing changes.
    const [theirs] = await app.database.db.select().from(notifications).where(eq(notifications.userId, author.id));
    const refused = await member.client.post(`/inbox/${theirs!.id}`, { intent: "open" });
    expect(refused.status).toBe(404);
    expect(visibleText(await refused.text())).toMatch(/پیدا نشد|یافت نشد|وجود ندارد/);
    const [still] = await app.database.db.select().from(notifications).where(eq(notifications.id, theirs!.id));
    expect(still!.readAt).toBeNull();
    // A made-up id is the same answer.
    expect((await member.client.post("/inbox/not-an-id", { intent: "open" })).status).toBe(404);

    const opening = await member.client.post(`/inbox/${notice.notice.id}`, { intent: "open" });
    expect(opening.status).toBe(302);
    expect(opening.headers.get("location")).toBe(`/proposals/${proposalId}#main`);
    const after = visibleText(await (await member.client.get("/inbox")).text());
    expect(after).toContain("همه خوانده شد");
  });

  it("preferences: SMS hours that end before they start are refused beside the field, the input kept", async () => {
    const someone = await person("ساکن محله");
    const refused = await someone.client.post("/inbox/settings", { smsOnly: "on", from: "۲۱", until: "۸" });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(visibleText(html)).toContain("ساعت پایان باید بعد از ساعت شروع باشد");
    expect(html).toContain('value="۲۱"');
    const saved = await someone.client.post("/inbox/settings", { smsOnly: "on", from: "۸", until: "۲۱:۳۰", sms_vote_opened: "on" });
    expect(saved.status).toBe(302);
    const page = visibleText(await (await someone.client.get("/inbox/settings?saved=1")).text());
    expect(page).toContain("تنظیم اعلان‌ها ذخیره شد");
  });

  it("an SMS round trip through the local provider: the reply form sends a proposal code, the support is recorded and answered", async () => {
    const author = await person("نویسنده");
    const resident = await person("ساکن بی‌گوشی هوشمند");
    const councilId = await councilOf([author]);
    const proposalId = await file(councilId, author.id);
    const [{ number }] = (await app.database.db
      .select({ number: proposals.number })
      .from(proposals)
      .where(eq(proposals.id, proposalId))) as [{ number: number }];
    const local = new Browserless(app.baseUrl);
    const machine = { "x-forwarded-for": "127.0.0.1" };
    const sent = await local.post(
      "/dev/outbox",
      { from: "0" + resident.phone.slice(3), body: String(number).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!) },
      machine,
    );
    expect(sent.status).toBe(200);
    expect(visibleText(await sent.text())).toContain("supported");
    expect(await app.database.db.select().from(supports).where(eq(supports.proposalId, proposalId))).toHaveLength(1);
    const reply = await waitFor(() => app.sms.lastTo(resident.phone), WAIT, "the reply text");
    expect(reply.text).toContain("ثبت شد");
    // The same page is not there for a device on the network.
    expect((await new Browserless(app.baseUrl).post("/dev/outbox", { from: resident.phone, body: "لغو" })).status).toBe(404);
    // An unknown number is recorded and gets no answer; a 10,000-character text is answered, not acted on.
    const before = app.sms.messages.length;
    const unknown = await local.post("/dev/outbox", { from: "09990001122", body: String(number) }, machine);
    expect(visibleText(await unknown.text())).toContain("unknown_number");
    const long = await local.post("/dev/outbox", { from: resident.phone, body: "۱".repeat(10_000) }, machine);
    expect(visibleText(await long.text())).toContain("too_long");
    await waitFor(() => app.sms.messages.length === before + 1, WAIT, "one answer, to the known number");
  });

  it("a gateway posts inbound texts and delivery reports with its token; a redelivery is answered, not acted on twice", async () => {
    const author = await person("نویسنده");
    const resident = await person("ساکن");
    const councilId = await councilOf([author]);
    const proposalId = await file(councilId, author.id);
    const [{ number }] = (await app.database.db
      .select({ number: proposals.number })
      .from(proposals)
      .where(eq(proposals.id, proposalId))) as [{ number: number }];
    const post = (path: string, body: unknown, token = TOKEN) =>
      fetch(app.baseUrl + path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await post("/sms/inbound", { id: "g-1", from: resident.phone, text: String(number) }, "wrong-token-0123456789")).status).toBe(
      401,
    );
    expect((await post("/sms/inbound", { id: "g-1", from: resident.phone })).status).toBe(400);
    const first = await post("/sms/inbound", { id: "g-1", from: resident.phone, text: String(number) });
    expect(await first.json()).toMatchObject({ ok: true, outcome: "supported", duplicate: false });
    const again = await post("/sms/inbound", { id: "g-1", from: resident.phone, text: String(number) });
    expect(await again.json()).toMatchObject({ ok: true, outcome: "supported", duplicate: true });
    expect(await app.database.db.select().from(supports).where(eq(supports.proposalId, proposalId))).toHaveLength(1);

    await app.database.db.insert(smsMessages).values({
      toPhone: resident.phone,
      purpose: "notice",
      dedupeKey: "report-test",
      body: "آزمایش",
      status: "sent",
      providerMessageId: "gw-77",
    });
    expect(await (await post("/sms/report", { id: "gw-77", status: "delivered" })).json()).toEqual({ ok: true, known: true });
    const [row] = await app.database.db.select().from(smsMessages).where(eq(smsMessages.dedupeKey, "report-test"));
    expect(row).toMatchObject({ deliveryStatus: "delivered" });
    expect(row!.deliveredAt).not.toBeNull();
    expect(await (await post("/sms/report", { id: "nobody-knows", status: "delivered" })).json()).toEqual({ ok: true, known: false });
  });

  it("the tracking-code page answers without signing in, and a wrong code beside the field", async () => {
    const anyone = new Browserless(app.baseUrl);
    const bad = visibleText(await (await anyone.get("/track?code=12")).text());
    expect(bad).toContain("کد رهگیری ده رقم است");
    const none = visibleText(await (await anyone.get("/track?code=%DB%B1%DB%B2%DB%B3%DB%B4%DB%B5%DB%B6%DB%B7%DB%B8%DB%B9%DB%B0")).text());
    expect(none).toContain("درخواستی با این کد رهگیری پیدا نشد");
  });

  it("the worker's clock: a member who has not voted hears the vote closes soon, and an SMS-only member gets the daily digest through the local provider", async () => {
    const chair = await person("رئیس");
    const member = await person("عضو پیامکی");
    const author = await person("نویسنده");
    const councilId = await councilOf([chair, member]);
    const proposalId = await file(councilId, author.id);
    await putOnAgenda(app.database.db, proposalId, chair.id);
    const opened = await openVote(app.database.db, { proposalId, actorId: chair.id, hours: 24 });
    if (!opened.ok) throw new Error(opened.error);
    expect((await member.client.post("/inbox/settings", { smsOnly: "on", from: "0", until: "24" })).status).toBe(302);
    await app.database.db
      .update(votes)
      .set({ opensAt: sql`now() - interval '20 hours'`, closesAt: sql`now() + interval '1 hour'` })
      .where(eq(votes.id, opened.voteId));
    await app.server.services.inbox.runScheduled();
    const page = visibleText(await (await member.client.get("/inbox")).text());
    expect(page).toContain("به‌زودی بسته می‌شود و شما هنوز رأی نداده‌اید");
    await app.server.services.inbox.runScheduled();
    const digest = await waitFor(
      () => app.sms.messages.find((m) => m.to === member.phone && m.text.includes("مورد خوانده‌نشده")),
      WAIT,
      "the digest",
    );
    expect(digest.text.length).toBeLessThanOrEqual(134);
    // Once a day: running again sends no second digest.
    await app.server.services.inbox.runScheduled();
    expect(app.sms.messages.filter((m) => m.to === member.phone && m.text.includes("مورد خوانده‌نشده"))).toHaveLength(1);
  });

  it.runIf(backend === "postgres")("the notice reaches the person's socket on another instance", async () => {
    second = await startTestApp(backend, {}, { sameDatabaseAs: app.database });
    const chair = await person("رئیس");
    const member = await person("عضو در نمونهٔ دوم");
    const author = await person("نویسنده");
    const councilId = await councilOf([chair, member]);
    const proposalId = await file(councilId, author.id);
    await putOnAgenda(app.database.db, proposalId, chair.id);
    const live = await socketOf(second.baseUrl, member.client);
    // The change happens on the first instance; the member's socket is on the second.
    const opened = await openVote(app.database.db, { proposalId, actorId: chair.id, hours: 24 });
    expect(opened.ok).toBe(true);
    const notice = await waitFor(() => live.find((n) => n.notice.kind === "vote_opened"), WAIT, "the notice on the other instance");
    expect(notice.unread).toBeGreaterThanOrEqual(1);
    // Reading on the first instance tells the socket on the second the new count.
    const counts: number[] = [];
    sockets.at(-1)!.on("inbox:count", (p: { unread: number }) => counts.push(p.unread));
    expect((await member.client.post(`/inbox/${notice.notice.id}`, { intent: "read" })).status).toBe(302);
    await waitFor(() => counts.includes(0), WAIT, "the count after reading");
  });
});
