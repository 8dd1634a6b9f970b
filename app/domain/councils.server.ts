import { and, asc, count, desc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { ensureThread } from "./threads/lookup.server";
import {
  applications,
  auditLog,
  councils,
  councilTerms,
  districts,
  follows,
  invitations,
  memberships,
  neighborhoods,
  users,
  type CouncilStatus,
  type MajorityRule,
} from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import type { Boundary } from "../utils/geojson";
import { searchKey } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { tehranToday } from "./charter";
import { refused, type Refused } from "./refusal.server";

export interface CharterInput {
  termStart: string;
  termEnd: string;
  quorumPercent: number;
  votingPeriodDays: number;
  majorityRule: MajorityRule;
  proposers: "members" | "residents";
  supportThreshold: number;
  /** Defaults to allowed when a caller does not say. */
  authorMaySupport?: boolean;
  ballot: "open" | "secret";
  reportsToHide: number;
  /** Who writes in the council's threads; defaults to any signed-in resident. */
  threadPosters?: "members" | "residents";
  /** Whether the chair moderates besides the district; defaults to no. */
  chairsModerate?: boolean;
  /** The meeting rules; each left out keeps what the council has (the bylaws' defaults for a new council). */
  meetings?: Partial<MeetingCharter>;
}

export interface MeetingCharter {
  meetingsPerMonth: number;
  meetingQuorumKind: "count" | "percent";
  meetingQuorum: number;
  absencesInRow: number;
  absencesInYear: number;
  minutesApprovalDays: number;
  meetingsAdopt: boolean;
}

export type Council = typeof councils.$inferSelect;

function charterColumns(input: CharterInput) {
  return {
    termStart: input.termStart,
    termEnd: input.termEnd,
    quorumPercent: input.quorumPercent,
    votingPeriodHours: input.votingPeriodDays * 24,
    majorityRule: input.majorityRule,
    proposers: input.proposers,
    supportThreshold: input.supportThreshold,
    authorMaySupport: input.authorMaySupport ?? true,
    ballot: input.ballot,
    reportsToHide: input.reportsToHide,
    threadPosters: input.threadPosters ?? "residents",
    chairsModerate: input.chairsModerate ?? false,
    ...Object.fromEntries(Object.entries(input.meetings ?? {}).filter(([, value]) => value !== undefined)),
  };
}

// ---------------------------------------------------------------------------
// Neighborhoods

export async function getNeighborhood(db: Db, id: string) {
  const [row] = await db
    .select({
      id: neighborhoods.id,
      districtId: neighborhoods.districtId,
      districtName: districts.name,
      districtNumber: districts.number,
      name: neighborhoods.name,
      description: neighborhoods.description,
      boundary: neighborhoods.boundary,
      population: neighborhoods.population,
      updatedAt: neighborhoods.updatedAt,
    })
    .from(neighborhoods)
    .innerJoin(districts, eq(districts.id, neighborhoods.districtId))
    .where(eq(neighborhoods.id, id));
  return row ?? null;
}

/** A district's neighborhoods with their living council, if any. */
export async function listNeighborhoodsWithCouncils(db: Db, districtId: string) {
  const rows = await db
    .select({
      id: neighborhoods.id,
      name: neighborhoods.name,
      description: neighborhoods.description,
      councilId: councils.id,
      councilStatus: councils.status,
    })
    .from(neighborhoods)
    .leftJoin(councils, and(eq(councils.neighborhoodId, neighborhoods.id), ne(councils.status, "dissolved")))
    .where(eq(neighborhoods.districtId, districtId))
    .orderBy(asc(neighborhoods.name));
  const councilIds = rows.map((r) => r.councilId).filter((id): id is string => Boolean(id));
  const counts = councilIds.length
    ? await db
        .select({ councilId: memberships.councilId, n: count() })
        .from(memberships)
        .where(and(inArray(memberships.councilId, councilIds), eq(memberships.status, "active")))
        .groupBy(memberships.councilId)
    : [];
  const membersOf = new Map(counts.map((c) => [c.councilId, Number(c.n)]));
  return rows.map((r) => ({ ...r, memberCount: r.councilId ? (membersOf.get(r.councilId) ?? 0) : 0 }));
}

export async function updateNeighborhood(
  db: Db,
  actorId: string,
  id: string,
  input: { name: string; description: string; boundary: Boundary | null; population?: number | null },
  requestId?: string,
): Promise<{ ok: true } | Refused<"neighborhood_name_taken" | "not_found">> {
  const current = await getNeighborhood(db, id);
  if (!current) return refused("not_found");
  const nameKey = searchKey(input.name);
  const [dup] = await db
    .select({ id: neighborhoods.id })
    .from(neighborhoods)
    .where(and(eq(neighborhoods.districtId, current.districtId), eq(neighborhoods.nameKey, nameKey), ne(neighborhoods.id, id)));
  if (dup) return refused("neighborhood_name_taken");
  try {
    await db.transaction(async (tx) => {
      await tx
        .update(neighborhoods)
        .set({
          name: input.name,
          nameKey,
          description: input.description,
          boundary: input.boundary,
          ...(input.population !== undefined ? { population: input.population } : {}),
          updatedAt: new Date(),
        })
        .where(eq(neighborhoods.id, id));
      await recordAudit(tx, {
        actorId,
        action: "neighborhood.updated",
        subjectType: "neighborhood",
        subjectId: id,
        districtId: current.districtId,
        data: { name: input.name, before: current.name },
        requestId,
      });
    });
    return { ok: true };
  } catch (error) {
    if (isUniqueViolation(error, "neighborhoods_district_name_key")) return refused("neighborhood_name_taken");
    throw error;
  }
}

export async function setFollow(db: Db, userId: string, neighborhoodId: string, follow: boolean) {
  if (follow) await db.insert(follows).values({ userId, neighborhoodId }).onConflictDoNothing();
  else await db.delete(follows).where(and(eq(follows.userId, userId), eq(follows.neighborhoodId, neighborhoodId)));
}

export async function followState(db: Db, neighborhoodId: string, userId: string | null) {
  const [{ n }] = (await db.select({ n: count() }).from(follows).where(eq(follows.neighborhoodId, neighborhoodId))) as [{ n: number }];
  const [mine] = userId
    ? await db
        .select({ userId: follows.userId })
        .from(follows)
        .where(and(eq(follows.neighborhoodId, neighborhoodId), eq(follows.userId, userId)))
    : [];
  return { followers: Number(n), following: Boolean(mine) };
}

// ---------------------------------------------------------------------------
// Councils

export async function getCouncil(db: Db, id: string): Promise<Council | null> {
  const [row] = await db.select().from(councils).where(eq(councils.id, id));
  return row ?? null;
}

/** The living (not dissolved) council of a neighborhood. */
export async function councilOfNeighborhood(db: Db, neighborhoodId: string): Promise<Council | null> {
  const [row] = await db
    .select()
    .from(councils)
    .where(and(eq(councils.neighborhoodId, neighborhoodId), ne(councils.status, "dissolved")));
  return row ?? null;
}

export async function createCouncil(
  db: Db,
  actorId: string,
  neighborhoodId: string,
  charter: CharterInput,
  requestId?: string,
): Promise<{ ok: true; id: string } | Refused<"council_exists" | "not_found">> {
  const neighborhood = await getNeighborhood(db, neighborhoodId);
  if (!neighborhood) return refused("not_found");
  if (await councilOfNeighborhood(db, neighborhoodId)) return refused("council_exists");
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(councils)
        .values({ neighborhoodId, districtId: neighborhood.districtId, createdBy: actorId, ...charterColumns(charter) })
        .returning({ id: councils.id });
      await tx.insert(councilTerms).values({ councilId: row!.id, number: 1, termStart: charter.termStart, termEnd: charter.termEnd });
      // Its discussion is made with it: reading the council page never writes.
      await ensureThread(tx as unknown as Db, { kind: "council", councilId: row!.id });
      await recordAudit(tx, {
        actorId,
        action: "council.created",
        subjectType: "council",
        subjectId: row!.id,
        districtId: neighborhood.districtId,
        councilId: row!.id,
        isPublic: true,
        data: { name: neighborhood.name, termStart: charter.termStart, termEnd: charter.termEnd },
        requestId,
      });
      return row!.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error, "councils_one_per_neighborhood")) return refused("council_exists");
    throw error;
  }
}

