import { and, asc, count, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.server";
import { Refusal, refusalOf as baseRefusalOf, refused, type Refused } from "./refusal.server";
import { ballots, councils, memberships, proposalEvents, proposals, users, votes } from "../../db/schema";
import { CHARTER_LIMITS, outcomeOf, type Tally } from "./charter";
import { sourcesOf } from "./proposal-state";
import { batched, lane, pgArray } from "./write-batch.server";
import { ballotDisclosure, type ShownVoter } from "./ballot-rule";
import { noticeToAuthor, noticeVoteOpened } from "./notifications.server";
import { recordAudit } from "./audit.server";

export type VoteError = "not_found" | "not_on_agenda" | "vote_not_open" | "vote_closed" | "not_a_member" | "period_invalid";
type Fail = Refused<VoteError>;

function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, VoteError>(work);
}

export type Choice = "for" | "against" | "abstain";

// Lock order (see proposals.server.ts, "Supports"): the proposal row, then its vote row, then ballots.

/**
 * The chair or secretary opens the vote on an agenda item. The deadline defaults to the charter's
 * voting period; a custom one must stay within 1 hour and 60 days.
 */
export async function openVote(
  db: Db,
  input: { proposalId: string; actorId: string; hours?: number; now?: Date },
): Promise<{ ok: true; voteId: string; closesAt: Date } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [proposal] = await tx.select().from(proposals).where(eq(proposals.id, input.proposalId)).for("update");
      if (!proposal) throw new Refusal<VoteError>("not_found");
      const [council] = await tx.select().from(councils).where(eq(councils.id, proposal.councilId));
      const hours = input.hours ?? council!.votingPeriodHours;
      // The charter's limit, in hours: a custom period may be shorter than a day, never longer than the charter allows.
      if (!Number.isInteger(hours) || hours < 1 || hours > CHARTER_LIMITS.votingPeriodDays.max * 24)
        throw new Refusal<VoteError>("period_invalid");
      const moved = await tx
        .update(proposals)
        .set({ status: "voting", statusChangedAt: new Date() })
        .where(and(eq(proposals.id, proposal.id), inArray(proposals.status, sourcesOf("voting"))))
        .returning({ id: proposals.id });
      if (!moved.length) throw new Refusal<VoteError>("not_on_agenda");
      const [{ rounds }] = (await tx.select({ rounds: count() }).from(votes).where(eq(votes.proposalId, proposal.id))) as [
        { rounds: number },
      ];
      const now = input.now ?? new Date();
      const closesAt = new Date(now.getTime() + hours * 3_600_000);
      const [vote] = await tx
        .insert(votes)
        .values({
          proposalId: proposal.id,
          councilId: proposal.councilId,
          round: Number(rounds) + 1,
          openedBy: input.actorId,
          opensAt: now,
          closesAt,
        })
        .returning({ id: votes.id });
      await tx
        .insert(proposalEvents)
        .values({ proposalId: proposal.id, actorId: input.actorId, kind: "vote_opened", data: { closesAt: closesAt.toISOString() } });
      // That it opened, on which kind of ballot, until when: no count is written while it is open.
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "vote.opened",
        subjectType: "proposal",
        subjectId: proposal.id,
        districtId: proposal.districtId,
        councilId: proposal.councilId,
        data: { vote: vote!.id, round: Number(rounds) + 1, ballot: council!.ballot, closesAt: closesAt.toISOString() },
      });
      await noticeVoteOpened(tx, { proposalId: proposal.id, voteId: vote!.id, closesAt, actorId: input.actorId });
      return { ok: true as const, voteId: vote!.id, closesAt };
    }),
  );
}

type BallotResult = { ok: true; proposalId: string; voteId: string } | Fail;

/**
 * A member casts or changes their ballot on the proposal's open vote. The vote is found from the
 * proposal (never from a vote id the caller was handed), so the ballot lands on the vote of the
 * proposal the route and its live event name.
 *
 * One statement: it finds the open vote within its window, checks each seat, and writes the
 * ballots (the key keeps one per member; a second call changes the choice). The vote row is
 * key-share locked for the statement, so a ballot either lands before the closing transaction
 * (which locks the row for update) counts, or sees the vote closed and is refused. Ballots of one
 * proposal that arrive while one is being written go together in the next statement (see
 * write-batch); only a refusal costs a second look, to say why.
 */
export function castBallot(db: Db, input: { proposalId: string; userId: string; choice: Choice; now?: Date }): Promise<BallotResult> {
  // Ballots cast "now" share a batch; a caller's own clock (the scheduler's tests) gets its own.
  const at = input.now ? input.now.toISOString() : "";
  return batched(ballotLane, db, `${input.proposalId}|${at}`, input);
}

