import { z } from "zod";
import { NOTICE_KINDS, type NoticeKind } from "~/domain/notice-kinds";
import { foldDigits } from "~/utils/persian";
import { phoneField } from "./fields";

/**
 * An hour of the Tehran day as people write it: 8, 08, 21:30, ۲۱:۳۰ (24 is the day's end). Empty is
 * "not given" (null); anything else that is not a time is refused.
 */
function hourField() {
  return z
    .string()
    .max(20, "hours_invalid")
    .optional()
    .transform((value, ctx) => {
      const text = foldDigits(value ?? "")
        .trim()
        .replace(/[٫.]/g, ":");
      if (!text) return null;
      const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text);
      const minutes = m ? Number(m[1]) * 60 + Number(m[2] ?? 0) : NaN;
      if (!m || Number(m[2] ?? 0) > 59 || minutes > 1440) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "hours_invalid" });
        return z.NEVER;
      }
      return minutes;
    });
}

const checkbox = () => z.boolean().optional().default(false);

/** The preferences form: SMS-only, one box per kind (`sms_<kind>`), and the SMS hours. */
export const InboxPreferencesSchema = z
  .object({
    smsOnly: checkbox(),
    from: hourField(),
    until: hourField(),
    ...(Object.fromEntries(NOTICE_KINDS.map((kind) => [`sms_${kind}`, checkbox()])) as Record<
      `sms_${NoticeKind}`,
      ReturnType<typeof checkbox>
    >),
  })
  .superRefine((value, ctx) => {
    if ((value.from === null) !== (value.until === null)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [value.from === null ? "from" : "until"], message: "hours_invalid" });
    } else if (value.from !== null && value.until !== null && value.until <= value.from) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["until"], message: "hours_end_before_start" });
    }
  });

/** Buttons only: the item's id comes from the address. */
export const InboxItemSchema = z.object({});

/** The development outbox's "reply" form: a text as if a phone had sent it. */
export const InboundReplySchema = z.object({
  from: phoneField(),
  body: z.string({ required_error: "inbound_body_required" }).min(1, "inbound_body_required").max(20_000, "inbound_body_required"),
});

/** Minutes of the day → "8:00" (the form shows what was saved). */
export function minutesToHour(minutes: number | null) {
  if (minutes === null) return "";
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}
