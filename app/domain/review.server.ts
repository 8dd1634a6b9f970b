import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { noticeToAuthor } from "./notifications.server";
import type { Db } from "../../db/client.server";
import { ensureThread } from "./threads/lookup.server";
import { Refusal, refusalOf as baseRefusalOf, type Refused } from "./refusal.server";
import {
  categories,
  commissions,
  neighborhoods,
  progressUpdates,
  proposalEvents,
  proposals,
  referrals,
  users,
  type Decision,
} from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { sourcesOf } from "./proposal-state";
import { recordAudit } from "./audit.server";

export const REVIEW_SLA_DAYS = 14;

export type ReviewError =
  | "not_found"
  | "not_adopted_yet"
  | "commission_unknown"
  | "already_referred"
  | "not_in_review"
  | "wrong_commission"
  | "already_decided"
  | "not_decided";

type Fail = Refused<ReviewError>;

function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, ReviewError>(work, (error) =>
    isUniqueViolation(error, "referrals_one_pending_per_proposal") ? "already_referred" : null,
  );
}

/** The commission a proposal goes to by default: its topic's commission, if the admin set one. */
export async function defaultCommissionFor(db: Db, proposalId: string) {
  const [row] = await db
    .select({ commissionId: categories.defaultCommissionId })
    .from(proposals)
    .innerJoin(categories, eq(categories.id, proposals.categoryId))
    .where(eq(proposals.id, proposalId));
  return row?.commissionId ?? null;
}

/** The chair refers an adopted proposal to a commission, with a due date (the review SLA). */
export async function referToCommission(
  db: Db,
  input: { proposalId: string; commissionId: string; actorId: string; now?: Date },
): Promise<{ ok: true; referralId: string; dueAt: Date } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [commission] = await tx
        .select({ id: commissions.id, name: commissions.name })
        .from(commissions)
        .where(eq(commissions.id, input.commissionId));
      if (!commission) throw new Refusal<ReviewError>("commission_unknown");
      const moved = await tx
        .update(proposals)
        .set({ status: "in_review", statusChangedAt: new Date() })
        .where(and(eq(proposals.id, input.proposalId), inArray(proposals.status, sourcesOf("in_review"))))
        .returning({ id: proposals.id, councilId: proposals.councilId, districtId: proposals.districtId });
      if (!moved.length) {
        const [exists] = await tx.select({ id: proposals.id }).from(proposals).where(eq(proposals.id, input.proposalId));
        throw new Refusal<ReviewError>(exists ? "not_adopted_yet" : "not_found");
      }
      const now = input.now ?? new Date();
      const dueAt = new Date(now.getTime() + REVIEW_SLA_DAYS * 86_400_000);
      const [row] = await tx
        .insert(referrals)
        .values({ proposalId: input.proposalId, commissionId: commission.id, referredBy: input.actorId, referredAt: now, dueAt })
        .returning({ id: referrals.id });
      // The commission's own discussion of the proposal exists from the referral on: reading the
      // proposal page never has to make it.
      await ensureThread(tx as unknown as Db, { kind: "commission", proposalId: input.proposalId, commissionId: commission.id });
      await tx.insert(proposalEvents).values({
        proposalId: input.proposalId,
        actorId: input.actorId,
        kind: "referred",
        data: { commission: commission.name, dueAt: dueAt.toISOString() },
      });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "proposal.referred",
        subjectType: "proposal",
        subjectId: input.proposalId,
        districtId: moved[0]!.districtId,
        commissionId: commission.id,
        councilId: moved[0]!.councilId,
        data: { dueAt: dueAt.toISOString() },
      });
      await noticeToAuthor(tx, {
        proposalId: input.proposalId,
        kind: "commission_referred",
        params: { commission: commission.name },
        actorId: input.actorId,
      });
      return { ok: true as const, referralId: row!.id, dueAt };
    }),
  );
}

/**
 * A member of the commission publishes its decision, always with a rationale. Only the first
 * decision counts; "returned" sends the proposal back to the council's agenda.
 */
