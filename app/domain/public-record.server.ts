import { and, asc, desc, eq, gte, inArray, lte, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import {
  auditLog,
  commissions,
  councils,
  districts,
  meetings,
  memberships,
  minutes,
  neighborhoods,
  policies,
  proposals,
  roleAssignments,
} from "../../db/schema";
import { isUuid } from "../utils/uuid";
import {
  AUDIT_VISIBILITY,
  isPublicAuditAction,
  PUBLIC_AUDIT_ACTIONS,
  PUBLIC_REASON_ACTIONS,
  publicActionsOf,
  type PublicAuditCategory,
} from "./audit-actions";
import { ballotDisclosure } from "./ballot-rule";
import type { ProposalOutcome, PublicActor, PublicRecordEntry } from "./public-record";

export interface PublicRecordFilter {
  districtId?: string;
  councilId?: string;
  category?: PublicAuditCategory;
  /** From this instant on (inclusive). */
  from?: Date;
  /** Up to this instant (inclusive). */
  until?: Date;
  /** The keyset cursor: the last entry of the page before (entries older than it follow). */
  before?: number;
  limit?: number;
}

export const PUBLIC_RECORD_PAGE = 30;

/**
 * The city's public record: the acts `AUDIT_VISIBILITY` calls public, newest first, each with the
 * actor's public role and its subject's public name. One query for the page, then one per kind of
 * name it needs (never one per entry). `data` never leaves this function as stored.
 */
export async function listPublicRecord(db: Db, filter: PublicRecordFilter = {}) {
  const limit = Math.min(Math.max(filter.limit ?? PUBLIC_RECORD_PAGE, 1), 100);
  const actions = filter.category ? publicActionsOf(filter.category) : [...PUBLIC_AUDIT_ACTIONS];
  // The cursor names an entry this list showed: a public one. Any other number (no such entry, or
  // a private one, whose time the page would otherwise give away) is refused and the list starts over.
  const [cursor] = filter.before
    ? await db.select({ id: auditLog.id, action: auditLog.action }).from(auditLog).where(eq(auditLog.id, filter.before))
    : [];
  const cursorValid = !filter.before || (cursor !== undefined && isPublicAuditAction(cursor.action));
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      actorId: auditLog.actorId,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      districtId: auditLog.districtId,
      commissionId: auditLog.commissionId,
      councilId: auditLog.councilId,
      reason: auditLog.reason,
      data: auditLog.data,
    })
    .from(auditLog)
    .where(
      and(
        inArray(auditLog.action, actions),
        filter.districtId ? eq(auditLog.districtId, filter.districtId) : undefined,
        filter.councilId ? eq(auditLog.councilId, filter.councilId) : undefined,
        filter.from ? gte(auditLog.at, filter.from) : undefined,
        filter.until ? lte(auditLog.at, filter.until) : undefined,
        // Compared in the database: a JavaScript Date would drop the microseconds of `at`.
        cursor && cursorValid
          ? sql`(${auditLog.at}, ${auditLog.id}) < (select c.at, c.id from ${auditLog} c where c.id = ${cursor.id})`
          : undefined,
      ),
    )
    // Newest first by time, the id breaking ties: the (at, id) indexes serve every filter and range.
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? page[page.length - 1]!.id : null;

  const subjectIds = (type: string) => unique(page.filter((r) => r.subjectType === type).map((r) => r.subjectId));
  const councilIds = unique([...page.map((r) => r.councilId), ...subjectIds("council")]);
  const districtIds = unique([...page.map((r) => r.districtId), ...subjectIds("district")]);
  const commissionIds = unique([...page.map((r) => r.commissionId), ...subjectIds("commission")]);
  const actorIds = unique(page.map((r) => r.actorId));

  const [
    councilRows,
    districtRows,
    neighborhoodRows,
    commissionRows,
    meetingRows,
    minutesRows,
    policyRows,
    proposalRows,
    roleRows,
    seatRows,
  ] = await Promise.all([
    councilIds.length
      ? db
          .select({ id: councils.id, neighborhoodId: councils.neighborhoodId, name: neighborhoods.name })
          .from(councils)
          .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
          .where(inArray(councils.id, councilIds))
      : [],
    districtIds.length
      ? db.select({ id: districts.id, number: districts.number }).from(districts).where(inArray(districts.id, districtIds))
      : [],
    lookup(subjectIds("neighborhood"), (ids) =>
      db.select({ id: neighborhoods.id, name: neighborhoods.name }).from(neighborhoods).where(inArray(neighborhoods.id, ids)),
    ),
    commissionIds.length
      ? db.select({ id: commissions.id, name: commissions.name }).from(commissions).where(inArray(commissions.id, commissionIds))
      : [],
    lookup(subjectIds("meeting"), (ids) =>
      db.select({ id: meetings.id, number: meetings.number }).from(meetings).where(inArray(meetings.id, ids)),
    ),
    lookup(subjectIds("minutes"), (ids) =>
      db
        .select({ id: minutes.id, meetingId: minutes.meetingId, number: meetings.number })
        .from(minutes)
        .innerJoin(meetings, eq(meetings.id, minutes.meetingId))
        .where(inArray(minutes.id, ids)),
    ),
    lookup(subjectIds("policy"), (ids) =>
      db.select({ id: policies.id, title: policies.title }).from(policies).where(inArray(policies.id, ids)),
    ),
    lookup(subjectIds("proposal"), (ids) =>
      db.select({ id: proposals.id, title: proposals.title }).from(proposals).where(inArray(proposals.id, ids)),
    ),
    actorIds.length
      ? db
          .select({
            userId: roleAssignments.userId,
            role: roleAssignments.role,
            districtId: roleAssignments.districtId,
            commissionId: roleAssignments.commissionId,
            from: roleAssignments.grantedAt,
            to: roleAssignments.revokedAt,
          })
          .from(roleAssignments)
          .where(inArray(roleAssignments.userId, actorIds))
      : [],
    actorIds.length && councilIds.length
      ? db
          .select({
            userId: memberships.userId,
            councilId: memberships.councilId,
            role: memberships.role,
            from: memberships.startedAt,
            to: memberships.endedAt,
          })
          .from(memberships)
          .where(and(inArray(memberships.userId, actorIds), inArray(memberships.councilId, councilIds)))
      : [],
  ]);

  const councilOf = new Map(councilRows.map((c) => [c.id, c]));
  const districtNumber = new Map(districtRows.map((d) => [d.id, d.number]));
  const neighborhoodName = new Map(neighborhoodRows.map((n) => [n.id, n.name]));
  const commissionName = new Map(commissionRows.map((c) => [c.id, c.name]));
  const meetingNumber = new Map(meetingRows.map((m) => [m.id, m.number]));
  const minutesOf = new Map(minutesRows.map((m) => [m.id, m]));
  const policyTitle = new Map(policyRows.map((p) => [p.id, p.title]));
  const proposalTitle = new Map(proposalRows.map((p) => [p.id, p.title]));
  const heldAt = (at: Date, span: { from: Date; to: Date | null }) => span.from <= at && (span.to === null || span.to >= at);

  function actorOf(row: (typeof page)[number]): PublicActor {
    if (!row.actorId) return { kind: "system" };
    const roles = roleRows.filter((r) => r.userId === row.actorId && heldAt(row.at, r));
    const seats = seatRows.filter((s) => s.userId === row.actorId && s.councilId === row.councilId && heldAt(row.at, s));
    const council = row.councilId ? (councilOf.get(row.councilId)?.name ?? null) : null;
    const inDistrict =
      roles.find((r) => r.districtId && r.districtId === row.districtId && r.role === "district_manager") ??
      roles.find((r) => r.districtId && r.districtId === row.districtId && r.role === "district_staff");
    if (inDistrict)
      return {
        kind: inDistrict.role as "district_manager" | "district_staff",
        district: districtNumber.get(inDistrict.districtId!) ?? null,
      };
    const office = seats.find((s) => s.role === "chair") ?? seats.find((s) => s.role === "secretary");
    if (office && council) return { kind: office.role as "chair" | "secretary", council };
    if (roles.some((r) => r.role === "deputy")) return { kind: "deputy" };
    if (roles.some((r) => r.role === "deputy_staff")) return { kind: "deputy_staff" };
    const commission = roles.find((r) => r.role === "commission_member" && r.commissionId && commissionName.has(r.commissionId));
    if (commission) return { kind: "commission_member", commission: commissionName.get(commission.commissionId!)! };
    if (roles.some((r) => r.role === "admin")) return { kind: "admin" };
    if (seats.length && council) return { kind: "member", council };
    return { kind: "resident" };
  }

  const entries: PublicRecordEntry[] = page.map((row) => {
    const action = row.action as PublicRecordEntry["action"];
    const data = row.data ?? {};
    const council = row.councilId ? (councilOf.get(row.councilId) ?? null) : null;
    const subjectCouncil = row.subjectType === "council" && row.subjectId ? (councilOf.get(row.subjectId) ?? council) : council;
    const subjectId = row.subjectId ?? "";
    let subject: PublicRecordEntry["subject"] = { name: null, number: null, count: null };
    let outcome: ProposalOutcome | null = null;
    let link: string | null = subjectCouncil ? `/councils/${subjectCouncil.id}` : null;
    switch (row.subjectType) {
      case "district":
        subject = { name: null, number: districtNumber.get(subjectId) ?? numberIn(data, "number"), count: null };
        link = districtNumber.has(subjectId) ? `/districts/${subjectId}` : null;
        break;
      case "neighborhood":
        subject = { name: neighborhoodName.get(subjectId) ?? null, number: null, count: null };
        link = neighborhoodName.has(subjectId) ? `/neighborhoods/${subjectId}` : null;
        break;
      case "commission":
        subject = { name: commissionName.get(subjectId) ?? null, number: null, count: null };
        link = null;
        break;
      case "council":
        subject = { name: subjectCouncil?.name ?? null, number: numberIn(data, "termNumber"), count: numberIn(data, "count") };
        break;
      case "meeting":
        subject = { name: null, number: meetingNumber.get(subjectId) ?? numberIn(data, "number"), count: null };
        if (meetingNumber.has(subjectId)) link = `/meetings/${subjectId}`;
        break;
      case "minutes": {
        const m = minutesOf.get(subjectId);
        subject = { name: null, number: m?.number ?? numberIn(data, "meeting"), count: null };
        if (m) link = `/meetings/${m.meetingId}`;
        break;
      }
      case "policy":
        subject = { name: policyTitle.get(subjectId) ?? null, number: null, count: null };
        link = null;
        break;
      case "proposal":
        subject = { name: proposalTitle.get(subjectId) ?? null, number: numberIn(data, "meeting"), count: numberIn(data, "supportCount") };
        outcome = outcomeOf(action, data, row.commissionId ? (commissionName.get(row.commissionId) ?? null) : null);
        if (proposalTitle.has(subjectId)) link = `/proposals/${subjectId}`;
        break;
    }
    return {
      id: row.id,
      at: row.at,
      action,
      category: AUDIT_VISIBILITY[action] as PublicAuditCategory,
      actor: actorOf(row),
      district: row.districtId ? (districtNumber.get(row.districtId) ?? null) : null,
      districtId: row.districtId && districtNumber.has(row.districtId) ? row.districtId : null,
      council: subjectCouncil?.name ?? null,
      subject,
      // A member's public name: the council's own page already shows it (its members and history).
      person: action.startsWith("membership.") && typeof data.name === "string" ? data.name : null,
      outcome,
      reason: PUBLIC_REASON_ACTIONS.includes(action) ? row.reason : null,
      link,
    };
  });
  return { entries, next, cursorValid };
}

