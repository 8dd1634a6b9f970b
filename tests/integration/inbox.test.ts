import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import {
  confirmCounterRequest,
  createCounterOffice,
  startCounterSupport,
  trackCounterRequest,
} from "../../app/domain/counter-offices.server";
import { inviteToCouncil } from "../../app/domain/membership.server";
import {
  getPreferences,
  inboxPage,
  markAllRead,
  markRead,
  processNotices,
  recordNotice,
  savePreferences,
  unreadCount,
} from "../../app/domain/notifications.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { decideReferral, referToCommission } from "../../app/domain/review.server";
import { receiveSms } from "../../app/domain/sms-inbound.server";
import { backoffMs, sendDueSms, type SmsGateway } from "../../app/domain/sms-outbox.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { hideMessage } from "../../app/domain/threads/moderate.server";
import { postMessage } from "../../app/domain/threads/write.server";
import { closeDueVotes, openVote } from "../../app/domain/votes.server";
import { loadCurrentUser } from "../../app/domain/users.server";
import { smsTextFor } from "../../app/server/inbox-worker.server";
import {
  auditLog,
  commissions,
  districts,
  memberships,
  neighborhoods,
  notificationSettings,
  notifications,
  proposals,
  roleAssignments,
  smsInbound,
  smsMessages,
  supports,
  users,
} from "../../db/schema";
import { queryRows } from "../../db/client.server";
import { BACKENDS, attachTestDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { testCharter } from "../support/fixtures";

const SECRET = "test-secret-that-is-long-enough-0123456789";

/** A gateway that records what it sent and can be told to fail. */
class FakeGateway implements SmsGateway {
  readonly name = "fake";
  sent: { to: string; text: string; reference?: string }[] = [];
  down = false;
  calls = 0;
  async send(to: string, text: string, options: { reference?: string } = {}) {
    this.calls++;
    if (this.down) throw new Error("gateway answered 503");
    this.sent.push({ to, text, reference: options.reference });
    return { providerMessageId: `fake-${this.sent.length}` };
  }
}

describe.each(BACKENDS)("inbox, notifications and SMS on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let managerId: string;
  let districtId: string;
  let categoryId: string;
  let seq = 0;
  const smsText = smsTextFor("https://mahalleh.example");
  const nextPhone = () => `+98913${String(3_000_000 + seq++).padStart(7, "0")}`;

  async function newUsers(n: number, name = (i: number) => `ساکن ${i}`) {
    if (!n) return [];
    const rows = await db
      .insert(users)
      .values(Array.from({ length: n }, (_, i) => ({ phone: nextPhone(), displayName: name(i), passwordHash: "x" })))
      .returning({ id: users.id, phone: users.phone });
    return rows;
  }

  async function councilWith(n: number, overrides = {}) {
    const k = seq++;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: `محله کارتابل ${k}`, nameKey: `inbox-hood-${k}` })
      .returning();
    const council = await createCouncil(db, managerId, hood!.id, testCharter(overrides));
    if (!council.ok) throw new Error(council.error);
    const members = await newUsers(n, (i) => `عضو ${i}`);
    if (members.length) await db.insert(memberships).values(members.map((m) => ({ councilId: council.id, userId: m.id, termNumber: 1 })));
    return { councilId: council.id, members, hood: hood! };
  }

  async function file(councilId: string, authorId: string) {
    const result = await fileProposal(db, {
      title: "روشنایی کوچه‌های محله",
      body: "کوچه‌های پشت مدرسه شب‌ها تاریک است و رفت‌وآمد را سخت کرده است.",
      categoryId,
      place: "پشت مدرسه",
      councilId,
      authorId,
    });
    if (!result.ok) throw new Error(result.error);
    return result.id;
  }

  const inboxOf = async (userId: string) => (await inboxPage(db, userId, { limit: 100 })).items;
  const drain = () => processNotices(db, { limit: 1000, smsText });

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    [{ id: managerId }] = (await newUsers(1, () => "مدیر منطقه")) as [{ id: string; phone: string }];
    const [district] = await db.insert(districts).values({ number: 13, name: "منطقه ۱۳", nameKey: "district-13" }).returning();
    districtId = district!.id;
    await db.insert(roleAssignments).values({ userId: managerId, role: "district_manager", districtId });
    const category = await createCategory(db, "روشنایی", 1);
    if (!category.ok) throw new Error(category.error);
    categoryId = category.id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("tells every member when a vote opens (not the one who opened it), and the author its result", async () => {
    const { councilId, members } = await councilWith(4);
    const [author] = await newUsers(1);
    const proposalId = await file(councilId, author!.id);
    expect((await putOnAgenda(db, proposalId, members[0]!.id)).ok).toBe(true);
    const opened = await openVote(db, { proposalId, actorId: members[0]!.id, hours: 1 });
    expect(opened.ok).toBe(true);
    await drain();
    expect(await inboxOf(members[0]!.id)).toHaveLength(0);
    for (const m of members.slice(1)) {
      const items = await inboxOf(m.id);
      expect(items.map((i) => i.kind)).toEqual(["vote_opened"]);
      expect(items[0]!.link).toBe(`/proposals/${proposalId}`);
      expect(await unreadCount(db, m.id)).toBe(1);
    }
    // The author heard the agenda news; the vote closes and the same row tells the result.
    const future = new Date(Date.now() + 2 * 3_600_000);
    await closeDueVotes(db, future);
    await drain();
    const authorItems = await inboxOf(author!.id);
    expect(authorItems).toHaveLength(1);
    expect(authorItems[0]).toMatchObject({ kind: "vote_result", itemKey: `proposal:${proposalId}`, count: 2 });
    expect(authorItems[0]!.params.result).toBe("not_adopted");
  });

  it("groups a thread's new messages into one row per person («۱۲ پیام تازه …»), and a reply tells its author", async () => {
    const { councilId, members } = await councilWith(3);
    const threadId = await ensureThread(db, { kind: "council", councilId });
    const [a, b] = members as unknown as [{ id: string }, { id: string }];
    const first = await postMessage(db, { threadId, authorId: a.id, body: "سلام به همه" });
    expect(first.ok).toBe(true);
    for (let i = 0; i < 12; i++) expect((await postMessage(db, { threadId, authorId: b.id, body: `پیام ${i}` })).ok).toBe(true);
    await drain();
    const items = await inboxOf(a.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "thread_messages", itemKey: `thread:${threadId}`, count: 12 });
    // Read, then one more: the row counts again from one.
    await markRead(db, a.id, items[0]!.id);
    await postMessage(db, { threadId, authorId: b.id, body: "یکی دیگر", replyToId: first.ok ? first.messageId : null });
    await drain();
    const after = await inboxOf(a.id);
    expect(after.map((i) => [i.kind, i.count, i.readAt]).sort()).toEqual([
      ["reply", 1, null],
      ["thread_messages", 1, null],
    ]);
    // A moderator hides a's first message: a hears it, with the reason.
    const hidden = await hideMessage(db, { messageId: first.ok ? first.messageId : "", actorId: managerId, reason: "توهین به دیگران" });
    expect(hidden.ok).toBe(true);
    await drain();
    const aItems = await inboxOf(a.id);
    expect(aItems[0]).toMatchObject({ kind: "message_hidden" });
    expect(aItems[0]!.params.reason).toBe("توهین به دیگران");
  });

  it("refuses another person's item and marking it read; marks all read; pages newest first", async () => {
    const [owner, other] = await newUsers(2);
    for (let i = 0; i < 25; i++) {
      await recordNotice(db, {
        kind: "policy_published",
        itemKey: `policy:${i}`,
        link: "/",
        params: { title: `ابلاغ ${i}` },
        audience: { users: [owner!.id] },
      });
    }
    await drain();
    const first = await inboxPage(db, owner!.id);
    expect(first.items).toHaveLength(20);
    const second = await inboxPage(db, owner!.id, { cursor: first.next });
    expect(second.items).toHaveLength(5);
    expect(second.next).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(25);

    const theirs = first.items[0]!.id;
    expect(await markRead(db, other!.id, theirs)).toEqual({ ok: false, error: "not_found" });
    expect(await markRead(db, other!.id, "not-a-uuid")).toEqual({ ok: false, error: "not_found" });
    expect((await inboxPage(db, other!.id)).items).toHaveLength(0);
    expect(await unreadCount(db, owner!.id)).toBe(25);
    expect(await markRead(db, owner!.id, theirs)).toEqual({ ok: true, link: "/" });
    expect(await unreadCount(db, owner!.id)).toBe(24);
    expect(await markAllRead(db, owner!.id)).toBe(24);
    expect(await unreadCount(db, owner!.id)).toBe(0);
  });

  it("keeps preferences: SMS hours that end before they start are refused; SMS-only residents get important kinds by SMS", async () => {
    const [person] = await newUsers(1);
    expect(await savePreferences(db, person!.id, { smsOnly: true, smsFromMinute: 21 * 60, smsUntilMinute: 8 * 60, sms: {} })).toEqual({
      ok: false,
      error: "hours_end_before_start",
    });
    expect(await savePreferences(db, person!.id, { smsOnly: true, smsFromMinute: 8 * 60, smsUntilMinute: null, sms: {} })).toEqual({
      ok: false,
      error: "hours_invalid",
    });
    // Nothing was written by the refusals.
    expect(await db.select().from(notificationSettings).where(eq(notificationSettings.userId, person!.id))).toHaveLength(0);
    // The database holds the rule too.
    await expect(db.insert(notificationSettings).values({ userId: person!.id, smsFromMinute: 600, smsUntilMinute: 300 })).rejects.toThrow();

    expect(
      await savePreferences(db, person!.id, {
        smsOnly: true,
        smsFromMinute: null,
        smsUntilMinute: null,
        sms: { thread_messages: true, vote_opened: false },
      }),
    ).toEqual({ ok: true });
    const prefs = await getPreferences(db, person!.id);
    expect(prefs.sms.vote_result).toBe(true); // important: default on for SMS-only
    expect(prefs.sms.vote_opened).toBe(false); // turned off
    expect(prefs.sms.thread_messages).toBe(true); // turned on
    expect(prefs.sms.support_milestone).toBe(false);

    await recordNotice(db, {
      kind: "policy_published",
      itemKey: "policy:sms",
      link: "/",
      params: { title: "ابلاغ پیامکی" },
      audience: { users: [person!.id] },
    });
    await recordNotice(db, {
      kind: "vote_opened",
      itemKey: "vote:sms-off",
      link: "/",
      params: { title: "طرح" },
      audience: { users: [person!.id] },
    });
    await drain();
    const queued = await db.select().from(smsMessages).where(eq(smsMessages.userId, person!.id));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.body).toContain("ابلاغ پیامکی");
    expect(queued[0]!.body.length).toBeLessThanOrEqual(134);
  });

  it("holds a message for the person's SMS hours (Tehran time)", async () => {
    const [person] = await newUsers(1);
    // A one-minute window that is never now: the message waits for its next start.
    const [{ minute }] = await queryRows<{ minute: number }>(
      db,
      sql`select (extract(hour from now() at time zone 'Asia/Tehran') * 60 + extract(minute from now() at time zone 'Asia/Tehran'))::int as minute`,
    );
    const from = (Number(minute) + 120) % 1380;
    expect(await savePreferences(db, person!.id, { smsOnly: true, smsFromMinute: from, smsUntilMinute: from + 60, sms: {} })).toEqual({
      ok: true,
    });
    await recordNotice(db, {
      kind: "policy_published",
      itemKey: "policy:quiet",
      link: "/",
      params: { title: "ابلاغ شبانه" },
      audience: { users: [person!.id] },
    });
    await drain();
    const [queued] = await db.select().from(smsMessages).where(eq(smsMessages.userId, person!.id));
    expect(queued!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it("fans out one notice to thousands in one statement", async () => {
    const crowd = 3000;
    await db.execute(sql`insert into users (phone, display_name, password_hash)
      select '+98914' || lpad(g::text, 7, '0'), 'شهروند ' || g, 'x' from generate_series(1, ${crowd}) g`);
    const [{ n: everyone }] = (await db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.isActive, true))) as [{ n: number }];
    await recordNotice(db, {
      kind: "policy_published",
      itemKey: "policy:city",
      link: "/",
      params: { title: "ابلاغ شهری" },
      audience: { everyone: true },
      actorId: managerId,
    });
    const fanned = await drain();
    const city = fanned.find((f) => f.itemKey === "policy:city")!;
    expect(city.userIds.length).toBe(Number(everyone) - 1);
    const [{ n }] = (await db
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(eq(notifications.itemKey, "policy:city"))) as [{ n: number }];
    expect(Number(n)).toBe(Number(everyone) - 1);
  });

  it("sends each message once, retries a failing gateway with backoff for an hour and loses nothing", async () => {
    await db.execute(sql`update sms_messages set status = 'sent' where status = 'pending'`);
    const people = await newUsers(5);
    for (const p of people) {
      await db
        .insert(smsMessages)
        .values({ toPhone: p.phone, userId: p.id, purpose: "notice", dedupeKey: `outage:${p.id}`, body: "پیام آزمایشی" });
    }
    const gateway = new FakeGateway();
    gateway.down = true;
    // An hour of failures, compressed: each round, the waiting time is made to have passed.
    for (let round = 0; round < 12; round++) {
      const result = await sendDueSms(db, gateway, { limit: 50 });
      expect(result.sent).toBe(0);
      expect(result.failed).toBe(1); // one try per round: the rest wait, untouched
      await db.execute(sql`update sms_messages set next_attempt_at = now() - interval '1 second' where dedupe_key like 'outage:%'`);
    }
    const waiting = await db
      .select()
      .from(smsMessages)
      .where(sql`${smsMessages.dedupeKey} like 'outage:%'`);
    expect(waiting.every((m) => m.status === "pending")).toBe(true);
    expect(waiting.some((m) => m.attempts > 1)).toBe(true);
    expect(waiting.every((m) => m.lastError === null || m.lastError.includes("503"))).toBe(true);
    expect(backoffMs(1, () => 0.5)).toBe(30_000);
    expect(backoffMs(20, () => 0.5)).toBe(30 * 60_000);

    gateway.down = false;
    await sendDueSms(db, gateway, { limit: 50 });
    const sent = await db
      .select()
      .from(smsMessages)
      .where(sql`${smsMessages.dedupeKey} like 'outage:%'`);
    expect(sent.every((m) => m.status === "sent" && m.providerMessageId?.startsWith("fake-"))).toBe(true);
    expect(gateway.sent.map((s) => s.to).sort()).toEqual(people.map((p) => p.phone).sort());
    // Nothing is sent twice.
    await sendDueSms(db, gateway, { limit: 50 });
    expect(gateway.sent).toHaveLength(5);
  });

  it.runIf(backend === "postgres")("gives each message to one sender when instances send at once", async () => {
    await db.execute(sql`update sms_messages set status = 'sent' where status = 'pending'`);
    const people = await newUsers(60);
    await db
      .insert(smsMessages)
      .values(people.map((p) => ({ toPhone: p.phone, userId: p.id, purpose: "notice", dedupeKey: `race:${p.id}`, body: "یک بار" })));
    const second = await attachTestDatabase(database);
    try {
      const gateways = [new FakeGateway(), new FakeGateway(), new FakeGateway()];
      await Promise.all([
        sendDueSms(db, gateways[0]!, { limit: 10 }),
        sendDueSms(second.db, gateways[1]!, { limit: 10 }),
        sendDueSms(db, gateways[2]!, { limit: 10 }),
        sendDueSms(second.db, gateways[0]!, { limit: 10 }),
        sendDueSms(db, gateways[1]!, { limit: 10 }),
        sendDueSms(second.db, gateways[2]!, { limit: 10 }),
      ]);
      const all = gateways.flatMap((g) => g.sent.map((s) => s.reference));
      expect(all).toHaveLength(60);
      expect(new Set(all).size).toBe(60);
    } finally {
      await second.destroy();
    }
  });

  it("takes inbound SMS: unknown numbers, twice-delivered messages, very long bodies, proposal codes, «لغو» and invitations", async () => {
    const { councilId } = await councilWith(0, { supportThreshold: 50 });
    const [resident, author] = await newUsers(2);
    const proposalId = await file(councilId, author!.id);
    const [{ number }] = (await db.select({ number: proposals.number }).from(proposals).where(eq(proposals.id, proposalId))) as [
      { number: number },
    ];
    const opts = { seatLimit: 1 };

    const unknown = await receiveSms(db, { provider: "local", providerMessageId: "in-1", from: "09990000000", body: String(number) }, opts);
    expect(unknown.outcome).toBe("unknown_number");
    expect(
      await db
        .select()
        .from(smsMessages)
        .where(eq(smsMessages.dedupeKey, `reply:${unknown.id}`)),
    ).toHaveLength(0);

    // Replying a proposal's code (in Persian digits, from the number written another way) supports it.
    const localPhone = "0" + resident!.phone.slice(3);
    const persianCode = String(number).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
    const supported = await receiveSms(
      db,
      { provider: "local", providerMessageId: "in-2", from: localPhone, body: ` ${persianCode} ` },
      opts,
    );
    expect(supported.outcome).toBe("supported");
    // The same message delivered again: recorded once, acted on once.
    const again = await receiveSms(db, { provider: "local", providerMessageId: "in-2", from: localPhone, body: persianCode }, opts);
    expect(again).toMatchObject({ id: supported.id, outcome: "supported", duplicate: true });
    expect(await db.select().from(supports).where(eq(supports.proposalId, proposalId))).toHaveLength(1);
    expect(await db.select().from(smsInbound).where(eq(smsInbound.providerMessageId, "in-2"))).toHaveLength(1);
    const [reply] = await db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.dedupeKey, `reply:${supported.id}`));
    expect(reply!.body).toContain("ثبت شد");

    // An unknown code, and a closed proposal's code.
    expect(
      (await receiveSms(db, { provider: "local", providerMessageId: "in-3", from: resident!.phone, body: "999999" }, opts)).outcome,
    ).toBe("proposal_unknown");
    await db.update(proposals).set({ status: "withdrawn" }).where(eq(proposals.id, proposalId));
    const [other] = await newUsers(1);
    expect(
      (await receiveSms(db, { provider: "local", providerMessageId: "in-4", from: other!.phone, body: String(number) }, opts)).outcome,
    ).toBe("proposal_closed");

    // 10,000 characters: recorded (cut), not acted on, answered.
    const long = await receiveSms(
      db,
      { provider: "local", providerMessageId: "in-5", from: resident!.phone, body: "۱".repeat(10_000) },
      opts,
    );
    expect(long.outcome).toBe("too_long");
    const [kept] = await db.select().from(smsInbound).where(eq(smsInbound.id, long.id));
    expect(kept!.body.length).toBe(1000);
    expect(kept!.bodyLength).toBe(10_000);

    // «لغو» stops notices by SMS.
    expect((await receiveSms(db, { provider: "local", providerMessageId: "in-6", from: resident!.phone, body: "لغو" }, opts)).outcome).toBe(
      "stopped",
    );
    expect((await getPreferences(db, resident!.id)).smsStopped).toBe(true);

    // An invitation answered «بله».
    const invited = await councilWith(0);
    const invitation = await inviteToCouncil(db, { actorId: managerId, councilId: invited.councilId, phone: other!.phone });
    expect(invitation.ok).toBe(true);
    await drain();
    expect((await inboxOf(other!.id)).map((i) => i.kind)).toContain("invitation");
    expect((await receiveSms(db, { provider: "local", providerMessageId: "in-7", from: other!.phone, body: "بله" }, opts)).outcome).toBe(
      "invitation_accepted",
    );
    const seats = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.councilId, invited.councilId), eq(memberships.userId, other!.id)));
    expect(seats).toHaveLength(1);
    expect((await receiveSms(db, { provider: "local", providerMessageId: "in-8", from: other!.phone, body: "بله" }, opts)).outcome).toBe(
      "invitation_none",
    );
  });

  it("lets a counter office support for a resident with their SMS code, names office and operator, and gives a tracking code", async () => {
    const { councilId } = await councilWith(0, { supportThreshold: 50 });
    const [resident, author, operatorUser, outsider] = await newUsers(4);
    const proposalId = await file(councilId, author!.id);
    const [{ number }] = (await db.select({ number: proposals.number }).from(proposals).where(eq(proposals.id, proposalId))) as [
      { number: number },
    ];
    await db.insert(roleAssignments).values({ userId: operatorUser!.id, role: "district_staff", districtId, powers: ["file_on_behalf"] });
    const office = await createCounterOffice(db, { districtId, name: "پیشخوان میدان امام", code: `P-${seq++}` });
    if (!office.ok) throw new Error(office.error);
    const operator = (await loadCurrentUser(db, operatorUser!.id))!;
    const stranger = (await loadCurrentUser(db, outsider!.id))!;

    expect(
      await startCounterSupport(db, {
        officeId: office.id,
        operator: stranger,
        residentPhone: resident!.phone,
        proposalNumber: number,
        secret: SECRET,
      }),
    ).toEqual({ ok: false, error: "forbidden" });
    expect(
      await startCounterSupport(db, {
        officeId: office.id,
        operator,
        residentPhone: "+989990000001",
        proposalNumber: number,
        secret: SECRET,
      }),
    ).toEqual({ ok: false, error: "resident_unknown" });
    const started = await startCounterSupport(db, {
      officeId: office.id,
      operator,
      residentPhone: resident!.phone,
      proposalNumber: number,
      secret: SECRET,
    });
    if (!started.ok) throw new Error(started.error);
    const [codeSms] = await db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.dedupeKey, `counter:${started.requestId}`));
    const code = /(\d{6})/.exec(codeSms!.body)![1]!;

    expect(
      await confirmCounterRequest(db, {
        requestId: started.requestId,
        operator,
        code: code === "000000" ? "111111" : "000000",
        secret: SECRET,
      }),
    ).toEqual({ ok: false, error: "code_wrong" });
    expect(await db.select().from(supports).where(eq(supports.proposalId, proposalId))).toHaveLength(0);
    const done = await confirmCounterRequest(db, { requestId: started.requestId, operator, code, secret: SECRET });
    if (!done.ok) throw new Error(done.error);
    expect(done.outcome).toBe("supported");
    const given = await db.select().from(supports).where(eq(supports.proposalId, proposalId));
    expect(given.map((s) => s.userId)).toEqual([resident!.id]);
    // Confirming again changes nothing and answers the same tracking code.
    expect(await confirmCounterRequest(db, { requestId: started.requestId, operator, code, secret: SECRET })).toMatchObject({
      ok: true,
      trackingCode: done.trackingCode,
    });

    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "counter.support"), eq(auditLog.subjectId, proposalId)));
    expect(audit!.actorId).toBe(operatorUser!.id);
    expect(audit!.data).toMatchObject({ officeId: office.id, officeName: "پیشخوان میدان امام", operatorId: operatorUser!.id });

    const tracked = await trackCounterRequest(
      db,
      done.trackingCode.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!),
    );
    expect(tracked).toMatchObject({ status: "done", outcome: "supported", officeName: "پیشخوان میدان امام", proposalNumber: number });
    expect(JSON.stringify(tracked)).not.toContain(resident!.phone);
    expect(await trackCounterRequest(db, "12345")).toBeNull();
    expect(await trackCounterRequest(db, "1000000000")).toBeNull();
    const [trackingSms] = await db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.dedupeKey, `counter-done:${started.requestId}`));
    expect(trackingSms!.body).toContain(done.trackingCode);
  });

  it("tells a proposal's author the commission's decision", async () => {
    const { councilId, members } = await councilWith(1);
    const [author] = await newUsers(1);
    const proposalId = await file(councilId, author!.id);
    const [commission] = await db
      .insert(commissions)
      .values({ name: `کمیسیون ${seq++}`, nameKey: `inbox-commission-${seq}` })
      .returning();
    await db.update(proposals).set({ status: "adopted" }).where(eq(proposals.id, proposalId));
    const referred = await referToCommission(db, { proposalId, commissionId: commission!.id, actorId: members[0]!.id });
    if (!referred.ok) throw new Error(referred.error);
    const decided = await decideReferral(db, {
      referralId: referred.referralId,
      commissionId: commission!.id,
      actorId: managerId,
      decision: "accepted",
      rationale: "این طرح با بودجهٔ امسال شدنی است.",
    });
    expect(decided.ok).toBe(true);
    await drain();
    const [item] = await inboxOf(author!.id);
    expect(item).toMatchObject({ kind: "commission_decision", itemKey: `proposal:${proposalId}` });
    expect(item!.params.decision).toBe("accepted");
  });
});
