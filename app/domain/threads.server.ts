import { and, asc, desc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client.server";
import {
  commissions,
  councils,
  messageEdits,
  messageReports,
  neighborhoods,
  proposals,
  threadEvents,
  threadMessages,
  threadMutes,
  threadReads,
  threads,
  users,
  type ThreadEventKind,
  type ThreadKind,
} from "../../db/schema";
import type { ThreadAccess } from "../utils/permissions";
import { recordAudit } from "./audit.server";
import type { AuditAction } from "./audit-actions";
import { Refusal, refusalOf } from "./refusal.server";
import { noticeThreadPost, recordNotice, threadSubject } from "./notifications.server";
import { EDIT_WINDOW_MINUTES, type MessageState, type MessageView, type ThreadEventView } from "./thread-view";

export { EDIT_WINDOW_MINUTES };

/** Messages per page: the latest page opens the thread, earlier ones come by cursor. */
export const THREAD_PAGE_SIZE = 40;
/** Events one catch-up answer carries at most; the client asks again while there are more. */
export const SYNC_BATCH = 500;

export type ThreadError =
  | "not_found"
  | "locked"
  | "muted"
  | "reply_not_found"
  | "not_author"
  | "edit_window_passed"
  | "message_gone"
  | "own_message"
  | "already_reported"
  | "not_hidden"
  | "already_hidden"
  | "not_pinnable"
  | "already_locked"
  | "not_locked"
  | "not_muted";
type Fail = { ok: false; error: ThreadError };

export type ThreadTarget =
  | { kind: "council"; councilId: string }
  | { kind: "proposal"; proposalId: string }
  | { kind: "commission"; proposalId: string; commissionId: string };

export interface ThreadInfo extends ThreadAccess {
  id: string;
  neighborhoodId: string;
  proposalId: string | null;
  reportsToHide: number;
  lastSeq: number;
  messageCount: number;
  lockedAt: Date | null;
  lockReason: string | null;
  pinnedMessageId: string | null;
  title: string;
  /** For a commission's review thread: the commission's name. */
  commissionName: string | null;
  /** Where the thread is read in full: the council's or the proposal's page. */
  homePath: string;
}

function threadCondition(target: ThreadTarget) {
  return target.kind === "council"
    ? and(eq(threads.kind, "council"), eq(threads.councilId, target.councilId))
    : target.kind === "proposal"
      ? and(eq(threads.kind, "proposal"), eq(threads.proposalId, target.proposalId))
      : and(eq(threads.kind, "commission"), eq(threads.proposalId, target.proposalId), eq(threads.commissionId, target.commissionId));
}

/** The thread of a council, a proposal or a commission's review, if it exists (a read only). */
export async function findThreadId(db: Db, target: ThreadTarget): Promise<string | null> {
  const [row] = await db.select({ id: threads.id }).from(threads).where(threadCondition(target));
  return row?.id ?? null;
}

/**
 * For pages: the thread is made together with its council, proposal or referral (and migration
 * 0011 made those of older rows), so reading a page only reads. Only a row put into the database
 * some other way (a bulk import) gets its thread here, once.
 */
export async function threadIdFor(db: Db, target: ThreadTarget): Promise<string> {
  return (await findThreadId(db, target)) ?? ensureThread(db, target);
}

/**
 * The thread of a council, a proposal or a commission's review, made if it is not there yet
 * (when the council, proposal or referral is made). The partial unique indexes keep it to one
 * even when two requests ask at once.
 */
export async function ensureThread(db: Db, target: ThreadTarget): Promise<string> {
  const find = () => findThreadId(db, target);
  const existing = await find();
  if (existing) return existing;
  let place: { councilId: string; districtId: string; neighborhoodId: string } | undefined;
  if (target.kind === "council") {
    [place] = await db
      .select({ councilId: councils.id, districtId: councils.districtId, neighborhoodId: councils.neighborhoodId })
      .from(councils)
      .where(eq(councils.id, target.councilId));
  } else {
    [place] = await db
      .select({ councilId: proposals.councilId, districtId: proposals.districtId, neighborhoodId: proposals.neighborhoodId })
      .from(proposals)
      .where(eq(proposals.id, target.proposalId));
  }
  if (!place) throw new Error(`no ${target.kind} for a thread`);
  await db
    .insert(threads)
    .values({
      kind: target.kind as ThreadKind,
      ...place,
      proposalId: target.kind === "council" ? null : target.proposalId,
      commissionId: target.kind === "commission" ? target.commissionId : null,
    })
    .onConflictDoNothing();
  return (await find())!;
}

export async function getThread(db: Db, threadId: string): Promise<ThreadInfo | null> {
  const [row] = await db
    .select({
      id: threads.id,
      kind: threads.kind,
      councilId: threads.councilId,
      districtId: threads.districtId,
      neighborhoodId: threads.neighborhoodId,
      proposalId: threads.proposalId,
      commissionId: threads.commissionId,
      lastSeq: threads.lastSeq,
      messageCount: threads.messageCount,
      lockedAt: threads.lockedAt,
      lockReason: threads.lockReason,
      pinnedMessageId: threads.pinnedMessageId,
      threadPosters: councils.threadPosters,
      chairsModerate: councils.chairsModerate,
      reportsToHide: councils.reportsToHide,
      neighborhoodName: neighborhoods.name,
      proposalTitle: proposals.title,
      commissionName: commissions.name,
    })
    .from(threads)
    .innerJoin(councils, eq(councils.id, threads.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .leftJoin(commissions, eq(commissions.id, threads.commissionId))
    .where(eq(threads.id, threadId));
  if (!row) return null;
  const { neighborhoodName, proposalTitle, ...rest } = row;
  return {
    ...rest,
    title: proposalTitle ?? neighborhoodName,
    homePath: row.proposalId ? `/proposals/${row.proposalId}` : `/councils/${row.councilId}`,
  };
}

// ---------------------------------------------------------------------------
// Reading

const replies = alias(threadMessages, "reply");
const replyAuthors = alias(users, "reply_author");

const messageColumns = {
  id: threadMessages.id,
  seq: threadMessages.seq,
  version: threadMessages.version,
  authorId: threadMessages.authorId,
  authorName: users.displayName,
  body: threadMessages.body,
  official: threadMessages.official,
  createdAt: threadMessages.createdAt,
  editedAt: threadMessages.editedAt,
  deletedAt: threadMessages.deletedAt,
  hiddenKind: threadMessages.hiddenKind,
  hiddenReason: threadMessages.hiddenReason,
  replyId: replies.id,
  replyBody: replies.body,
  replyGone: sql<boolean>`(${replies.deletedAt} is not null or ${replies.hiddenAt} is not null)`,
  replyAuthor: replyAuthors.displayName,
};

type MessageRow = {
  id: string;
  seq: number;
  version: number;
  authorId: string | null;
  authorName: string | null;
  body: string;
  official: boolean;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  hiddenKind: "reports" | "moderator" | null;
  hiddenReason: string | null;
  replyId: string | null;
  replyBody: string | null;
  replyGone: boolean | null;
  replyAuthor: string | null;
};

const EXCERPT = 140;

export function toView(row: MessageRow): MessageView {
  const state: MessageState = row.deletedAt
    ? "deleted"
    : row.hiddenKind === "moderator"
      ? "hidden_moderator"
      : row.hiddenKind === "reports"
        ? "hidden_reports"
        : "visible";
  const excerpt = row.replyBody && !row.replyGone ? [...row.replyBody].slice(0, EXCERPT).join("") : null;
  return {
    id: row.id,
    seq: row.seq,
    version: row.version,
    authorId: row.authorId,
    authorName: row.authorName,
    body: state === "visible" ? row.body : null,
    state,
    hiddenReason: state === "hidden_moderator" ? row.hiddenReason : null,
    official: row.official,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt ? row.editedAt.toISOString() : null,
    replyTo: row.replyId ? { id: row.replyId, authorName: row.replyAuthor, excerpt } : null,
  };
}

function messagesQuery(db: Db) {
  return db
    .select(messageColumns)
    .from(threadMessages)
    .leftJoin(users, eq(users.id, threadMessages.authorId))
    .leftJoin(replies, eq(replies.id, threadMessages.replyToId))
    .leftJoin(replyAuthors, eq(replyAuthors.id, replies.authorId));
}

/**
 * One page of a thread, oldest first: the latest page, or the page before `beforeSeq`.
 * Keyset on (thread, seq), so page 100 costs what page 1 does.
 */
export async function threadPage(db: Db, threadId: string, options: { beforeSeq?: number; limit?: number } = {}) {
  const limit = Math.min(Math.max(options.limit ?? THREAD_PAGE_SIZE, 1), 200);
  const rows = await messagesQuery(db)
    .where(and(eq(threadMessages.threadId, threadId), options.beforeSeq ? lt(threadMessages.seq, options.beforeSeq) : undefined))
    .orderBy(desc(threadMessages.seq))
    .limit(limit + 1);
  const hasEarlier = rows.length > limit;
  const page = rows.slice(0, limit).reverse().map(toView);
  return { messages: page, hasEarlier, earliestSeq: page[0]?.seq ?? null };
}

export async function getMessageView(db: Db, messageId: string) {
  const [row] = await messagesQuery(db).where(eq(threadMessages.id, messageId));
  return row ? toView(row) : null;
}

/** Everything after `afterSeq`, in order: what a client that was away has missed. */
export async function eventsSince(db: Db, threadId: string, afterSeq: number, limit = SYNC_BATCH) {
  const events = await db
    .select({ seq: threadEvents.seq, kind: threadEvents.kind, messageId: threadEvents.messageId })
    .from(threadEvents)
    .where(and(eq(threadEvents.threadId, threadId), gt(threadEvents.seq, afterSeq)))
    .orderBy(asc(threadEvents.seq))
    .limit(limit + 1);
  const more = events.length > limit;
  const batch = events.slice(0, limit);
  const ids = [...new Set(batch.map((e) => e.messageId).filter((id): id is string => Boolean(id)))];
  const rows = ids.length ? await messagesQuery(db).where(inArray(threadMessages.id, ids)) : [];
  const byId = new Map(rows.map((r) => [r.id, toView(r)]));
  const needsThread = batch.some((e) => ["locked", "unlocked", "pinned", "unpinned"].includes(e.kind));
  let thread: ThreadEventView["thread"] = null;
  if (needsThread) {
    const [t] = await db
      .select({ lockedAt: threads.lockedAt, lockReason: threads.lockReason, pinnedMessageId: threads.pinnedMessageId })
      .from(threads)
      .where(eq(threads.id, threadId));
    thread = t ? { locked: Boolean(t.lockedAt), lockReason: t.lockReason, pinnedMessageId: t.pinnedMessageId } : null;
  }
  const [last] = await db.select({ lastSeq: threads.lastSeq }).from(threads).where(eq(threads.id, threadId));
  return {
    events: batch.map(
      (e): ThreadEventView => ({
        seq: e.seq,
        kind: e.kind,
        message: e.messageId ? (byId.get(e.messageId) ?? null) : null,
        thread: ["locked", "unlocked", "pinned", "unpinned"].includes(e.kind) ? thread : null,
      }),
    ),
    more,
    lastSeq: last?.lastSeq ?? 0,
  };
}

/** The moment a person's mute in this thread ends, if they are muted now. */
export async function mutedUntil(db: Db, threadId: string, userId: string): Promise<Date | null> {
  const [row] = await db
    .select({ until: threadMutes.until })
    .from(threadMutes)
    .where(and(eq(threadMutes.threadId, threadId), eq(threadMutes.userId, userId), sql`${threadMutes.until} > now()`));
  return row?.until ?? null;
}

// ---------------------------------------------------------------------------
// Writing. Each change takes the thread's next number in its own transaction, with the row locked.

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function lockThread(tx: Tx, threadId: string) {
  const [row] = await tx
    .select({
      id: threads.id,
      lastSeq: threads.lastSeq,
      lockedAt: threads.lockedAt,
      pinnedMessageId: threads.pinnedMessageId,
      districtId: threads.districtId,
      councilId: threads.councilId,
    })
    .from(threads)
    .where(eq(threads.id, threadId))
    .for("update");
  if (!row) throw new Refusal<ThreadError>("not_found");
  return row;
}

async function nextEvent(tx: Tx, threadId: string, kind: ThreadEventKind, messageId: string | null, actorId: string | null) {
  const [row] = await tx
    .update(threads)
    .set({ lastSeq: sql`${threads.lastSeq} + 1` })
    .where(eq(threads.id, threadId))
    .returning({ seq: threads.lastSeq });
  await tx.insert(threadEvents).values({ threadId, seq: row!.seq, kind, messageId, actorId });
  return row!.seq;
}

export interface PostInput {
  threadId: string;
  authorId: string;
  body: string;
  replyToId?: string | null;
  official?: boolean;
  /** The form's own key: sending the same form twice gives the same message, once. */
  clientKey?: string | null;
}

export type Posted = { ok: true; messageId: string; seqs: number[]; duplicate: boolean };

export async function postMessage(db: Db, input: PostInput): Promise<Posted | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const thread = await lockThread(tx, input.threadId);
      if (input.clientKey) {
        const [same] = await tx
          .select({ id: threadMessages.id })
          .from(threadMessages)
          .where(
            and(
              eq(threadMessages.threadId, input.threadId),
              eq(threadMessages.authorId, input.authorId),
              eq(threadMessages.clientKey, input.clientKey),
            ),
          );
        if (same) return { ok: true as const, messageId: same.id, seqs: [], duplicate: true };
      }
      // An official answer may still be given in a locked thread: that is often when it is needed.
      if (thread.lockedAt && !input.official) throw new Refusal<ThreadError>("locked");
      const [mute] = await tx
        .select({ until: threadMutes.until })
        .from(threadMutes)
        .where(and(eq(threadMutes.threadId, input.threadId), eq(threadMutes.userId, input.authorId), sql`${threadMutes.until} > now()`));
      if (mute) throw new Refusal<ThreadError>("muted");
      let replyToAuthorId: string | null = null;
      if (input.replyToId) {
        const [target] = await tx
          .select({ id: threadMessages.id, authorId: threadMessages.authorId })
          .from(threadMessages)
          .where(and(eq(threadMessages.id, input.replyToId), eq(threadMessages.threadId, input.threadId)));
        if (!target) throw new Refusal<ThreadError>("reply_not_found");
        replyToAuthorId = target.authorId;
      }
      const seq = thread.lastSeq + 1;
      const [message] = await tx
        .insert(threadMessages)
        .values({
          threadId: input.threadId,
          seq,
          version: seq,
          authorId: input.authorId,
          body: input.body,
          replyToId: input.replyToId ?? null,
          official: input.official ?? false,
          clientKey: input.clientKey ?? null,
        })
        .returning({ id: threadMessages.id });
      await tx
        .update(threads)
        .set({ lastSeq: seq, messageCount: sql`${threads.messageCount} + 1`, lastMessageAt: sql`now()` })
        .where(eq(threads.id, input.threadId));
      await tx.insert(threadEvents).values({ threadId: input.threadId, seq, kind: "posted", messageId: message!.id, actorId: input.authorId });
      await noticeThreadPost(tx, { threadId: input.threadId, messageId: message!.id, authorId: input.authorId, replyToAuthorId, official: input.official ?? false });
      return { ok: true as const, messageId: message!.id, seqs: [seq], duplicate: false };
    }),
  );
}

