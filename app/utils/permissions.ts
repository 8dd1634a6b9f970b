/**
 * The one answer to "may this person do this action in this scope".
 * Loaders, actions and the socket handshake all ask here; the UI asks too, only to hide
 * buttons a person could not use anyway. Browser-safe: no database access.
 */

import { isUuid } from "./uuid";

export type RoleName = "admin" | "deputy" | "deputy_staff" | "district_manager" | "district_staff" | "commission_member";

export interface RoleGrant {
  role: RoleName;
  districtId: string | null;
  commissionId: string | null;
  /** District staff only: what their manager lets them do. */
  powers?: string[];
}

export type CouncilRole = "member" | "chair" | "secretary";

export interface Actor {
  id: string;
  roles: RoleGrant[];
  /** Active council seats: a chair's power covers their own council. */
  councilRoles?: { councilId: string; role: CouncilRole }[];
}

export type Scope =
  | { kind: "city" }
  | { kind: "district"; districtId: string }
  | { kind: "council"; councilId: string; districtId: string }
  | { kind: "commission"; commissionId: string }
  | { kind: "user"; userId: string };

/** What a manager can let district staff do. */
export const STAFF_POWERS = ["applications", "moderate", "file_on_behalf"] as const;
export type StaffPower = (typeof STAFF_POWERS)[number];

export const ACTIONS = [
  // Anyone, signed in or not.
  "public.read",
  // Any signed-in person (a resident).
  "account.manage",
  "resident.participate",
  // Admin, whole deployment.
  "admin.access",
  "district.create",
  "district.edit",
  "commission.create",
  "commission.edit",
  "role.assign",
  "audit.view",
  // District managers (and, where allowed, their staff) inside their own district.
  "district.manage",
  "district.overview",
  "district.staff.assign",
  "district.moderate",
  "district.file_on_behalf",
  "neighborhood.manage",
  "council.manage",
  "council.officers.appoint",
  "membership.decide",
  // The district's meeting report (who met, minutes late, absences), and the review of absences.
  "district.meetings.report",
  "district.absence.review",
  // Analytics and the monthly district report: the deputy's office for the city, a manager for their district.
  "analytics.view",
  // A council's own officers inside their council.
  "council.agenda",
  "council.vote.open",
  "council.moderate",
  // A council's chair and secretary: the meeting schedule, agenda, roll call and minutes.
  "council.meeting.run",
  // Every active seat: answering circulated minutes (only of a meeting they attended, see minutesResponseBlocker).
  "council.minutes.respond",
  // Every active seat of a council (member, chair, secretary) inside their council.
  "council.vote.cast",
  // District managers and council chairs: sending a thread to the deputy's desk.
  "thread.escalate",
  // The culture and social deputy.
  "deputy.dashboard",
  "deputy.answer",
  "deputy.publish_policy",
  // The deputy and the deputy's staff: drafting and publishing policies (ابلاغ), and seeing who acknowledged them.
  "policy.publish",
  // Managers in their district and chairs in their council: «رؤیت شد» on a policy addressed to them.
  "policy.acknowledge",
  // Commission members inside their own commission.
  "commission.review",
  "commission.decide",
] as const;
export type Action = (typeof ACTIONS)[number];

/** A district role, or district staff holding one power ("district_staff:applications"). */
type DistrictHolder = RoleName | `district_staff:${StaffPower}`;

type Rule =
  | { who: "anyone" }
  | { who: "signed_in" }
  | { who: "self" }
  | { who: "roles"; city?: RoleName[]; district?: DistrictHolder[]; commission?: RoleName[]; council?: CouncilRole[] };

/**
 * The whole policy as data. `city` roles act everywhere; `district` roles act only in their own
 * district (and its councils); `commission` roles only in their own commission; `council` seats
 * only in their own council.
 */
