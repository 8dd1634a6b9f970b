import { redirect, type AppLoadContext } from "@remix-run/node";
import { randomUUID } from "node:crypto";
import type { CurrentUser } from "~/domain/users.server";
import { pageDigest, wantsDigest } from "~/domain/threads/digest.server";
import { getThread, messageThreadId, type ThreadInfo } from "~/domain/threads/lookup.server";
import {
  activeMutes,
  hideMessage,
  muteInThread,
  pinMessage,
  restoreMessage,
  setThreadLock,
  unmuteInThread,
} from "~/domain/threads/moderate.server";
import { editHistory } from "~/domain/threads/queue.server";
import { getMessageView, mutedUntil, threadPage } from "~/domain/threads/read.server";
import { deleteMessage, editMessage, postMessage, reportMessage } from "~/domain/threads/write.server";
import { escalateThread, escalationOfThread, surfaceIfSignalled } from "~/domain/escalations.server";
import { ThreadSchemas } from "~/forms/thread";
import type { ThreadBundle } from "~/domain/thread-view";
import { notifyDeskChanged, notifyThreadStanding, publishThreadEvents } from "~/realtime/notify.server";
import { publishProposalState } from "~/realtime/live.server";
import {
  can,
  mayAnswerThread,
  mayEscalateThread,
  mayModerateThread,
  mayReadThread,
  mayReportInThread,
  postBlocker,
} from "~/utils/permissions";
import { hitRateLimit, RATE_RULES } from "~/utils/rate-limit.server";
import { PG_INT_MAX, queryField, readQuery } from "~/utils/query";
import { safeRedirectWithAnchor } from "~/utils/safe-redirect";
import { isUuid } from "~/utils/uuid";
import { intent, runIntent, type Refused, type Verdict } from "./intent.server";

/**
 * What a thread reads from its page's address: an earlier page, a message to reply to, and a message
 * to report (the report form of a browser without JavaScript, drawn for that one message).
 */
const ThreadQuery = { before: queryField.positiveInt(PG_INT_MAX), replyTo: queryField.uuid(), report: queryField.uuid() };

/** Everything a page needs to show a thread to this person. */
export async function threadBundle(
  context: AppLoadContext,
  request: Request,
  user: CurrentUser | null,
  threadId: string,
): Promise<ThreadBundle> {
  const thread = await getThread(context.db, threadId);
  if (!thread || !mayReadThread(user, thread)) throw new Response("Not Found", { status: 404 });
  const { values: query, invalid } = readQuery(request, ThreadQuery);
  const before = query.before;
  const page = await threadPage(context.db, thread.id, { beforeSeq: before });
  const pinnedMessage = thread.pinnedMessageId ? await getMessageView(context.db, thread.pinnedMessageId) : null;
  const pinned = pinnedMessage?.state === "visible" ? pinnedMessage : null;
  const moderator = mayModerateThread(user, thread);
  const escalator = mayEscalateThread(user, thread);
  const deputy = can(user, "deputy.dashboard");
  const blocker = postBlocker(user, thread);
  // The reader's place: the "new messages" marker goes after what they had read last time.
  // Read here, written a moment later in a batch: a page view does not write.
  const lastReadSeq = user && !before ? await context.readMarks.lastReadAndMark(thread.id, user.id, thread.lastSeq) : null;
  const replyTo = query.replyTo;
  const mayReport = mayReportInThread(user, thread);
  // The report form is drawn for a message of this page that this person may report; any other
  // value is ignored (the action checks the message and the permission again when the form is sent).
  const report = query.report;
  const reportable =
    user && report && mayReport && !moderator
      ? page.messages.some((m) => m.id === report && m.state === "visible" && m.authorId !== user.id)
      : false;
  const digest = !before && wantsDigest(thread) ? await digestQuietly(context, user, thread, lastReadSeq) : null;
  return {
    id: thread.id,
    kind: thread.kind,
    title: thread.title,
    commissionName: thread.commissionName,
    homePath: thread.homePath,
    lastSeq: thread.lastSeq,
    messageCount: thread.messageCount,
    locked: Boolean(thread.lockedAt),
    lockReason: thread.lockReason,
    pinnedMessageId: thread.pinnedMessageId,
    pinned,
    messages: page.messages,
    hasEarlier: page.hasEarlier,
    earliestSeq: page.earliestSeq,
    before: before ?? null,
    lastReadSeq,
    replyToId: replyTo && page.messages.some((m) => m.id === replyTo) ? replyTo : null,
    reportId: reportable ? report! : null,
    /** A parameter of the address did not fit and was left out: the thread says so. */
    queryInvalid: invalid.length > 0,
    /** A fresh key for the composer: sending the same form twice posts once. */
    clientKey: randomUUID(),
    me: user
      ? {
          id: user.id,
          postBlocker: blocker,
          mutedUntil: blocker ? null : ((await mutedUntil(context.db, thread.id, user.id))?.toISOString() ?? null),
          mayModerate: moderator,
          mayEscalate: escalator,
          mayReport,
          mayAnswer: mayAnswerThread(user, thread),
        }
      : null,
    mutes: moderator ? (await activeMutes(context.db, thread.id)).map((m) => ({ ...m, until: m.until.toISOString() })) : [],
    /** Earlier versions of edited messages on this page: for moderators only. */
    edits: moderator
      ? await editsOf(
          context.db,
          page.messages.filter((m) => m.editedAt).map((m) => m.id),
        )
      : {},
    escalation: escalator || deputy ? await escalationOfThread(context.db, thread.id) : null,
    digest,
  };
}

