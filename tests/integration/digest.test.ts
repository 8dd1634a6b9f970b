import postgres from "postgres";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateThread } from "../../app/domain/escalations.server";
import { putOnAgenda } from "../../app/domain/proposals.server";
import { ReadMarks } from "../../app/domain/read-marks.server";
import { clearDigestCache, pageDigest, PAGE_WAITS_UP_TO, threadDigest, threadDigests } from "../../app/domain/threads/digest.server";
import { getThread } from "../../app/domain/threads/lookup.server";
import { hideMessage, setThreadLock } from "../../app/domain/threads/moderate.server";
import { deleteMessage, reportMessage } from "../../app/domain/threads/write.server";
import { loadCurrentUser, type CurrentUser } from "../../app/domain/users.server";
import { searchCompact } from "../../app/utils/search-text";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { factories, ok, type Factories } from "../support/factories";
import { waitFor } from "../support/wait";

/** Words only the hidden and the deleted message say: they must never reach a digest. */
const SECRET = "رمزپنهانی";
const GONE = "متنپاکشده";

describe.each(BACKENDS)("a long discussion's digest on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let make: Factories;
  let manager: CurrentUser;
  let resident: CurrentUser;
  let deputy: CurrentUser;
  let councilId: string;
  let proposalId: string;
  let threadId: string;
  let people: { id: string; name: string }[];
  const ids: Record<string, string> = {};

  const actor = async (id: string) => (await loadCurrentUser(db, id))!;
  const digestFor = async (viewer: CurrentUser | null, options: { lastReadSeq?: number | null } = {}) => {
    const result = await threadDigest(db, viewer, threadId, options);
    if (!result.ok) throw new Error(result.error);
    return result.digest;
  };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    make = factories(db, { firstPhone: "+989132000000" });
    const districtId = await make.district({ number: 7 });
    const managerPerson = await make.user({ name: "مدیر منطقه هفت", grants: [{ role: "district_manager", districtId }] });
    make.defaults.founderId = managerPerson.id;
    make.defaults.districtId = districtId;
    manager = await actor(managerPerson.id);
    deputy = await actor((await make.user({ name: "معاون", grants: [{ role: "deputy" }] })).id);
    councilId = (await make.council()).id;
    const categoryId = await make.category();
    people = await make.users(5, { name: (i) => ["مریم رضایی", "علی کریمی", "زهرا احمدی", "حسن موسوی", "سارا نوری"][i]! });
    resident = await actor(people[4]!.id);
    proposalId = (await make.proposal({ councilId, authorId: people[0]!.id, categoryId, title: "پارک محله" })).id;
    threadId = await make.thread({ kind: "proposal", proposalId });
    const [maryam, ali, zahra] = people;
    const post = async (key: string, authorId: string, body: string, replyTo?: string) =>
      (ids[key] = (await make.message(threadId, authorId, body, { replyToId: replyTo ? ids[replyTo] : null })).messageId);
    await post("first", maryam!.id, "نیمکت‌های پارک شکسته است");
    await post("secret", ali!.id, `این پیام ${SECRET} را می‌گوید`);
    await post("r1", zahra!.id, "پاسخ به پیام", "secret");
    await post("r2", maryam!.id, "پاسخ دیگر", "secret");
    await post("r3", zahra!.id, "نیمكت پارك را درست کنید", "first");
    await post("gone", ali!.id, `پیامی که ${GONE} می‌شود`);
    await post("reported", ali!.id, "پیام تند دربارهٔ پارک");
    await post("last", maryam!.id, "نيمکت‌ها و چراغ‌ها");
    ok(await hideMessage(db, { actorId: manager.id, messageId: ids.secret!, reason: "توهین" }));
    ok(await deleteMessage(db, { messageId: ids.gone!, actorId: ali!.id }));
    for (const reporter of [maryam!, zahra!]) {
      ok(await reportMessage(db, { messageId: ids.reported!, reporterId: reporter.id, reason: "لحن تند", reportsToHide: 3 }));
    }
    ok(await reportMessage(db, { messageId: ids.first!, reporterId: zahra!.id, reason: "بی‌ربط است", reportsToHide: 3 }));
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("counts the messages and the people, with the most active first by their display name", async () => {
    clearDigestCache();
    const digest = await digestFor(resident);
    expect(digest.messages).toBe(7); // eight posted, one deleted
    expect(digest.participants).toBe(3);
    expect(digest.topParticipants).toEqual([
      { name: "مریم رضایی", count: 3 },
      { name: "علی کریمی", count: 2 }, // the deleted one is not counted
      { name: "زهرا احمدی", count: 2 },
    ]);
    expect(digest.firstAt).not.toBeNull();
    expect(digest.busiestDay?.count).toBe(7);
    expect(digest.perDay).toBe(7);
    expect(digest.moderation).toMatchObject({ hiddenByModerator: 1, hiddenByReports: 0, deleted: 1 });
  });

  it("names the most replied messages, a hidden one only as a hidden message", async () => {
    const digest = await digestFor(resident);
    expect(digest.mostReplied.map((m) => [m.id, m.count, m.state])).toEqual([
      [ids.secret, 2, "hidden"],
      [ids.first, 1, "visible"],
    ]);
    expect(digest.mostReplied[0]!.excerpt).toBeNull();
    expect(digest.mostReplied[1]!.excerpt).toBe("نیمکت‌های پارک شکسته است");
  });

  it("never carries the text of a hidden or deleted message, in any part", async () => {
    for (const viewer of [null, resident, manager, deputy]) {
      const text = JSON.stringify(await digestFor(viewer));
      expect(text.includes(SECRET)).toBe(false);
      expect(text.includes(GONE)).toBe(false);
    }
  });

  it("counts key terms over visible messages on the search normalization", async () => {
    const digest = await digestFor(resident);
    const count = (word: string) => digest.keyTerms.find((t) => searchCompact(t.term) === searchCompact(word))?.count ?? 0;
    // «نیمکت‌های», «نیمكت» and «نيمکت‌ها» are not one word; «پارک» and «پارك» are.
    expect(count("پارک")).toBe(3);
    expect(count("نیمکت")).toBe(1);
    expect(count(SECRET)).toBe(0);
    expect(digest.keyTerms.map((t) => t.term)).not.toContain("را");
    expect(digest.keyTermSample).toBe(6);
  });

  it("shows the most reported messages and the reports to moderators and the deputy only", async () => {
    for (const viewer of [manager, deputy]) {
      const digest = await digestFor(viewer);
      expect(digest.mostReported!.map((m) => [m.id, m.count])).toEqual([
        [ids.reported, 2],
        [ids.first, 1],
      ]);
      expect(digest.moderation).toMatchObject({ reports: 3, openReports: 3 });
    }
    const seen = await digestFor(resident);
    expect(seen.mostReported).toBeNull();
    expect(seen.moderation.reports).toBeNull();
  });

  it("marks an escalation for the desk's people, not for residents", async () => {
    ok(await escalateThread(db, { threadId, actorId: manager.id, note: "پیگیری شود", urgency: "high" }));
    expect((await digestFor(deputy)).escalation).toMatchObject({ state: "new", urgency: "high", escalated: true });
    expect((await digestFor(manager)).escalation).toMatchObject({ escalated: true });
    expect((await digestFor(resident)).escalation).toBeNull();
    const many = await threadDigests(db, deputy, [threadId, threadId]);
    expect([...many.keys()]).toEqual([threadId]);
  });

  it("refuses a commission's review thread to a resident, and shows it to the commission", async () => {
    const commissionId = await make.commission();
    const reviewThread = await make.thread({ kind: "commission", proposalId, commissionId });
    await make.message(reviewThread, manager.id, "بررسی درونی کمیسیون");
    expect(await threadDigest(db, resident, reviewThread)).toEqual({ ok: false, error: "not_found" });
    expect(await threadDigest(db, null, reviewThread)).toEqual({ ok: false, error: "not_found" });
    expect((await threadDigests(db, resident, [reviewThread])).size).toBe(0);
    const member = await actor((await make.user({ grants: [{ role: "commission_member", commissionId }] })).id);
    const shown = await threadDigest(db, member, reviewThread);
    expect(shown.ok && shown.digest.messages).toBe(1);
  });

  it("says what changed since the reader's last visit", async () => {
    const { threadId: councilThread } = await make.councilThread();
    const [a, b, c] = await make.users(3, { name: "همسایه" });
    const early = await make.message(councilThread, a!.id, "سلام");
    await make.message(councilThread, b!.id, "سلام به همه");
    const marks = new ReadMarks(db, 60_000);
    const lastReadSeq = early.seqs[0]! + 1;
    await marks.lastReadAndMark(councilThread, a!.id, lastReadSeq);
    await make.message(councilThread, b!.id, "خبر تازه");
    const hidden = await make.message(councilThread, c!.id, "پیام نفر تازه");
    await make.message(councilThread, a!.id, "ممنون");
    ok(await hideMessage(db, { actorId: manager.id, messageId: hidden.messageId, reason: "بی‌ربط" }));
    ok(await setThreadLock(db, { actorId: manager.id, threadId: councilThread, locked: true, reason: "پایان" }));
    const reads = await marks.lastReads(a!.id, [councilThread]);
    expect(reads.get(councilThread)).toBe(lastReadSeq);
    const result = await threadDigest(db, await actor(a!.id), councilThread, { lastReadSeq: reads.get(councilThread) });
    expect(result.ok && result.digest.sinceVisit).toMatchObject({
      newMessages: 3,
      newMessagesCapped: false,
      newParticipants: 1,
      threadChanges: [
        { kind: "hidden", count: 1 },
        { kind: "locked", count: 1 },
      ],
      statusChanges: 0,
    });
    expect(result.ok && result.digest.sinceVisit?.since).toBeTruthy();
    // Nothing since the last visit for whoever has read it all; nothing for someone not signed in.
    const all = await threadDigest(db, await actor(a!.id), councilThread, { lastReadSeq: 1_000 });
    expect(all.ok && all.digest.sinceVisit).toBeNull();
    const anonymous = await threadDigest(db, null, councilThread, { lastReadSeq });
    expect(anonymous.ok && anonymous.digest.sinceVisit).toBeNull();
  });

  it("counts a proposal's status changes and new people since the visit, from a digest kept in memory", async () => {
    clearDigestCache();
    const before = await digestFor(resident); // kept
    const lastReadSeq = (await db.query.threads.findFirst({ where: (t, { eq }) => eq(t.id, threadId) }))!.lastSeq;
    ok(await putOnAgenda(db, proposalId, manager.id));
    await make.message(threadId, people[3]!.id, "من هم موافقم");
    const after = await digestFor(await actor(people[0]!.id), { lastReadSeq });
    // Only a message was added since it was kept: the kept counts are served, the visit's are fresh.
    expect(after.computedAt).toBe(before.computedAt);
    expect(after.sinceVisit).toMatchObject({ newMessages: 1, newParticipants: 1, statusChanges: 1, status: "on_agenda" });
  });

  it("computes again at once when a kept digest's message is hidden", async () => {
    clearDigestCache();
    const kept = await digestFor(resident);
    expect(kept.mostReplied[1]).toMatchObject({ id: ids.first, state: "visible" });
    ok(await hideMessage(db, { actorId: manager.id, messageId: ids.first!, reason: "تکراری" }));
    const now = await digestFor(resident);
    expect(now.mostReplied[1]).toMatchObject({ id: ids.first, state: "hidden", excerpt: null });
    expect(JSON.stringify(now).includes("نیمکت‌های پارک شکسته است")).toBe(false);
  });

  // Another connection holds a lock the digest's counting must wait for (the reports table, which
  // the page itself does not read), so "not ready in time" is certain, whatever the machine's speed.
  it.runIf(backend === "postgres")(
    "opens a very long thread's page without a digest still being counted, and keeps a short one's page waiting for it",
    async () => {
      const longProposal = (
        await make.proposal({ councilId, authorId: people[1]!.id, categoryId: await make.category(), title: "گفت‌وگوی بسیار بلند" })
      ).id;
      const longThreadId = await make.thread({ kind: "proposal", proposalId: longProposal });
      const n = PAGE_WAITS_UP_TO + 1;
      await db.execute(
        sql`insert into thread_messages (thread_id, seq, version, author_id, body, created_at)
            select ${longThreadId}::uuid, m, m, ${people[1]!.id}::uuid, 'پیام شماره ' || m, now() - (${n} - m) * interval '1 second'
            from generate_series(1, ${n}) m`,
      );
      await db.execute(sql`update threads set last_seq = ${n}, message_count = ${n} where id = ${longThreadId}::uuid`);
      const longThread = (await getThread(db, longThreadId))!;
      const shortThread = (await getThread(db, threadId))!;
      clearDigestCache();

      const other = postgres(database.url!, { max: 1, onnotice: () => {} });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other.begin(async (tx) => {
        await tx`lock table message_reports in access exclusive mode`;
        locked();
        await held;
      });
      try {
        await isLocked;
        // The long thread's page opens without its digest; the short one's waits for its own.
        expect(await pageDigest(db, resident, longThread)).toBeNull();
        const short = pageDigest(db, resident, shortThread);
        release();
        await holder;
        expect((await short)?.threadId).toBe(threadId);
      } finally {
        release();
        await holder.catch(() => {});
        await other.end();
      }
      // The counting went on behind the page: the next reader of the long thread has the digest.
      const digest = await waitFor(() => pageDigest(db, resident, longThread), 30_000, "the long thread's digest");
      expect(digest.messages).toBe(n);
      expect(digest.participants).toBe(1);
    },
  );
});
