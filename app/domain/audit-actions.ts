/**
 * Every kind of change the audit log records. The log shows each as a sentence from the locale
 * files (`audit.action.<kind>`); a test checks that every kind has one in every language.
 */
export const AUDIT_ACTIONS = [
  "user.signed_up",
  "user.password_reset",
  "user.created_by_command",
  "district.created",
  "district.updated",
  "commission.created",
  "commission.updated",
  "neighborhood.created",
  "neighborhood.updated",
  "council.created",
  "council.charter_changed",
  "council.term_started",
  "council.term_ended",
  "council.suspended",
  "council.active",
  "council.dissolved",
  "application.submitted",
  "application.withdrawn",
  "application.approved",
  "application.rejected",
  "invitation.sent",
  "invitation.declined",
  "membership.joined",
  "membership.left",
  "membership.removed",
  "membership.chair_appointed",
  "membership.secretary_appointed",
  "role.granted",
  "role.revoked",
  "role.powers_changed",
  "message.hide",
  "message.restore",
  "message.reports_dismiss",
  "message.hide_by_reports",
  "thread.lock",
  "thread.unlock",
  "thread.pin",
  "thread.unpin",
  "thread.mute",
  "thread.unmute",
  "thread.escalate",
  "escalation.state",
  "surfacing.settings",
  "counter.support",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
