/**
 * Reading a thread: a page of messages (keyset by number), one message, and the events a client
 * that was away has missed. Hidden and deleted messages carry no text here.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { prepared, type Db } from "../../../db/client.server";
import { threadEvents, threadMessages, threadMutes, threads, users } from "../../../db/schema";
import type { MessageState, MessageView, ThreadEventView } from "../thread-view";
import { muteInForce } from "./mute-rule.server";

/** Messages per page: the latest page opens the thread, earlier ones come by cursor. */
export const THREAD_PAGE_SIZE = 40;
/** Events one catch-up answer carries at most; the client asks again while there are more. */
export const SYNC_BATCH = 500;

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
  const before = Boolean(options.beforeSeq);
  // Every view of a thread runs this: built once per shape (latest page, or before a number).
  const name = before ? "thread_page_before" : "thread_page_latest";
  const query = prepared(db, name, (db) =>
    messagesQuery(db)
      .where(
        and(
          eq(threadMessages.threadId, sql.placeholder("threadId")),
          before ? lt(threadMessages.seq, sql.placeholder("before")) : undefined,
        ),
      )
      .orderBy(desc(threadMessages.seq))
      .limit(sql.placeholder("limit"))
      .prepare(name),
  );
  const rows = await query.execute({ threadId, before: options.beforeSeq, limit: limit + 1 });
  const hasEarlier = rows.length > limit;
  const page = rows.slice(0, limit).reverse().map(toView);
  return { messages: page, hasEarlier, earliestSeq: page[0]?.seq ?? null };
}

export async function getMessageView(db: Db, messageId: string) {
  const query = prepared(db, "message_view", (db) =>
    messagesQuery(db)
      .where(eq(threadMessages.id, sql.placeholder("messageId")))
      .prepare("message_view"),
  );
  const [row] = await query.execute({ messageId });
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
    events: batch.map((e): ThreadEventView => ({
      seq: e.seq,
      kind: e.kind,
      message: e.messageId ? (byId.get(e.messageId) ?? null) : null,
      thread: ["locked", "unlocked", "pinned", "unpinned"].includes(e.kind) ? thread : null,
    })),
    more,
    lastSeq: last?.lastSeq ?? 0,
  };
}

/** The moment a person's mute in this thread ends, if they are muted now. */
export async function mutedUntil(db: Db, threadId: string, userId: string): Promise<Date | null> {
  const query = prepared(db, "muted_until", (db) =>
    db
      .select({ until: threadMutes.until })
      .from(threadMutes)
      .where(muteInForce(sql.placeholder("threadId"), sql.placeholder("userId")))
      .prepare("muted_until"),
  );
  const [row] = await query.execute({ threadId, userId });
  return row?.until ?? null;
}