const POLICY: Record<Action, Rule> = {
  "public.read": { who: "anyone" },
  "account.manage": { who: "self" },
  "resident.participate": { who: "signed_in" },
  "admin.access": { who: "roles", city: ["admin"] },
  "district.create": { who: "roles", city: ["admin"] },
  "district.edit": { who: "roles", city: ["admin"] },
  "commission.create": { who: "roles", city: ["admin"] },
  "commission.edit": { who: "roles", city: ["admin"] },
  "role.assign": { who: "roles", city: ["admin"] },
  "audit.view": { who: "roles", city: ["admin"], district: ["district_manager"] },
  "district.manage": { who: "roles", district: ["district_manager"] },
  "district.overview": { who: "roles", district: ["district_manager", "district_staff"] },
  "district.staff.assign": { who: "roles", district: ["district_manager"] },
  "district.moderate": { who: "roles", district: ["district_manager", "district_staff:moderate"] },
  "district.file_on_behalf": { who: "roles", district: ["district_manager", "district_staff:file_on_behalf"] },
  "neighborhood.manage": { who: "roles", district: ["district_manager"] },
  "council.manage": { who: "roles", district: ["district_manager"] },
  "council.officers.appoint": { who: "roles", district: ["district_manager"] },
  "membership.decide": { who: "roles", district: ["district_manager", "district_staff:applications"] },
  "council.agenda": { who: "roles", council: ["chair"] },
  "council.vote.open": { who: "roles", council: ["chair", "secretary"] },
  "council.vote.cast": { who: "roles", council: ["member", "chair", "secretary"] },
  "council.moderate": { who: "roles", council: ["chair"] },
  "council.meeting.run": { who: "roles", council: ["chair", "secretary"] },
  "council.minutes.respond": { who: "roles", council: ["member", "chair", "secretary"] },
  "district.meetings.report": { who: "roles", city: ["deputy", "deputy_staff"], district: ["district_manager", "district_staff"] },
  "district.absence.review": { who: "roles", district: ["district_manager"] },
  "analytics.view": { who: "roles", city: ["deputy", "deputy_staff"], district: ["district_manager"] },
  "policy.acknowledge": { who: "roles", district: ["district_manager"], council: ["chair"] },
  "thread.escalate": { who: "roles", district: ["district_manager"], council: ["chair"] },
  "deputy.dashboard": { who: "roles", city: ["deputy", "deputy_staff"] },
  "deputy.answer": { who: "roles", city: ["deputy", "deputy_staff"] },
  "deputy.publish_policy": { who: "roles", city: ["deputy"] },
  "policy.publish": { who: "roles", city: ["deputy", "deputy_staff"] },
  "commission.review": { who: "roles", commission: ["commission_member"] },
  "commission.decide": { who: "roles", commission: ["commission_member"] },
};

export function can(actor: Actor | null | undefined, action: Action, scope: Scope = { kind: "city" }): boolean {
  const rule = POLICY[action];
  if (!rule) return false;
  switch (rule.who) {
    case "anyone":
      return true;
    case "signed_in":
      return Boolean(actor);
    case "self":
      return Boolean(actor) && scope.kind === "user" && scope.userId === actor!.id;
    case "roles": {
      if (!actor) return false;
      const inDistrict = (districtId: string | null) =>
        (scope.kind === "district" || scope.kind === "council") && districtId !== null && districtId === scope.districtId;
      const byRole = actor.roles.some((grant) => {
        if (rule.city?.includes(grant.role)) return true;
        if (rule.district && inDistrict(grant.districtId)) {
          if (rule.district.includes(grant.role)) return true;
          if (grant.role === "district_staff") {
            return (grant.powers ?? []).some((power) => rule.district!.includes(`district_staff:${power as StaffPower}`));
          }
        }
        if (rule.commission?.includes(grant.role)) {
          return scope.kind === "commission" && grant.commissionId === scope.commissionId;
        }
        return false;
      });
      if (byRole) return true;
      if (rule.council && scope.kind === "council") {
        return (actor.councilRoles ?? []).some((seat) => seat.councilId === scope.councilId && rule.council!.includes(seat.role));
      }
      return false;
    }
  }
}

/** Districts in which the actor holds any of the given roles (for "my district" links). */
export function districtsWhere(actor: Actor | null | undefined, roles: RoleName[]): string[] {
  if (!actor) return [];
  return actor.roles.filter((g) => roles.includes(g.role) && g.districtId).map((g) => g.districtId!);
}

/** The district desk (/manage): for whoever manages or staffs at least one district. */
export function mayOpenDistrictDesk(actor: Actor | null | undefined): boolean {
  return districtsWhere(actor, ["district_manager", "district_staff"]).length > 0;
}

/**
 * Who enters a page under /manage: the district desk's people anywhere in it; besides them, a
 * district's month report of meetings is open to whoever may read that report (the deputy's office,
 * decision 021). `page` is the district and section the address names, if any.
 */