async function lockMessage(tx: Tx, messageId: string) {
  const [row] = await tx
    .select({
      id: threadMessages.id,
      threadId: threadMessages.threadId,
      authorId: threadMessages.authorId,
      body: threadMessages.body,
      deletedAt: threadMessages.deletedAt,
      hiddenKind: threadMessages.hiddenKind,
      reportCount: threadMessages.reportCount,
      withinEditWindow: sql<boolean>`${threadMessages.createdAt} > now() - make_interval(mins => ${EDIT_WINDOW_MINUTES})`,
    })
    .from(threadMessages)
    .where(eq(threadMessages.id, messageId))
    .for("update");
  if (!row) throw new Refusal<ThreadError>("not_found");
  return row;
}

/** The author corrects their message within the window; what it said before is kept for moderators. */
export async function editMessage(db: Db, input: { messageId: string; actorId: string; body: string }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(async () => {
    const threadId = await threadOfMessage(db, input.messageId);
    return db.transaction(async (tx) => {
      await lockThread(tx, threadId);
      const message = await lockMessage(tx, input.messageId);
      if (message.authorId !== input.actorId) throw new Refusal<ThreadError>("not_author");
      if (message.deletedAt || message.hiddenKind) throw new Refusal<ThreadError>("message_gone");
      if (!message.withinEditWindow) throw new Refusal<ThreadError>("edit_window_passed");
      if (message.body === input.body) return { ok: true as const, threadId, seqs: [] };
      await tx.insert(messageEdits).values({ messageId: input.messageId, previousBody: message.body });
      const seq = await nextEvent(tx, threadId, "edited", input.messageId, input.actorId);
      await tx.update(threadMessages).set({ body: input.body, editedAt: sql`now()`, version: seq }).where(eq(threadMessages.id, input.messageId));
      return { ok: true as const, threadId, seqs: [seq] };
    });
  });
}