export async function updateCharter(
  db: Db,
  actorId: string,
  councilId: string,
  charter: CharterInput,
  requestId?: string,
): Promise<{ ok: true } | Refused<"not_found" | "council_dissolved">> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(councils).where(eq(councils.id, councilId)).for("update");
    if (!before) return refused("not_found");
    if (before.status === "dissolved") return refused("council_dissolved");
    const next = charterColumns(charter);
    await tx
      .update(councils)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(councils.id, councilId));
    await tx
      .update(councilTerms)
      .set({ termStart: charter.termStart, termEnd: charter.termEnd })
      .where(and(eq(councilTerms.councilId, councilId), eq(councilTerms.number, before.termNumber)));
    const changed = Object.fromEntries(Object.entries(next).filter(([key, value]) => before[key as keyof typeof before] !== value));
    await recordAudit(tx, {
      actorId,
      action: "council.charter_changed",
      subjectType: "council",
      subjectId: councilId,
      districtId: before.districtId,
      councilId,
      isPublic: true,
      data: { changed: Object.keys(changed) },
      requestId,
    });
    return { ok: true as const };
  });
}

const STATUS_CHANGES = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  dissolve: { from: ["active", "suspended"], to: "dissolved" },
} as const satisfies Record<string, { from: CouncilStatus[]; to: CouncilStatus }>;

