import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsOf, adoptionRate, attendanceRate, per1000 } from "../../app/domain/analytics/queries.server";
import { districtMonth } from "../../app/domain/meetings/district-report.server";
import {
  councils,
  escalations,
  meetings,
  memberships,
  minutes,
  neighborhoods,
  proposals,
  referrals,
  supports,
  threadMessages,
  votes,
} from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { factories, type Factories } from "../support/factories";

/** Moments in Mehr 1404 (2025-09-23 … 2025-10-23, Tehran) and around it. */
const T = (iso: string) => new Date(iso);
const MEHR = { kind: "month", year: 1404, month: 7 } as const;

describe.each(BACKENDS)("analytics by Jalali period on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let make: Factories;
  const ids = {} as Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    make = factories(db, { firstPhone: "+989151100000", firstDistrict: 41 });
    const manager = await make.user({ name: "مدیر" });
    make.defaults.founderId = manager.id;
    ids.districtA = await make.district();
    ids.districtB = await make.district();
    ids.hoodA1 = await make.neighborhood({ districtId: ids.districtA, name: "محله الف یک" });
    ids.hoodA2 = await make.neighborhood({ districtId: ids.districtA, name: "محله الف دو" });
    ids.hoodB1 = await make.neighborhood({ districtId: ids.districtB, name: "محله ب یک" });
    await db.update(neighborhoods).set({ population: 2000 }).where(eq(neighborhoods.id, ids.hoodA1));
    await db.update(neighborhoods).set({ population: 1000 }).where(eq(neighborhoods.id, ids.hoodB1));
    const cA1 = await make.council({ neighborhoodId: ids.hoodA1 });
    const cA2 = await make.council({ neighborhoodId: ids.hoodA2 });
    const cB1 = await make.council({ neighborhoodId: ids.hoodB1 });
    Object.assign(ids, { cA1: cA1.id, cA2: cA2.id, cB1: cB1.id });
    await db.update(councils).set({ createdAt: T("2025-01-01T00:00:00Z") });

    const [authorA, authorB, s1, s2, s3, s4, s5] = await make.users(7);
    // Seats: three in A1 (and one that ended before the month), two in A2, one in B1.
    await make.seat(cA1.id, [s1!, s2!, s3!]);
    await make.seat(cA2.id, [s4!, s5!]);
    await make.seat(cB1.id, [authorB!]);
    await db.insert(memberships).values({
      councilId: cA1.id,
      userId: authorA!.id,
      termNumber: 1,
      status: "ended",
      startedAt: T("2025-01-01T00:00:00Z"),
      endedAt: T("2025-08-01T00:00:00Z"),
    });
    await db
      .update(memberships)
      .set({ startedAt: T("2025-01-01T00:00:00Z") })
      .where(eq(memberships.status, "active"));

    // Meetings in Mehr: A1 holds two (one with quorum, its minutes approved; one without, no minutes),
    // A2 one with quorum whose minutes are still out for approval; a cancelled one and one in Aban do not count.
    const meeting = async (
      councilId: string,
      districtId: string,
      number: number,
      startsAt: string,
      extra: Partial<typeof meetings.$inferInsert>,
    ) => {
      const start = T(startsAt);
      const [row] = await db
        .insert(meetings)
        .values({
          councilId,
          districtId,
          number,
          startsAt: start,
          endsAt: new Date(start.getTime() + 7_200_000),
          place: "سرای محله",
          ...extra,
        })
        .returning({ id: meetings.id });
      return row!.id;
    };
    const closed = (present: number, seats: number, quorumMet: boolean, closedAt: string) => ({
      status: "closed" as const,
      closedAt: T(closedAt),
      presentCount: present,
      seats,
      quorumNeeded: 2,
      quorumMet,
    });
    const m1 = await meeting(cA1.id, ids.districtA, 1, "2025-10-01T14:00:00Z", closed(3, 3, true, "2025-10-01T16:00:00Z"));
    await meeting(cA1.id, ids.districtA, 2, "2025-10-05T14:00:00Z", closed(1, 3, false, "2025-10-05T16:00:00Z"));
    const m3 = await meeting(cA2.id, ids.districtA, 1, "2025-10-02T14:00:00Z", closed(2, 2, true, "2025-10-02T16:00:00Z"));
    await meeting(cA2.id, ids.districtA, 2, "2025-10-09T14:00:00Z", { status: "cancelled", cancelReason: "تعطیلی" });
    await meeting(cA1.id, ids.districtA, 3, "2025-11-01T14:00:00Z", closed(3, 3, true, "2025-11-01T16:00:00Z"));
    const minute = (meetingId: string, councilId: string, status: "approved" | "circulating") => ({
      meetingId,
      councilId,
      districtId: ids.districtA,
      status,
      circulatedAt: T("2025-10-03T00:00:00Z"),
      respondBy: T("2025-10-10T00:00:00Z"),
      approvedAt: status === "approved" ? T("2025-10-04T00:00:00Z") : null,
    });
    await db.insert(minutes).values([minute(m1, cA1.id, "approved"), minute(m3, cA2.id, "circulating")]);

    // Proposals filed in Mehr: three in A1, one in A2, one in B1; two in Mordad (outside the month).
    const topicX = await make.category("فضای سبز");
    const topicY = await make.category("روشنایی");
    const proposal = async (
      councilId: string,
      authorId: string,
      categoryId: string,
      status: typeof proposals.$inferInsert.status,
      createdAt: string,
    ) => {
      const id = await make.proposalRow({ councilId, authorId, categoryId, status });
      await db
        .update(proposals)
        .set({ createdAt: T(createdAt) })
        .where(eq(proposals.id, id));
      return id;
    };
    const p1 = await proposal(cA1.id, authorA!.id, topicX, "accepted", "2025-09-25T08:00:00Z");
    const p2 = await proposal(cA1.id, authorA!.id, topicX, "not_adopted", "2025-09-26T08:00:00Z");
    const p3 = await proposal(cA1.id, authorA!.id, topicY, "open", "2025-09-27T08:00:00Z");
    const p4 = await proposal(cA2.id, authorA!.id, topicY, "in_review", "2025-09-28T08:00:00Z");
    const p5 = await proposal(cB1.id, authorB!.id, topicX, "open", "2025-09-29T08:00:00Z");
    const p0 = await proposal(cA1.id, authorA!.id, topicX, "declined", "2025-08-01T08:00:00Z");
    const p6 = await proposal(cA1.id, authorA!.id, topicX, "in_review", "2025-08-02T08:00:00Z");
    const p7 = await proposal(cA1.id, authorA!.id, topicY, "in_review", "2025-08-03T08:00:00Z");

    const supported = (proposalId: string, userId: string) => ({ proposalId, userId, createdAt: T("2025-10-06T10:00:00Z") });
    await db
      .insert(supports)
      .values([
        supported(p1, s1!.id),
        supported(p1, s2!.id),
        supported(p1, s3!.id),
        supported(p3, s1!.id),
        supported(p5, s4!.id),
        supported(p5, s5!.id),
      ]);

    const vote = (proposalId: string, councilId: string, result: "adopted" | "not_adopted", closedAt: string) => ({
      proposalId,
      councilId,
      status: "closed" as const,
      opensAt: T("2025-09-30T00:00:00Z"),
      closesAt: T(closedAt),
      closedAt: T(closedAt),
      result,
    });
    await db
      .insert(votes)
      .values([
        vote(p1, cA1.id, "adopted", "2025-10-02T00:00:00Z"),
        vote(p2, cA1.id, "not_adopted", "2025-10-03T00:00:00Z"),
        vote(p4, cA2.id, "adopted", "2025-10-04T00:00:00Z"),
      ]);

    // Decisions in Mehr: 10 days after p1's adoption, 4 after p4's, 69 after p0's referral (no vote).
    const commissionId = await make.commission();
    const decided = (proposalId: string, referredAt: string, decision: "accepted" | "declined" | "returned", decidedAt: string) => ({
      proposalId,
      commissionId,
      referredAt: T(referredAt),
      dueAt: new Date(T(referredAt).getTime() + 30 * 86_400_000),
      decision,
      rationale: "به دلیل بودجه و اولویت‌های منطقه",
      decidedAt: T(decidedAt),
    });
    await db.insert(referrals).values([
      decided(p1, "2025-10-03T00:00:00Z", "accepted", "2025-10-12T00:00:00Z"),
      decided(p4, "2025-10-04T00:00:00Z", "returned", "2025-10-08T00:00:00Z"),
      decided(p0, "2025-08-02T00:00:00Z", "declined", "2025-10-10T00:00:00Z"),
      // Undecided: one past its due date in the month, one due after it.
      { proposalId: p6, commissionId, referredAt: T("2025-09-01T00:00:00Z"), dueAt: T("2025-10-01T00:00:00Z") },
      { proposalId: p7, commissionId, referredAt: T("2025-10-01T00:00:00Z"), dueAt: T("2025-11-15T00:00:00Z") },
    ]);

    // Discussion: A1's council thread has three messages in Mehr (two people) and one in Shahrivar;
    // B1's one; a commission's review thread stays out.
    const message = async (threadId: string, seq: number, authorId: string, createdAt: string) =>
      db.insert(threadMessages).values({ threadId, seq, version: seq, authorId, body: "نظر من درباره این موضوع", createdAt: T(createdAt) });
    const threadA1 = await make.thread({ kind: "council", councilId: cA1.id });
    const threadB1 = await make.thread({ kind: "council", councilId: cB1.id });
    const review = await make.thread({ kind: "commission", proposalId: p1, commissionId });
    await message(threadA1, 1, s1!.id, "2025-09-10T10:00:00Z");
    await message(threadA1, 2, s1!.id, "2025-10-07T10:00:00Z");
    await message(threadA1, 3, s2!.id, "2025-10-07T11:00:00Z");
    await message(threadA1, 4, s1!.id, "2025-10-08T10:00:00Z");
    await message(threadB1, 1, s5!.id, "2025-10-08T10:00:00Z");
    await message(review, 1, s3!.id, "2025-10-08T10:00:00Z");

    // The desk: A1's thread escalated and resolved 48 hours later; B1's surfaced, still new.
    await db.insert(escalations).values([
      {
        threadId: threadA1,
        districtId: ids.districtA,
        neighborhoodId: ids.hoodA1,
        escalatedAt: T("2025-10-05T00:00:00Z"),
        state: "resolved",
        stateChangedAt: T("2025-10-07T00:00:00Z"),
        createdAt: T("2025-10-05T00:00:00Z"),
      },
      {
        threadId: threadB1,
        districtId: ids.districtB,
        neighborhoodId: ids.hoodB1,
        surfacedAt: T("2025-10-06T00:00:00Z"),
        createdAt: T("2025-10-06T00:00:00Z"),
      },
    ]);
  });
  afterAll(() => database?.destroy());

  it("counts the city's month: councils, seats, meetings, proposals, votes, decisions, discussion, the desk", async () => {
    const a = await analyticsOf(db, { kind: "city" }, MEHR);
    const f = a.total;
    expect([f.livingCouncils, f.activeCouncils, f.members]).toEqual([3, 3, 6]);
    expect([f.meetingsRequired, f.meetingsHeld, f.meetingsWithQuorum, f.present, f.seats]).toEqual([6, 3, 2, 6, 8]);
    expect(attendanceRate(f)).toBe(75);
    expect([f.minutesSubmitted, f.minutesApproved, f.minutesLate]).toEqual([2, 1, 2]);
    expect([f.proposals, f.supports, f.votesClosed, f.votesAdopted]).toEqual([5, 6, 3, 2]);
    expect(adoptionRate(f)).toBe(66.7);
    expect([f.decisions, f.medianDaysToDecision, f.overdueReviews]).toEqual([3, 10, 1]);
    expect([f.messages, f.discussants]).toEqual([4, 3]);
    expect([f.surfaced, f.escalatedByPeople, f.resolved, f.medianHoursToResolve]).toEqual([2, 1, 1, 48]);
    expect([f.people, f.peopleCounted, f.population]).toEqual([7, 7, 3000]);
    expect(per1000(f)).toBe(2.3);
    expect(a.byStatus).toEqual([
      { status: "open", count: 2 },
      { status: "not_adopted", count: 1 },
      { status: "in_review", count: 1 },
      { status: "accepted", count: 1 },
    ]);
    expect(a.byTopic.map((t) => [t.name, t.count, t.adopted])).toEqual([
      ["فضای سبز", 3, 1],
      ["روشنایی", 2, 1],
    ]);
    expect(Object.fromEntries(a.decisions.map((d) => [d.decision, d.count]))).toEqual({ accepted: 1, returned: 1, declined: 1 });
    // Per district.
    const [unitA, unitB] = a.units.filter((u) => u.id === ids.districtA || u.id === ids.districtB);
    expect([unitA!.figures.livingCouncils, unitA!.figures.members, unitA!.figures.meetingsRequired, unitA!.figures.meetingsHeld]).toEqual([
      2, 5, 4, 3,
    ]);
    expect([unitA!.figures.proposals, unitA!.figures.supports, unitA!.figures.people, per1000(unitA!.figures)]).toEqual([4, 4, 4, 2]);
    expect([unitB!.figures.proposals, unitB!.figures.messages, unitB!.figures.surfaced, unitB!.figures.population]).toEqual([
      1, 1, 1, 1000,
    ]);
  });

  it("breaks a district into its neighborhoods; a neighborhood without a population has no rate", async () => {
    const a = await analyticsOf(db, { kind: "district", districtId: ids.districtA }, MEHR);
    expect([a.total.livingCouncils, a.total.members, a.total.proposals, a.total.decisions, a.total.medianDaysToDecision]).toEqual([
      2, 5, 4, 3, 10,
    ]);
    expect([a.total.messages, a.total.discussants, a.total.surfaced, a.total.overdueReviews]).toEqual([3, 2, 1, 1]);
    const byName = new Map(a.units.map((u) => [u.name, u.figures]));
    expect([byName.get("محله الف یک")!.people, per1000(byName.get("محله الف یک")!)]).toEqual([4, 2]);
    expect([byName.get("محله الف دو")!.people, byName.get("محله الف دو")!.population, per1000(byName.get("محله الف دو")!)]).toEqual([
      1,
      null,
      null,
    ]);
    const hood = await analyticsOf(db, { kind: "neighborhood", districtId: ids.districtA, neighborhoodId: ids.hoodA2 }, MEHR);
    expect([hood.total.members, hood.total.meetingsHeld, hood.total.proposals, hood.total.votesAdopted, hood.units.length]).toEqual([
      2, 1, 1, 1, 1,
    ]);
  });

  it("agrees with the district's month of meetings on what was held and where the minutes stand", async () => {
    const a = await analyticsOf(db, { kind: "district", districtId: ids.districtA }, MEHR);
    const month = await districtMonth(db, ids.districtA, { year: 1404, month: 7 });
    const sum = (pick: (c: (typeof month)[number]) => number) => month.reduce((s, c) => s + pick(c), 0);
    expect(a.total.meetingsHeld).toBe(sum((c) => c.held));
    expect(a.total.meetingsWithQuorum).toBe(sum((c) => c.heldWithQuorum));
    expect(a.total.meetingsRequired).toBe(sum((c) => c.minimum));
    expect(a.total.minutesApproved).toBe(sum((c) => c.meetings.filter((m) => m.minutes === "approved").length));
    expect(a.total.minutesLate).toBe(sum((c) => c.meetings.filter((m) => m.late).length));
  });

  it("sorts a season into its three months and a year into twelve", async () => {
    const season = await analyticsOf(db, { kind: "city" }, { kind: "season", year: 1404, season: 3 });
    expect(season.months.map((m) => m.month)).toEqual([7, 8, 9]);
    expect(season.months.map((m) => m.figures.proposals)).toEqual([5, 0, 0]);
    expect(season.months.map((m) => m.figures.meetingsHeld)).toEqual([3, 1, 0]);
    expect(season.months.map((m) => m.figures.meetingsRequired)).toEqual([6, 6, 6]);
    expect(season.total.meetingsRequired).toBe(18);
    const year = await analyticsOf(db, { kind: "city" }, { kind: "year", year: 1404 });
    expect(year.months).toHaveLength(12);
    expect(year.total.proposals).toBe(8);
    expect(year.months[4]!.figures.proposals).toBe(3); // Mordad
    expect(year.months[5]!.figures.messages).toBe(1); // Shahrivar
    expect(year.months.reduce((s, m) => s + m.figures.proposals, 0)).toBe(year.total.proposals);
  });

  it("counts only the months begun so far as owed meetings, and an empty period as zeros", async () => {
    const now = T("2025-10-10T00:00:00Z");
    const season = await analyticsOf(db, { kind: "city" }, { kind: "season", year: 1404, season: 3 }, now);
    expect(season.total.meetingsRequired).toBe(6);
    expect(season.months.map((m) => m.figures.meetingsRequired)).toEqual([6, 0, 0]);
    const empty = await analyticsOf(db, { kind: "city" }, { kind: "month", year: 1399, month: 1 });
    expect([empty.total.proposals, empty.total.livingCouncils, empty.total.medianDaysToDecision, adoptionRate(empty.total)]).toEqual([
      0,
      0,
      null,
      null,
    ]);
  });
});
