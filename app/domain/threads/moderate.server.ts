/**
 * Moderation: hide, restore, lock, pin, mute. The route checks who may; every act is recorded in
 * the audit log.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { messageReports, threadMessages, threadMutes, threads, users } from "../../../db/schema";
import { recordAudit } from "../audit.server";
import type { AuditAction } from "../audit-actions";
import { recordNotice, threadSubject } from "../notifications.server";
import { Refusal, refusalOf } from "../refusal.server";
import { lockMessage, lockThread, nextEvent, threadOfMessage, unpinInside, type ThreadError, type Tx } from "./sequence.server";
import { muteInForce } from "./mute-rule.server";

interface ModerationBase {
  actorId: string;
  requestId?: string | null;
}

async function auditThread(
  tx: Tx,
  thread: { districtId: string; councilId: string },
  base: ModerationBase,
  action: AuditAction,
  subjectId: string,
  reason: string | null,
  data?: Record<string, unknown>,
) {
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
      await auditThread(
        tx,
        thread,
        input,
        message.hiddenKind ? "message.restore" : "message.reports_dismiss",
        input.messageId,
        input.reason ?? null,
      );
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
      await auditThread(tx, thread, input, "thread.mute", input.threadId, input.reason, {
        userId: input.userId,
        until: input.until.toISOString(),
      });
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
        .where(muteInForce(input.threadId, input.userId))
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
    .where(muteInForce(threadId))
    .orderBy(asc(threadMutes.until));
}