/** The author takes their message down; a trace stays in the thread. */
export async function deleteMessage(db: Db, input: { messageId: string; actorId: string }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(async () => {
    const threadId = await threadOfMessage(db, input.messageId);
    return db.transaction(async (tx) => {
      const thread = await lockThread(tx, threadId);
      const message = await lockMessage(tx, input.messageId);
      if (message.authorId !== input.actorId) throw new Refusal<ThreadError>("not_author");
      if (message.deletedAt) throw new Refusal<ThreadError>("message_gone");
      const seq = await nextEvent(tx, threadId, "deleted", input.messageId, input.actorId);
      await tx.update(threadMessages).set({ deletedAt: sql`now()`, version: seq }).where(eq(threadMessages.id, input.messageId));
      const seqs = [seq];
      if (thread.pinnedMessageId === input.messageId) seqs.push(await unpinInside(tx, threadId, input.actorId));
      return { ok: true as const, threadId, seqs };
    });
  });
}

/** The thread a message is in, or null. */
export async function messageThreadId(db: Db, messageId: string): Promise<string | null> {
  const [row] = await db.select({ threadId: threadMessages.threadId }).from(threadMessages).where(eq(threadMessages.id, messageId));
  return row?.threadId ?? null;
}

async function threadOfMessage(db: Db, messageId: string) {
  const [row] = await db.select({ threadId: threadMessages.threadId }).from(threadMessages).where(eq(threadMessages.id, messageId));
  if (!row) throw new Refusal<ThreadError>("not_found");
  return row.threadId;
}

