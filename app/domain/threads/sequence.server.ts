/**
 * What every change to a thread shares (used by writing and moderation only): the refusals, the
 * thread row locked for the change, and the thread's next number taken for its event.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { threadEvents, threadMessages, threads, type ThreadEventKind } from "../../../db/schema";
import { Refusal, type Refused } from "../refusal.server";
import { EDIT_WINDOW_MINUTES } from "../thread-view";

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
export type Fail = Refused<ThreadError>;

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export async function lockThread(tx: Tx, threadId: string) {
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

export async function nextEvent(tx: Tx, threadId: string, kind: ThreadEventKind, messageId: string | null, actorId: string | null) {
  const [row] = await tx
    .update(threads)
    .set({ lastSeq: sql`${threads.lastSeq} + 1` })
    .where(eq(threads.id, threadId))
    .returning({ seq: threads.lastSeq });
  await tx.insert(threadEvents).values({ threadId, seq: row!.seq, kind, messageId, actorId });
  return row!.seq;
}

export async function lockMessage(tx: Tx, messageId: string) {
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

/** The thread a message is in; refuses with "not_found" if there is no such message. */
export async function threadOfMessage(db: Db, messageId: string) {
  const [row] = await db.select({ threadId: threadMessages.threadId }).from(threadMessages).where(eq(threadMessages.id, messageId));
  if (!row) throw new Refusal<ThreadError>("not_found");
  return row.threadId;
}

/** Takes the pin off inside a change (when the pinned message is deleted, hidden or unpinned). */
export async function unpinInside(tx: Tx, threadId: string, actorId: string) {
  const seq = await nextEvent(tx, threadId, "unpinned", null, actorId);
  await tx.update(threads).set({ pinnedMessageId: null }).where(eq(threads.id, threadId));
  return seq;
}
