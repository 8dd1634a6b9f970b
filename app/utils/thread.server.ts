import { data, redirect, type AppLoadContext } from "@remix-run/node";
import { randomUUID } from "node:crypto";
import type { CurrentUser } from "~/domain/users.server";
import { getThread, messageThreadId } from "~/domain/threads/lookup.server";
import { activeMutes, hideMessage, muteInThread, pinMessage, restoreMessage, setThreadLock, unmuteInThread } from "~/domain/threads/moderate.server";
import { editHistory } from "~/domain/threads/queue.server";
import { getMessageView, mutedUntil, threadPage } from "~/domain/threads/read.server";
import { deleteMessage, editMessage, postMessage, reportMessage } from "~/domain/threads/write.server";
import { escalateThread, escalationOfThread, surfaceIfSignalled } from "~/domain/escalations.server";
import { MESSAGE_MAX_LENGTH, REPORT_REASON_MAX } from "~/domain/thread-view";
import { notifyDeskChanged, notifyThreadStanding, publishThreadEvents } from "~/realtime/notify.server";
import { publishProposalState } from "~/realtime/live.server";
import { isUuid } from "./guards.server";
import { can, mayAnswerThread, mayEscalateThread, mayModerateThread, mayReadThread, mayReportInThread, postBlocker } from "./permissions";
import { foldDigits, normalizeText } from "./persian";
import { hitRateLimit, RATE_RULES } from "./rate-limit.server";
import { PG_INT_MAX, queryField, readQuery } from "./query";

/** What a thread reads from its page's address: an earlier page, a message to reply to. */
const ThreadQuery = { before: queryField.positiveInt(PG_INT_MAX), replyTo: queryField.uuid() };
import { safeRedirectWithAnchor } from "./safe-redirect";

/** Everything a page needs to show a thread to this person. */
export async function threadBundle(context: AppLoadContext, request: Request, user: CurrentUser | null, threadId: string) {
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
          mayReport: mayReportInThread(user, thread),
          mayAnswer: mayAnswerThread(user, thread),
        }
      : null,
    mutes: moderator ? (await activeMutes(context.db, thread.id)).map((m) => ({ ...m, until: m.until.toISOString() })) : [],
    /** Earlier versions of edited messages on this page: for moderators only. */
    edits: moderator ? await editsOf(context.db, page.messages.filter((m) => m.editedAt).map((m) => m.id)) : {},
    escalation: escalator || deputy ? await escalationOfThread(context.db, thread.id) : null,
  };
}

async function editsOf(db: AppLoadContext["db"], messageIds: string[]) {
  const out: Record<string, { previousBody: string; editedAt: string }[]> = {};
  for (const id of messageIds) {
    out[id] = (await editHistory(db, id)).map((e) => ({ previousBody: e.previousBody, editedAt: e.editedAt.toISOString() }));
  }
  return out;
}

export type ThreadBundle = Awaited<ReturnType<typeof threadBundle>>;

const MUTE_DAYS = [1, 3, 7, 30] as const;
export const THREAD_INTENTS = [
  "post",
  "edit",
  "delete",
  "report",
  "hide",
  "restore",
  "lock",
  "unlock",
  "pin",
  "unpin",
  "mute",
  "unmute",
  "escalate",
] as const;

async function surfaceQuietly(context: AppLoadContext, threadId: string) {
  try {
    return await surfaceIfSignalled(context.db, threadId);
  } catch (err) {
    context.logger.warn({ err, threadId }, "reading a thread's signals failed");
    return false;
  }
}

/**
 * Every change to a thread, from its forms (plain or through JavaScript). A refusal comes back to
 * the form that sent it, with what was typed; success redirects a plain form back to its page and
 * answers a script with `{ ok: true }`.
 */
