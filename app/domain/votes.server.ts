import { and, asc, count, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { Refusal, refusalOf as baseRefusalOf } from "./refusal.server";
import { ballots, councils, memberships, proposalEvents, proposals, users, votes } from "../../db/schema";
import { outcomeOf, type Tally } from "./charter";
import { sourcesOf } from "./proposal-state";
import { ballotDisclosure, type ShownVoter } from "./ballot-rule";

export type VoteError = "not_found" | "not_on_agenda" | "vote_not_open" | "vote_closed" | "not_a_member" | "period_invalid";
type Fail = { ok: false; error: VoteError };

function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, VoteError>(work);
}

export type Choice = "for" | "against" | "abstain";



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
      if (!Number.isInteger(hours) || hours < 1 || hours > 1440) throw new Refusal<VoteError>("period_invalid");
      const moved = await tx
        .update(proposals)
        .set({ status: "voting", statusChangedAt: new Date() })
        .where(and(eq(proposals.id, proposal.id), inArray(proposals.status, sourcesOf("voting"))))
        .returning({ id: proposals.id });
      if (!moved.length) throw new Refusal<VoteError>("not_on_agenda");
      const [{ rounds }] = (await tx.select({ rounds: count() }).from(votes).where(eq(votes.proposalId, proposal.id))) as [{ rounds: number }];
      const now = input.now ?? new Date();
      const closesAt = new Date(now.getTime() + hours * 3_600_000);
      const [vote] = await tx
        .insert(votes)
        .values({ proposalId: proposal.id, councilId: proposal.councilId, round: Number(rounds) + 1, openedBy: input.actorId, opensAt: now, closesAt })
        .returning({ id: votes.id });
      await tx.insert(proposalEvents).values({ proposalId: proposal.id, actorId: input.actorId, kind: "vote_opened", data: { closesAt: closesAt.toISOString() } });
      return { ok: true as const, voteId: vote!.id, closesAt };
    }),
  );
}

/**
 * A member casts or changes their ballot. The vote row is share-locked, so a ballot either lands
 * before the closing transaction counts or is refused after it; the key keeps one per member.
 */
export async function castBallot(
  db: Db,
  input: { voteId: string; userId: string; choice: Choice; now?: Date },
): Promise<{ ok: true; proposalId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [vote] = await tx.select().from(votes).where(eq(votes.id, input.voteId)).for("share");
      if (!vote) throw new Refusal<VoteError>("not_found");
      const now = input.now ?? new Date();
      if (vote.status !== "open" || vote.closesAt <= now) throw new Refusal<VoteError>("vote_closed");
      if (vote.opensAt > now) throw new Refusal<VoteError>("vote_not_open");
      const [seat] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.councilId, vote.councilId), eq(memberships.userId, input.userId), eq(memberships.status, "active")));
      if (!seat) throw new Refusal<VoteError>("not_a_member");
      await tx
        .insert(ballots)
        .values({ voteId: vote.id, userId: input.userId, choice: input.choice, castAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [ballots.voteId, ballots.userId], set: { choice: input.choice, updatedAt: now } });
      return { ok: true as const, proposalId: vote.proposalId };
    }),
  );
}

export async function tallyOf(db: Db, voteId: string): Promise<Tally> {
  const rows = await db.select({ choice: ballots.choice, n: count() }).from(ballots).where(eq(ballots.voteId, voteId)).groupBy(ballots.choice);
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
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.status, "open"), lte(votes.closesAt, now)))
    .orderBy(asc(votes.closesAt))
    .limit(100);
  const closed: { voteId: string; proposalId: string; result: string }[] = [];
  for (const { id } of due) {
    const done = await db.transaction(async (tx) => {
      const [vote] = await tx.select().from(votes).where(and(eq(votes.id, id), eq(votes.status, "open"))).for("update");
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
      await tx
        .update(proposals)
        .set({ status: outcome.result, statusChangedAt: now })
        .where(and(eq(proposals.id, vote.proposalId), eq(proposals.status, "voting")));
      await tx.insert(proposalEvents).values({
        proposalId: vote.proposalId,
        actorId: null,
        kind: "vote_closed",
        data: { ...tally, activeMembers, quorumNeeded: outcome.needed, quorumMet: outcome.quorumMet, result: outcome.result },
      });
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
