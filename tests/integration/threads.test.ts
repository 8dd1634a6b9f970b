import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  escalateThread,
  getSurfacingSettings,
  setEscalationState,
  surfaceIfSignalled,
  updateSurfacingSettings,
} from "../../app/domain/escalations.server";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { liveliestThreads } from "../../app/domain/threads/home.server";
import { ensureThread, getThread } from "../../app/domain/threads/lookup.server";
import {
  hideMessage,
  muteInThread,
  pinMessage,
  restoreMessage,
  setThreadLock,
  unmuteInThread,
} from "../../app/domain/threads/moderate.server";
import { editHistory, moderationQueue } from "../../app/domain/threads/queue.server";
import { eventsSince, getMessageView, threadPage } from "../../app/domain/threads/read.server";
import { deleteMessage, editMessage, postMessage, reportMessage } from "../../app/domain/threads/write.server";
import { queryRows, refreshStatistics } from "../../db/client.server";
import {
  auditLog,
  commissions,
  councils,
  escalationEvents,
  escalations,
  messageEdits,
  messageReports,
  threadEvents,
  threadMessages,
  threadMutes,
  threads,
} from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { factories, idsOf, ok, type Factories } from "../support/factories";

describe.each(BACKENDS)("discussion threads on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let districtId: string;
  let managerId: string;
  let categoryId: string;
  let make: Factories;

  const threadRow = async (id: string) => (await db.select().from(threads).where(eq(threads.id, id)))[0]!;
  const messageRow = async (id: string) => (await db.select().from(threadMessages).where(eq(threadMessages.id, id)))[0]!;
  const messagesOf = (threadId: string) =>
    db.select().from(threadMessages).where(eq(threadMessages.threadId, threadId)).orderBy(asc(threadMessages.seq));
  const eventKinds = async (threadId: string) =>
    (await db.select().from(threadEvents).where(eq(threadEvents.threadId, threadId)).orderBy(asc(threadEvents.seq))).map((e) => [
      e.seq,
      e.kind,
    ]);
  const auditOf = (subjectId: string) => db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId)).orderBy(asc(auditLog.id));
  const reportsToHide = async (threadId: string) => (await getThread(db, threadId))!.reportsToHide;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    // Proposals here never reach their support threshold unless a test says so.
    make = factories(db, { firstPhone: "+989131000000", charter: { supportThreshold: 1000 } });
    districtId = await make.district({ number: 4 });
    managerId = (await make.user({ name: "مدیر منطقه" })).id;
    make.defaults.founderId = managerId;
    make.defaults.districtId = districtId;
    const category = await createCategory(db, "فضای سبز");
    if (!category.ok) throw new Error(category.error);
    categoryId = category.id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("making threads", () => {
    it("makes one thread per council even when many ask at once", async () => {
      const councilId = (await make.council()).id;
      const ids = await Promise.all(Array.from({ length: 10 }, () => ensureThread(db, { kind: "council", councilId })));
      expect(new Set(ids).size).toBe(1);
      const rows = await db.select().from(threads).where(eq(threads.councilId, councilId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: "council", districtId, proposalId: null, commissionId: null, lastSeq: 0, messageCount: 0 });
    });

    it("keeps a proposal's thread and a commission's review thread apart", async () => {
      const councilId = (await make.council()).id;
      const author = (await make.user()).id;
      const filed = ok(
        await fileProposal(db, {
          title: "نیمکت برای بوستان",
          body: "بوستان محله هیچ نیمکتی ندارد و سالمندان خسته می‌شوند.",
          categoryId,
          place: "بوستان",
          councilId,
          authorId: author,
        }),
      );
      const [commission] = await db
        .insert(commissions)
        .values({ name: "کمیسیون فضای سبز", nameKey: "commission-green-thread" })
        .returning({ id: commissions.id });
      const proposalThread = await ensureThread(db, { kind: "proposal", proposalId: filed.id });
      const reviewThread = await ensureThread(db, { kind: "commission", proposalId: filed.id, commissionId: commission!.id });
      expect(proposalThread).not.toBe(reviewThread);
      expect(await ensureThread(db, { kind: "proposal", proposalId: filed.id })).toBe(proposalThread);
      const info = await getThread(db, reviewThread);
      expect(info).toMatchObject({
        kind: "commission",
        councilId,
        proposalId: filed.id,
        commissionId: commission!.id,
        homePath: `/proposals/${filed.id}`,
      });
      await expect(ensureThread(db, { kind: "proposal", proposalId: crypto.randomUUID() })).rejects.toThrow();

      // The home page's latest discussions: public threads, newest message first; a commission's never.
      await make.message(reviewThread, author, "پیام درونی کمیسیون");
      expect((await liveliestThreads(db, 50)).map((t) => t.id)).not.toContain(reviewThread);
      await make.message(proposalThread, author, "پیام عمومی درباره نیمکت");
      const [latest] = await liveliestThreads(db, 5);
      expect(latest).toMatchObject({
        id: proposalThread,
        proposalTitle: "نیمکت برای بوستان",
        messageCount: 1,
        path: `/proposals/${filed.id}#thread`,
      });
    });
  });

  describe("numbering", () => {
    it("gives 50 parallel posts from different authors the numbers 1..50, each once", async () => {
      const { threadId } = await make.councilThread();
      const authors = idsOf(await make.users(50, { name: "نویسنده" }));
      const results = await Promise.all(authors.map((authorId, i) => postMessage(db, { threadId, authorId, body: `پیام ${i}` })));
      expect(results.every((r) => r.ok)).toBe(true);
      const seqs = results.map((r) => (r.ok ? r.seqs[0]! : 0)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const rows = await messagesOf(threadId);
      expect(rows.map((r) => r.seq)).toEqual(seqs);
      expect(new Set(rows.map((r) => r.authorId)).size).toBe(50);
      expect(await threadRow(threadId)).toMatchObject({ lastSeq: 50, messageCount: 50 });
      const events = await eventKinds(threadId);
      expect(events).toEqual(seqs.map((s) => [s, "posted"]));
    });

    it("keeps numbering shared between messages and other events, with no gaps", async () => {
      const { threadId } = await make.councilThread();
      const [a, b] = idsOf(await make.users(2));
      const first = await make.message(threadId, a!);
      ok(await editMessage(db, { messageId: first.messageId, actorId: a!, body: "سلام به همسایه‌های عزیز" }));
      await Promise.all([
        postMessage(db, { threadId, authorId: b!, body: "درود" }),
        setThreadLock(db, { actorId: managerId, threadId, locked: true, reason: "بررسی" }),
        pinMessage(db, { actorId: managerId, threadId, messageId: first.messageId }),
      ]);
      const events = await eventKinds(threadId);
      expect(events.map(([seq]) => seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect((await threadRow(threadId)).lastSeq).toBe(events.length);
    });

    it("posts once for the same form key sent 20 times at once", async () => {
      const { threadId } = await make.councilThread();
      const author = (await make.user()).id;
      const clientKey = crypto.randomUUID();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => postMessage(db, { threadId, authorId: author, body: "یک بار فرستادم", clientKey })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const posted = results.filter((r) => r.ok && !r.duplicate);
      expect(posted).toHaveLength(1);
      expect(new Set(results.map((r) => (r.ok ? r.messageId : null))).size).toBe(1);
      expect(results.filter((r) => r.ok && r.duplicate).every((r) => r.ok && r.seqs.length === 0)).toBe(true);
      expect(await messagesOf(threadId)).toHaveLength(1);
      expect(await threadRow(threadId)).toMatchObject({ lastSeq: 1, messageCount: 1 });
      // The same key from someone else is their own message.
      const other = (await make.user()).id;
      const theirs = await make.message(threadId, other, "من هم", { clientKey });
      expect(theirs.duplicate).toBe(false);
      expect(await messagesOf(threadId)).toHaveLength(2);
    });
  });

  describe("reading", () => {
    let bigThread: string;
    const TOTAL = 5000;

    beforeAll(async () => {
      bigThread = (await make.councilThread()).threadId;
      const author = (await make.user({ name: "پرحرف" })).id;
      // Straight into the tables: what 5,000 posts would have left behind.
      await db.execute(sql`
        insert into thread_messages (thread_id, seq, version, author_id, body, created_at)
        select ${bigThread}, g, g, ${author}, 'پیام شماره ' || g, now() - make_interval(secs => ${TOTAL + 1} - g)
        from generate_series(1, ${TOTAL}) g`);
      await db.execute(sql`
        insert into thread_events (thread_id, seq, kind, message_id, actor_id)
        select thread_id, seq, 'posted', id, author_id from thread_messages where thread_id = ${bigThread}`);
      await db.update(threads).set({ lastSeq: TOTAL, messageCount: TOTAL }).where(eq(threads.id, bigThread));
    });

    it("opens on the latest page, oldest first", async () => {
      const page = await threadPage(db, bigThread);
      expect(page.messages).toHaveLength(40);
      expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => TOTAL - 39 + i));
      expect(page.hasEarlier).toBe(true);
      expect(page.earliestSeq).toBe(TOTAL - 39);
      expect(page.messages.at(-1)).toMatchObject({ body: `پیام شماره ${TOTAL}`, state: "visible", authorName: "پرحرف", replyTo: null });
    });

    it("walks every page by cursor and sees each of the 5,000 messages exactly once", async () => {
      const seen: number[] = [];
      let before: number | undefined;
      let pages = 0;
      for (;;) {
        const page = await threadPage(db, bigThread, { beforeSeq: before, limit: 200 });
        pages++;
        seen.unshift(...page.messages.map((m) => m.seq));
        if (!page.hasEarlier) break;
        before = page.earliestSeq!;
      }
      expect(pages).toBe(TOTAL / 200);
      expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    });

    it("answers a deep page by its cursor alone", async () => {
      const deep = await threadPage(db, bigThread, { beforeSeq: 41 });
      expect(deep.messages.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(deep.hasEarlier).toBe(false);
      const middle = await threadPage(db, bigThread, { beforeSeq: 2501, limit: 10 });
      expect(middle.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 2491 + i));
      expect(middle.hasEarlier).toBe(true);
      // Out-of-range sizes are held to sane bounds.
      expect((await threadPage(db, bigThread, { limit: 10_000 })).messages).toHaveLength(200);
      expect((await threadPage(db, bigThread, { limit: 0 })).messages).toHaveLength(1);
      expect((await threadPage(db, bigThread, { beforeSeq: 1 })).messages).toHaveLength(0);
    });

    it("reads only a page's own rows for a deep page, once the planner has statistics", async () => {
      // The server refreshes PGlite's statistics itself; a PostgreSQL server's autovacuum does it there.
      if (!(await refreshStatistics(database))) await db.execute(sql`analyze`);
      const rowsRead = async (query: ReturnType<typeof sql>) => {
        const [row] = await queryRows<Record<string, unknown>>(db, sql`explain (analyze, format json) ${query}`);
        const raw = Object.values(row!)[0];
        const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: Record<string, unknown> }[];
        let most = 0;
        const walk = (node: Record<string, unknown>) => {
          most = Math.max(most, Number(node["Actual Rows"] ?? 0));
          for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
        };
        walk(plan[0]!.Plan);
        return most;
      };
      for (const before of [TOTAL + 1, 2501, 41]) {
        const read = await rowsRead(
          sql`select id from thread_messages where thread_id = ${bigThread} and seq < ${before} order by seq desc limit 41`,
        );
        expect(read, `page before ${before}`).toBeLessThanOrEqual(41);
      }
    });

    it("replays every event in order, in batches with `more`", async () => {
      const seqs: number[] = [];
      let after = 0;
      let batches = 0;
      for (;;) {
        const batch = await eventsSince(db, bigThread, after, 1000);
        batches++;
        expect(batch.lastSeq).toBe(TOTAL);
        seqs.push(...batch.events.map((e) => e.seq));
        if (!batch.more) break;
        after = batch.events.at(-1)!.seq;
      }
      expect(batches).toBe(5);
      expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      const tail = await eventsSince(db, bigThread, TOTAL - 2);
      expect(tail.more).toBe(false);
      expect(tail.events.map((e) => [e.seq, e.kind, e.message?.body])).toEqual([
        [TOTAL - 1, "posted", `پیام شماره ${TOTAL - 1}`],
        [TOTAL, "posted", `پیام شماره ${TOTAL}`],
      ]);
      expect((await eventsSince(db, bigThread, TOTAL)).events).toHaveLength(0);
    });

    it("replays changes with each message as it is now", async () => {
      const { threadId } = await make.councilThread();
      const [a, b] = idsOf(await make.users(2));
      const first = await make.message(threadId, a!, "نسخه نخست");
      const second = await make.message(threadId, b!, "پیام دوم");
      ok(await editMessage(db, { messageId: first.messageId, actorId: a!, body: "نسخه ویرایش‌شده" }));
      ok(await deleteMessage(db, { messageId: first.messageId, actorId: a! }));
      ok(await setThreadLock(db, { actorId: managerId, threadId, locked: true, reason: "آرام باشیم" }));
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: second.messageId }));
      const all = await eventsSince(db, threadId, 0);
      expect(all.events.map((e) => [e.seq, e.kind])).toEqual([
        [1, "posted"],
        [2, "posted"],
        [3, "edited"],
        [4, "deleted"],
        [5, "locked"],
        [6, "pinned"],
      ]);
      // Events are applied by message id: the first message is already deleted in every event about it.
      expect(all.events[0]!.message).toMatchObject({ id: first.messageId, state: "deleted", body: null });
      expect(all.events[2]!.message).toMatchObject({ state: "deleted", body: null });
      expect(all.events[4]!.thread).toEqual({ locked: true, lockReason: "آرام باشیم", pinnedMessageId: second.messageId });
      expect(all.events[0]!.thread).toBeNull();
      const paged = await eventsSince(db, threadId, 2, 2);
      expect(paged.events.map((e) => e.seq)).toEqual([3, 4]);
      expect(paged.more).toBe(true);
      expect(paged.lastSeq).toBe(6);
    });
  });

  describe("writing", () => {
    it("refuses a reply to a message of another thread", async () => {
      const one = await make.councilThread();
      const two = await make.councilThread();
      const author = (await make.user({ name: "پاسخ‌دهنده" })).id;
      const elsewhere = await make.message(two.threadId, author, "در گفت‌وگوی دیگر");
      expect(await postMessage(db, { threadId: one.threadId, authorId: author, body: "پاسخ", replyToId: elsewhere.messageId })).toEqual({
        ok: false,
        error: "reply_not_found",
      });
      expect(await messagesOf(one.threadId)).toHaveLength(0);
      expect((await threadRow(one.threadId)).lastSeq).toBe(0);
      expect(await postMessage(db, { threadId: crypto.randomUUID(), authorId: author, body: "ناکجا" })).toEqual({
        ok: false,
        error: "not_found",
      });
    });

    it("quotes the start of the message replied to, and drops the quote once it is gone", async () => {
      const { threadId } = await make.councilThread();
      const [a, b] = idsOf(await make.users(2, { name: "همسایه" }));
      const long = "ا".repeat(100) + "ب".repeat(100);
      const original = await make.message(threadId, a!, long);
      const reply = await make.message(threadId, b!, "موافقم", { replyToId: original.messageId });
      const view = await getMessageView(db, reply.messageId);
      expect(view!.replyTo).toEqual({ id: original.messageId, authorName: "همسایه 1", excerpt: "ا".repeat(100) + "ب".repeat(40) });
      ok(await deleteMessage(db, { messageId: original.messageId, actorId: a! }));
      expect((await getMessageView(db, reply.messageId))!.replyTo).toEqual({
        id: original.messageId,
        authorName: "همسایه 1",
        excerpt: null,
      });
    });

    it("lets the author edit within 15 minutes, keeping what it said before", async () => {
      const { threadId } = await make.councilThread();
      const [author, other] = idsOf(await make.users(2));
      const posted = await make.message(threadId, author!, "جلسه ساعت پنج است");
      const edited = ok(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "جلسه ساعت شش است" }));
      expect(edited.seqs).toEqual([2]);
      ok(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "جلسه ساعت شش و نیم است" }));
      // Saving the same text again changes nothing.
      expect(ok(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "جلسه ساعت شش و نیم است" })).seqs).toEqual([]);
      expect(await messageRow(posted.messageId)).toMatchObject({ body: "جلسه ساعت شش و نیم است", version: 3 });
      expect((await messageRow(posted.messageId)).editedAt).not.toBeNull();
      expect((await editHistory(db, posted.messageId)).map((e) => e.previousBody)).toEqual(["جلسه ساعت پنج است", "جلسه ساعت شش است"]);
      expect((await getMessageView(db, posted.messageId))!.editedAt).not.toBeNull();

      expect(await editMessage(db, { messageId: posted.messageId, actorId: other!, body: "دست‌کاری" })).toEqual({
        ok: false,
        error: "not_author",
      });
      expect(await editMessage(db, { messageId: posted.messageId, actorId: managerId, body: "دست‌کاری" })).toEqual({
        ok: false,
        error: "not_author",
      });

      // Sixteen minutes later the window has closed.
      await db.execute(sql`update thread_messages set created_at = now() - interval '16 minutes' where id = ${posted.messageId}`);
      expect(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "دیر شد" })).toEqual({
        ok: false,
        error: "edit_window_passed",
      });
      expect((await messageRow(posted.messageId)).body).toBe("جلسه ساعت شش و نیم است");
      expect(await db.select().from(messageEdits).where(eq(messageEdits.messageId, posted.messageId))).toHaveLength(2);
      // Just inside the window it still works.
      const fresh = await make.message(threadId, author!, "تازه");
      await db.execute(sql`update thread_messages set created_at = now() - interval '14 minutes' where id = ${fresh.messageId}`);
      ok(await editMessage(db, { messageId: fresh.messageId, actorId: author!, body: "تازه‌تر" }));
      expect(await editMessage(db, { messageId: crypto.randomUUID(), actorId: author!, body: "ناپیدا" })).toEqual({
        ok: false,
        error: "not_found",
      });
    });

    it("leaves a trace of a deleted message, with no text in any view", async () => {
      const { threadId } = await make.councilThread();
      const [author, other] = idsOf(await make.users(2));
      const posted = await make.message(threadId, author!, "این را پاک می‌کنم");
      expect(await deleteMessage(db, { messageId: posted.messageId, actorId: other! })).toEqual({ ok: false, error: "not_author" });
      ok(await deleteMessage(db, { messageId: posted.messageId, actorId: author! }));
      expect(await deleteMessage(db, { messageId: posted.messageId, actorId: author! })).toEqual({ ok: false, error: "message_gone" });
      const row = await messageRow(posted.messageId);
      expect(row.deletedAt).not.toBeNull();
      expect((await messagesOf(threadId)).length).toBe(1);
      const view = await getMessageView(db, posted.messageId);
      expect(view).toMatchObject({ state: "deleted", body: null, hiddenReason: null });
      const page = await threadPage(db, threadId);
      expect(page.messages).toEqual([expect.objectContaining({ id: posted.messageId, state: "deleted", body: null })]);
      expect(JSON.stringify(page)).not.toContain("این را پاک می‌کنم");
      expect(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "برگشت" })).toEqual({
        ok: false,
        error: "message_gone",
      });
      expect(await reportMessage(db, { messageId: posted.messageId, reporterId: other!, reason: "توهین", reportsToHide: 3 })).toEqual({
        ok: false,
        error: "message_gone",
      });
      expect(await eventKinds(threadId)).toEqual([
        [1, "posted"],
        [2, "deleted"],
      ]);
    });
  });

  describe("reports", () => {
    it("hides a message exactly at the charter's number of reports", async () => {
      const { threadId } = await make.councilThread({ charter: { reportsToHide: 3 } });
      const author = (await make.user()).id;
      const readers = idsOf(await make.users(4, { name: "گزارش‌دهنده" }));
      const posted = await make.message(threadId, author, "حرف زشت");
      const limit = await reportsToHide(threadId);
      expect(limit).toBe(3);
      for (const reporterId of readers.slice(0, 2)) {
        expect(
          ok(await reportMessage(db, { messageId: posted.messageId, reporterId, reason: "توهین به همسایه", reportsToHide: limit })).hidden,
        ).toBe(false);
      }
      expect(await messageRow(posted.messageId)).toMatchObject({ reportCount: 2, hiddenKind: null, hiddenAt: null });
      expect((await getMessageView(db, posted.messageId))!.state).toBe("visible");
      const third = ok(
        await reportMessage(db, { messageId: posted.messageId, reporterId: readers[2]!, reason: "توهین", reportsToHide: limit }),
      );
      expect(third).toMatchObject({ hidden: true, seqs: [2] });
      expect(await messageRow(posted.messageId)).toMatchObject({ reportCount: 3, hiddenKind: "reports", hiddenBy: null });
      expect(await getMessageView(db, posted.messageId)).toMatchObject({ state: "hidden_reports", body: null });
      // A fourth report counts, but the message is hidden only once.
      expect(
        ok(await reportMessage(db, { messageId: posted.messageId, reporterId: readers[3]!, reason: "توهین", reportsToHide: limit })),
      ).toMatchObject({
        hidden: false,
        seqs: [],
      });
      expect(await eventKinds(threadId)).toEqual([
        [1, "posted"],
        [2, "hidden"],
      ]);
      // Moderators read the text in their queue, with the reasons.
      const queue = await moderationQueue(db, districtId);
      const item = queue.find((q) => q.id === posted.messageId)!;
      expect(item).toMatchObject({ body: "حرف زشت", reportCount: 4, hiddenKind: "reports" });
      expect(item.reports).toHaveLength(4);
    });

    it("takes one report per reader, even sent in parallel, and none from the author", async () => {
      const { threadId } = await make.councilThread({ charter: { reportsToHide: 2 } });
      const [author, reader] = idsOf(await make.users(2));
      const posted = await make.message(threadId, author!, "پیامی بحث‌برانگیز");
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          reportMessage(db, { messageId: posted.messageId, reporterId: reader!, reason: "هرزنامه", reportsToHide: 2 }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.error))).toEqual(Array(9).fill("already_reported"));
      expect(await db.select().from(messageReports).where(eq(messageReports.messageId, posted.messageId))).toHaveLength(1);
      expect(await messageRow(posted.messageId)).toMatchObject({ reportCount: 1, hiddenKind: null });
      expect(await reportMessage(db, { messageId: posted.messageId, reporterId: author!, reason: "خودم", reportsToHide: 2 })).toEqual({
        ok: false,
        error: "own_message",
      });
      expect(await reportMessage(db, { messageId: crypto.randomUUID(), reporterId: reader!, reason: "ناپیدا", reportsToHide: 2 })).toEqual({
        ok: false,
        error: "not_found",
      });
    });

    it("hides once when many readers cross the threshold together", async () => {
      const { threadId } = await make.councilThread({ charter: { reportsToHide: 3 } });
      const author = (await make.user()).id;
      const readers = idsOf(await make.users(8, { name: "خواننده" }));
      const posted = await make.message(threadId, author, "پیام مشکوک");
      const results = await Promise.all(
        readers.map((reporterId) => reportMessage(db, { messageId: posted.messageId, reporterId, reason: "نامناسب", reportsToHide: 3 })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.filter((r) => r.ok && r.hidden)).toHaveLength(1);
      expect(await messageRow(posted.messageId)).toMatchObject({ reportCount: 8, hiddenKind: "reports" });
      expect((await eventKinds(threadId)).filter(([, kind]) => kind === "hidden")).toHaveLength(1);
    });

    it("settles the reports when a moderator restores or dismisses", async () => {
      const { threadId } = await make.councilThread({ charter: { reportsToHide: 2 } });
      const author = (await make.user()).id;
      const readers = idsOf(await make.users(3));
      const hidden = await make.message(threadId, author, "پیامی که پنهان شد");
      for (const reporterId of readers.slice(0, 2))
        ok(await reportMessage(db, { messageId: hidden.messageId, reporterId, reason: "نامناسب", reportsToHide: 2 }));
      expect((await messageRow(hidden.messageId)).hiddenKind).toBe("reports");
      const restored = ok(await restoreMessage(db, { actorId: managerId, messageId: hidden.messageId, reason: "مشکلی ندارد" }));
      expect(restored.seqs).toHaveLength(1);
      expect(await messageRow(hidden.messageId)).toMatchObject({ hiddenKind: null, hiddenAt: null, reportCount: 0 });
      const settled = await db.select().from(messageReports).where(eq(messageReports.messageId, hidden.messageId));
      expect(settled).toHaveLength(2);
      expect(settled.every((r) => r.resolution === "restored" && r.resolvedBy === managerId && r.resolvedAt)).toBe(true);
      expect((await getMessageView(db, hidden.messageId))!.body).toBe("پیامی که پنهان شد");
      // Restored is settled: it leaves the queue, and a reader who already reported cannot report again.
      expect((await moderationQueue(db, districtId)).map((q) => q.id)).not.toContain(hidden.messageId);
      expect(await reportMessage(db, { messageId: hidden.messageId, reporterId: readers[0]!, reason: "باز هم", reportsToHide: 2 })).toEqual(
        {
          ok: false,
          error: "already_reported",
        },
      );

      const reported = await make.message(threadId, author, "پیامی با یک گزارش");
      ok(await reportMessage(db, { messageId: reported.messageId, reporterId: readers[2]!, reason: "نامناسب", reportsToHide: 2 }));
      const dismissed = ok(await restoreMessage(db, { actorId: managerId, messageId: reported.messageId }));
      expect(dismissed.seqs).toEqual([]);
      expect((await db.select().from(messageReports).where(eq(messageReports.messageId, reported.messageId)))[0]).toMatchObject({
        resolution: "dismissed",
      });
      expect(await messageRow(reported.messageId)).toMatchObject({ reportCount: 0 });
      expect(await restoreMessage(db, { actorId: managerId, messageId: reported.messageId })).toEqual({ ok: false, error: "not_hidden" });
      // The hiding by reports was the platform's act; the restoring, the manager's.
      expect((await auditOf(hidden.messageId)).map((a) => [a.action, a.actorId, a.reason])).toEqual([
        ["message.hide_by_reports", null, null],
        ["message.restore", managerId, "مشکلی ندارد"],
      ]);
      expect((await auditOf(reported.messageId)).map((a) => a.action)).toEqual(["message.reports_dismiss"]);
    });
  });

  describe("moderation", () => {
    it("hides with a reason that every reader sees, and records it", async () => {
      const { threadId, councilId } = await make.councilThread();
      const [author, reader] = idsOf(await make.users(2));
      const posted = await make.message(threadId, author!, "آگهی فروش");
      ok(await reportMessage(db, { messageId: posted.messageId, reporterId: reader!, reason: "تبلیغات", reportsToHide: 3 }));
      ok(await hideMessage(db, { actorId: managerId, messageId: posted.messageId, reason: "تبلیغ تجاری", requestId: "req-hide-1" }));
      expect(await getMessageView(db, posted.messageId)).toMatchObject({
        state: "hidden_moderator",
        body: null,
        hiddenReason: "تبلیغ تجاری",
      });
      expect(await messageRow(posted.messageId)).toMatchObject({
        hiddenKind: "moderator",
        hiddenBy: managerId,
        hiddenReason: "تبلیغ تجاری",
        body: "آگهی فروش",
      });
      expect((await db.select().from(messageReports).where(eq(messageReports.messageId, posted.messageId)))[0]).toMatchObject({
        resolution: "hidden",
        resolvedBy: managerId,
      });
      expect(await hideMessage(db, { actorId: managerId, messageId: posted.messageId, reason: "دوباره" })).toEqual({
        ok: false,
        error: "already_hidden",
      });
      expect(await editMessage(db, { messageId: posted.messageId, actorId: author!, body: "ویرایش پنهانی" })).toEqual({
        ok: false,
        error: "message_gone",
      });
      const [entry] = await auditOf(posted.messageId);
      expect(entry).toMatchObject({
        action: "message.hide",
        actorId: managerId,
        subjectType: "message",
        districtId,
        councilId,
        reason: "تبلیغ تجاری",
        requestId: "req-hide-1",
      });
    });

    it("refuses posts in a locked thread, except an official answer", async () => {
      const { threadId } = await make.councilThread();
      const [resident, deputy] = idsOf(await make.users(2));
      ok(await setThreadLock(db, { actorId: managerId, threadId, locked: true, reason: "بحث از موضوع خارج شد" }));
      expect(await threadRow(threadId)).toMatchObject({ lockedBy: managerId, lockReason: "بحث از موضوع خارج شد" });
      expect(await postMessage(db, { threadId, authorId: resident!, body: "هنوز حرف دارم" })).toEqual({ ok: false, error: "locked" });
      const official = await make.message(threadId, deputy!, "پاسخ رسمی معاونت", { official: true });
      expect((await messageRow(official.messageId)).official).toBe(true);
      expect(await setThreadLock(db, { actorId: managerId, threadId, locked: true, reason: "دوباره" })).toEqual({
        ok: false,
        error: "already_locked",
      });
      ok(await setThreadLock(db, { actorId: managerId, threadId, locked: false, reason: null }));
      expect(await setThreadLock(db, { actorId: managerId, threadId, locked: false, reason: null })).toEqual({
        ok: false,
        error: "not_locked",
      });
      await make.message(threadId, resident!, "حالا می‌شود نوشت");
      expect((await messagesOf(threadId)).map((m) => m.body)).toEqual(["پاسخ رسمی معاونت", "حالا می‌شود نوشت"]);
      expect((await auditOf(threadId)).map((a) => [a.action, a.reason])).toEqual([
        ["thread.lock", "بحث از موضوع خارج شد"],
        ["thread.unlock", null],
      ]);
    });

    it("refuses a muted person until the mute ends", async () => {
      const { threadId } = await make.councilThread();
      const resident = (await make.user({ name: "پرخاشگر" })).id;
      ok(
        await muteInThread(db, {
          actorId: managerId,
          threadId,
          userId: resident,
          until: new Date(Date.now() + 86_400_000),
          reason: "توهین مکرر",
        }),
      );
      expect(await postMessage(db, { threadId, authorId: resident, body: "بگذارید بنویسم" })).toEqual({ ok: false, error: "muted" });
      // Muting again replaces the period instead of adding a row.
      ok(
        await muteInThread(db, {
          actorId: managerId,
          threadId,
          userId: resident,
          until: new Date(Date.now() + 3 * 86_400_000),
          reason: "باز هم توهین",
        }),
      );
      expect(await db.select().from(threadMutes).where(eq(threadMutes.threadId, threadId))).toHaveLength(1);
      // The period runs out.
      await db.execute(sql`update thread_mutes set until = now() - interval '1 second' where thread_id = ${threadId}`);
      await make.message(threadId, resident, "دوباره آمدم");
      expect(await unmuteInThread(db, { actorId: managerId, threadId, userId: resident })).toEqual({ ok: false, error: "not_muted" });
      // Lifted early by a moderator.
      ok(
        await muteInThread(db, {
          actorId: managerId,
          threadId,
          userId: resident,
          until: new Date(Date.now() + 86_400_000),
          reason: "توهین",
        }),
      );
      expect((await postMessage(db, { threadId, authorId: resident, body: "باز هم" })).ok).toBe(false);
      ok(await unmuteInThread(db, { actorId: managerId, threadId, userId: resident }));
      await make.message(threadId, resident, "ممنون");
      expect((await auditOf(threadId)).map((a) => a.action)).toEqual(["thread.mute", "thread.mute", "thread.mute", "thread.unmute"]);
      expect((await auditOf(threadId))[0]!.data).toMatchObject({ userId: resident });
    });

    it("pins one message at a time; hiding or deleting a pinned message unpins it", async () => {
      const { threadId } = await make.councilThread();
      const [a, b] = idsOf(await make.users(2));
      const first = await make.message(threadId, a!, "قرار جلسه: پنجشنبه");
      const second = await make.message(threadId, b!, "نظر من");
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: first.messageId }));
      expect((await threadRow(threadId)).pinnedMessageId).toBe(first.messageId);
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: second.messageId }));
      expect((await threadRow(threadId)).pinnedMessageId).toBe(second.messageId);
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: null }));
      expect((await threadRow(threadId)).pinnedMessageId).toBeNull();
      expect(await pinMessage(db, { actorId: managerId, threadId, messageId: null })).toEqual({ ok: false, error: "not_pinnable" });

      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: first.messageId }));
      const hidden = ok(await hideMessage(db, { actorId: managerId, messageId: first.messageId, reason: "اشتباه" }));
      expect(hidden.seqs).toHaveLength(2);
      expect((await threadRow(threadId)).pinnedMessageId).toBeNull();
      expect(await pinMessage(db, { actorId: managerId, threadId, messageId: first.messageId })).toEqual({
        ok: false,
        error: "not_pinnable",
      });

      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: second.messageId }));
      ok(await deleteMessage(db, { messageId: second.messageId, actorId: b! }));
      expect((await threadRow(threadId)).pinnedMessageId).toBeNull();
      expect(await pinMessage(db, { actorId: managerId, threadId, messageId: second.messageId })).toEqual({
        ok: false,
        error: "not_pinnable",
      });

      const other = await make.councilThread();
      const foreign = await make.message(other.threadId, a!, "در جای دیگر");
      expect(await pinMessage(db, { actorId: managerId, threadId, messageId: foreign.messageId })).toEqual({
        ok: false,
        error: "not_pinnable",
      });
      expect((await eventKinds(threadId)).map(([, kind]) => kind)).toEqual([
        "posted",
        "posted",
        "pinned",
        "pinned",
        "unpinned",
        "pinned",
        "hidden",
        "unpinned",
        "pinned",
        "deleted",
        "unpinned",
      ]);
      expect((await auditOf(threadId)).map((a) => a.action)).toEqual([
        "thread.pin",
        "thread.pin",
        "thread.unpin",
        "thread.pin",
        "thread.pin",
      ]);
    });

    it("records every moderation act in the audit log, with who, where and why", async () => {
      const { threadId, councilId } = await make.councilThread({ charter: { reportsToHide: 5 } });
      const [author, reader] = idsOf(await make.users(2));
      const m = await make.message(threadId, author!, "پیام");
      const before = Number((await db.select({ n: count() }).from(auditLog))[0]!.n);
      ok(await hideMessage(db, { actorId: managerId, messageId: m.messageId, reason: "نامناسب" }));
      ok(await restoreMessage(db, { actorId: managerId, messageId: m.messageId }));
      ok(await reportMessage(db, { messageId: m.messageId, reporterId: reader!, reason: "نامناسب", reportsToHide: 5 }));
      ok(await restoreMessage(db, { actorId: managerId, messageId: m.messageId }));
      ok(await setThreadLock(db, { actorId: managerId, threadId, locked: true, reason: "آرامش" }));
      ok(await setThreadLock(db, { actorId: managerId, threadId, locked: false, reason: null }));
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: m.messageId }));
      ok(await pinMessage(db, { actorId: managerId, threadId, messageId: null }));
      ok(
        await muteInThread(db, {
          actorId: managerId,
          threadId,
          userId: author!,
          until: new Date(Date.now() + 86_400_000),
          reason: "هشدار",
        }),
      );
      ok(await unmuteInThread(db, { actorId: managerId, threadId, userId: author! }));
      ok(await escalateThread(db, { threadId, actorId: managerId, note: "نیاز به پیگیری معاونت دارد", urgency: "high" }));
      const mine = await db
        .select()
        .from(auditLog)
        .where(inArray(auditLog.subjectId, [threadId, m.messageId]))
        .orderBy(asc(auditLog.id));
      expect(mine.map((r) => r.action)).toEqual([
        "message.hide",
        "message.restore",
        "message.reports_dismiss",
        "thread.lock",
        "thread.unlock",
        "thread.pin",
        "thread.unpin",
        "thread.mute",
        "thread.unmute",
        "thread.escalate",
      ]);
      expect(mine.every((r) => r.actorId === managerId && r.districtId === districtId && r.councilId === councilId)).toBe(true);
      expect(Number((await db.select({ n: count() }).from(auditLog))[0]!.n)).toBe(before + 10);
      // Refused acts leave no record.
      expect((await hideMessage(db, { actorId: managerId, messageId: crypto.randomUUID(), reason: "ناپیدا" })).ok).toBe(false);
      expect((await setThreadLock(db, { actorId: managerId, threadId, locked: false, reason: null })).ok).toBe(false);
      expect(Number((await db.select({ n: count() }).from(auditLog))[0]!.n)).toBe(before + 10);
    });
  });

  describe("the deputy's desk", () => {
    it("keeps one item per thread: escalating again updates it, and brings a resolved item back", async () => {
      const { threadId } = await make.councilThread();
      const chair = (await make.user({ name: "رئیس شورا" })).id;
      const first = ok(await escalateThread(db, { threadId, actorId: managerId, note: "درگیری لفظی میان ساکنان", urgency: "normal" }));
      expect(first.created).toBe(true);
      const second = ok(
        await escalateThread(db, { threadId, actorId: chair, note: "وضع بدتر شده و نیاز به حضور معاونت است", urgency: "urgent" }),
      );
      expect(second).toMatchObject({ created: false, escalationId: first.escalationId });
      const items = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        urgency: "urgent",
        note: "وضع بدتر شده و نیاز به حضور معاونت است",
        escalatedBy: chair,
        state: "new",
        districtId,
      });
      expect(
        (await db.select().from(escalationEvents).where(eq(escalationEvents.escalationId, first.escalationId))).map((e) => [
          e.kind,
          e.urgency,
        ]),
      ).toEqual([
        ["escalated", "normal"],
        ["escalated", "urgent"],
      ]);

      expect(await setEscalationState(db, { escalationId: first.escalationId, actorId: managerId, state: "resolved", note: null })).toEqual(
        {
          ok: false,
          error: "note_required",
        },
      );
      ok(
        await setEscalationState(db, {
          escalationId: first.escalationId,
          actorId: managerId,
          state: "resolved",
          note: "با ساکنان گفت‌وگو شد",
        }),
      );
      expect(
        await setEscalationState(db, { escalationId: first.escalationId, actorId: managerId, state: "resolved", note: "باز" }),
      ).toEqual({
        ok: false,
        error: "same_state",
      });
      const again = ok(await escalateThread(db, { threadId, actorId: managerId, note: "دوباره مشکل پیش آمد", urgency: "high" }));
      expect(again).toMatchObject({ created: false, escalationId: first.escalationId });
      expect((await db.select().from(escalations).where(eq(escalations.threadId, threadId)))[0]).toMatchObject({
        state: "new",
        urgency: "high",
      });
      expect(await db.select().from(escalations).where(eq(escalations.threadId, threadId))).toHaveLength(1);
    });

    it("never puts a commission's review thread on the desk", async () => {
      const councilId = (await make.council()).id;
      const author = (await make.user()).id;
      const filed = ok(
        await fileProposal(db, {
          title: "سرویس بهداشتی بوستان",
          body: "بوستان سرویس بهداشتی ندارد و مردم در زحمت‌اند.",
          categoryId,
          place: "بوستان",
          councilId,
          authorId: author,
        }),
      );
      const [commission] = await db
        .insert(commissions)
        .values({ name: "کمیسیون بهداشت", nameKey: "commission-health-thread" })
        .returning({ id: commissions.id });
      const review = await ensureThread(db, { kind: "commission", proposalId: filed.id, commissionId: commission!.id });
      expect(await escalateThread(db, { threadId: review, actorId: managerId, note: "بررسی کمیسیون کند است", urgency: "normal" })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect(await surfaceIfSignalled(db, review)).toBe(false);
      expect(await db.select().from(escalations).where(eq(escalations.threadId, review))).toHaveLength(0);
    });

    describe("surfacing by signals", () => {
      let defaults: Awaited<ReturnType<typeof getSurfacingSettings>>;
      beforeAll(async () => {
        defaults = await getSurfacingSettings(db);
      });
      afterAll(async () => {
        await updateSurfacingSettings(db, { ...defaults, actorId: managerId });
      });

      it("surfaces nothing below the thresholds", async () => {
        const { threadId } = await make.councilThread();
        const authors = idsOf(await make.users(3));
        for (const a of authors) await make.message(threadId, a);
        expect(await surfaceIfSignalled(db, threadId)).toBe(false);
        expect(await db.select().from(escalations).where(eq(escalations.threadId, threadId))).toHaveLength(0);
      });

      it("puts a thread on the desk saying why, without duplicating it, and updates the reasons", async () => {
        await updateSurfacingSettings(db, { ...defaults, participantsMin: 3, reportsMin: 1, burstMinMessages: 10_000, actorId: managerId });
        const { threadId } = await make.councilThread({ charter: { reportsToHide: 10 } });
        const authors = idsOf(await make.users(3, { name: "پرشور" }));
        const posted = [];
        for (const a of authors) posted.push(await make.message(threadId, a));
        expect(await surfaceIfSignalled(db, threadId)).toBe(true);
        const [item] = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
        expect(item).toMatchObject({ state: "new", urgency: "normal", escalatedAt: null, escalatedBy: null, note: null });
        expect(item!.surfacedAt).not.toBeNull();
        expect(item!.signals).toEqual([{ kind: "participants", count: 3, windowHours: defaults.participantsWindowHours }]);

        // Nothing new: no change, no second item, no second event.
        expect(await surfaceIfSignalled(db, threadId)).toBe(false);
        expect(await surfaceIfSignalled(db, threadId)).toBe(false);
        expect(await db.select().from(escalations).where(eq(escalations.threadId, threadId))).toHaveLength(1);
        expect(await db.select().from(escalationEvents).where(eq(escalationEvents.escalationId, item!.id))).toHaveLength(1);

        // A report adds a reason.
        ok(await reportMessage(db, { messageId: posted[0]!.messageId, reporterId: authors[1]!, reason: "توهین", reportsToHide: 10 }));
        expect(await surfaceIfSignalled(db, threadId)).toBe(true);
        const [updated] = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
        expect(updated!.id).toBe(item!.id);
        expect(updated!.signals.map((s) => s.kind).sort()).toEqual(["participants", "reports"]);
        expect(updated!.signals.find((s) => s.kind === "reports")).toEqual({
          kind: "reports",
          count: 1,
          windowHours: defaults.reportsWindowHours,
        });

        // A burst: three messages in the window against a quiet week.
        await updateSurfacingSettings(db, {
          ...defaults,
          participantsMin: 3,
          reportsMin: 1,
          burstMinMessages: 2,
          burstFactor: 2,
          actorId: managerId,
        });
        expect(await surfaceIfSignalled(db, threadId)).toBe(true);
        const [burst] = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
        expect(burst!.signals.find((s) => s.kind === "burst")).toMatchObject({
          kind: "burst",
          recent: 3,
          windowMinutes: defaults.burstWindowMinutes,
        });
        expect((await db.select().from(escalationEvents).where(eq(escalationEvents.escalationId, item!.id))).map((e) => e.kind)).toEqual([
          "surfaced",
          "surfaced",
          "surfaced",
        ]);
        // An item someone escalated keeps their note when the signals come in.
        ok(await escalateThread(db, { threadId, actorId: managerId, note: "خودم هم نگرانم", urgency: "high" }));
        expect(await db.select().from(escalations).where(eq(escalations.threadId, threadId))).toHaveLength(1);
      });

      it("lets a resolved item come back only for a signal of a later window", async () => {
        await updateSurfacingSettings(db, { ...defaults, participantsMin: 2, burstMinMessages: 10_000, actorId: managerId });
        const { threadId } = await make.councilThread();
        const authors = idsOf(await make.users(2));
        for (const a of authors) await make.message(threadId, a);
        expect(await surfaceIfSignalled(db, threadId)).toBe(true);
        const [item] = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
        ok(await setEscalationState(db, { escalationId: item!.id, actorId: managerId, state: "resolved", note: "رسیدگی شد" }));
        expect(await surfaceIfSignalled(db, threadId)).toBe(false);
        expect((await db.select().from(escalations).where(eq(escalations.threadId, threadId)))[0]!.state).toBe("resolved");
        await db.execute(sql`update escalations set state_changed_at = now() - interval '2 hours' where id = ${item!.id}`);
        expect(await surfaceIfSignalled(db, threadId)).toBe(true);
        const rows = await db.select().from(escalations).where(eq(escalations.threadId, threadId));
        expect(rows).toHaveLength(1);
        expect(rows[0]!.state).toBe("new");
      });
    });
  });

  describe("the database itself", () => {
    it("refuses impossible rows", async () => {
      const { threadId, councilId } = await make.councilThread();
      const author = (await make.user()).id;
      const council = (await db.select().from(councils).where(eq(councils.id, councilId)))[0]!;
      const message = (overrides: Partial<typeof threadMessages.$inferInsert> = {}) => ({
        threadId,
        seq: 900,
        version: 900,
        authorId: author,
        body: "متن درست",
        ...overrides,
      });
      const place = { councilId, districtId: council.districtId, neighborhoodId: council.neighborhoodId };

      // Messages: length limits, hidden state that is half set, negative counts, two messages on one number.
      await expect(db.insert(threadMessages).values(message({ body: "ب".repeat(2001) }))).rejects.toThrow();
      await expect(db.insert(threadMessages).values(message({ body: "" }))).rejects.toThrow();
      await expect(db.insert(threadMessages).values(message({ hiddenKind: "moderator" }))).rejects.toThrow();
      await expect(db.insert(threadMessages).values(message({ hiddenAt: new Date() }))).rejects.toThrow();
      await expect(db.insert(threadMessages).values(message({ hiddenAt: new Date(), hiddenKind: "spam" as never }))).rejects.toThrow();
      await expect(db.insert(threadMessages).values(message({ reportCount: -1 }))).rejects.toThrow();
      const [edge] = await db
        .insert(threadMessages)
        .values(message({ body: "ب".repeat(2000) }))
        .returning({ id: threadMessages.id });
      await expect(db.insert(threadMessages).values(message({ body: "شماره تکراری" }))).rejects.toThrow();
      await expect(
        db
          .update(threadMessages)
          .set({ body: "ب".repeat(2001) })
          .where(eq(threadMessages.id, edge!.id)),
      ).rejects.toThrow();

      // Threads: unknown kinds, columns that do not fit the kind, a second thread for one council.
      await expect(db.insert(threads).values({ ...place, kind: "chat" as never })).rejects.toThrow();
      await expect(db.insert(threads).values({ ...place, kind: "council", proposalId: crypto.randomUUID() })).rejects.toThrow();
      await expect(db.insert(threads).values({ ...place, kind: "proposal" })).rejects.toThrow();
      await expect(db.insert(threads).values({ ...place, kind: "council" })).rejects.toThrow();
      await expect(db.update(threads).set({ messageCount: -1 }).where(eq(threads.id, threadId))).rejects.toThrow();
      await expect(db.update(threads).set({ lastSeq: -1 }).where(eq(threads.id, threadId))).rejects.toThrow();

      // Events numbered from 1, once each.
      await expect(db.insert(threadEvents).values({ threadId, seq: 0, kind: "posted" })).rejects.toThrow();
      await db.insert(threadEvents).values({ threadId, seq: 900, kind: "posted", messageId: edge!.id });
      await expect(db.insert(threadEvents).values({ threadId, seq: 900, kind: "edited", messageId: edge!.id })).rejects.toThrow();

      // Reports: a real reason, known resolutions, one per reader.
      await expect(db.insert(messageReports).values({ messageId: edge!.id, reporterId: managerId, reason: "بد" })).rejects.toThrow();
      await expect(
        db.insert(messageReports).values({ messageId: edge!.id, reporterId: managerId, reason: "ب".repeat(501) }),
      ).rejects.toThrow();
      await expect(
        db.insert(messageReports).values({ messageId: edge!.id, reporterId: managerId, reason: "نامناسب", resolution: "ignored" as never }),
      ).rejects.toThrow();
      await db.insert(messageReports).values({ messageId: edge!.id, reporterId: managerId, reason: "نامناسب" });
      await expect(db.insert(messageReports).values({ messageId: edge!.id, reporterId: managerId, reason: "باز هم" })).rejects.toThrow();

      // Desk items: a known urgency and state, a source, one per thread.
      const item = { threadId, districtId: council.districtId, neighborhoodId: council.neighborhoodId };
      await expect(db.insert(escalations).values(item)).rejects.toThrow();
      await expect(db.insert(escalations).values({ ...item, surfacedAt: new Date(), urgency: "extreme" as never })).rejects.toThrow();
      await expect(db.insert(escalations).values({ ...item, surfacedAt: new Date(), state: "closed" as never })).rejects.toThrow();
      await db.insert(escalations).values({ ...item, surfacedAt: new Date() });
      await expect(db.insert(escalations).values({ ...item, escalatedAt: new Date() })).rejects.toThrow();

      // Charter and settings values.
      await expect(
        db
          .update(councils)
          .set({ threadPosters: "everyone" as never })
          .where(eq(councils.id, councilId)),
      ).rejects.toThrow();
      await expect(db.execute(sql`update surfacing_settings set burst_factor = 1`)).rejects.toThrow();
      await expect(db.execute(sql`insert into surfacing_settings (id) values (2)`)).rejects.toThrow();

      const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from thread_messages where thread_id = ${threadId}`);
      expect(Number(rows[0]!.n)).toBe(1);
      expect(
        await db
          .select()
          .from(threads)
          .where(and(eq(threads.councilId, councilId))),
      ).toHaveLength(1);
    });
  });
});