export function mayEnterManage(actor: Actor | null | undefined, page: { districtId: string | null; section: string | null }): boolean {
  if (mayOpenDistrictDesk(actor)) return true;
  if (page.section === "meetings" && page.districtId && isUuid(page.districtId)) {
    return can(actor, "district.meetings.report", { kind: "district", districtId: page.districtId });
  }
  return false;
}

/** Whether policies (ابلاغ) can be addressed to this person: a district's manager or a council's chair. */
export function mayReceivePolicies(actor: Actor | null | undefined): boolean {
  if (!actor) return false;
  return districtsWhere(actor, ["district_manager"]).length > 0 || Boolean(actor.councilRoles?.some((r) => r.role === "chair"));
}

/** A proposal's text is its author's alone to edit (the domain also refuses once it has supports). */
export function mayEditProposal(actor: Actor | null | undefined, proposal: { authorId: string | null }): boolean {
  return Boolean(actor) && proposal.authorId !== null && proposal.authorId === actor!.id;
}

export function commissionsWhere(actor: Actor | null | undefined): string[] {
  if (!actor) return [];
  return actor.roles.filter((g) => g.role === "commission_member" && g.commissionId).map((g) => g.commissionId!);
}

/** What a thread's permissions depend on (its council's charter and where it lives). */
export interface ThreadAccess {
  kind: "council" | "proposal" | "commission";
  councilId: string;
  districtId: string;
  commissionId: string | null;
  threadPosters: "members" | "residents";
  chairsModerate: boolean;
}

const councilScopeOf = (thread: ThreadAccess): Scope => ({ kind: "council", councilId: thread.councilId, districtId: thread.districtId });

/** Council and proposal threads are public; a commission's review thread is for that commission. */
export function mayReadThread(actor: Actor | null | undefined, thread: ThreadAccess): boolean {
  if (thread.kind === "commission") return can(actor, "commission.review", { kind: "commission", commissionId: thread.commissionId! });
  return can(actor, "public.read");
}

export type PostBlocker = "sign_in" | "members_only" | "forbidden";

/**
 * Who may write: the commission in its review thread; elsewhere whoever the charter names
 * (members, or any signed-in resident), plus the district's staff and the deputy's office.
 */
export function postBlocker(actor: Actor | null | undefined, thread: ThreadAccess): PostBlocker | null {
  if (!actor) return "sign_in";
  if (thread.kind === "commission") return mayReadThread(actor, thread) ? null : "forbidden";
  if (can(actor, "deputy.answer") || can(actor, "district.overview", councilScopeOf(thread))) return null;
  if (thread.threadPosters === "residents") return can(actor, "resident.participate") ? null : "forbidden";
  return (actor.councilRoles ?? []).some((seat) => seat.councilId === thread.councilId) ? null : "members_only";
}

/** District managers (and staff with the power) in their district; the chair too if the charter says so. */
export function mayModerateThread(actor: Actor | null | undefined, thread: ThreadAccess): boolean {
  if (thread.kind === "commission") return false;
  const scope = councilScopeOf(thread);
  return can(actor, "district.moderate", scope) || (thread.chairsModerate && can(actor, "council.moderate", scope));
}

export function mayEscalateThread(actor: Actor | null | undefined, thread: ThreadAccess): boolean {
  return thread.kind !== "commission" && can(actor, "thread.escalate", councilScopeOf(thread));
}

/** What "may vote" depends on: the vote's council and where it lives, and the vote's window. */
export interface VoteAccess {
  councilId: string;
  districtId: string;
  status: "open" | "closed";
  opensAt: Date | string;
  closesAt: Date | string;
}

export type BallotBlocker = "sign_in" | "vote_not_open" | "vote_closed" | "not_a_member";

/**
 * Who may cast a ballot on a vote: a person with an active seat in the vote's council (any seat:
 * member, chair or secretary; a district or city role gives no ballot), while the vote is open and
 * within its window. `vote` is the proposal's vote as the route found it from the URL, never one
 * named by a form. Null when the person may vote; otherwise why not.
 */
