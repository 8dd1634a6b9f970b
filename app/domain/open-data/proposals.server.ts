import { and, count, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { ballots, categories, commissions, councils, DECISIONS, PROPOSAL_STATUSES, proposals, referrals, votes } from "../../../db/schema";
import { ballotDisclosure, type BallotKind, type VoteStatus } from "../ballot-rule";
import type { Dataset, OpenRow } from "./dataset.server";

interface VoteState {
  id: string;
  ballot: BallotKind;
  status: VoteStatus;
  forCount: number | null;
  againstCount: number | null;
  abstainCount: number | null;
}

type Totals = { for: number; against: number; abstain: number };

/**
 * A vote's totals as anyone may see them now, under the one ballot rule (`ballotDisclosure`): an
 * open ballot's running totals, a closed vote's counted ones, and nothing at all of a secret ballot
 * still open (not even how many have voted). Who chose what is never part of open data.
 */
async function disclosedTotals(db: Db, list: VoteState[]): Promise<Map<string, Totals | null>> {
  const shown = new Map<string, Totals | null>();
  const running: string[] = [];
  for (const vote of list) {
    if (!ballotDisclosure(vote.ballot, vote.status).tally) shown.set(vote.id, null);
    else if (vote.status === "closed")
      shown.set(vote.id, { for: vote.forCount ?? 0, against: vote.againstCount ?? 0, abstain: vote.abstainCount ?? 0 });
    else running.push(vote.id);
  }
  if (running.length) {
    const counted = await db
      .select({ voteId: ballots.voteId, choice: ballots.choice, n: count() })
      .from(ballots)
      .where(inArray(ballots.voteId, running))
      .groupBy(ballots.voteId, ballots.choice);
    for (const id of running) {
      const of = (choice: string) => Number(counted.find((c) => c.voteId === id && c.choice === choice)?.n ?? 0);
      shown.set(id, { for: of("for"), against: of("against"), abstain: of("abstain") });
    }
  }
  return shown;
}

function putTotals(row: OpenRow, totals: Totals | null | undefined) {
  row.votes_for = totals?.for ?? null;
  row.votes_against = totals?.against ?? null;
  row.votes_abstain = totals?.abstain ?? null;
}

/** Proposals with their supports and the totals of their latest vote (as the proposal page shows them). */
export const proposalsDataset: Dataset = {
  name: "proposals",
  fields: [
    { key: "id", type: "uuid" },
    { key: "number", type: "integer", text: "proposal_number" },
    { key: "title", type: "text", text: "proposal_title" },
    { key: "body", type: "text", text: "proposal_body" },
    { key: "status", type: "text", text: "proposal_status" },
    { key: "category", type: "text" },
    { key: "place", type: "text" },
    { key: "council_id", type: "uuid" },
    { key: "neighborhood_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "supports", type: "integer" },
    { key: "ballot", type: "text" },
    { key: "vote_status", type: "text" },
    { key: "votes_for", type: "integer" },
    { key: "votes_against", type: "integer" },
    { key: "votes_abstain", type: "integer" },
    { key: "vote_result", type: "text" },
    { key: "created_at", type: "datetime" },
    { key: "status_changed_at", type: "datetime" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: proposals.districtId },
    { name: "neighborhood", kind: "uuid", column: proposals.neighborhoodId },
    { name: "council", kind: "uuid", column: proposals.councilId },
    { name: "status", kind: "oneOf", values: PROPOSAL_STATUSES, column: proposals.status },
  ],
  dateRange: { column: proposals.createdAt, field: "created_at" },
  sorts: [{ name: "created", column: proposals.createdAt, type: "datetime" }],
  defaultSort: "-created",
  idColumn: proposals.id,
  read: (db, q) =>
    db
      .select({
        id: proposals.id,
        number: proposals.number,
        title: proposals.title,
        body: proposals.body,
        status: proposals.status,
        category: categories.name,
        place: proposals.place,
        council_id: proposals.councilId,
        neighborhood_id: proposals.neighborhoodId,
        district_id: proposals.districtId,
        supports: proposals.supportCount,
        ballot: councils.ballot,
        created_at: proposals.createdAt,
        status_changed_at: proposals.statusChangedAt,
        _cursor: q.cursor,
      })
      .from(proposals)
      .innerJoin(categories, eq(categories.id, proposals.categoryId))
      .innerJoin(councils, eq(councils.id, proposals.councilId))
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
  async complete(db, rows) {
    if (!rows.length) return;
    // The latest round of each proposal's vote, in one read.
    const latest = await db
      .selectDistinctOn([votes.proposalId], {
        id: votes.id,
        proposalId: votes.proposalId,
        status: votes.status,
        forCount: votes.forCount,
        againstCount: votes.againstCount,
        abstainCount: votes.abstainCount,
        result: votes.result,
      })
      .from(votes)
      .where(
        inArray(
          votes.proposalId,
          rows.map((r) => String(r.id)),
        ),
      )
      .orderBy(votes.proposalId, desc(votes.round));
    const ballotOf = new Map(rows.map((r) => [String(r.id), r.ballot as BallotKind]));
    const totals = await disclosedTotals(
      db,
      latest.map((v) => ({ ...v, ballot: ballotOf.get(v.proposalId)! })),
    );
    for (const row of rows) {
      const vote = latest.find((v) => v.proposalId === row.id);
      row.vote_status = vote?.status ?? null;
      row.vote_result = vote?.result ?? null;
      putTotals(row, vote ? totals.get(vote.id) : null);
    }
  },
};

/** Every round of every council vote: its window, outcome and totals, never a ballot. */
export const votesDataset: Dataset = {
  name: "votes",
  fields: [
    { key: "id", type: "uuid" },
    { key: "proposal_id", type: "uuid" },
    { key: "proposal_number", type: "integer" },
    { key: "council_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "round", type: "integer" },
    { key: "ballot", type: "text" },
    { key: "status", type: "text", text: "vote_status" },
    { key: "opens_at", type: "datetime" },
    { key: "closes_at", type: "datetime" },
    { key: "closed_at", type: "datetime" },
    { key: "votes_for", type: "integer" },
    { key: "votes_against", type: "integer" },
    { key: "votes_abstain", type: "integer" },
    { key: "active_members", type: "integer" },
    { key: "quorum_needed", type: "integer" },
    { key: "result", type: "text", text: "vote_result" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: councils.districtId },
    { name: "council", kind: "uuid", column: votes.councilId },
    { name: "proposal", kind: "uuid", column: votes.proposalId },
    { name: "status", kind: "oneOf", values: ["open", "closed"], column: votes.status },
  ],
  dateRange: { column: votes.opensAt, field: "opens_at" },
  sorts: [{ name: "opens", column: votes.opensAt, type: "datetime" }],
  defaultSort: "-opens",
  idColumn: votes.id,
  read: (db, q) =>
    db
      .select({
        id: votes.id,
        proposal_id: votes.proposalId,
        proposal_number: proposals.number,
        council_id: votes.councilId,
        district_id: councils.districtId,
        round: votes.round,
        ballot: councils.ballot,
        status: votes.status,
        opens_at: votes.opensAt,
        closes_at: votes.closesAt,
        closed_at: votes.closedAt,
        // Read only to be passed through the ballot rule in `complete`.
        _for: votes.forCount,
        _against: votes.againstCount,
        _abstain: votes.abstainCount,
        active_members: votes.activeMembers,
        quorum_needed: votes.quorumNeeded,
        result: votes.result,
        _cursor: q.cursor,
      })
      .from(votes)
      .innerJoin(councils, eq(councils.id, votes.councilId))
      .innerJoin(proposals, eq(proposals.id, votes.proposalId))
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
  async complete(db, rows) {
    const totals = await disclosedTotals(
      db,
      rows.map((r) => ({
        id: String(r.id),
        ballot: r.ballot as BallotKind,
        status: r.status as VoteStatus,
        forCount: r._for as number | null,
        againstCount: r._against as number | null,
        abstainCount: r._abstain as number | null,
      })),
    );
    for (const row of rows) {
      delete row._for;
      delete row._against;
      delete row._abstain;
      putTotals(row, totals.get(String(row.id)));
    }
  },
};

/** The commissions' published decisions on adopted proposals, each with its written rationale. */
export const decisionsDataset: Dataset = {
  name: "decisions",
  fields: [
    { key: "id", type: "uuid" },
    { key: "proposal_id", type: "uuid" },
    { key: "proposal_number", type: "integer" },
    { key: "proposal_title", type: "text" },
    { key: "commission_id", type: "uuid" },
    { key: "commission_name", type: "text" },
    { key: "decision", type: "text" },
    { key: "rationale", type: "text" },
    { key: "unit_name", type: "text" },
    { key: "council_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "referred_at", type: "datetime" },
    { key: "decided_at", type: "datetime" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: proposals.districtId },
    { name: "council", kind: "uuid", column: proposals.councilId },
    { name: "commission", kind: "uuid", column: referrals.commissionId },
    { name: "decision", kind: "oneOf", values: DECISIONS, column: referrals.decision },
  ],
  dateRange: { column: referrals.decidedAt, field: "decided_at" },
  sorts: [{ name: "decided", column: referrals.decidedAt, type: "datetime" }],
  defaultSort: "-decided",
  idColumn: referrals.id,
  read: (db, q) =>
    db
      .select({
        id: referrals.id,
        proposal_id: referrals.proposalId,
        proposal_number: proposals.number,
        proposal_title: proposals.title,
        commission_id: referrals.commissionId,
        commission_name: commissions.name,
        decision: referrals.decision,
        rationale: referrals.rationale,
        unit_name: referrals.unitName,
        council_id: proposals.councilId,
        district_id: proposals.districtId,
        referred_at: referrals.referredAt,
        decided_at: referrals.decidedAt,
        _cursor: q.cursor,
      })
      .from(referrals)
      .innerJoin(proposals, eq(proposals.id, referrals.proposalId))
      .innerJoin(commissions, eq(commissions.id, referrals.commissionId))
      // A referral waiting for its decision is the commission's work in progress.
      .where(and(isNotNull(referrals.decidedAt), q.where))
      .orderBy(...q.orderBy)
      .limit(q.limit),
};