/**
 * A reader reports a message. At the charter's number of reports it is hidden until a moderator
 * looks at it. One report per reader: the primary key decides.
 */
export async function reportMessage(db: Db, input: { messageId: string; reporterId: string; reason: string; reportsToHide: number }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[]; hidden: boolean }, ThreadError>(async () => {
    const threadId = await threadOfMessage(db, input.messageId);
    return db.transaction(async (tx) => {
      const thread = await lockThread(tx, threadId);
      const message = await lockMessage(tx, input.messageId);
      if (message.authorId === input.reporterId) throw new Refusal<ThreadError>("own_message");
      if (message.deletedAt) throw new Refusal<ThreadError>("message_gone");
      const inserted = await tx
        .insert(messageReports)
        .values({ messageId: input.messageId, reporterId: input.reporterId, reason: input.reason })
        .onConflictDoNothing()
        .returning({ messageId: messageReports.messageId });
      if (!inserted.length) throw new Refusal<ThreadError>("already_reported");
      const count = message.reportCount + 1;
      await tx.update(threadMessages).set({ reportCount: count }).where(eq(threadMessages.id, input.messageId));
      if (count >= input.reportsToHide && !message.hiddenKind) {
        const seq = await nextEvent(tx, threadId, "hidden", input.messageId, null);
        await tx
          .update(threadMessages)
          .set({ hiddenAt: sql`now()`, hiddenKind: "reports", hiddenBy: null, hiddenReason: null, version: seq })
          .where(eq(threadMessages.id, input.messageId));
        // The platform's own act, on the readers' reports: recorded like a moderator's.
        await recordAudit(tx, {
          actorId: null,
          action: "message.hide_by_reports",
          subjectType: "message",
          subjectId: input.messageId,
          districtId: thread.districtId,
          councilId: thread.councilId,
          data: { reports: count },
        });
        return { ok: true as const, threadId, seqs: [seq], hidden: true };
      }
      return { ok: true as const, threadId, seqs: [], hidden: false };
    });
  });
}