export async function threadAction(context: AppLoadContext, request: Request, user: CurrentUser, threadId: string) {
  const thread = await getThread(context.db, threadId);
  if (!thread || !mayReadThread(user, thread)) throw new Response("Not Found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const messageId = form.get("messageId");
  const script = form.get("_js") === "1";
  const text = (name: string, multiline = false) => {
    const raw = String(form.get(name) ?? "");
    return { raw, value: raw.length > MESSAGE_MAX_LENGTH * 4 ? raw : normalizeText(raw, { multiline }) };
  };
  // What the person typed comes back with a refusal (cut to a sane size), so the form keeps it.
  const kept = Object.fromEntries(
    ["body", "reason", "note", "urgency", "days", "replyTo", "clientKey", "official"].map((k) => [k, String(form.get(k) ?? "").slice(0, MESSAGE_MAX_LENGTH * 2)]),
  );
  const fail = (error: string, status = 400, extra: Record<string, unknown> = {}) =>
    data({ ok: false as const, error: `thread_${error}`, intent, messageId: isUuid(messageId) ? messageId : null, kept, ...extra }, { status });
  const done = () =>
    script ? data({ ok: true as const, intent }) : redirect(safeRedirectWithAnchor(form.get("returnTo"), thread.homePath, "thread"));
  // A refusal of what this person may not do is answered on the form that sent it, like any other.
  const forbidden = () => fail("forbidden", 403);
  const moderator = mayModerateThread(user, thread);
  const base = { actorId: user.id, requestId: context.requestId };
  let seqs: number[] = [];
  let deskChanged: { escalatedBy?: string | null } | null = null;

  // A message named by the form must be in this thread: permissions were checked for this thread,
  // and its readers are the ones told of the change.
  if (isUuid(messageId) && intent !== "post") {
    const owner = await messageThreadId(context.db, messageId);
    if (owner !== thread.id) return fail("not_found", 404);
  }

  switch (intent) {
    case "post": {
      const official = form.get("official") === "1";
      if (official && !mayAnswerThread(user, thread)) return forbidden();
      const blocker = postBlocker(user, thread);
      if (blocker && !official) return fail(`post_${blocker}`, 403);
      const { value: body } = text("body", true);
      if (!body) return fail("message_required");
      if ([...body].length > MESSAGE_MAX_LENGTH) return fail("message_too_long", 400, { max: MESSAGE_MAX_LENGTH });
      const replyTo = form.get("replyTo");
      if (replyTo && !isUuid(replyTo)) return fail("reply_not_found");
      const clientKeyRaw = String(form.get("clientKey") ?? "");
      const clientKey = /^[0-9a-zA-Z-]{8,64}$/.test(clientKeyRaw) ? clientKeyRaw : null;
      // Shared by every instance: the counters live in the database.
      for (const [key, rule] of [
        [`thread-post:${user.id}`, RATE_RULES.threadPostBurst],
        [`thread-post-hour:${user.id}`, RATE_RULES.threadPostHourly],
      ] as const) {
        const limit = await hitRateLimit(context.db, key, rule);
        if (!limit.allowed) return fail("posting_too_fast", 429, { retryAfter: limit.retryAfterSeconds });
      }
      const result = await postMessage(context.db, {
        threadId: thread.id,
        authorId: user.id,
        body,
        replyToId: replyTo ? String(replyTo) : null,
        official,
        clientKey,
      });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      break;
    }
    case "edit": {
      if (!isUuid(messageId)) return fail("not_found");
      const { value: body } = text("body", true);
      if (!body) return fail("message_required");
      if ([...body].length > MESSAGE_MAX_LENGTH) return fail("message_too_long", 400, { max: MESSAGE_MAX_LENGTH });
      const result = await editMessage(context.db, { messageId, actorId: user.id, body });
      if (!result.ok) return fail(result.error, result.error === "not_author" ? 403 : 409);
      if (result.threadId !== thread.id) return forbidden();
      seqs = result.seqs;
      break;
    }
    case "delete": {
      if (!isUuid(messageId)) return fail("not_found");
      const result = await deleteMessage(context.db, { messageId, actorId: user.id });
      if (!result.ok) return fail(result.error, result.error === "not_author" ? 403 : 409);
      seqs = result.seqs;
      break;
    }
    case "report": {
      if (!mayReportInThread(user, thread)) return forbidden();
      if (!isUuid(messageId)) return fail("not_found");
      const { value: reason } = text("reason");
      if ([...reason].length < 3) return fail("report_reason_required");
      if ([...reason].length > REPORT_REASON_MAX) return fail("report_reason_too_long", 400, { max: REPORT_REASON_MAX });
      const result = await reportMessage(context.db, { messageId, reporterId: user.id, reason, reportsToHide: thread.reportsToHide });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      deskChanged = (await surfaceQuietly(context, thread.id)) ? {} : null;
      break;
    }
    case "hide": {
      if (!moderator) return forbidden();
      if (!isUuid(messageId)) return fail("not_found");
      const { value: reason } = text("reason");
      if ([...reason].length < 3) return fail("hide_reason_required");
      if ([...reason].length > REPORT_REASON_MAX) return fail("report_reason_too_long", 400, { max: REPORT_REASON_MAX });
      const result = await hideMessage(context.db, { ...base, messageId, reason });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      break;
    }
    case "restore": {
      if (!moderator) return forbidden();
      if (!isUuid(messageId)) return fail("not_found");
      const result = await restoreMessage(context.db, { ...base, messageId });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      break;
    }
    case "lock":
    case "unlock": {
      if (!moderator) return forbidden();
      const { value: reason } = text("reason");
      if (intent === "lock" && [...reason].length < 3) return fail("lock_reason_required");
      if ([...reason].length > REPORT_REASON_MAX) return fail("report_reason_too_long", 400, { max: REPORT_REASON_MAX });
      const result = await setThreadLock(context.db, { ...base, threadId: thread.id, locked: intent === "lock", reason: reason || null });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      break;
    }
    case "pin":
    case "unpin": {
      if (!moderator) return forbidden();
      if (intent === "pin" && !isUuid(messageId)) return fail("not_found");
      const result = await pinMessage(context.db, { ...base, threadId: thread.id, messageId: intent === "pin" ? String(messageId) : null });
      if (!result.ok) return fail(result.error, 409);
      seqs = result.seqs;
      break;
    }
    case "mute":
    case "unmute": {
      if (!moderator) return forbidden();
      const userId = form.get("userId");
      if (!isUuid(userId)) return fail("not_found");
      if (userId === user.id) return fail("mute_self");
      if (intent === "mute") {
        const days = Number(foldDigits(String(form.get("days") ?? "")));
        if (!MUTE_DAYS.includes(days as (typeof MUTE_DAYS)[number])) return fail("mute_days_invalid");
        const { value: reason } = text("reason");
        if ([...reason].length < 3) return fail("mute_reason_required");
        if ([...reason].length > REPORT_REASON_MAX) return fail("report_reason_too_long", 400, { max: REPORT_REASON_MAX });
        const result = await muteInThread(context.db, { ...base, threadId: thread.id, userId, until: new Date(Date.now() + days * 86_400_000), reason });
        if (!result.ok) return fail(result.error, 409);
      } else {
        const result = await unmuteInThread(context.db, { ...base, threadId: thread.id, userId });
        if (!result.ok) return fail(result.error, 409);
      }
      notifyThreadStanding(context.io, userId, thread.id);
      break;
    }
    case "escalate": {
      if (!mayEscalateThread(user, thread)) return forbidden();
      const { value: note } = text("note", true);
      const urgency = String(form.get("urgency") ?? "");
      if (!["normal", "high", "urgent"].includes(urgency)) return fail("urgency_invalid");
      if ([...note].length < 10) return fail("escalation_note_required");
      if ([...note].length > 2000) return fail("escalation_note_too_long", 400, { max: 2000 });
      const result = await escalateThread(context.db, { threadId: thread.id, actorId: user.id, note, urgency: urgency as "normal", requestId: context.requestId });
      if (!result.ok) return fail(result.error, 409);
      deskChanged = { escalatedBy: user.id };
      break;
    }
    default:
      throw new Response("Bad Request", { status: 400 });
  }

  // The change is committed: telling readers and reading signals are best effort. A reader who
  // missed the event catches up by number; the next post reads the signals again.
  await publishThreadEvents(context.io, context.db, thread.id, seqs).catch((err) =>
    context.logger.warn({ err, threadId: thread.id }, "publishing thread events failed"),
  );
  // Lists show how many messages a proposal's discussion has: its room gets the new count (coalesced).
  if (seqs.length && thread.kind === "proposal" && thread.proposalId) publishProposalState(context.io, context.db, thread.proposalId);
  if (intent === "post" && seqs.length) {
    // Signals are read after the message is in: a burst is noticed on the message that makes it.
    if (await surfaceQuietly(context, thread.id)) deskChanged = deskChanged ?? {};
  }
  if (deskChanged) notifyDeskChanged(context.io, { districtId: thread.districtId, threadId: thread.id, ...deskChanged });
  return done();
}