/**
 * Suspends, resumes or dissolves a council, always with a reason. Dissolving ends every seat and
 * closes what was waiting (applications, invitations). A guarded update: of two simultaneous
 * changes, one wins and the other is told the council had already changed.
 */
export async function changeCouncilStatus(
  db: Db,
  actorId: string,
  councilId: string,
  change: keyof typeof STATUS_CHANGES,
  reason: string,
  requestId?: string,
): Promise<{ ok: true; status: CouncilStatus } | Refused<"status_conflict">> {
  const rule = STATUS_CHANGES[change];
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(councils)
      .set({ status: rule.to, statusReason: reason, updatedAt: new Date() })
      .where(and(eq(councils.id, councilId), inArray(councils.status, [...rule.from])))
      .returning({ districtId: councils.districtId, termNumber: councils.termNumber });
    if (!row) return refused("status_conflict");
    if (rule.to === "dissolved") {
      const now = new Date();
      await tx
        .update(memberships)
        .set({ status: "ended", endedAt: now, endReason: reason })
        .where(and(eq(memberships.councilId, councilId), eq(memberships.status, "active")));
      await tx
        .update(applications)
        .set({ status: "rejected", decidedAt: now, decidedBy: actorId, reason })
        .where(and(eq(applications.councilId, councilId), eq(applications.status, "pending")));
      await tx
        .update(invitations)
        .set({ status: "revoked", respondedAt: now })
        .where(and(eq(invitations.councilId, councilId), eq(invitations.status, "pending")));
      await tx
        .update(councilTerms)
        .set({ endedAt: now })
        .where(and(eq(councilTerms.councilId, councilId), eq(councilTerms.number, row.termNumber)));
    }
    await recordAudit(tx, {
      actorId,
      action: `council.${rule.to}`,
      subjectType: "council",
      subjectId: councilId,
      districtId: row.districtId,
      councilId,
      isPublic: true,
      reason,
      requestId,
    });
    return { ok: true as const, status: rule.to };
  });
}

/**
 * Starts the council's next term. Seats of the old term end with it (a new term starts with a fresh
 * membership decision); applications still waiting move to the new term.
 */
export async function startNewTerm(
  db: Db,
  actorId: string,
  councilId: string,
  term: { termStart: string; termEnd: string },
  requestId?: string,
): Promise<{ ok: true; termNumber: number } | Refused<"not_found" | "council_dissolved" | "term_overlaps">> {
  return db.transaction(async (tx) => {
    const [council] = await tx.select().from(councils).where(eq(councils.id, councilId)).for("update");
    if (!council) return refused("not_found");
    if (council.status === "dissolved") return refused("council_dissolved");
    // Terms follow one another: the next one starts after the current one's last day.
    if (term.termStart <= council.termEnd) return refused("term_overlaps");
    const next = council.termNumber + 1;
    const now = new Date();
    await endSeats(tx, councilId, council.termNumber, "term_ended", now);
    await tx
      .update(councilTerms)
      .set({ endedAt: now })
      .where(and(eq(councilTerms.councilId, councilId), eq(councilTerms.number, council.termNumber)));
    await tx.insert(councilTerms).values({ councilId, number: next, termStart: term.termStart, termEnd: term.termEnd });
    await tx
      .update(councils)
      .set({ termNumber: next, termStart: term.termStart, termEnd: term.termEnd, updatedAt: now })
      .where(eq(councils.id, councilId));
    await tx
      .update(applications)
      .set({ termNumber: next })
      .where(and(eq(applications.councilId, councilId), eq(applications.status, "pending")));
    await tx
      .update(invitations)
      .set({ termNumber: next })
      .where(and(eq(invitations.councilId, councilId), eq(invitations.status, "pending")));
    await recordAudit(tx, {
      actorId,
      action: "council.term_started",
      subjectType: "council",
      subjectId: councilId,
      districtId: council.districtId,
      councilId,
      isPublic: true,
      data: { termNumber: next, termStart: term.termStart, termEnd: term.termEnd },
      requestId,
    });
    return { ok: true as const, termNumber: next };
  });
}

async function endSeats(db: Db, councilId: string, termNumber: number, reason: string, at: Date) {
  return db
    .update(memberships)
    .set({ status: "ended", endedAt: at, endReason: reason })
    .where(and(eq(memberships.councilId, councilId), eq(memberships.termNumber, termNumber), eq(memberships.status, "active")))
    .returning({ id: memberships.id });
}

