import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { Refusal, refusalOf as baseRefusalOf, refused, type Refused } from "./refusal.server";
import { applications, councils, invitations, memberships, neighborhoods, users, follows } from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { recordAudit } from "./audit.server";
import { recordNotice } from "./notifications.server";
import { applyBlocker, tehranToday, termState, type ApplyBlocker } from "./charter";

export type MembershipError =
  ApplyBlocker | "not_found" | "already_decided" | "already_invited" | "concurrent_change" | "not_a_member" | "council_dissolved";

type Fail = Refused<MembershipError>;

function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, MembershipError>(work, translateMembership);
}

/**
 * Every change that can give or end seats locks the council row first, then the application or
 * invitation. One order everywhere: a dissolution or a new term waits for a seat being given (and
 * then ends it), instead of missing it or deadlocking with it.
 */
async function lockCouncil(tx: Db, councilId: string) {
  const [council] = await tx.select({ id: councils.id }).from(councils).where(eq(councils.id, councilId)).for("update");
  if (!council) throw new Refusal<MembershipError>("not_found");
}

/** Unique indexes that lost a race, as the message the person should see. */
function translateMembership(error: unknown): MembershipError | null {
  if (isUniqueViolation(error, "memberships_one_active_per_person")) return "already_member";
  if (isUniqueViolation(error, "applications_one_pending")) return "already_applied";
  if (isUniqueViolation(error, "invitations_one_pending")) return "already_invited";
  if (isUniqueViolation(error, "memberships_one_chair") || isUniqueViolation(error, "memberships_one_secretary"))
    return "concurrent_change";
  return null;
}

async function activeSeatCount(db: Db, userId: string, exceptCouncilId?: string) {
  const [{ n }] = (await db
    .select({ n: count() })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.status, "active"),
        exceptCouncilId ? ne(memberships.councilId, exceptCouncilId) : undefined,
      ),
    )) as [{ n: number }];
  return Number(n);
}

/**
 * Gives a person a seat, re-checking everything at the moment of the write: the council is active
 * and in term, the person is not seated here, and not over the city-wide seat limit. The caller
 * holds the council's row lock (see lockCouncil); a transaction-scoped advisory lock per person
 * keeps two approvals for the same person (in two councils) from both passing the limit check.
 */