export async function decideReferral(
  db: Db,
  input: { referralId: string; commissionId: string; actorId: string; decision: Decision; rationale: string; unitName?: string },
): Promise<{ ok: true; proposalId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [referral] = await tx.select().from(referrals).where(eq(referrals.id, input.referralId)).for("update");
      if (!referral) throw new Refusal<ReviewError>("not_found");
      if (referral.commissionId !== input.commissionId) throw new Refusal<ReviewError>("wrong_commission");
      if (referral.decidedAt) throw new Refusal<ReviewError>("already_decided");
      await tx
        .update(referrals)
        .set({
          decision: input.decision,
          rationale: input.rationale,
          unitName: input.decision === "referred_unit" ? (input.unitName ?? null) : null,
          decidedBy: input.actorId,
          decidedAt: new Date(),
        })
        .where(eq(referrals.id, referral.id));
      const next = input.decision;
      const moved = await tx
        .update(proposals)
        .set({ status: next, statusChangedAt: new Date() })
        .where(and(eq(proposals.id, referral.proposalId), inArray(proposals.status, sourcesOf(next))))
        .returning({ id: proposals.id, councilId: proposals.councilId, districtId: proposals.districtId });
      if (!moved.length) throw new Refusal<ReviewError>("not_in_review");
      if (next === "returned") {
        // Back on the council's agenda for a revised vote.
        await tx
          .update(proposals)
          .set({ status: "on_agenda" })
          .where(and(eq(proposals.id, referral.proposalId), inArray(proposals.status, sourcesOf("on_agenda"))));
      }
      await tx.insert(proposalEvents).values({
        proposalId: referral.proposalId,
        actorId: input.actorId,
        kind: `decision_${input.decision}`,
        data: { rationale: input.rationale, unitName: input.unitName ?? null },
      });
      // Published with its rationale: the record shows both, as the proposal page does.
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "proposal.decided",
        subjectType: "proposal",
        subjectId: referral.proposalId,
        districtId: moved[0]!.districtId,
        commissionId: referral.commissionId,
        councilId: moved[0]!.councilId,
        reason: input.rationale,
        data: { decision: input.decision, unitName: input.decision === "referred_unit" ? (input.unitName ?? null) : null },
      });
      await noticeToAuthor(tx, {
        proposalId: referral.proposalId,
        kind: "commission_decision",
        params: { decision: input.decision },
        actorId: input.actorId,
      });
      return { ok: true as const, proposalId: referral.proposalId };
    }),
  );
}

/** Responsible staff publish progress after an accepted (or unit-referred) decision. */
export async function postProgress(
  db: Db,
  input: { proposalId: string; actorId: string; status: "in_progress" | "done"; note: string },
): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const moved = await tx
        .update(proposals)
        .set({ status: input.status, statusChangedAt: new Date() })
        .where(and(eq(proposals.id, input.proposalId), inArray(proposals.status, sourcesOf(input.status))))
        .returning({ id: proposals.id, councilId: proposals.councilId, districtId: proposals.districtId });
      if (!moved.length) throw new Refusal<ReviewError>("not_decided");
      await tx
        .insert(progressUpdates)
        .values({ proposalId: input.proposalId, status: input.status, note: input.note, postedBy: input.actorId });
      await tx
        .insert(proposalEvents)
        .values({ proposalId: input.proposalId, actorId: input.actorId, kind: `progress_${input.status}`, data: { note: input.note } });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "proposal.progress",
        subjectType: "proposal",
        subjectId: input.proposalId,
        districtId: moved[0]!.districtId,
        councilId: moved[0]!.councilId,
        data: { progress: input.status },
      });
      await noticeToAuthor(tx, {
        proposalId: input.proposalId,
        kind: "progress",
        params: { progress: input.status },
        actorId: input.actorId,
      });
      return { ok: true as const };
    }),
  );
}

/** A commission's queue: waiting referrals first (oldest due first), overdue ones marked. */
export async function commissionQueue(db: Db, commissionId: string, now = new Date()) {
  const rows = await db
    .select({
      id: referrals.id,
      proposalId: proposals.id,
      title: proposals.title,
      neighborhoodName: neighborhoods.name,
      referredAt: referrals.referredAt,
      dueAt: referrals.dueAt,
      decision: referrals.decision,
      decidedAt: referrals.decidedAt,
    })
    .from(referrals)
    .innerJoin(proposals, eq(proposals.id, referrals.proposalId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, proposals.neighborhoodId))
    .where(eq(referrals.commissionId, commissionId))
    .orderBy(asc(referrals.decidedAt), asc(referrals.dueAt))
    .limit(200);
  return rows.map((r) => ({ ...r, overdue: !r.decidedAt && r.dueAt < now }));
}

/** What the proposal page shows about its review: every referral with its decision, and progress. */
export async function reviewOf(db: Db, proposalId: string, now = new Date()) {
  const list = await db
    .select({
      id: referrals.id,
      commissionId: referrals.commissionId,
      commissionName: commissions.name,
      referredAt: referrals.referredAt,
      dueAt: referrals.dueAt,
      decision: referrals.decision,
      rationale: referrals.rationale,
      unitName: referrals.unitName,
      decidedAt: referrals.decidedAt,
      decidedByName: users.displayName,
    })
    .from(referrals)
    .innerJoin(commissions, eq(commissions.id, referrals.commissionId))
    .leftJoin(users, eq(users.id, referrals.decidedBy))
    .where(eq(referrals.proposalId, proposalId))
    .orderBy(desc(referrals.referredAt));
  const progress = await db
    .select({ id: progressUpdates.id, status: progressUpdates.status, note: progressUpdates.note, postedAt: progressUpdates.postedAt })
    .from(progressUpdates)
    .where(eq(progressUpdates.proposalId, proposalId))
    .orderBy(asc(progressUpdates.id));
  return { referrals: list.map((r) => ({ ...r, overdue: !r.decidedAt && r.dueAt < now })), progress };
}

export async function pendingReferral(db: Db, proposalId: string) {
  const [row] = await db
    .select()
    .from(referrals)
    .where(and(eq(referrals.proposalId, proposalId), isNull(referrals.decidedAt)));
  return row ?? null;
}