// ---------------------------------------------------------------------------
// Moderation. The route checks who may; every act is recorded in the audit log.

interface ModerationBase {
  actorId: string;
  requestId?: string | null;
}

async function auditThread(tx: Tx, thread: { districtId: string; councilId: string }, base: ModerationBase, action: AuditAction, subjectId: string, reason: string | null, data?: Record<string, unknown>) {
  await recordAudit(tx as unknown as Db, {
    actorId: base.actorId,
    action,
    subjectType: action.startsWith("thread.") ? "thread" : "message",
    subjectId,
    districtId: thread.districtId,
    councilId: thread.councilId,
    reason,
    data,
    requestId: base.requestId ?? null,
  });
}

/** Hides a message with a reason; the trace names the district and the reason. Open reports are settled. */
export async function hideMessage(db: Db, input: ModerationBase & { messageId: string; reason: string }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(async () => {
    const threadId = await threadOfMessage(db, input.messageId);
    return db.transaction(async (tx) => {
      const thread = await lockThread(tx, threadId);
      const message = await lockMessage(tx, input.messageId);
      if (message.deletedAt) throw new Refusal<ThreadError>("message_gone");
      if (message.hiddenKind === "moderator") throw new Refusal<ThreadError>("already_hidden");
      const seq = await nextEvent(tx, threadId, "hidden", input.messageId, input.actorId);
      await tx
        .update(threadMessages)
        .set({ hiddenAt: sql`now()`, hiddenKind: "moderator", hiddenBy: input.actorId, hiddenReason: input.reason, version: seq })
        .where(eq(threadMessages.id, input.messageId));
      await settleReports(tx, input.messageId, input.actorId, "hidden");
      await auditThread(tx, thread, input, "message.hide", input.messageId, input.reason);
      if (message.authorId) {
        const subject = await threadSubject(tx, threadId);
        await recordNotice(tx, {
          kind: "message_hidden",
          itemKey: `message:${input.messageId}`,
          link: `/threads/${threadId}#m-${input.messageId}`,
          params: { title: subject?.title ?? "", reason: input.reason.slice(0, 200) },
          audience: { users: [message.authorId] },
          actorId: input.actorId,
        });
      }
      const seqs = [seq];
      if (thread.pinnedMessageId === input.messageId) seqs.push(await unpinInside(tx, threadId, input.actorId));
      return { ok: true as const, threadId, seqs };
    });
  });
}