/**
 * A long discussion's digest for the top of its page; the page opens without it if it fails, or if
 * a very long thread's digest is not ready in time (`pageDigest`).
 */
async function digestQuietly(context: AppLoadContext, user: CurrentUser | null, thread: ThreadInfo, lastReadSeq: number | null) {
  try {
    return await pageDigest(context.db, user, thread, { lastReadSeq });
  } catch (err) {
    context.logger.warn({ err, threadId: thread.id }, "computing a thread's digest failed");
    return null;
  }
}

async function editsOf(db: AppLoadContext["db"], messageIds: string[]) {
  const out: Record<string, { previousBody: string; editedAt: string }[]> = {};
  for (const id of messageIds) {
    out[id] = (await editHistory(db, id)).map((e) => ({ previousBody: e.previousBody, editedAt: e.editedAt.toISOString() }));
  }
  return out;
}

export type { ThreadBundle };

async function surfaceQuietly(context: AppLoadContext, threadId: string) {
  try {
    return await surfaceIfSignalled(context.db, threadId);
  } catch (err) {
    context.logger.warn({ err, threadId }, "reading a thread's signals failed");
    return false;
  }
}

/**
 * Every change to a thread, from its forms (plain or through JavaScript), on the intent runner:
 * for each intent its schema (app/forms/thread.ts), its guard (the permission module) and its
 * domain call. A refusal comes back to the form that sent it, with what was typed; success
 * redirects a plain form back to its page and answers a script with `done: "ok"`.
 */