async function seat(
  tx: Db,
  input: { councilId: string; userId: string; decidedBy: string | null; seatLimit: number; via: "application" | "invitation" },
  requestId?: string,
) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"seat:" + input.userId}))`);
  const [council] = await tx.select().from(councils).where(eq(councils.id, input.councilId));
  if (!council) throw new Refusal<MembershipError>("not_found");
  const blocker = applyBlocker({
    councilStatus: council.status,
    termState: termState(council, tehranToday()),
    isMember: (await activeSeatCount(tx, input.userId)) > (await activeSeatCount(tx, input.userId, input.councilId)),
    hasPendingApplication: false,
    activeSeatsElsewhere: await activeSeatCount(tx, input.userId, input.councilId),
    seatLimit: input.seatLimit,
  });
  if (blocker) throw new Refusal<MembershipError>(blocker);
  const [row] = await tx
    .insert(memberships)
    .values({ councilId: input.councilId, userId: input.userId, termNumber: council.termNumber, decidedBy: input.decidedBy })
    .returning({ id: memberships.id });
  const [person] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, input.userId));
  await recordAudit(tx, {
    actorId: input.decidedBy ?? input.userId,
    action: "membership.joined",
    subjectType: "membership",
    subjectId: row!.id,
    districtId: council.districtId,
    councilId: council.id,
    isPublic: true,
    data: { name: person?.name, via: input.via, termNumber: council.termNumber },
    requestId,
  });
  return row!.id;
}

// ---------------------------------------------------------------------------
// A resident's side

export async function applyToCouncil(
  db: Db,
  input: { userId: string; councilId: string; statement: string; seatLimit: number },
  requestId?: string,
): Promise<{ ok: true; applicationId: string } | Fail> {
  return refusalOf(async () => {
    const [council] = await db.select().from(councils).where(eq(councils.id, input.councilId));
    if (!council) throw new Refusal<MembershipError>("not_found");
    const [pending] = await db
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.councilId, council.id), eq(applications.userId, input.userId), eq(applications.status, "pending")));
    const elsewhere = await activeSeatCount(db, input.userId, council.id);
    const blocker = applyBlocker({
      councilStatus: council.status,
      termState: termState(council, tehranToday()),
      isMember: (await activeSeatCount(db, input.userId)) > elsewhere,
      hasPendingApplication: Boolean(pending),
      activeSeatsElsewhere: elsewhere,
      seatLimit: input.seatLimit,
    });
    if (blocker) throw new Refusal<MembershipError>(blocker);
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(applications)
        .values({ councilId: council.id, userId: input.userId, termNumber: council.termNumber, statement: input.statement })
        .returning({ id: applications.id });
      await recordAudit(tx, {
        actorId: input.userId,
        action: "application.submitted",
        subjectType: "application",
        subjectId: row!.id,
        districtId: council.districtId,
        councilId: council.id,
        requestId,
      });
      return { ok: true as const, applicationId: row!.id };
    });
  });
}

export async function withdrawApplication(db: Db, userId: string, applicationId: string, requestId?: string): Promise<{ ok: true } | Fail> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(applications)
      .set({ status: "withdrawn", decidedAt: new Date() })
      .where(and(eq(applications.id, applicationId), eq(applications.userId, userId), eq(applications.status, "pending")))
      .returning({ councilId: applications.councilId });
    if (!row) return refused("already_decided");
    const [council] = await tx.select({ districtId: councils.districtId }).from(councils).where(eq(councils.id, row.councilId));
    await recordAudit(tx, {
      actorId: userId,
      action: "application.withdrawn",
      subjectType: "application",
      subjectId: applicationId,
      districtId: council?.districtId,
      councilId: row.councilId,
      requestId,
    });
    return { ok: true as const };
  });
}

export async function leaveCouncil(db: Db, userId: string, councilId: string, requestId?: string): Promise<{ ok: true } | Fail> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(memberships)
      .set({ status: "left", endedAt: new Date(), endReason: "left" })
      .where(and(eq(memberships.councilId, councilId), eq(memberships.userId, userId), eq(memberships.status, "active")))
      .returning({ id: memberships.id, role: memberships.role });
    if (!row) return refused("not_a_member");
    const [council] = await tx.select({ districtId: councils.districtId }).from(councils).where(eq(councils.id, councilId));
    const [person] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
    await recordAudit(tx, {
      actorId: userId,
      action: "membership.left",
      subjectType: "membership",
      subjectId: row.id,
      districtId: council?.districtId,
      councilId,
      isPublic: true,
      data: { name: person?.name, role: row.role },
      requestId,
    });
    return { ok: true as const };
  });
}

export async function respondToInvitation(
  db: Db,
  input: { userId: string; phone: string; invitationId: string; accept: boolean; seatLimit: number },
  requestId?: string,
): Promise<{ ok: true } | Fail> {
  const [target] = await db.select({ councilId: invitations.councilId }).from(invitations).where(eq(invitations.id, input.invitationId));
  if (!target) return refused("already_decided");
  return refusalOf(() =>
    db.transaction(async (tx) => {
      await lockCouncil(tx, target.councilId);
      const [invitation] = await tx
        .update(invitations)
        .set({ status: input.accept ? "accepted" : "declined", respondedAt: new Date(), userId: input.userId })
        .where(and(eq(invitations.id, input.invitationId), eq(invitations.phone, input.phone), eq(invitations.status, "pending")))
        .returning({ councilId: invitations.councilId, invitedBy: invitations.invitedBy });
      if (!invitation) throw new Refusal<MembershipError>("already_decided");
      if (input.accept) {
        await seat(
          tx,
          {
            councilId: invitation.councilId,
            userId: input.userId,
            decidedBy: invitation.invitedBy,
            seatLimit: input.seatLimit,
            via: "invitation",
          },
          requestId,
        );
      } else {
        const [council] = await tx.select({ districtId: councils.districtId }).from(councils).where(eq(councils.id, invitation.councilId));
        await recordAudit(tx, {
          actorId: input.userId,
          action: "invitation.declined",
          subjectType: "invitation",
          subjectId: input.invitationId,
          districtId: council?.districtId,
          councilId: invitation.councilId,
          requestId,
        });
      }
      return { ok: true as const };
    }),
  );
}

// ---------------------------------------------------------------------------
// The district's side

/**
 * Approves or rejects an application. Only the first decision counts: the guarded update lets one
 * of two simultaneous clicks (or two managers) through and tells the other it was already decided.
 */
export async function decideApplication(
  db: Db,
  input: { actorId: string; applicationId: string; decision: "approve" | "reject"; reason: string; seatLimit: number },
  requestId?: string,
): Promise<{ ok: true; userId: string; councilId: string } | Fail> {
  const [target] = await db
    .select({ councilId: applications.councilId })
    .from(applications)
    .where(eq(applications.id, input.applicationId));
  if (!target) return refused("not_found");
  return refusalOf(() =>
    db.transaction(async (tx) => {
      await lockCouncil(tx, target.councilId);
      const [application] = await tx
        .update(applications)
        .set({
          status: input.decision === "approve" ? "approved" : "rejected",
          decidedAt: new Date(),
          decidedBy: input.actorId,
          reason: input.reason || null,
        })
        .where(and(eq(applications.id, input.applicationId), eq(applications.status, "pending")))
        .returning({ councilId: applications.councilId, userId: applications.userId });
      if (!application) throw new Refusal<MembershipError>("already_decided");
      if (input.decision === "approve") {
        await seat(
          tx,
          {
            councilId: application.councilId,
            userId: application.userId,
            decidedBy: input.actorId,
            seatLimit: input.seatLimit,
            via: "application",
          },
          requestId,
        );
      }
      const [council] = await tx
        .select({ districtId: councils.districtId, name: neighborhoods.name })
        .from(councils)
        .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
        .where(eq(councils.id, application.councilId));
      await recordNotice(tx, {
        kind: "application_decided",
        itemKey: `application:${input.applicationId}`,
        link: `/councils/${application.councilId}`,
        params: { council: council?.name ?? "", decision: input.decision === "approve" ? "approved" : "rejected" },
        audience: { users: [application.userId] },
        actorId: input.actorId,
      });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: input.decision === "approve" ? "application.approved" : "application.rejected",
        subjectType: "application",
        subjectId: input.applicationId,
        districtId: council?.districtId,
        councilId: application.councilId,
        reason: input.reason || null,
        requestId,
      });
      return { ok: true as const, userId: application.userId, councilId: application.councilId };
    }),
  );
}

export async function getApplication(db: Db, id: string) {
  const [row] = await db
    .select({ id: applications.id, councilId: applications.councilId, districtId: councils.districtId, status: applications.status })
    .from(applications)
    .innerJoin(councils, eq(councils.id, applications.councilId))
    .where(eq(applications.id, id));
  return row ?? null;
}

/** One queue of waiting applications across all the district's councils, oldest first. */
export async function listDistrictApplications(db: Db, districtId: string) {
  return db
    .select({
      id: applications.id,
      statement: applications.statement,
      createdAt: applications.createdAt,
      applicantName: users.displayName,
      councilId: councils.id,
      neighborhoodName: neighborhoods.name,
      councilStatus: councils.status,
    })
    .from(applications)
    .innerJoin(councils, eq(councils.id, applications.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .innerJoin(users, eq(users.id, applications.userId))
    .where(and(eq(councils.districtId, districtId), eq(applications.status, "pending")))
    .orderBy(asc(applications.createdAt));
}

export async function inviteToCouncil(
  db: Db,
  input: { actorId: string; councilId: string; phone: string },
  requestId?: string,
): Promise<{ ok: true; invitationId: string; userId: string | null } | Fail> {
  return refusalOf(async () => {
    const [council] = await db.select().from(councils).where(eq(councils.id, input.councilId));
    if (!council) throw new Refusal<MembershipError>("not_found");
    if (council.status !== "active") throw new Refusal<MembershipError>("council_not_active");
    const [person] = await db.select({ id: users.id }).from(users).where(eq(users.phone, input.phone));
    if (person) {
      const [seated] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.councilId, council.id), eq(memberships.userId, person.id), eq(memberships.status, "active")));
      if (seated) throw new Refusal<MembershipError>("already_member");
    }
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(invitations)
        .values({ councilId: council.id, phone: input.phone, termNumber: council.termNumber, invitedBy: input.actorId })
        .returning({ id: invitations.id });
      const [hood] = await tx.select({ name: neighborhoods.name }).from(neighborhoods).where(eq(neighborhoods.id, council.neighborhoodId));
      await recordNotice(tx, {
        kind: "invitation",
        itemKey: `invitation:${row!.id}`,
        link: "/me/councils",
        params: { council: hood?.name ?? "" },
        audience: { phone: input.phone },
        actorId: input.actorId,
      });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "invitation.sent",
        subjectType: "invitation",
        subjectId: row!.id,
        districtId: council.districtId,
        councilId: council.id,
        requestId,
      });
      return { ok: true as const, invitationId: row!.id, userId: person?.id ?? null };
    });
  });
}

export async function removeMember(
  db: Db,
  input: { actorId: string; councilId: string; membershipId: string; reason: string },
  requestId?: string,
): Promise<{ ok: true; userId: string } | Fail> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(memberships)
      .set({ status: "removed", endedAt: new Date(), endReason: input.reason, decidedBy: input.actorId })
      .where(and(eq(memberships.id, input.membershipId), eq(memberships.councilId, input.councilId), eq(memberships.status, "active")))
      .returning({ userId: memberships.userId, role: memberships.role });
    if (!row) return refused("not_a_member");
    const [council] = await tx.select({ districtId: councils.districtId }).from(councils).where(eq(councils.id, input.councilId));
    const [person] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, row.userId));
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "membership.removed",
      subjectType: "membership",
      subjectId: input.membershipId,
      districtId: council?.districtId,
      councilId: input.councilId,
      isPublic: true,
      reason: input.reason,
      data: { name: person?.name, role: row.role },
      requestId,
    });
    return { ok: true as const, userId: row.userId };
  });
}

/**
 * Makes an active member the chair or the secretary. `expectedHolder` is the holder the manager
 * saw ("none" for an empty office): if someone else changed the office meanwhile, nothing is
 * written and the manager is told, so two tabs cannot silently overwrite each other.
 */
export async function appointOfficer(
  db: Db,
  input: { actorId: string; councilId: string; membershipId: string; office: "chair" | "secretary"; expectedHolder: string },
  requestId?: string,
): Promise<{ ok: true; userId: string; previousUserId: string | null } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const seats = await tx
        .select({ id: memberships.id, userId: memberships.userId, role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.councilId, input.councilId), eq(memberships.status, "active")))
        .for("update");
      const current = seats.find((s) => s.role === input.office) ?? null;
      if ((current?.id ?? "none") !== input.expectedHolder) throw new Refusal<MembershipError>("concurrent_change");
      const target = seats.find((s) => s.id === input.membershipId);
      if (!target) throw new Refusal<MembershipError>("not_a_member");
      if (current?.id === target.id) return { ok: true as const, userId: target.userId, previousUserId: null };
      if (current) await tx.update(memberships).set({ role: "member" }).where(eq(memberships.id, current.id));
      await tx.update(memberships).set({ role: input.office }).where(eq(memberships.id, target.id));
      const [council] = await tx.select({ districtId: councils.districtId }).from(councils).where(eq(councils.id, input.councilId));
      const [person] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, target.userId));
      await recordAudit(tx, {
        actorId: input.actorId,
        action: input.office === "chair" ? "membership.chair_appointed" : "membership.secretary_appointed",
        subjectType: "membership",
        subjectId: target.id,
        districtId: council?.districtId,
        councilId: input.councilId,
        isPublic: true,
        data: { name: person?.name, previous: current?.userId ?? null },
        requestId,
      });
      return { ok: true as const, userId: target.userId, previousUserId: current?.userId ?? null };
    }),
  );
}

// ---------------------------------------------------------------------------
// "My councils"

export async function myCouncils(db: Db, userId: string, phone: string) {
  const seats = await db
    .select({
      id: memberships.id,
      councilId: memberships.councilId,
      role: memberships.role,
      status: memberships.status,
      termNumber: memberships.termNumber,
      startedAt: memberships.startedAt,
      endedAt: memberships.endedAt,
      endReason: memberships.endReason,
      neighborhoodName: neighborhoods.name,
    })
    .from(memberships)
    .innerJoin(councils, eq(councils.id, memberships.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(eq(memberships.userId, userId))
    .orderBy(desc(memberships.startedAt));
  const myApplications = await db
    .select({
      id: applications.id,
      councilId: applications.councilId,
      status: applications.status,
      statement: applications.statement,
      reason: applications.reason,
      createdAt: applications.createdAt,
      decidedAt: applications.decidedAt,
      neighborhoodName: neighborhoods.name,
    })
    .from(applications)
    .innerJoin(councils, eq(councils.id, applications.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(eq(applications.userId, userId))
    .orderBy(desc(applications.createdAt));
  const myInvitations = await db
    .select({
      id: invitations.id,
      councilId: invitations.councilId,
      createdAt: invitations.createdAt,
      neighborhoodName: neighborhoods.name,
    })
    .from(invitations)
    .innerJoin(councils, eq(councils.id, invitations.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(and(eq(invitations.phone, phone), eq(invitations.status, "pending")))
    .orderBy(desc(invitations.createdAt));
  const followed = await db
    .select({ id: neighborhoods.id, name: neighborhoods.name })
    .from(follows)
    .innerJoin(neighborhoods, eq(neighborhoods.id, follows.neighborhoodId))
    .where(eq(follows.userId, userId))
    .orderBy(asc(neighborhoods.name));
  return { seats, applications: myApplications, invitations: myInvitations, followed };
}

/** Where a person stands with one council, for its page's buttons. */
export async function standingWith(db: Db, userId: string, councilId: string) {
  const [seatRow] = await db
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.councilId, councilId), eq(memberships.userId, userId), eq(memberships.status, "active")));
  const [pending] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.councilId, councilId), eq(applications.userId, userId), eq(applications.status, "pending")));
  return { seat: seatRow ?? null, pendingApplicationId: pending?.id ?? null };
}
