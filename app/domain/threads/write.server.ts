/**
 * Writing in a thread: post, edit, delete, report. Each change takes the thread's next number in
 * its own transaction, with the row locked (see sequence.server.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { messageEdits, messageReports, threadEvents, threadMessages, threadMutes, threads } from "../../../db/schema";
import { recordAudit } from "../audit.server";
import { noticeThreadPost } from "../notifications.server";
import { Refusal, refusalOf } from "../refusal.server";
import { lockMessage, lockThread, nextEvent, threadOfMessage, unpinInside, type Fail, type ThreadError } from "./sequence.server";
import { muteInForce } from "./mute-rule.server";

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
      const [mute] = await tx.select({ until: threadMutes.until }).from(threadMutes).where(muteInForce(input.threadId, input.authorId));
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
      await tx
        .insert(threadEvents)
        .values({ threadId: input.threadId, seq, kind: "posted", messageId: message!.id, actorId: input.authorId });
      await noticeThreadPost(tx, {
        threadId: input.threadId,
        messageId: message!.id,
        authorId: input.authorId,
        replyToAuthorId,
        official: input.official ?? false,
        body: input.body,
      });
      return { ok: true as const, messageId: message!.id, seqs: [seq], duplicate: false };
    }),
  );
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
      await tx
        .update(threadMessages)
        .set({ body: input.body, editedAt: sql`now()`, version: seq })
        .where(eq(threadMessages.id, input.messageId));
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
      await tx
        .update(threadMessages)
        .set({ deletedAt: sql`now()`, version: seq })
        .where(eq(threadMessages.id, input.messageId));
      const seqs = [seq];
      if (thread.pinnedMessageId === input.messageId) seqs.push(await unpinInside(tx, threadId, input.actorId));
      return { ok: true as const, threadId, seqs };
    });
  });
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