/**
 * Clears a message: shows it again if it was hidden (by reports or by a moderator), and settles its
 * open reports. On a message that is only reported, this dismisses the reports.
 */
export async function restoreMessage(db: Db, input: ModerationBase & { messageId: string; reason?: string | null }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(async () => {
    const threadId = await threadOfMessage(db, input.messageId);
    return db.transaction(async (tx) => {
      const thread = await lockThread(tx, threadId);
      const message = await lockMessage(tx, input.messageId);
      if (message.deletedAt) throw new Refusal<ThreadError>("message_gone");
      if (!message.hiddenKind && message.reportCount === 0) throw new Refusal<ThreadError>("not_hidden");
      const seqs: number[] = [];
      const patch: Partial<typeof threadMessages.$inferInsert> = { reportCount: 0 };
      if (message.hiddenKind) {
        const seq = await nextEvent(tx, threadId, "restored", input.messageId, input.actorId);
        seqs.push(seq);
        Object.assign(patch, { hiddenAt: null, hiddenKind: null, hiddenBy: null, hiddenReason: null, version: seq });
      }
      await tx.update(threadMessages).set(patch).where(eq(threadMessages.id, input.messageId));
      await settleReports(tx, input.messageId, input.actorId, message.hiddenKind ? "restored" : "dismissed");
      await auditThread(tx, thread, input, message.hiddenKind ? "message.restore" : "message.reports_dismiss", input.messageId, input.reason ?? null);
      return { ok: true as const, threadId, seqs };
    });
  });
}

async function settleReports(tx: Tx, messageId: string, actorId: string, resolution: "hidden" | "restored" | "dismissed") {
  await tx
    .update(messageReports)
    .set({ resolvedAt: sql`now()`, resolvedBy: actorId, resolution })
    .where(and(eq(messageReports.messageId, messageId), isNull(messageReports.resolvedAt)));
}

