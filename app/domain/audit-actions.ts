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
  "meeting.scheduled",
  "meeting.cancelled",
  "meeting.opened",
  "meeting.closed",
  "minutes.circulated",
  "minutes.approved",
  "minutes.objected",
  "minutes.correction_started",
  "absence.kept",
  "policy.published",
  "policy.acknowledged",
  "proposal.on_agenda",
  "proposal.withdrawn",
  "vote.opened",
  "vote.closed",
  "proposal.adopted",
  "proposal.referred",
  "proposal.decided",
  "proposal.progress",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/**
 * The public record's kinds: how the page groups what it shows (a filter of a few words instead of
 * fifty keys).
 */
export const PUBLIC_AUDIT_CATEGORIES = [
  "places",
  "councils",
  "membership",
  "meetings",
  "proposals",
  "reviews",
  "moderation",
  "policies",
] as const;
export type PublicAuditCategory = (typeof PUBLIC_AUDIT_CATEGORIES)[number];

/**
 * Which acts the public record shows, in one place (decision 025). Every kind is listed: a new kind
 * does not compile, and fails its test, until someone decides whether the city may read it.
 * "private" covers accounts (sign-up, password, sign-in), one person's applications, invitations,
 * attendance and objections, roles given to people, the deputy's desk and settings, and support
 * filed at a counter office. A public entry never shows its `data` as stored: the page picks the few
 * fields its sentence names.
 */
export const AUDIT_VISIBILITY: { readonly [A in AuditAction]: PublicAuditCategory | "private" } = {
  "user.signed_up": "private",
  "user.password_reset": "private",
  "user.created_by_command": "private",
  "district.created": "places",
  "district.updated": "places",
  "commission.created": "places",
  "commission.updated": "places",
  "neighborhood.created": "places",
  "neighborhood.updated": "places",
  "council.created": "councils",
  "council.charter_changed": "councils",
  "council.term_started": "councils",
  "council.term_ended": "councils",
  "council.suspended": "councils",
  "council.active": "councils",
  "council.dissolved": "councils",
  "application.submitted": "private",
  "application.withdrawn": "private",
  "application.approved": "private",
  "application.rejected": "private",
  "invitation.sent": "private",
  "invitation.declined": "private",
  "membership.joined": "membership",
  "membership.left": "membership",
  "membership.removed": "membership",
  "membership.chair_appointed": "membership",
  "membership.secretary_appointed": "membership",
  "role.granted": "private",
  "role.revoked": "private",
  "role.powers_changed": "private",
  "message.hide": "moderation",
  "message.restore": "moderation",
  "message.reports_dismiss": "private",
  "message.hide_by_reports": "moderation",
  "thread.lock": "moderation",
  "thread.unlock": "moderation",
  "thread.pin": "moderation",
  "thread.unpin": "moderation",
  "thread.mute": "private",
  "thread.unmute": "private",
  "thread.escalate": "moderation",
  "escalation.state": "private",
  "surfacing.settings": "private",
  "counter.support": "private",
  "meeting.scheduled": "meetings",
  "meeting.cancelled": "meetings",
  "meeting.opened": "meetings",
  "meeting.closed": "meetings",
  "minutes.circulated": "meetings",
  "minutes.approved": "meetings",
  "minutes.objected": "private",
  "minutes.correction_started": "meetings",
  "absence.kept": "private",
  "policy.published": "policies",
  "policy.acknowledged": "policies",
  // A proposal on the agenda, its vote opened and closed (a secret ballot's totals only, after the
  // close), adopted by a show of hands at a meeting. Withdrawing is the author's own act on their
  // own filing, like taking back an application: the proposal page shows it, the record does not.
  "proposal.on_agenda": "proposals",
  "proposal.withdrawn": "private",
  "vote.opened": "proposals",
  "vote.closed": "proposals",
  "proposal.adopted": "proposals",
  // Referred to a commission, the commission's decision with its rationale, progress published.
  "proposal.referred": "reviews",
  "proposal.decided": "reviews",
  "proposal.progress": "reviews",
};

export function isPublicAuditAction(action: string): action is AuditAction {
  return isAuditAction(action) && AUDIT_VISIBILITY[action] !== "private";
}

/** Every kind the public record may show. */
export const PUBLIC_AUDIT_ACTIONS: readonly AuditAction[] = AUDIT_ACTIONS.filter((a) => AUDIT_VISIBILITY[a] !== "private");

export function publicActionsOf(category: PublicAuditCategory): AuditAction[] {
  return AUDIT_ACTIONS.filter((a) => AUDIT_VISIBILITY[a] === category);
}

/** Public acts whose written reason the record may show (a council's suspension, a member's removal). */
export const PUBLIC_REASON_ACTIONS: readonly AuditAction[] = [
  "council.suspended",
  "council.active",
  "council.dissolved",
  "membership.removed",
  "meeting.cancelled",
  // The commission's rationale: a decision is published with it, and the proposal page shows it.
  "proposal.decided",
];