/**
 * Ends the seats of every term whose last day has passed. Runs on a timer in every instance; the
 * guarded update makes a second run (or a second instance) a no-op.
 */
export async function endExpiredTerms(db: Db, today = tehranToday()): Promise<number> {
  const due = await db
    .select({ id: councils.id, districtId: councils.districtId, termNumber: councils.termNumber })
    .from(councils)
    .where(and(lt(councils.termEnd, today), ne(councils.status, "dissolved")));
  let ended = 0;
  for (const council of due) {
    await db.transaction(async (tx) => {
      const seats = await endSeats(tx, council.id, council.termNumber, "term_ended", new Date());
      const [term] = await tx
        .update(councilTerms)
        .set({ endedAt: new Date() })
        .where(
          and(eq(councilTerms.councilId, council.id), eq(councilTerms.number, council.termNumber), sql`${councilTerms.endedAt} is null`),
        )
        .returning({ id: councilTerms.id });
      if (term) {
        ended++;
        await recordAudit(tx, {
          actorId: null,
          action: "council.term_ended",
          subjectType: "council",
          subjectId: council.id,
          districtId: council.districtId,
          councilId: council.id,
          isPublic: true,
          data: { termNumber: council.termNumber, seatsEnded: seats.length },
        });
      }
    });
  }
  return ended;
}

/** Everything the public council page shows. No phone numbers leave this function. */
export async function getCouncilPublic(db: Db, councilId: string) {
  const council = await getCouncil(db, councilId);
  if (!council) return null;
  const neighborhood = await getNeighborhood(db, council.neighborhoodId);
  const seats = await db
    .select({
      id: memberships.id,
      userId: memberships.userId,
      name: users.displayName,
      role: memberships.role,
      status: memberships.status,
      termNumber: memberships.termNumber,
      startedAt: memberships.startedAt,
      endedAt: memberships.endedAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.councilId, councilId))
    .orderBy(asc(memberships.startedAt));
  const terms = await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId)).orderBy(desc(councilTerms.number));
  const [{ pending }] = (await db
    .select({ pending: count() })
    .from(applications)
    .where(and(eq(applications.councilId, councilId), eq(applications.status, "pending")))) as [{ pending: number }];
  const roleOrder = { chair: 0, secretary: 1, member: 2 } as const;
  const active = seats
    .filter((s) => s.status === "active")
    .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.startedAt.getTime() - b.startedAt.getTime());
  return {
    council,
    neighborhood: neighborhood!,
    active,
    past: seats.filter((s) => s.status !== "active"),
    terms,
    pendingApplications: Number(pending),
  };
}

/** The council's public history: acts marked public in the audit log, newest first. */
export async function councilHistory(db: Db, councilId: string, limit = 30) {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      reason: auditLog.reason,
      data: auditLog.data,
      actorName: users.displayName,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.councilId, councilId), eq(auditLog.isPublic, true)))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

/** Councils of a district with member counts and pending work, for the manager's overview. */
export async function listDistrictCouncils(db: Db, districtId: string) {
  const rows = await db
    .select({
      id: councils.id,
      status: councils.status,
      termEnd: councils.termEnd,
      termNumber: councils.termNumber,
      neighborhoodId: neighborhoods.id,
      neighborhoodName: neighborhoods.name,
    })
    .from(councils)
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(and(eq(councils.districtId, districtId), ne(councils.status, "dissolved")))
    .orderBy(asc(neighborhoods.name));
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const seatCounts = await db
    .select({ councilId: memberships.councilId, n: count() })
    .from(memberships)
    .where(and(inArray(memberships.councilId, ids), eq(memberships.status, "active")))
    .groupBy(memberships.councilId);
  const pendingCounts = await db
    .select({ councilId: applications.councilId, n: count() })
    .from(applications)
    .where(and(inArray(applications.councilId, ids), eq(applications.status, "pending")))
    .groupBy(applications.councilId);
  const officers = await db
    .select({ councilId: memberships.councilId, role: memberships.role })
    .from(memberships)
    .where(and(inArray(memberships.councilId, ids), eq(memberships.status, "active"), ne(memberships.role, "member")));
  const seatsOf = new Map(seatCounts.map((c) => [c.councilId, Number(c.n)]));
  const pendingOf = new Map(pendingCounts.map((c) => [c.councilId, Number(c.n)]));
  return rows.map((r) => ({
    ...r,
    memberCount: seatsOf.get(r.id) ?? 0,
    pendingCount: pendingOf.get(r.id) ?? 0,
    hasChair: officers.some((o) => o.councilId === r.id && o.role === "chair"),
    hasSecretary: officers.some((o) => o.councilId === r.id && o.role === "secretary"),
  }));
}