export function ballotBlocker(
  actor: Actor | null | undefined,
  vote: VoteAccess | null | undefined,
  now: Date = new Date(),
): BallotBlocker | null {
  if (!actor) return "sign_in";
  if (!vote) return "vote_not_open";
  if (vote.status !== "open" || new Date(vote.closesAt).getTime() <= now.getTime()) return "vote_closed";
  if (new Date(vote.opensAt).getTime() > now.getTime()) return "vote_not_open";
  return can(actor, "council.vote.cast", { kind: "council", councilId: vote.councilId, districtId: vote.districtId })
    ? null
    : "not_a_member";
}

export function mayVote(actor: Actor | null | undefined, vote: VoteAccess | null | undefined, now: Date = new Date()): boolean {
  return ballotBlocker(actor, vote, now) === null;
}

/**
 * Reporting a message to the district's moderators: any signed-in reader of a council or proposal
 * thread. A commission's review thread has no moderators to report to, so it offers no report.
 */
export function mayReportInThread(actor: Actor | null | undefined, thread: ThreadAccess): boolean {
  return Boolean(actor) && thread.kind !== "commission" && mayReadThread(actor, thread);
}

/** The deputy's office answers officially in council and proposal threads (never a commission's). */
export function mayAnswerThread(actor: Actor | null | undefined, thread: Pick<ThreadAccess, "kind">): boolean {
  return thread.kind !== "commission" && can(actor, "deputy.answer");
}

export type MinutesResponseBlocker = "sign_in" | "not_a_member" | "not_present" | "not_circulating";

/**
 * Who may approve or object to a meeting's minutes: a member of the council who was present (or
 * came late) at that meeting, while the minutes are out for approval.
 */
export function minutesResponseBlocker(
  actor: Actor | null | undefined,
  meeting: { councilId: string; districtId: string },
  input: { attended: boolean; circulating: boolean },
): MinutesResponseBlocker | null {
  if (!actor) return "sign_in";
  if (!can(actor, "council.minutes.respond", { kind: "council", councilId: meeting.councilId, districtId: meeting.districtId }))
    return "not_a_member";
  if (!input.attended) return "not_present";
  if (!input.circulating) return "not_circulating";
  return null;
}

/** Who a published policy version is addressed to. */
export interface PolicyAudience {
  allDistricts: boolean;
  districtIds: string[];
  recipients: "managers" | "chairs" | "both";
}

/**
 * The districts in which a person is a recipient of a policy: as the district's manager, or as the
 * chair of one of its councils (`chairDistricts`: the districts of the councils they chair, which
 * the caller looks up). Empty when the policy is not addressed to them.
 */
export function policyRecipientIn(actor: Actor | null | undefined, audience: PolicyAudience, chairDistricts: string[]): string[] {
  if (!actor) return [];
  const inAudience = (districtId: string) => audience.allDistricts || audience.districtIds.includes(districtId);
  const found = new Set<string>();
  if (audience.recipients !== "chairs") {
    for (const districtId of districtsWhere(actor, ["district_manager"])) if (inAudience(districtId)) found.add(districtId);
  }
  if (audience.recipients !== "managers") {
    for (const districtId of chairDistricts) if (inAudience(districtId)) found.add(districtId);
  }
  return [...found];
}

/**
 * Socket rooms and what it takes to join them. Public rooms are open to anonymous sockets;
 * everything else goes through `can` with the room's scope.
 */
export function mayJoinRoom(actor: Actor | null | undefined, room: string, thread?: ThreadAccess | null): boolean {
  if (room === "city") return true;
  if (room === "deputy") return can(actor, "deputy.dashboard");
  if (room === "admin") return can(actor, "admin.access");
  const [kind, id, extra] = room.split(":");
  if (!id || extra !== undefined || !isUuid(id)) return false;
  switch (kind) {
    // A meeting's roll call and quorum are public, as its minutes will be.
    case "district":
    case "council":
    case "proposal":
    case "meeting":
      // A meeting's roll call and quorum are public, as its minutes will be.
      return true;
    case "policy":
      // Who has acknowledged a policy, district by district: the deputy's office only.
      return can(actor, "policy.publish");
    case "thread":
      // The caller looks the thread up; no thread, no room.
      return thread ? mayReadThread(actor, thread) : false;
    case "district-staff":
      return can(actor, "district.overview", { kind: "district", districtId: id });
    case "commission":
      return can(actor, "commission.review", { kind: "commission", commissionId: id });
    case "user":
      return can(actor, "account.manage", { kind: "user", userId: id });
    default:
      return false;
  }
}
