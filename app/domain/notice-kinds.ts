/**
 * Every kind of notice the inbox knows, in the order the preferences page lists them. Browser-safe.
 * A kind has its sentence in locales (`inbox.kind.<kind>`, `inbox.sms.<kind>`, `inbox.pref.<kind>`);
 * a test checks every language has them.
 */
export const NOTICE_KINDS = [
  "vote_opened",
  "vote_closing",
  "vote_result",
  "application_decided",
  "invitation",
  "reply",
  "mention",
  "thread_messages",
  "official_answer",
  "support_milestone",
  "on_agenda",
  "commission_referred",
  "commission_decision",
  "progress",
  "message_hidden",
  "escalation_state",
  "policy_published",
  "meeting_scheduled",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * Kinds that need the person to act or that decide something about them: for a resident who uses
 * the platform by SMS, these go by SMS unless they turn them off.
 */
const IMPORTANT: ReadonlySet<NoticeKind> = new Set<NoticeKind>([
  "vote_opened",
  "vote_closing",
  "vote_result",
  "application_decided",
  "invitation",
  "official_answer",
  "commission_decision",
  "policy_published",
  "meeting_scheduled",
]);

export function isImportantKind(kind: string): boolean {
  return IMPORTANT.has(kind as NoticeKind);
}

export function isNoticeKind(kind: string): kind is NoticeKind {
  return (NOTICE_KINDS as readonly string[]).includes(kind);
}