export async function setThreadLock(db: Db, input: ModerationBase & { threadId: string; locked: boolean; reason: string | null }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(() =>
    db.transaction(async (tx) => {
      const thread = await lockThread(tx, input.threadId);
      if (input.locked === Boolean(thread.lockedAt)) throw new Refusal<ThreadError>(input.locked ? "already_locked" : "not_locked");
      const seq = await nextEvent(tx, input.threadId, input.locked ? "locked" : "unlocked", null, input.actorId);
      await tx
        .update(threads)
        .set(
          input.locked
            ? { lockedAt: sql`now()`, lockedBy: input.actorId, lockReason: input.reason }
            : { lockedAt: null, lockedBy: null, lockReason: null },
        )
        .where(eq(threads.id, input.threadId));
      await auditThread(tx, thread, input, input.locked ? "thread.lock" : "thread.unlock", input.threadId, input.reason);
      return { ok: true as const, threadId: input.threadId, seqs: [seq] };
    }),
  );
}

async function unpinInside(tx: Tx, threadId: string, actorId: string) {
  const seq = await nextEvent(tx, threadId, "unpinned", null, actorId);
  await tx.update(threads).set({ pinnedMessageId: null }).where(eq(threads.id, threadId));
  return seq;
}

/** Pins one message at the top of the thread (replacing any other), or unpins with `messageId` null. */
export async function pinMessage(db: Db, input: ModerationBase & { threadId: string; messageId: string | null }) {
  return refusalOf<{ ok: true; threadId: string; seqs: number[] }, ThreadError>(() =>
    db.transaction(async (tx) => {
      const thread = await lockThread(tx, input.threadId);
      if (input.messageId) {
        const [message] = await tx
          .select({ deletedAt: threadMessages.deletedAt, hiddenKind: threadMessages.hiddenKind })
          .from(threadMessages)
          .where(and(eq(threadMessages.id, input.messageId), eq(threadMessages.threadId, input.threadId)));
        if (!message || message.deletedAt || message.hiddenKind) throw new Refusal<ThreadError>("not_pinnable");
        const seq = await nextEvent(tx, input.threadId, "pinned", input.messageId, input.actorId);
        await tx.update(threads).set({ pinnedMessageId: input.messageId }).where(eq(threads.id, input.threadId));
        await auditThread(tx, thread, input, "thread.pin", input.threadId, null, { messageId: input.messageId });
        return { ok: true as const, threadId: input.threadId, seqs: [seq] };
      }
      if (!thread.pinnedMessageId) throw new Refusal<ThreadError>("not_pinnable");
      const seq = await unpinInside(tx, input.threadId, input.actorId);
      await auditThread(tx, thread, input, "thread.unpin", input.threadId, null);
      return { ok: true as const, threadId: input.threadId, seqs: [seq] };
    }),
  );
}

/** Keeps a person from writing in this thread until `until`; muting again replaces the period. */
export async function muteInThread(db: Db, input: ModerationBase & { threadId: string; userId: string; until: Date; reason: string }) {
  return refusalOf<{ ok: true }, ThreadError>(() =>
    db.transaction(async (tx) => {
      const thread = await lockThread(tx, input.threadId);
      await tx
        .insert(threadMutes)
        .values({ threadId: input.threadId, userId: input.userId, until: input.until, reason: input.reason, mutedBy: input.actorId })
        .onConflictDoUpdate({
          target: [threadMutes.threadId, threadMutes.userId],
          set: { until: input.until, reason: input.reason, mutedBy: input.actorId, createdAt: sql`now()` },
        });
      await auditThread(tx, thread, input, "thread.mute", input.threadId, input.reason, { userId: input.userId, until: input.until.toISOString() });
      return { ok: true as const };
    }),
  );
}

export async function unmuteInThread(db: Db, input: ModerationBase & { threadId: string; userId: string }) {
  return refusalOf<{ ok: true }, ThreadError>(() =>
    db.transaction(async (tx) => {
      const thread = await lockThread(tx, input.threadId);
      const removed = await tx
        .delete(threadMutes)
        .where(and(eq(threadMutes.threadId, input.threadId), eq(threadMutes.userId, input.userId), sql`${threadMutes.until} > now()`))
        .returning({ userId: threadMutes.userId });
      if (!removed.length) throw new Refusal<ThreadError>("not_muted");
      await auditThread(tx, thread, input, "thread.unmute", input.threadId, null, { userId: input.userId });
      return { ok: true as const };
    }),
  );
}

/** People muted in a thread right now (for its moderators). */
export async function activeMutes(db: Db, threadId: string) {
  return db
    .select({ userId: threadMutes.userId, name: users.displayName, until: threadMutes.until, reason: threadMutes.reason })
    .from(threadMutes)
    .innerJoin(users, eq(users.id, threadMutes.userId))
    .where(and(eq(threadMutes.threadId, threadId), sql`${threadMutes.until} > now()`))
    .orderBy(asc(threadMutes.until));
}

