import { z } from "zod";
import { MESSAGE_MAX_LENGTH, REPORT_REASON_MAX, URGENCIES } from "~/domain/thread-view";
import { foldDigits, normalizeText } from "~/utils/persian";
import { isUuid } from "~/utils/uuid";
import { choiceField, requiredMultilineField, uuidField } from "./fields";

/**
 * The forms of a thread, one schema per intent (app/server/thread.server.ts runs them). Messages
 * are `errors.thread_*` keys. The thread and every permission come from the address and the
 * permission module; a message or person named by a form must belong to the thread.
 */

/** How long a moderator may mute someone, in days. */
export const MUTE_DAYS = ["1", "3", "7", "30"] as const;
export const ESCALATION_NOTE = { min: 10, max: 2000 } as const;
/** Every reason a thread asks for (report, hide, lock, mute): at least this many characters. */
export const REASON_MIN = 3;

/** The numbers a thread's messages speak of ("at most {{max}} characters"), by message key. */
export const THREAD_ERROR_LIMITS: Record<string, number> = {
  thread_message_too_long: MESSAGE_MAX_LENGTH,
  thread_report_reason_too_long: REPORT_REASON_MAX,
  thread_escalation_note_too_long: ESCALATION_NOTE.max,
};

const RAW_MAX = MESSAGE_MAX_LENGTH * 4;

function messageBody() {
  return requiredMultilineField({
    min: 1,
    max: MESSAGE_MAX_LENGTH,
    required: "thread_message_required",
    tooLong: "thread_message_too_long",
  });
}

/** A one-line reason of REASON_MIN to REPORT_REASON_MAX characters (optional: an unlock's). */
export function reasonField(required: string | null) {
  const text = z
    .string()
    .max(RAW_MAX, "thread_report_reason_too_long")
    .transform((v) => normalizeText(v))
    .pipe(
      z
        .string(required === null ? {} : { required_error: required })
        .optional()
        .transform((v) => v ?? "")
        .refine((v) => required === null || [...v].length >= REASON_MIN, required ?? "")
        .refine((v) => [...v].length <= REPORT_REASON_MAX, "thread_report_reason_too_long"),
    );
  return required === null ? text.optional().default("") : z.string({ required_error: required }).pipe(text);
}

const messageId = uuidField("thread_not_found");

export const ThreadSchemas = {
  post: z.object({
    body: messageBody(),
    replyTo: z
      .string()
      .refine((v) => isUuid(v), "thread_reply_not_found")
      .optional()
      .transform((v) => v ?? null),
    // A key the composer makes per message: sending the same form twice posts once.
    clientKey: z
      .string()
      .optional()
      .transform((v) => (v && /^[0-9a-zA-Z-]{8,64}$/.test(v) ? v : null)),
    official: z
      .string()
      .optional()
      .transform((v) => v === "1"),
  }),
  edit: z.object({ messageId, body: messageBody() }),
  delete: z.object({ messageId }),
  report: z.object({ messageId, reason: reasonField("thread_report_reason_required") }),
  hide: z.object({ messageId, reason: reasonField("thread_hide_reason_required") }),
  restore: z.object({ messageId }),
  lock: z.object({ reason: reasonField("thread_lock_reason_required") }),
  unlock: z.object({ reason: reasonField(null) }),
  pin: z.object({ messageId }),
  unpin: z.object({}),
  mute: z.object({
    userId: uuidField("thread_not_found"),
    days: z
      .string({ required_error: "thread_mute_days_invalid" })
      .max(12, "thread_mute_days_invalid")
      .transform((v) => foldDigits(v).trim())
      .pipe(choiceField(MUTE_DAYS, "thread_mute_days_invalid"))
      .transform(Number),
    reason: reasonField("thread_mute_reason_required"),
  }),
  unmute: z.object({ userId: uuidField("thread_not_found") }),
  escalate: z.object({
    note: requiredMultilineField({
      ...ESCALATION_NOTE,
      required: "thread_escalation_note_required",
      tooLong: "thread_escalation_note_too_long",
    }),
    urgency: choiceField(URGENCIES, "thread_urgency_invalid"),
  }),
} as const;

export type ThreadIntent = keyof typeof ThreadSchemas;
export const THREAD_INTENTS = Object.keys(ThreadSchemas) as ThreadIntent[];
