import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcomeOf } from "../../app/domain/charter";
import { castBallot, closeDueVotes, openVote, tallyOf, voteView, type Choice } from "../../app/domain/votes.server";
import { ballots, memberships, proposalEvents, proposals, votes } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { HOUR } from "../support/dates";
import { factories, idsOf, type Factories } from "../support/factories";

/** Every proposal here is the same bench, filed by the manager. */
const BENCH = { title: "نیمکت برای پارک محله", body: "پارک محله هیچ نیمکتی برای نشستن سالمندان ندارد.", place: "پارک لاله" };

/** A list of choices: `mix({ for: 2, against: 1 })` → ["for", "for", "against"]. */
const mix = (m: Partial<Record<Choice, number>>): Choice[] =>
  (["for", "against", "abstain"] as Choice[]).flatMap((c) => Array.from({ length: m[c] ?? 0 }, () => c));

describe.each(BACKENDS)("votes on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let managerId: string;
  let districtId: string;
  let categoryId: string;
  let make: Factories;
  // Each closing scenario lives in its own stretch of the past, so closeDueVotes calls of one
  // test never reach the votes of another.
  let eraSeq = 0;
  const nextEra = () => new Date(Date.UTC(2000 + eraSeq++, 0, 1));

  /** Ballots on a vote, cast the way the route casts them: by the vote's proposal. */
  async function castAll(voteId: string, members: string[], choices: Choice[], now?: Date) {
    const { proposalId } = await vote(voteId);
    const results = await Promise.all(choices.map((choice, i) => castBallot(db, { proposalId, userId: members[i]!, choice, now })));
    for (const r of results) expect(r.ok).toBe(true);
  }

  const proposal = async (id: string) => (await db.select().from(proposals).where(eq(proposals.id, id)))[0]!;
  const vote = async (id: string) => (await db.select().from(votes).where(eq(votes.id, id)))[0]!;
  const ballotsOf = (voteId: string) => db.select().from(ballots).where(eq(ballots.voteId, voteId));
  const eventsOf = (proposalId: string, kind: string) =>
    db
      .select()
      .from(proposalEvents)
      .where(and(eq(proposalEvents.proposalId, proposalId), eq(proposalEvents.kind, kind)));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    // Proposals here never reach their support threshold: they reach the agenda by the chair.
    make = factories(db, { firstPhone: "+989122000000", charter: { supportThreshold: 1000 } });
    managerId = (await make.user({ name: "مدیر منطقه" })).id;
    districtId = await make.district({ number: 9 });
    categoryId = await make.category("فضای سبز", { sortOrder: 1 });
    Object.assign(make.defaults, { founderId: managerId, districtId, authorId: managerId, categoryId });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("openVote", () => {
    it("opens only an agenda item, checks the period and defaults to the charter's", async () => {
      const councilId = (await make.council({ charter: { votingPeriodDays: 3 } })).id;
      const open = (await make.proposal({ councilId, ...BENCH })).id;
      expect(await openVote(db, { proposalId: open, actorId: managerId })).toEqual({ ok: false, error: "not_on_agenda" });
      expect((await proposal(open)).status).toBe("open");

      const proposalId = (await make.proposal({ councilId, ...BENCH, state: "on_agenda" })).id;
      for (const hours of [0, 1441]) {
        expect(await openVote(db, { proposalId, actorId: managerId, hours })).toEqual({ ok: false, error: "period_invalid" });
      }
      expect((await proposal(proposalId)).status).toBe("on_agenda");
      expect(await db.select().from(votes).where(eq(votes.proposalId, proposalId))).toHaveLength(0);

      const now = new Date();
      const opened = await openVote(db, { proposalId, actorId: managerId, now });
      if (!opened.ok) throw new Error(opened.error);
      expect(opened.closesAt.getTime()).toBe(now.getTime() + 72 * HOUR);
      expect((await proposal(proposalId)).status).toBe("voting");
      const row = await vote(opened.voteId);
      expect(row).toMatchObject({ status: "open", round: 1, openedBy: managerId, result: null });
      expect(row.opensAt.getTime()).toBe(now.getTime());
      expect(row.closesAt.getTime()).toBe(opened.closesAt.getTime());

      expect(await openVote(db, { proposalId, actorId: managerId })).toEqual({ ok: false, error: "not_on_agenda" });
      expect(await db.select().from(votes).where(eq(votes.proposalId, proposalId))).toHaveLength(1);
      const events = await eventsOf(proposalId, "vote_opened");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: managerId, data: { closesAt: opened.closesAt.toISOString() } });
    });

    it("accepts the bounds of 1 and 1440 hours", async () => {
      const councilId = (await make.council()).id;
      for (const hours of [1, 1440]) {
        const now = new Date();
        const { closesAt } = await make.openVote({ councilId, ...BENCH, hours, now });
        expect(closesAt.getTime()).toBe(now.getTime() + hours * HOUR);
      }
    });
  });

  describe("castBallot", () => {
    it("refuses non-members, removed members, and ballots outside the window", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(2);
      const [outsider, removed] = idsOf(await make.users(2));
      await db.insert(memberships).values({ councilId, userId: removed!, termNumber: 1, status: "removed", endedAt: new Date() });
      const { voteId, proposalId, closesAt } = await make.openVote({ councilId, ...BENCH });
      const row = await vote(voteId);

      expect(await castBallot(db, { proposalId, userId: outsider!, choice: "for" })).toEqual({ ok: false, error: "not_a_member" });
      expect(await castBallot(db, { proposalId, userId: removed!, choice: "for" })).toEqual({ ok: false, error: "not_a_member" });
      expect(await castBallot(db, { proposalId, userId: members[0]!, choice: "for", now: closesAt })).toEqual({
        ok: false,
        error: "vote_closed",
      });
      expect(await castBallot(db, { proposalId, userId: members[0]!, choice: "for", now: new Date(closesAt.getTime() + HOUR) })).toEqual({
        ok: false,
        error: "vote_closed",
      });
      expect(await castBallot(db, { proposalId, userId: members[0]!, choice: "for", now: new Date(row.opensAt.getTime() - 1) })).toEqual({
        ok: false,
        error: "vote_not_open",
      });
      expect(await castBallot(db, { proposalId: crypto.randomUUID(), userId: members[0]!, choice: "for" })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect(await ballotsOf(voteId)).toHaveLength(0);
    });

    it("lets a member change their choice, keeping one ballot", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(2);
      const { voteId, proposalId } = await make.openVote({ councilId, ...BENCH });
      expect(await castBallot(db, { proposalId, userId: members[0]!, choice: "for" })).toEqual({ ok: true, proposalId, voteId });
      expect(await castBallot(db, { proposalId, userId: members[0]!, choice: "against" })).toEqual({ ok: true, proposalId, voteId });
      const rows = await ballotsOf(voteId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ userId: members[0], choice: "against" });
      expect(await tallyOf(db, voteId)).toEqual({ for: 0, against: 1, abstain: 0 });
    });

    it("keeps one ballot under 100 identical parallel calls", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(1);
      const { voteId, proposalId } = await make.openVote({ councilId, ...BENCH });
      const results = await Promise.all(
        Array.from({ length: 100 }, () => castBallot(db, { proposalId, userId: members[0]!, choice: "abstain" })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(await ballotsOf(voteId)).toHaveLength(1);
      expect(await tallyOf(db, voteId)).toEqual({ for: 0, against: 0, abstain: 1 });
    });

    it("counts 200 members voting at once exactly", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(200);
      const { voteId } = await make.openVote({ councilId, ...BENCH });
      const choices = mix({ for: 97, against: 61, abstain: 42 });
      await castAll(voteId, members, choices);
      expect(await ballotsOf(voteId)).toHaveLength(200);
      expect(await tallyOf(db, voteId)).toEqual({ for: 97, against: 61, abstain: 42 });
    });
  });

  describe("closeDueVotes", () => {
    it("leaves a vote open until its deadline, then closes it with the charter's outcome", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(10);
      const start = nextEra();
      const { voteId, proposalId, closesAt } = await make.openVote({ councilId, ...BENCH, hours: 24, now: start });
      await castAll(voteId, members, mix({ for: 4, against: 2, abstain: 1 }), new Date(start.getTime() + HOUR));

      const early = await closeDueVotes(db, new Date(closesAt.getTime() - 1));
      expect(early.map((c) => c.voteId)).not.toContain(voteId);
      expect((await vote(voteId)).status).toBe("open");
      expect((await proposal(proposalId)).status).toBe("voting");

      const at = closesAt;
      const closed = await closeDueVotes(db, at);
      expect(closed.filter((c) => c.voteId === voteId)).toEqual([{ voteId, proposalId, result: "adopted" }]);
      const row = await vote(voteId);
      const expected = outcomeOf({ for: 4, against: 2, abstain: 1 }, { quorumPercent: 50, majorityRule: "simple" }, 10);
      expect(expected).toEqual({ result: "adopted", quorumMet: true, needed: 5 });
      expect(row).toMatchObject({
        status: "closed",
        forCount: 4,
        againstCount: 2,
        abstainCount: 1,
        activeMembers: 10,
        quorumNeeded: 5,
        result: "adopted",
      });
      expect(row.closedAt?.getTime()).toBe(at.getTime());
      expect((await proposal(proposalId)).status).toBe("adopted");
      const events = await eventsOf(proposalId, "vote_closed");
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toEqual({
        for: 4,
        against: 2,
        abstain: 1,
        activeMembers: 10,
        quorumNeeded: 5,
        quorumMet: true,
        result: "adopted",
      });

      // Within the window by the clock, but the vote is closed.
      expect(await castBallot(db, { proposalId, userId: members[9]!, choice: "for", now: new Date(start.getTime() + 2 * HOUR) })).toEqual({
        ok: false,
        error: "vote_closed",
      });
      expect(await ballotsOf(voteId)).toHaveLength(7);
      // A second run finds nothing left to close.
      expect((await closeDueVotes(db, at)).map((c) => c.voteId)).not.toContain(voteId);
      expect(await eventsOf(proposalId, "vote_closed")).toHaveLength(1);
    });

    it("closes each vote exactly once when two closers race", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(4);
      const start = nextEra();
      const opened = [
        await make.openVote({ councilId, ...BENCH, hours: 2, now: start }),
        await make.openVote({ councilId, ...BENCH, hours: 3, now: start }),
      ];
      for (const { voteId } of opened) await castAll(voteId, members, mix({ for: 3, against: 1 }), start);

      const at = new Date(start.getTime() + 5 * HOUR);
      const [a, b] = await Promise.all([closeDueVotes(db, at), closeDueVotes(db, at)]);
      const union = [...a!, ...b!].map((c) => c.voteId);
      for (const { voteId, proposalId } of opened) {
        expect(union.filter((id) => id === voteId)).toHaveLength(1);
        expect(await eventsOf(proposalId, "vote_closed")).toHaveLength(1);
        expect(await vote(voteId)).toMatchObject({ status: "closed", result: "adopted", forCount: 3, againstCount: 1 });
        expect((await proposal(proposalId)).status).toBe("adopted");
      }
    });

    it("does not adopt when the quorum is missed, and says so", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(10);
      const start = nextEra();
      const { voteId, proposalId, closesAt } = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(voteId, members, mix({ for: 4 }), start);
      const closed = await closeDueVotes(db, closesAt);
      expect(closed.filter((c) => c.voteId === voteId)).toEqual([{ voteId, proposalId, result: "not_adopted" }]);
      expect(await vote(voteId)).toMatchObject({ result: "not_adopted", quorumNeeded: 5, activeMembers: 10, forCount: 4 });
      expect((await proposal(proposalId)).status).toBe("not_adopted");
      const [event] = await eventsOf(proposalId, "vote_closed");
      expect(event!.data).toMatchObject({ quorumMet: false, quorumNeeded: 5, result: "not_adopted", for: 4, against: 0, abstain: 0 });
    });

    it("counts abstentions toward the quorum but not the majority", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(10);
      const start = nextEra();
      const adopted = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(adopted.voteId, members, mix({ for: 1, abstain: 4 }), start);
      const tie = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(tie.voteId, members, mix({ for: 3, against: 3, abstain: 1 }), start);

      await closeDueVotes(db, new Date(start.getTime() + HOUR));
      expect((await proposal(adopted.proposalId)).status).toBe("adopted");
      expect((await eventsOf(adopted.proposalId, "vote_closed"))[0]!.data).toMatchObject({ quorumMet: true, result: "adopted" });
      // A tie under the simple rule is not a majority.
      expect((await proposal(tie.proposalId)).status).toBe("not_adopted");
      expect((await eventsOf(tie.proposalId, "vote_closed"))[0]!.data).toMatchObject({ quorumMet: true, result: "not_adopted" });
    });

    it("counts every active member under the absolute rule", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(10, { charter: { majorityRule: "absolute" } });
      // A removed seat is not an active member.
      const [gone] = idsOf(await make.users(1));
      await db.insert(memberships).values({ councilId, userId: gone!, termNumber: 1, status: "removed", endedAt: new Date() });
      const start = nextEra();
      const half = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(half.voteId, members, mix({ for: 5 }), start);
      const more = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(more.voteId, members, mix({ for: 6 }), start);

      await closeDueVotes(db, new Date(start.getTime() + HOUR));
      expect(await vote(half.voteId)).toMatchObject({ activeMembers: 10, result: "not_adopted" });
      expect(await vote(more.voteId)).toMatchObject({ activeMembers: 10, result: "adopted" });
    });
  });

  describe("voteView", () => {
    const letters = ["الف", "ب", "پ", "ت"];

    it("shows nothing of a secret ballot while open but the voter's own choice, and totals only after", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(4, {
        charter: { ballot: "secret" },
        name: (i) => `${letters[i]} رای‌دهنده`,
      });
      const start = nextEra();
      const { voteId, proposalId, closesAt } = await make.openVote({ councilId, ...BENCH, hours: 1, now: start });
      await castAll(voteId, members, ["for", "against", "abstain"], start);

      const view = await voteView(db, proposalId, members[1]!);
      expect(view).toMatchObject({ id: voteId, status: "open", secret: true, tally: null, voters: null, myChoice: "against" });
      expect((await voteView(db, proposalId, null))!.myChoice).toBeNull();
      expect((await voteView(db, proposalId, members[3]!))!.myChoice).toBeNull();

      await closeDueVotes(db, closesAt);
      const closed = await voteView(db, proposalId, members[0]!);
      expect(closed).toMatchObject({ status: "closed", result: "not_adopted", activeMembers: 4, quorumNeeded: 2, myChoice: "for" });
      expect(closed!.tally).toEqual({ for: 1, against: 1, abstain: 1 });
      // Totals only: not even who took part.
      expect(closed!.voters).toBeNull();
    });

    it("shows each choice under an open ballot", async () => {
      const { councilId, memberIds: members } = await make.councilWithMembers(3, {
        charter: { ballot: "open" },
        name: (i) => `${letters[i]} عضو شورا`,
      });
      const { voteId, proposalId } = await make.openVote({ councilId, ...BENCH });
      await castAll(voteId, members, ["for", "for", "against"]);

      const view = await voteView(db, proposalId, members[2]!);
      expect(view).toMatchObject({ secret: false, tally: { for: 2, against: 1, abstain: 0 }, myChoice: "against" });
      const byName = Object.fromEntries(view!.voters!.map((v) => [v.name, v.choice]));
      expect(byName).toEqual({ "الف عضو شورا": "for", "ب عضو شورا": "for", "پ عضو شورا": "against" });
    });

    it("is null for a proposal that never went to a vote", async () => {
      const councilId = (await make.council()).id;
      expect(await voteView(db, (await make.proposal({ councilId, ...BENCH, state: "on_agenda" })).id, null)).toBeNull();
    });
  });
});