/** The filter's choices: every district, and the councils of the chosen one. */
export async function publicRecordPlaces(db: Db, districtId?: string) {
  const [districtRows, councilRows] = await Promise.all([
    db.select({ id: districts.id, number: districts.number, name: districts.name }).from(districts).orderBy(asc(districts.number)),
    districtId
      ? db
          .select({ id: councils.id, name: neighborhoods.name })
          .from(councils)
          .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
          .where(and(eq(councils.districtId, districtId), ne(councils.status, "dissolved")))
          .orderBy(asc(neighborhoods.name))
      : [],
  ]);
  return { districts: districtRows, councils: councilRows };
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => isUuid(v)))];
}

async function lookup<T>(ids: string[], run: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  return ids.length ? run(ids) : [];
}

/**
 * The few recorded fields a proposal's sentence names, each checked against what it may be. Totals
 * of a vote only from its close, and only as the ballot rule lets anyone see a closed vote; the
 * show of hands of a meeting is in its approved minutes.
 */
function outcomeOf(action: string, data: Record<string, unknown>, commission: string | null): ProposalOutcome {
  const ballot = oneOf(data, "ballot", ["open", "secret"] as const);
  const counted = () => {
    const [f, a, s] = [numberIn(data, "for"), numberIn(data, "against"), numberIn(data, "abstain")];
    return f === null || a === null || s === null ? null : { for: f, against: a, abstain: s };
  };
  const tally =
    action === "proposal.adopted"
      ? counted()
      : action === "vote.closed" && ballot && ballotDisclosure(ballot, "closed").tally
        ? counted()
        : null;
  const decision = oneOf(data, "decision", ["accepted", "declined", "returned", "referred_unit"] as const);
  return {
    agendaBy: action === "proposal.on_agenda" ? oneOf(data, "by", ["supports", "chair"] as const) : null,
    ballot,
    result: action === "vote.closed" ? oneOf(data, "result", ["adopted", "not_adopted"] as const) : null,
    tally,
    commission,
    decision,
    unit: decision === "referred_unit" && typeof data.unitName === "string" && data.unitName.trim() ? data.unitName : null,
    progress: oneOf(data, "progress", ["in_progress", "done"] as const),
  };
}

function oneOf<T extends string>(data: Record<string, unknown>, key: string, allowed: readonly T[]): T | null {
  const value = data[key];
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function numberIn(data: Record<string, unknown>, key: string): number | null {
  const value = data[key];
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}