const ballotLane = lane<{ proposalId: string; userId: string; choice: Choice; now?: Date }, BallotResult>(async (db, _key, items) => {
  const { proposalId } = items[0]!;
  const now = items[0]!.now ?? new Date();
  // A member's later click in the same batch wins, as it would one after the other.
  const last = new Map<string, Choice>();
  for (const item of items) {
    last.delete(item.userId);
    last.set(item.userId, item.choice);
  }
  const rows = await queryRows<{ vote_id: string; user_id: string }>(
    db,
    sql`with open_vote as (
          select v.id, v.council_id from votes v
          where v.proposal_id = ${proposalId} and v.status = 'open'
            and v.opens_at <= ${now.toISOString()}::timestamptz and v.closes_at > ${now.toISOString()}::timestamptz
          for key share
        ), placed as (
          insert into ballots (vote_id, user_id, choice, cast_at, updated_at)
          select o.id, b.user_id, b.choice, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          from open_vote o, unnest(${pgArray([...last.keys()])}::uuid[], ${pgArray([...last.values()])}::text[]) as b(user_id, choice)
          where exists (
            select 1 from memberships m
            where m.council_id = o.council_id and m.user_id = b.user_id and m.status = 'active'
          )
          on conflict (vote_id, user_id) do update set choice = excluded.choice, updated_at = excluded.updated_at
          returning vote_id, user_id
        )
        select vote_id, user_id::text as user_id from placed`,
  );
  const placed = new Map(rows.map((r) => [r.user_id, r.vote_id]));
  const refusals = new Map<string, VoteError>();
  const answers: BallotResult[] = [];
  for (const item of items) {
    const voteId = placed.get(item.userId);
    if (voteId) {
      answers.push({ ok: true, proposalId, voteId });
      continue;
    }
    if (!refusals.has(item.userId)) refusals.set(item.userId, await whyNoBallot(db, proposalId, item.userId, now));
    answers.push(refused(refusals.get(item.userId)!));
  }
  return answers;
});

/** Why a ballot was refused: the first reason in the order a person would read them. */
async function whyNoBallot(db: Db, proposalId: string, userId: string, now: Date): Promise<VoteError> {
  const [vote] = await db
    .select({ id: votes.id, status: votes.status, opensAt: votes.opensAt, closesAt: votes.closesAt, councilId: votes.councilId })
    .from(votes)
    .where(eq(votes.proposalId, proposalId))
    .orderBy(desc(votes.round))
    .limit(1);
  if (!vote) {
    const [proposal] = await db.select({ id: proposals.id }).from(proposals).where(eq(proposals.id, proposalId));
    return proposal ? "vote_not_open" : "not_found";
  }
  if (vote.status !== "open" || vote.closesAt <= now) return "vote_closed";
  if (vote.opensAt > now) return "vote_not_open";
  return "not_a_member";
}

/** The proposal's open vote, if one is open now: what the ballot form and "may vote" look at. */
export async function openVoteOf(db: Db, proposalId: string) {
  const [vote] = await db
    .select({ id: votes.id, councilId: votes.councilId, status: votes.status, opensAt: votes.opensAt, closesAt: votes.closesAt })
    .from(votes)
    .where(and(eq(votes.proposalId, proposalId), eq(votes.status, "open")));
  return vote ?? null;
}

export async function tallyOf(db: Db, voteId: string): Promise<Tally> {
  const rows = await db
    .select({ choice: ballots.choice, n: count() })
    .from(ballots)
    .where(eq(ballots.voteId, voteId))
    .groupBy(ballots.choice);
  const of = (c: Choice) => Number(rows.find((r) => r.choice === c)?.n ?? 0);
  return { for: of("for"), against: of("against"), abstain: of("abstain") };
}

/**
 * Closes every vote whose deadline has passed: the guarded update lets exactly one closer (of any
 * instance) win each vote, and the count, the outcome and the proposal's new status are written in
 * that same transaction, so a crash half-way leaves the vote open for the next run.
 */