export async function threadAction(context: AppLoadContext, request: Request, user: CurrentUser, threadId: string) {
  const thread = await getThread(context.db, threadId);
  if (!thread || !mayReadThread(user, thread)) throw new Response("Not Found", { status: 404 });
  const form = await request.formData();
  const script = form.get("_js") === "1";
  const db = context.db;
  const base = { actorId: user.id, requestId: context.requestId };
  const allowed = (yes: boolean): Verdict => (yes ? true : { error: "thread_forbidden", status: 403 });
  const moderator = () => allowed(mayModerateThread(user, thread));
  // A message named by the form must be in this thread: permissions were checked for this thread,
  // and its readers are the ones told of the change.
  const messageHere = async (): Promise<Verdict> => {
    const messageId = form.get("messageId");
    if (!isUuid(messageId)) return true; // the schema answers a missing or malformed id
    return (await messageThreadId(db, messageId)) === thread.id ? true : { error: "thread_not_found", status: 404 };
  };
  const both =
    (...guards: (() => Verdict | Promise<Verdict>)[]) =>
    async (): Promise<Verdict> => {
      for (const guard of guards) {
        const verdict = await guard();
        if (verdict !== true) return verdict;
      }
      return true;
    };
  /** The domain's refusal in the thread's words (`thread_…`), 409 unless told. */
  const refused = (error: string, status = 409): Refused => ({ ok: false, error: `thread_${error}`, status });
  let seqs: number[] = [];
  let deskChanged: { escalatedBy?: string | null } | null = null;
  const changed = (result: { ok: true; seqs: number[] } | { ok: false; error: string }, refusal = (error: string) => refused(error)) => {
    if (!result.ok) return refusal(result.error);
    seqs = result.seqs;
    return { ok: true as const };
  };
  const authorRefusal = (error: string) => refused(error, error === "not_author" ? 403 : 409);

  return runIntent(
    form,
    {
      post: intent({
        schema: ThreadSchemas.post,
        key: "messageId",
        guard: () => {
          if (form.get("official") === "1") return allowed(mayAnswerThread(user, thread));
          const blocker = postBlocker(user, thread);
          return blocker ? { error: `thread_post_${blocker}`, status: 403 } : true;
        },
        run: async ({ body, replyTo, clientKey, official }) => {
          // Shared by every instance: the counters live in the database.
          for (const [key, rule] of [
            [`thread-post:${user.id}`, RATE_RULES.threadPostBurst],
            [`thread-post-hour:${user.id}`, RATE_RULES.threadPostHourly],
          ] as const) {
            const limit = await hitRateLimit(db, key, rule);
            if (!limit.allowed)
              return { ok: false, error: "thread_posting_too_fast", status: 429, params: { seconds: limit.retryAfterSeconds } };
          }
          return changed(await postMessage(db, { threadId: thread.id, authorId: user.id, body, replyToId: replyTo, official, clientKey }));
        },
      }),
      edit: intent({
        schema: ThreadSchemas.edit,
        key: "messageId",
        guard: messageHere,
        run: async ({ messageId, body }) => {
          const result = await editMessage(db, { messageId, actorId: user.id, body });
          if (result.ok && result.threadId !== thread.id) return refused("forbidden", 403);
          return changed(result, authorRefusal);
        },
      }),
      delete: intent({
        schema: ThreadSchemas.delete,
        key: "messageId",
        guard: messageHere,
        run: async ({ messageId }) => changed(await deleteMessage(db, { messageId, actorId: user.id }), authorRefusal),
      }),
      report: intent({
        schema: ThreadSchemas.report,
        key: "messageId",
        guard: both(messageHere, () => allowed(mayReportInThread(user, thread))),
        run: async ({ messageId, reason }) => {
          const outcome = changed(await reportMessage(db, { messageId, reporterId: user.id, reason, reportsToHide: thread.reportsToHide }));
          if (outcome.ok) deskChanged = (await surfaceQuietly(context, thread.id)) ? {} : null;
          return outcome;
        },
      }),
      hide: intent({
        schema: ThreadSchemas.hide,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ messageId, reason }) => changed(await hideMessage(db, { ...base, messageId, reason })),
      }),
      restore: intent({
        schema: ThreadSchemas.restore,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ messageId }) => changed(await restoreMessage(db, { ...base, messageId })),
      }),
      lock: intent({
        schema: ThreadSchemas.lock,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ reason }) => changed(await setThreadLock(db, { ...base, threadId: thread.id, locked: true, reason })),
      }),
      unlock: intent({
        schema: ThreadSchemas.unlock,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ reason }) =>
          changed(await setThreadLock(db, { ...base, threadId: thread.id, locked: false, reason: reason || null })),
      }),
      pin: intent({
        schema: ThreadSchemas.pin,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ messageId }) => changed(await pinMessage(db, { ...base, threadId: thread.id, messageId })),
      }),
      unpin: intent({
        schema: ThreadSchemas.unpin,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async () => changed(await pinMessage(db, { ...base, threadId: thread.id, messageId: null })),
      }),
      mute: intent({
        schema: ThreadSchemas.mute,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ userId, days, reason }) => {
          if (userId === user.id) return refused("mute_self", 400);
          const result = await muteInThread(db, {
            ...base,
            threadId: thread.id,
            userId,
            until: new Date(Date.now() + days * 86_400_000),
            reason,
          });
          if (!result.ok) return refused(result.error);
          notifyThreadStanding(context.io, userId, thread.id);
          return { ok: true };
        },
      }),
      unmute: intent({
        schema: ThreadSchemas.unmute,
        key: "messageId",
        guard: both(messageHere, moderator),
        run: async ({ userId }) => {
          if (userId === user.id) return refused("mute_self", 400);
          const result = await unmuteInThread(db, { ...base, threadId: thread.id, userId });
          if (!result.ok) return refused(result.error);
          notifyThreadStanding(context.io, userId, thread.id);
          return { ok: true };
        },
      }),
      escalate: intent({
        schema: ThreadSchemas.escalate,
        key: "messageId",
        guard: both(messageHere, () => allowed(mayEscalateThread(user, thread))),
        run: async ({ note, urgency }) => {
          const result = await escalateThread(db, { threadId: thread.id, actorId: user.id, note, urgency, requestId: context.requestId });
          if (!result.ok) return refused(result.error);
          deskChanged = { escalatedBy: user.id };
          return { ok: true };
        },
      }),
    },
    {
      after: async (done) => {
        // The change is committed: telling readers and reading signals are best effort. A reader who
        // missed the event catches up by number; the next post reads the signals again.
        await publishThreadEvents(context.io, db, thread.id, seqs).catch((err) =>
          context.logger.warn({ err, threadId: thread.id }, "publishing thread events failed"),
        );
        // Lists show how many messages a proposal's discussion has: its room gets the new count (coalesced).
        if (seqs.length && thread.kind === "proposal" && thread.proposalId) publishProposalState(context.io, db, thread.proposalId);
        if (done === "post" && seqs.length) {
          // Signals are read after the message is in: a burst is noticed on the message that makes it.
          if (await surfaceQuietly(context, thread.id)) deskChanged = deskChanged ?? {};
        }
        if (deskChanged) notifyDeskChanged(context.io, { districtId: thread.districtId, threadId: thread.id, ...deskChanged });
        if (script) return { done: "ok" };
        return redirect(safeRedirectWithAnchor(form.get("returnTo"), thread.homePath, "thread"));
      },
    },
  );
}