// ---------------------------------------------------------------------------
// The moderators' queue

/**
 * Messages in a district's threads that wait for a moderator: reported and not yet settled, or
 * hidden by reports. The text is shown here (moderators must read it), with its edit history.
 */
export async function moderationQueue(db: Db, districtId: string, options: { councilId?: string } = {}) {
  const rows = await db
    .select({
      id: threadMessages.id,
      threadId: threadMessages.threadId,
      body: threadMessages.body,
      authorId: threadMessages.authorId,
      authorName: users.displayName,
      createdAt: threadMessages.createdAt,
      editedAt: threadMessages.editedAt,
      hiddenKind: threadMessages.hiddenKind,
      reportCount: threadMessages.reportCount,
      councilId: threads.councilId,
      proposalId: threads.proposalId,
      neighborhoodName: neighborhoods.name,
      proposalTitle: proposals.title,
    })
    .from(threadMessages)
    .innerJoin(threads, eq(threads.id, threadMessages.threadId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .leftJoin(users, eq(users.id, threadMessages.authorId))
    .where(
      and(
        eq(threads.districtId, districtId),
        options.councilId ? eq(threads.councilId, options.councilId) : undefined,
        isNull(threadMessages.deletedAt),
        sql`(${threadMessages.reportCount} > 0 or ${threadMessages.hiddenKind} = 'reports')`,
      ),
    )
    .orderBy(desc(threadMessages.reportCount), asc(threadMessages.createdAt))
    .limit(100);
  const ids = rows.map((r) => r.id);
  const reports = ids.length
    ? await db
        .select({ messageId: messageReports.messageId, reason: messageReports.reason, at: messageReports.createdAt, reporterName: users.displayName })
        .from(messageReports)
        .innerJoin(users, eq(users.id, messageReports.reporterId))
        .where(and(inArray(messageReports.messageId, ids), isNull(messageReports.resolvedAt)))
        .orderBy(asc(messageReports.createdAt))
    : [];
  const edits = ids.length
    ? await db
        .select({ messageId: messageEdits.messageId, previousBody: messageEdits.previousBody, editedAt: messageEdits.editedAt })
        .from(messageEdits)
        .where(inArray(messageEdits.messageId, ids))
        .orderBy(asc(messageEdits.id))
    : [];
  return rows.map((r) => ({
    ...r,
    reports: reports.filter((x) => x.messageId === r.id),
    edits: edits.filter((x) => x.messageId === r.id),
  }));
}

/** A message's earlier versions, for moderators. */
export async function editHistory(db: Db, messageId: string) {
  return db
    .select({ previousBody: messageEdits.previousBody, editedAt: messageEdits.editedAt })
    .from(messageEdits)
    .where(eq(messageEdits.messageId, messageId))
    .orderBy(asc(messageEdits.id));
}

/** The text of a hidden or deleted message, for the moderators of its thread only. */
export async function moderatorMessage(db: Db, messageId: string) {
  const [row] = await db
    .select({ id: threadMessages.id, threadId: threadMessages.threadId, body: threadMessages.body, authorId: threadMessages.authorId, hiddenKind: threadMessages.hiddenKind })
    .from(threadMessages)
    .where(eq(threadMessages.id, messageId));
  return row ?? null;
}

/**
 * The city's public discussions with the most recent messages (council and proposal threads; a
 * commission's own never), for the home page.
 */
export async function liveliestThreads(db: Db, limit = 5) {
  const rows = await db
    .select({
      id: threads.id,
      councilId: threads.councilId,
      proposalId: threads.proposalId,
      messageCount: threads.messageCount,
      lastMessageAt: threads.lastMessageAt,
      neighborhoodName: neighborhoods.name,
      proposalTitle: proposals.title,
    })
    .from(threads)
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .where(and(sql`${threads.kind} <> 'commission'`, sql`${threads.lastMessageAt} > now() - interval '14 days'`))
    .orderBy(desc(threads.lastMessageAt))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    path: r.proposalId ? `/proposals/${r.proposalId}#thread` : `/councils/${r.councilId}#thread`,
  }));
}