export async function closeDueVotes(db: Db, now = new Date()): Promise<{ voteId: string; proposalId: string; result: string }[]> {
  const due = await db
    .select({ id: votes.id, proposalId: votes.proposalId })
    .from(votes)
    .where(and(eq(votes.status, "open"), lte(votes.closesAt, now)))
    .orderBy(asc(votes.closesAt))
    .limit(100);
  const closed: { voteId: string; proposalId: string; result: string }[] = [];
  for (const { id, proposalId } of due) {
    const done = await db.transaction(async (tx) => {
      // The lock order of every vote and support path: the proposal row first, then its vote.
      await tx.select({ id: proposals.id }).from(proposals).where(eq(proposals.id, proposalId)).for("no key update");
      const [vote] = await tx
        .select()
        .from(votes)
        .where(and(eq(votes.id, id), eq(votes.status, "open")))
        .for("update");
      if (!vote) return null;
      const [council] = await tx.select().from(councils).where(eq(councils.id, vote.councilId));
      const [{ n }] = (await tx
        .select({ n: count() })
        .from(memberships)
        .where(and(eq(memberships.councilId, vote.councilId), eq(memberships.status, "active")))) as [{ n: number }];
      const activeMembers = Number(n);
      const tally = await tallyOf(tx, vote.id);
      const outcome = outcomeOf(tally, council!, activeMembers);
      const [row] = await tx
        .update(votes)
        .set({
          status: "closed",
          closedAt: now,
          forCount: tally.for,
          againstCount: tally.against,
          abstainCount: tally.abstain,
          activeMembers,
          quorumNeeded: outcome.needed,
          result: outcome.result,
        })
        .where(and(eq(votes.id, vote.id), eq(votes.status, "open")))
        .returning({ id: votes.id });
      if (!row) return null;
      const [proposal] = await tx
        .update(proposals)
        .set({ status: outcome.result, statusChangedAt: now })
        .where(and(eq(proposals.id, vote.proposalId), inArray(proposals.status, sourcesOf(outcome.result))))
        .returning({ districtId: proposals.districtId });
      // The public record of the close: the result, and the totals the ballot rule lets anyone see
      // once the vote is closed (a secret ballot's too), never who voted or what each chose.
      const shown = ballotDisclosure(council!.ballot, "closed");
      await recordAudit(tx, {
        actorId: null,
        action: "vote.closed",
        subjectType: "proposal",
        subjectId: vote.proposalId,
        districtId: proposal?.districtId ?? council!.districtId,
        councilId: vote.councilId,
        data: {
          vote: vote.id,
          round: vote.round,
          ballot: council!.ballot,
          result: outcome.result,
          quorumMet: outcome.quorumMet,
          ...(shown.tally ? { for: tally.for, against: tally.against, abstain: tally.abstain } : {}),
        },
      });
      await tx.insert(proposalEvents).values({
        proposalId: vote.proposalId,
        actorId: null,
        kind: "vote_closed",
        data: { ...tally, activeMembers, quorumNeeded: outcome.needed, quorumMet: outcome.quorumMet, result: outcome.result },
      });
      await noticeToAuthor(tx, { proposalId: vote.proposalId, kind: "vote_result", params: { result: outcome.result } });
      return { voteId: vote.id, proposalId: vote.proposalId, result: outcome.result };
    });
    if (done) closed.push(done);
  }
  return closed;
}

/** The vote of a proposal (the latest round) with what the page may show under the ballot rule. */
export async function voteView(db: Db, proposalId: string, viewerId: string | null) {
  const [vote] = await db
    .select()
    .from(votes)
    .where(eq(votes.proposalId, proposalId))
    .orderBy(sql`${votes.round} desc`)
    .limit(1);
  if (!vote) return null;
  const [council] = await db.select({ ballot: councils.ballot }).from(councils).where(eq(councils.id, vote.councilId));
  const secret = council!.ballot === "secret";
  // What is not to be shown is not read: it cannot leak through the page, its JSON or an event.
  const rule = ballotDisclosure(council!.ballot, vote.status);
  const tally = !rule.tally
    ? null
    : vote.status === "closed"
      ? { for: vote.forCount ?? 0, against: vote.againstCount ?? 0, abstain: vote.abstainCount ?? 0 }
      : await tallyOf(db, vote.id);
  const voters: ShownVoter[] | null = rule.roll ? await rollOf(db, vote.id) : null;
  // The viewer's own choice is theirs to see (and change while the vote is open), never anyone else's.
  const [mine] = viewerId
    ? await db
        .select({ choice: ballots.choice })
        .from(ballots)
        .where(and(eq(ballots.voteId, vote.id), eq(ballots.userId, viewerId)))
    : [];
  return {
    id: vote.id,
    status: vote.status,
    opensAt: vote.opensAt,
    closesAt: vote.closesAt,
    closedAt: vote.closedAt,
    result: vote.result,
    activeMembers: vote.activeMembers,
    quorumNeeded: vote.quorumNeeded,
    secret,
    tally,
    voters,
    myChoice: (mine?.choice as Choice | undefined) ?? null,
  };
}

/** An open ballot's roll call: who voted and what they chose, by name. */
export async function rollOf(db: Db, voteId: string): Promise<ShownVoter[]> {
  const cast = await db
    .select({ name: users.displayName, choice: ballots.choice })
    .from(ballots)
    .innerJoin(users, eq(users.id, ballots.userId))
    .where(eq(ballots.voteId, voteId))
    .orderBy(asc(users.displayName), asc(ballots.userId));
  return cast.map((b) => ({ name: b.name, choice: b.choice as Choice }));
}
