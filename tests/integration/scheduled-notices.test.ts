import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { inboxPage, markAllRead, processNotices, recordNotice, savePreferences, stopSms } from "../../app/domain/notifications.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { queueDailyDigests, remindVotesClosingSoon } from "../../app/domain/scheduled-notices.server";
import { SMS_NOTICE_MAX } from "../../app/domain/sms-outbox.server";
import { castBallot, openVote } from "../../app/domain/votes.server";
import { smsTextFor } from "../../app/server/inbox-worker.server";
import { districts, memberships, neighborhoods, noticeOnce, smsMessages, users, votes } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { testCharter } from "../support/fixtures";

/** The current minute of the Tehran day (Iran keeps UTC+3:30 all year). */
function tehranMinute() {
  const now = new Date(Date.now() + 210 * 60_000);
  return now.getUTCHours() * 60 + now.getUTCMinutes();
}

describe.each(BACKENDS)("notices from the clock on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let managerId: string;
  let districtId: string;
  let categoryId: string;
  let seq = 0;
  const smsText = smsTextFor("https://mahalleh.example");
  const drain = () => processNotices(db, { limit: 1000, smsText });
  const inboxOf = async (userId: string) => (await inboxPage(db, userId, { limit: 100 })).items;

  async function newUsers(n: number, name = (i: number) => `ساکن ${i}`) {
    return db
      .insert(users)
      .values(
        Array.from({ length: n }, (_, i) => ({
          phone: `+98914${String(4_000_000 + seq++).padStart(7, "0")}`,
          displayName: name(i),
          passwordHash: "x",
        })),
      )
      .returning({ id: users.id, phone: users.phone });
  }

  async function councilWith(n: number) {
    const k = seq++;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: `محلهٔ ساعت ${k}`, nameKey: `clock-hood-${k}` })
      .returning();
    const council = await createCouncil(db, managerId, hood!.id, testCharter({}));
    if (!council.ok) throw new Error(council.error);
    const members = await newUsers(n, (i) => `عضو ${i}`);
    await db.insert(memberships).values(members.map((m) => ({ councilId: council.id, userId: m.id, termNumber: 1 })));
    return { councilId: council.id, members };
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    [{ id: managerId }] = (await newUsers(1, () => "مدیر منطقه")) as [{ id: string; phone: string }];
    const [district] = await db.insert(districts).values({ number: 14, name: "منطقه ۱۴", nameKey: "district-14" }).returning();
    districtId = district!.id;
    const category = await createCategory(db, "روشنایی", 1);
    if (!category.ok) throw new Error(category.error);
    categoryId = category.id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("reminds the members who have not voted when a vote closes soon, once per vote per person", async () => {
    const { councilId, members } = await councilWith(4);
    const [author] = await newUsers(1);
    const filed = await fileProposal(db, {
      title: "روشنایی کوچه‌ها",
      body: "کوچه‌های پشت مدرسه شب‌ها تاریک است و رفت‌وآمد سخت است.",
      categoryId,
      place: "",
      councilId,
      authorId: author!.id,
    });
    if (!filed.ok) throw new Error(filed.error);
    expect((await putOnAgenda(db, filed.id, members[0]!.id)).ok).toBe(true);
    const opened = await openVote(db, { proposalId: filed.id, actorId: members[0]!.id, hours: 24 });
    if (!opened.ok) throw new Error(opened.error);
    expect((await castBallot(db, { proposalId: filed.id, userId: members[1]!.id, choice: "for" })).ok).toBe(true);
    await drain();

    // A day left: nobody is reminded yet.
    expect(await remindVotesClosingSoon(db)).toBe(0);
    // An hour left.
    await db
      .update(votes)
      .set({ opensAt: sql`now() - interval '23 hours'`, closesAt: sql`now() + interval '1 hour'` })
      .where(eq(votes.id, opened.voteId));
    expect(await remindVotesClosingSoon(db)).toBe(3);
    await drain();
    for (const m of [members[0]!, members[2]!, members[3]!]) {
      const items = await inboxOf(m.id);
      // The vote's own row says it now (one row per vote, not two).
      expect(items.map((i) => [i.kind, i.itemKey])).toEqual([["vote_closing", `vote:${opened.voteId}`]]);
    }
    expect((await inboxOf(members[1]!.id)).map((i) => i.kind)).toEqual(["vote_opened"]);
    // Once per vote per person: running again (or on another instance) tells nobody.
    expect(await remindVotesClosingSoon(db)).toBe(0);
    const keys = await db
      .select()
      .from(noticeOnce)
      .where(eq(noticeOnce.key, `vote_closing:${opened.voteId}`));
    expect(keys).toHaveLength(3);
    // Someone who read it is not told again.
    await markAllRead(db, members[2]!.id);
    await remindVotesClosingSoon(db);
    await drain();
    expect((await inboxOf(members[2]!.id))[0]!.readAt).not.toBeNull();
  });

  it("queues one Persian SMS digest a day, within SMS length, only for people who asked for SMS and inside their hours", async () => {
    const [smsOnly, perKind, webOnly, stopped, outside, nothingUnread] = await newUsers(6);
    const now = tehranMinute();
    const outsideHours = now < 720 ? { from: 780, until: 1440 } : { from: 0, until: 600 };
    const allDay = { smsFromMinute: 0, smsUntilMinute: 1440 };
    await savePreferences(db, smsOnly!.id, { smsOnly: true, ...allDay, sms: {} });
    await savePreferences(db, perKind!.id, { smsOnly: false, ...allDay, sms: { thread_messages: true } });
    await savePreferences(db, webOnly!.id, { smsOnly: false, ...allDay, sms: {} });
    await savePreferences(db, stopped!.id, { smsOnly: true, ...allDay, sms: {} });
    await stopSms(db, stopped!.id);
    await savePreferences(db, outside!.id, {
      smsOnly: true,
      smsFromMinute: outsideHours.from,
      smsUntilMinute: outsideHours.until,
      sms: {},
    });
    await savePreferences(db, nothingUnread!.id, { smsOnly: true, ...allDay, sms: {} });
    const told = [smsOnly!, perKind!, webOnly!, stopped!, outside!].map((u) => u.id);
    for (let i = 0; i < 3; i++) {
      await recordNotice(db, {
        kind: "thread_messages",
        itemKey: `thread:digest-${i}`,
        link: "/inbox",
        params: { title: `گفت‌وگوی بسیار طولانی دربارهٔ آیندهٔ پارک محله و نیمکت‌ها و روشنایی و درختان ${i}` },
        audience: { users: told },
      });
    }
    await drain();
    // What the fan-out queued for kinds by SMS is not the digest; count digests only.
    const digests = () => db.select().from(smsMessages).where(like(smsMessages.dedupeKey, "digest:%"));
    const before = (await digests()).length;
    const queued = await queueDailyDigests(db, { origin: "https://mahalleh.example" });
    const mine = (await digests()).filter((m) =>
      [smsOnly, perKind, webOnly, stopped, outside, nothingUnread].some((u) => u!.id === m.userId),
    );
    expect(queued).toBe((await digests()).length - before);
    expect(mine.map((m) => m.userId).sort()).toEqual([smsOnly!.id, perKind!.id].sort());
    for (const m of mine) {
      expect(m.body).toContain("۳ مورد خوانده‌نشده");
      expect(m.body).toContain("https://mahalleh.example/inbox");
      expect(m.body.length).toBeLessThanOrEqual(SMS_NOTICE_MAX);
      expect(m.dedupeKey).toMatch(/^digest:[0-9a-f-]{36}:\d{4}-\d{2}-\d{2}$/);
    }
    // Once per person per day: a second run (or another instance) queues nothing more for them.
    await queueDailyDigests(db, { origin: "https://mahalleh.example" });
    const again = (await digests()).filter((m) => m.userId === smsOnly!.id || m.userId === perKind!.id);
    expect(again).toHaveLength(2);
    const [row] = await db
      .select()
      .from(smsMessages)
      .where(and(eq(smsMessages.userId, smsOnly!.id), like(smsMessages.dedupeKey, "digest:%")));
    expect(row!.purpose).toBe("digest");
  });
});
