import type { TFunction } from "i18next";
import { formatDate, toPersianDigits } from "./persian";

/** Params whose value is itself a word to translate (a result, a decision, a state). */
const WORDS: Record<string, string> = {
  result: "inbox.result",
  decision: "inbox.decision",
  progress: "inbox.progress",
  state: "inbox.escalation",
};

/**
 * The sentence of an inbox item in the reader's language. The same function writes the inbox page,
 * the live notice and the SMS, so they always say the same thing. Browser-safe.
 */
export function noticeText(t: TFunction, kind: string, params: Record<string, string | number>, count = 1): string {
  const values: Record<string, string | number> = { ...params, n: count };
  for (const [param, prefix] of Object.entries(WORDS)) {
    if (typeof params[param] === "string") values[param] = t(`${prefix}.${params[param]}`);
  }
  // A moment (a meeting's start) is written in the reader's calendar and digits.
  if (typeof params.startsAt === "string") {
    const lng = (t as TFunction & { lng?: string }).lng ?? "fa";
    values.when = formatDate(params.startsAt, lng, "datetime");
    if (typeof params.meetings === "number") values.meetings = lng === "fa" ? toPersianDigits(params.meetings) : params.meetings;
  }
  return t(`inbox.kind.${kind}`, values);
}
