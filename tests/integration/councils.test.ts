import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changeCouncilStatus,
  councilHistory,
  createCouncil,
  endExpiredTerms,
  followState,
  getCouncilPublic,
  setFollow,
  startNewTerm,
} from "../../app/domain/councils.server";
import {
  appointOfficer,
  applyToCouncil,
  decideApplication,
  inviteToCouncil,
  leaveCouncil,
  removeMember,
  respondToInvitation,
  withdrawApplication,
} from "../../app/domain/membership.server";
import { assignRole, revokeRole, setStaffPowers } from "../../app/domain/roles.server";
import { applications, auditLog, councils, councilTerms, follows, invitations, memberships, roleAssignments, users } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { addDays, today } from "../support/dates";
import { errorText, factories, type Factories } from "../support/factories";

const TODAY = today();

const PLENTY = 10;

describe.each(BACKENDS)("councils and membership on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let managerId: string;
  let districtId: string;
  let make: Factories;

  /** A person with an active seat on the council, seated the ordinary way. */
  async function seated(councilId: string, name?: string) {
    const user = await make.user({ name });
    const applied = await applyToCouncil(db, { userId: user.id, councilId, statement: "", seatLimit: PLENTY });
    if (!applied.ok) throw new Error(applied.error);
    const decided = await decideApplication(db, {
      actorId: managerId,
      applicationId: applied.applicationId,
      decision: "approve",
      reason: "",
      seatLimit: PLENTY,
    });
    if (!decided.ok) throw new Error(decided.error);
    const [seat] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.councilId, councilId), eq(memberships.userId, user.id), eq(memberships.status, "active")));
    return { ...user, membershipId: seat!.id };
  }

  async function apply(councilId: string, userId: string, seatLimit = PLENTY) {
    const result = await applyToCouncil(db, { userId, councilId, statement: "می‌خواهم کمک کنم", seatLimit });
    if (!result.ok) throw new Error(result.error);
    return result.applicationId;
  }

  const council = async (id: string) => (await db.select().from(councils).where(eq(councils.id, id)))[0]!;
  const seatsOf = (councilId: string) => db.select().from(memberships).where(eq(memberships.councilId, councilId));
  const activeSeatsOf = (userId: string) =>
    db
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.status, "active")));
  const application = async (id: string) => (await db.select().from(applications).where(eq(applications.id, id)))[0]!;
  const auditOf = (councilId: string, action: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.councilId, councilId), eq(auditLog.action, action)));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    // Terms here end 300 days from now: the term tests below count from that end.
    make = factories(db, { firstPhone: "+989131000000", charter: { termStart: addDays(TODAY, -10), termEnd: addDays(TODAY, 300) } });
    managerId = (await make.user({ name: "مدیر منطقه" })).id;
    districtId = await make.district();
    make.defaults.founderId = managerId;
    make.defaults.districtId = districtId;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("creating councils", () => {
    it("stores the charter, the first term and a public record", async () => {
      const neighborhoodId = await make.neighborhood();
      const input = make.charter({ quorumPercent: 60, votingPeriodDays: 3, ballot: "secret" });
      const result = await createCouncil(db, managerId, neighborhoodId, input, "req-c1");
      if (!result.ok) throw new Error(result.error);

      expect(await council(result.id)).toMatchObject({
        neighborhoodId,
        districtId,
        status: "active",
        termNumber: 1,
        termStart: input.termStart,
        termEnd: input.termEnd,
        quorumPercent: 60,
        votingPeriodHours: 72,
        ballot: "secret",
        createdBy: managerId,
      });
      const terms = await db.select().from(councilTerms).where(eq(councilTerms.councilId, result.id));
      expect(terms).toHaveLength(1);
      expect(terms[0]).toMatchObject({ number: 1, termStart: input.termStart, termEnd: input.termEnd, endedAt: null });
      const audit = await auditOf(result.id, "council.created");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ isPublic: true, districtId, actorId: managerId, requestId: "req-c1" });
    });

    it("refuses a second living council for the same neighborhood", async () => {
      const neighborhoodId = await make.neighborhood();
      expect((await createCouncil(db, managerId, neighborhoodId, make.charter())).ok).toBe(true);
      expect(await createCouncil(db, managerId, neighborhoodId, make.charter())).toEqual({ ok: false, error: "council_exists" });
      expect(await db.select().from(councils).where(eq(councils.neighborhoodId, neighborhoodId))).toHaveLength(1);
    });

    it("lets exactly one of three simultaneous creations through", async () => {
      const neighborhoodId = await make.neighborhood();
      const results = await Promise.all([1, 2, 3].map(() => createCouncil(db, managerId, neighborhoodId, make.charter())));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([
        { ok: false, error: "council_exists" },
        { ok: false, error: "council_exists" },
      ]);
      const rows = await db.select().from(councils).where(eq(councils.neighborhoodId, neighborhoodId));
      expect(rows).toHaveLength(1);
      expect(await db.select().from(councilTerms).where(eq(councilTerms.councilId, rows[0]!.id))).toHaveLength(1);
      expect(await auditOf(rows[0]!.id, "council.created")).toHaveLength(1);
    });

    it("answers not_found for a neighborhood that does not exist", async () => {
      expect(await createCouncil(db, managerId, crypto.randomUUID(), make.charter())).toEqual({ ok: false, error: "not_found" });
    });
  });

  describe("the database guards the charter", () => {
    async function insertCouncil(overrides: Partial<typeof councils.$inferInsert>) {
      const neighborhoodId = await make.neighborhood();
      return db.insert(councils).values({
        neighborhoodId,
        districtId,
        termStart: "2026-01-01",
        termEnd: "2027-01-01",
        quorumPercent: 50,
        votingPeriodHours: 168,
        majorityRule: "simple",
        proposers: "residents",
        supportThreshold: 20,
        ballot: "open",
        reportsToHide: 3,
        ...overrides,
      });
    }

    it("accepts the valid base row (so each refusal below is for its own reason)", async () => {
      await expect(insertCouncil({})).resolves.toBeDefined();
      await expect(insertCouncil({ quorumPercent: 1, votingPeriodHours: 1440 })).resolves.toBeDefined();
    });

    it.each([
      ["quorum 0%", { quorumPercent: 0 }, "councils_quorum_range"],
      ["quorum 150%", { quorumPercent: 150 }, "councils_quorum_range"],
      ["a voting period of 0 hours", { votingPeriodHours: 0 }, "councils_voting_period_range"],
      ["a voting period of 10 years", { votingPeriodHours: 24 * 3650 }, "councils_voting_period_range"],
      ["a voting period of 61 days", { votingPeriodHours: 24 * 61 }, "councils_voting_period_range"],
      ["a term ending before it starts", { termStart: "2026-05-01", termEnd: "2026-04-30" }, "councils_term_order"],
      ["a term ending the day it starts", { termStart: "2026-05-01", termEnd: "2026-05-01" }, "councils_term_order"],
      ["an unknown status", { status: "paused" as never }, "councils_status_valid"],
      ["term number 0", { termNumber: 0 }, "councils_term_number_positive"],
    ])("refuses %s", async (_, overrides, constraint) => {
      let failure: unknown = null;
      await insertCouncil(overrides).catch((error: unknown) => {
        failure = error;
      });
      expect(failure, "insert was allowed").not.toBeNull();
      expect(errorText(failure)).toContain(constraint);
    });

    it("refuses a second active seat, chair or secretary for the same council", async () => {
      const councilId = (await make.council()).id;
      const a = await seated(councilId);
      const b = await seated(councilId);
      await expect(db.insert(memberships).values({ councilId, userId: a.id, termNumber: 1 })).rejects.toThrow();
      await db.update(memberships).set({ role: "chair" }).where(eq(memberships.id, a.membershipId));
      let failure: unknown = null;
      await db
        .update(memberships)
        .set({ role: "chair" })
        .where(eq(memberships.id, b.membershipId))
        .catch((error: unknown) => {
          failure = error;
        });
      expect(errorText(failure)).toContain("memberships_one_chair");
    });
  });

  describe("applying", () => {
    it("files a pending application for the current term", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const result = await applyToCouncil(db, { userId: user.id, councilId, statement: "سلام", seatLimit: 1 });
      if (!result.ok) throw new Error(result.error);
      expect(await application(result.applicationId)).toMatchObject({
        councilId,
        userId: user.id,
        termNumber: 1,
        statement: "سلام",
        status: "pending",
        decidedAt: null,
      });
      const audit = await auditOf(councilId, "application.submitted");
      expect(audit).toHaveLength(1);
      // Who applied where is not part of the public history.
      expect(audit[0]).toMatchObject({ isPublic: false, actorId: user.id, subjectId: result.applicationId });
    });

    it("refuses a second application while one is pending", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      await apply(councilId, user.id);
      expect(await applyToCouncil(db, { userId: user.id, councilId, statement: "", seatLimit: 1 })).toEqual({
        ok: false,
        error: "already_applied",
      });
      expect(await db.select().from(applications).where(eq(applications.userId, user.id))).toHaveLength(1);
    });

    it("keeps exactly one pending row when two applications arrive together", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const results = await Promise.all([1, 2].map(() => applyToCouncil(db, { userId: user.id, councilId, statement: "", seatLimit: 1 })));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "already_applied" }]);
      const rows = await db.select().from(applications).where(eq(applications.userId, user.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe("pending");
      expect(await auditOf(councilId, "application.submitted")).toHaveLength(1);
    });

    it("refuses suspended and dissolved councils", async () => {
      const suspended = (await make.council()).id;
      const dissolved = (await make.council()).id;
      expect((await changeCouncilStatus(db, managerId, suspended, "suspend", "بررسی")).ok).toBe(true);
      expect((await changeCouncilStatus(db, managerId, dissolved, "dissolve", "پایان")).ok).toBe(true);
      const user = await make.user();
      for (const councilId of [suspended, dissolved]) {
        expect(await applyToCouncil(db, { userId: user.id, councilId, statement: "", seatLimit: 1 })).toEqual({
          ok: false,
          error: "council_not_active",
        });
      }
      expect(await db.select().from(applications).where(eq(applications.userId, user.id))).toHaveLength(0);
    });

    it("accepts applications on the term's last day and refuses them the day after", async () => {
      const lastDayToday = (await make.council({ charter: { termStart: addDays(TODAY, -100), termEnd: TODAY } })).id;
      const endedYesterday = (await make.council({ charter: { termStart: addDays(TODAY, -100), termEnd: addDays(TODAY, -1) } })).id;
      const upcoming = (await make.council({ charter: { termStart: addDays(TODAY, 1), termEnd: addDays(TODAY, 100) } })).id;
      const user = await make.user();
      expect((await applyToCouncil(db, { userId: user.id, councilId: lastDayToday, statement: "", seatLimit: PLENTY })).ok).toBe(true);
      expect((await applyToCouncil(db, { userId: user.id, councilId: upcoming, statement: "", seatLimit: PLENTY })).ok).toBe(true);
      expect(await applyToCouncil(db, { userId: user.id, councilId: endedYesterday, statement: "", seatLimit: PLENTY })).toEqual({
        ok: false,
        error: "term_ended",
      });
    });

    it("refuses a person who already sits on the council, or who is at the seat limit", async () => {
      const councilId = (await make.council()).id;
      const other = (await make.council()).id;
      const member = await seated(councilId);
      expect(await applyToCouncil(db, { userId: member.id, councilId, statement: "", seatLimit: PLENTY })).toEqual({
        ok: false,
        error: "already_member",
      });
      expect(await applyToCouncil(db, { userId: member.id, councilId: other, statement: "", seatLimit: 1 })).toEqual({
        ok: false,
        error: "membership_limit",
      });
      expect((await applyToCouncil(db, { userId: member.id, councilId: other, statement: "", seatLimit: 2 })).ok).toBe(true);
    });

    it("lets only the applicant withdraw, once, and apply again afterwards", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const stranger = await make.user();
      const id = await apply(councilId, user.id);

      expect(await withdrawApplication(db, stranger.id, id)).toEqual({ ok: false, error: "already_decided" });
      expect((await application(id)).status).toBe("pending");

      expect(await withdrawApplication(db, user.id, id)).toEqual({ ok: true });
      const row = await application(id);
      expect(row.status).toBe("withdrawn");
      expect(row.decidedAt).toBeInstanceOf(Date);
      expect(await withdrawApplication(db, user.id, id)).toEqual({ ok: false, error: "already_decided" });
      expect(await auditOf(councilId, "application.withdrawn")).toHaveLength(1);

      // A withdrawn application can no longer be approved.
      expect(
        await decideApplication(db, { actorId: managerId, applicationId: id, decision: "approve", reason: "", seatLimit: PLENTY }),
      ).toEqual({ ok: false, error: "already_decided" });
      expect(await activeSeatsOf(user.id)).toHaveLength(0);

      expect((await applyToCouncil(db, { userId: user.id, councilId, statement: "", seatLimit: 1 })).ok).toBe(true);
    });
  });

  describe("deciding applications", () => {
    it("seats an approved applicant and records it publicly without the phone number", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user({ name: "زهرا احمدی" });
      const id = await apply(councilId, user.id);
      const result = await decideApplication(
        db,
        { actorId: managerId, applicationId: id, decision: "approve", reason: "", seatLimit: 1 },
        "req-approve",
      );
      expect(result).toEqual({ ok: true, userId: user.id, councilId });

      expect(await application(id)).toMatchObject({ status: "approved", decidedBy: managerId });
      const seats = await seatsOf(councilId);
      expect(seats).toHaveLength(1);
      expect(seats[0]).toMatchObject({
        userId: user.id,
        role: "member",
        status: "active",
        termNumber: 1,
        decidedBy: managerId,
        endedAt: null,
      });

      const joined = await auditOf(councilId, "membership.joined");
      expect(joined).toHaveLength(1);
      expect(joined[0]).toMatchObject({
        isPublic: true,
        districtId,
        subjectId: seats[0]!.id,
        requestId: "req-approve",
        data: { name: "زهرا احمدی", via: "application", termNumber: 1 },
      });
      expect(JSON.stringify(joined[0]!.data)).not.toContain(user.phone);
      expect(JSON.stringify(joined[0]!.data)).not.toContain(user.phone.slice(3));

      const history = await councilHistory(db, councilId);
      expect(history.map((h) => h.action)).toEqual(["membership.joined", "council.created"]);
      expect(JSON.stringify(history)).not.toContain(user.phone.slice(3));
      const page = await getCouncilPublic(db, councilId);
      expect(page!.active.map((s) => s.userId)).toEqual([user.id]);
      expect(JSON.stringify(page)).not.toContain(user.phone.slice(3));
    });

    it("rejects with a reason and seats nobody", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const id = await apply(councilId, user.id);
      expect(
        await decideApplication(db, { actorId: managerId, applicationId: id, decision: "reject", reason: "ساکن محله نیست", seatLimit: 1 }),
      ).toEqual({ ok: true, userId: user.id, councilId });
      expect(await application(id)).toMatchObject({ status: "rejected", reason: "ساکن محله نیست", decidedBy: managerId });
      expect(await seatsOf(councilId)).toHaveLength(0);
      expect(await auditOf(councilId, "application.rejected")).toHaveLength(1);
    });

    it("counts only the first of two simultaneous approvals", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const id = await apply(councilId, user.id);
      const input = { actorId: managerId, applicationId: id, decision: "approve", reason: "", seatLimit: 1 } as const;
      const results = await Promise.all([decideApplication(db, input), decideApplication(db, input)]);
      expect(results.filter((r) => r.ok)).toEqual([{ ok: true, userId: user.id, councilId }]);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "already_decided" }]);
      expect(await seatsOf(councilId)).toHaveLength(1);
      expect(await auditOf(councilId, "membership.joined")).toHaveLength(1);
      expect(await auditOf(councilId, "application.approved")).toHaveLength(1);
    });

    it("refuses an approval past the seat limit and leaves the application pending", async () => {
      const a = (await make.council()).id;
      const b = (await make.council()).id;
      const user = await make.user();
      const idB = await apply(b, user.id, 1);
      const idA = await apply(a, user.id, 1);
      expect(
        (await decideApplication(db, { actorId: managerId, applicationId: idA, decision: "approve", reason: "", seatLimit: 1 })).ok,
      ).toBe(true);

      expect(
        await decideApplication(db, { actorId: managerId, applicationId: idB, decision: "approve", reason: "", seatLimit: 1 }),
      ).toEqual({ ok: false, error: "membership_limit" });
      expect(await application(idB)).toMatchObject({ status: "pending", decidedAt: null, decidedBy: null });
      expect(await seatsOf(b)).toHaveLength(0);
      expect(await auditOf(b, "application.approved")).toHaveLength(0);
      expect(await auditOf(b, "membership.joined")).toHaveLength(0);

      // With a higher limit the same application goes through.
      expect(
        (await decideApplication(db, { actorId: managerId, applicationId: idB, decision: "approve", reason: "", seatLimit: 2 })).ok,
      ).toBe(true);
      expect(await activeSeatsOf(user.id)).toHaveLength(2);
    });

    it("gives one seat when one person is approved in two councils at once with a limit of 1", async () => {
      const a = (await make.council()).id;
      const b = (await make.council()).id;
      const user = await make.user();
      const ids = [await apply(a, user.id, 1), await apply(b, user.id, 1)];
      const results = await Promise.all(
        ids.map((applicationId) =>
          decideApplication(db, { actorId: managerId, applicationId, decision: "approve", reason: "", seatLimit: 1 }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "membership_limit" }]);
      const seats = await activeSeatsOf(user.id);
      expect(seats).toHaveLength(1);
      const winner = results.find((r) => r.ok) as { councilId: string };
      expect(seats[0]!.councilId).toBe(winner.councilId);
      const statuses = (await db.select().from(applications).where(inArray(applications.id, ids))).map((r) => r.status).sort();
      expect(statuses).toEqual(["approved", "pending"]);
    });

    it("does not seat anyone on a suspended council", async () => {
      const councilId = (await make.council()).id;
      const user = await make.user();
      const id = await apply(councilId, user.id);
      await changeCouncilStatus(db, managerId, councilId, "suspend", "بازبینی");
      expect(await decideApplication(db, { actorId: managerId, applicationId: id, decision: "approve", reason: "", seatLimit: 1 })).toEqual(
        { ok: false, error: "council_not_active" },
      );
      expect((await application(id)).status).toBe("pending");
      expect(await seatsOf(councilId)).toHaveLength(0);
    });
  });

  describe("invitations", () => {
    it("waits for a number without an account, then seats the person when they accept", async () => {
      const councilId = (await make.council()).id;
      const phone = make.nextPhone();
      const sent = await inviteToCouncil(db, { actorId: managerId, councilId, phone });
      if (!sent.ok) throw new Error(sent.error);
      expect(sent.userId).toBeNull();
      const [row] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(row).toMatchObject({ councilId, phone, termNumber: 1, status: "pending", invitedBy: managerId, userId: null });
      const [sentAudit] = await auditOf(councilId, "invitation.sent");
      expect(sentAudit!.isPublic).toBe(false);

      const [user] = await db.insert(users).values({ phone, displayName: "مریم کریمی", passwordHash: "x" }).returning({ id: users.id });
      expect(
        await respondToInvitation(db, { userId: user!.id, phone, invitationId: sent.invitationId, accept: true, seatLimit: 1 }),
      ).toEqual({ ok: true });

      const [after] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(after).toMatchObject({ status: "accepted", userId: user!.id });
      expect(after!.respondedAt).toBeInstanceOf(Date);
      const seats = await seatsOf(councilId);
      expect(seats).toHaveLength(1);
      expect(seats[0]).toMatchObject({ userId: user!.id, status: "active", role: "member", decidedBy: managerId });
      const [joined] = await auditOf(councilId, "membership.joined");
      expect(joined).toMatchObject({ isPublic: true, actorId: managerId, data: { name: "مریم کریمی", via: "invitation" } });
      expect(JSON.stringify(joined!.data)).not.toContain(phone.slice(3));

      expect(
        await respondToInvitation(db, { userId: user!.id, phone, invitationId: sent.invitationId, accept: true, seatLimit: 1 }),
      ).toEqual({ ok: false, error: "already_decided" });
      expect(await seatsOf(councilId)).toHaveLength(1);
    });

    it("lets only the invited number answer, and a decline seats nobody", async () => {
      const councilId = (await make.council()).id;
      const invited = await make.user();
      const other = await make.user();
      const sent = await inviteToCouncil(db, { actorId: managerId, councilId, phone: invited.phone });
      if (!sent.ok) throw new Error(sent.error);
      expect(sent.userId).toBe(invited.id);

      expect(
        await respondToInvitation(db, {
          userId: other.id,
          phone: other.phone,
          invitationId: sent.invitationId,
          accept: true,
          seatLimit: 1,
        }),
      ).toEqual({ ok: false, error: "already_decided" });
      const [still] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(still!.status).toBe("pending");

      expect(
        await respondToInvitation(db, {
          userId: invited.id,
          phone: invited.phone,
          invitationId: sent.invitationId,
          accept: false,
          seatLimit: 1,
        }),
      ).toEqual({ ok: true });
      const [declined] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(declined!.status).toBe("declined");
      expect(await seatsOf(councilId)).toHaveLength(0);
      expect(await auditOf(councilId, "invitation.declined")).toHaveLength(1);
    });

    it("keeps an accepted invitation pending when the person is at the seat limit", async () => {
      const councilId = (await make.council()).id;
      const member = await seated((await make.council()).id);
      const sent = await inviteToCouncil(db, { actorId: managerId, councilId, phone: member.phone });
      if (!sent.ok) throw new Error(sent.error);
      expect(
        await respondToInvitation(db, {
          userId: member.id,
          phone: member.phone,
          invitationId: sent.invitationId,
          accept: true,
          seatLimit: 1,
        }),
      ).toEqual({ ok: false, error: "membership_limit" });
      const [row] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(row!.status).toBe("pending");
      expect(await seatsOf(councilId)).toHaveLength(0);
    });

    it("refuses to invite a member, to invite twice, or to invite to a suspended council", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId);
      expect(await inviteToCouncil(db, { actorId: managerId, councilId, phone: member.phone })).toEqual({
        ok: false,
        error: "already_member",
      });

      const phone = make.nextPhone();
      expect((await inviteToCouncil(db, { actorId: managerId, councilId, phone })).ok).toBe(true);
      expect(await inviteToCouncil(db, { actorId: managerId, councilId, phone })).toEqual({ ok: false, error: "already_invited" });
      const rows = await db
        .select()
        .from(invitations)
        .where(and(eq(invitations.councilId, councilId), eq(invitations.phone, phone)));
      expect(rows).toHaveLength(1);

      await changeCouncilStatus(db, managerId, councilId, "suspend", "بازبینی");
      expect(await inviteToCouncil(db, { actorId: managerId, councilId, phone: make.nextPhone() })).toEqual({
        ok: false,
        error: "council_not_active",
      });
    });
  });

  describe("officers", () => {
    const chairs = async (councilId: string) =>
      (await seatsOf(councilId)).filter((s) => s.status === "active" && s.role === "chair").map((s) => s.userId);

    it("appoints a chair to an empty office and refuses a stale second appointment", async () => {
      const councilId = (await make.council()).id;
      const a = await seated(councilId, "علی رضایی");
      const b = await seated(councilId);

      expect(
        await appointOfficer(db, { actorId: managerId, councilId, membershipId: a.membershipId, office: "chair", expectedHolder: "none" }),
      ).toEqual({ ok: true, userId: a.id, previousUserId: null });
      expect(await chairs(councilId)).toEqual([a.id]);
      const [audit] = await auditOf(councilId, "membership.chair_appointed");
      expect(audit).toMatchObject({ isPublic: true, subjectId: a.membershipId, data: { name: "علی رضایی", previous: null } });

      // The manager's screen still showed an empty office.
      expect(
        await appointOfficer(db, { actorId: managerId, councilId, membershipId: b.membershipId, office: "chair", expectedHolder: "none" }),
      ).toEqual({ ok: false, error: "concurrent_change" });
      expect(await chairs(councilId)).toEqual([a.id]);
      expect(await auditOf(councilId, "membership.chair_appointed")).toHaveLength(1);

      // With the holder it saw, the change goes through and the old chair becomes a member.
      expect(
        await appointOfficer(db, {
          actorId: managerId,
          councilId,
          membershipId: b.membershipId,
          office: "chair",
          expectedHolder: a.membershipId,
        }),
      ).toEqual({ ok: true, userId: b.id, previousUserId: a.id });
      expect(await chairs(councilId)).toEqual([b.id]);
      const [old] = await db.select().from(memberships).where(eq(memberships.id, a.membershipId));
      expect(old).toMatchObject({ role: "member", status: "active" });
    });

    it("lets one of two simultaneous appointments win", async () => {
      const councilId = (await make.council()).id;
      const a = await seated(councilId);
      const b = await seated(councilId);
      const results = await Promise.all(
        [a, b].map((m) =>
          appointOfficer(db, { actorId: managerId, councilId, membershipId: m.membershipId, office: "chair", expectedHolder: "none" }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "concurrent_change" }]);
      const winner = results.find((r) => r.ok) as { userId: string };
      expect(await chairs(councilId)).toEqual([winner.userId]);
      expect(await auditOf(councilId, "membership.chair_appointed")).toHaveLength(1);
    });

    it("moves the secretary to the chair, leaving the secretary's office empty", async () => {
      const councilId = (await make.council()).id;
      const chair = await seated(councilId);
      const secretary = await seated(councilId);
      await appointOfficer(db, {
        actorId: managerId,
        councilId,
        membershipId: chair.membershipId,
        office: "chair",
        expectedHolder: "none",
      });
      expect(
        await appointOfficer(db, {
          actorId: managerId,
          councilId,
          membershipId: secretary.membershipId,
          office: "secretary",
          expectedHolder: "none",
        }),
      ).toMatchObject({ ok: true });

      expect(
        await appointOfficer(db, {
          actorId: managerId,
          councilId,
          membershipId: secretary.membershipId,
          office: "chair",
          expectedHolder: chair.membershipId,
        }),
      ).toEqual({ ok: true, userId: secretary.id, previousUserId: chair.id });
      const roles = Object.fromEntries((await seatsOf(councilId)).map((s) => [s.userId, s.role]));
      expect(roles).toEqual({ [chair.id]: "member", [secretary.id]: "chair" });
    });

    it("refuses to appoint someone without an active seat", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId);
      await leaveCouncil(db, member.id, councilId);
      expect(
        await appointOfficer(db, {
          actorId: managerId,
          councilId,
          membershipId: member.membershipId,
          office: "chair",
          expectedHolder: "none",
        }),
      ).toEqual({ ok: false, error: "not_a_member" });
      // A seat on another council is not a seat here.
      const elsewhere = await seated((await make.council()).id);
      expect(
        await appointOfficer(db, {
          actorId: managerId,
          councilId,
          membershipId: elsewhere.membershipId,
          office: "chair",
          expectedHolder: "none",
        }),
      ).toEqual({ ok: false, error: "not_a_member" });
      expect(await chairs(councilId)).toEqual([]);
    });
  });

  describe("removing and leaving", () => {
    it("removes a member with a public, reasoned record", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId, "رضا موسوی");
      const result = await removeMember(db, { actorId: managerId, councilId, membershipId: member.membershipId, reason: "غیبت مکرر" });
      expect(result).toEqual({ ok: true, userId: member.id });

      const [seat] = await db.select().from(memberships).where(eq(memberships.id, member.membershipId));
      expect(seat).toMatchObject({ status: "removed", endReason: "غیبت مکرر", decidedBy: managerId });
      expect(seat!.endedAt).toBeInstanceOf(Date);
      const audit = await auditOf(councilId, "membership.removed");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ isPublic: true, reason: "غیبت مکرر", data: { name: "رضا موسوی", role: "member" } });
      expect(JSON.stringify(audit[0]!.data)).not.toContain(member.phone.slice(3));
      expect((await councilHistory(db, councilId))[0]).toMatchObject({ action: "membership.removed", reason: "غیبت مکرر" });

      expect(await removeMember(db, { actorId: managerId, councilId, membershipId: member.membershipId, reason: "دوباره" })).toEqual({
        ok: false,
        error: "not_a_member",
      });
    });

    it("does not remove a seat through another council's id", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId);
      const other = (await make.council()).id;
      expect(await removeMember(db, { actorId: managerId, councilId: other, membershipId: member.membershipId, reason: "x" })).toEqual({
        ok: false,
        error: "not_a_member",
      });
      expect((await activeSeatsOf(member.id)).map((s) => s.id)).toEqual([member.membershipId]);
    });

    it("lets a member leave once", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId);
      expect(await leaveCouncil(db, member.id, councilId)).toEqual({ ok: true });
      const [seat] = await db.select().from(memberships).where(eq(memberships.id, member.membershipId));
      expect(seat).toMatchObject({ status: "left", endReason: "left" });
      expect(seat!.endedAt).toBeInstanceOf(Date);
      expect(await auditOf(councilId, "membership.left")).toMatchObject([{ isPublic: true, actorId: member.id }]);
      expect(await leaveCouncil(db, member.id, councilId)).toEqual({ ok: false, error: "not_a_member" });
      // Having left, they may apply again.
      expect((await applyToCouncil(db, { userId: member.id, councilId, statement: "", seatLimit: 1 })).ok).toBe(true);
    });
  });

  describe("council status", () => {
    it("suspends and resumes only from the right state, keeping seats", async () => {
      const councilId = (await make.council()).id;
      const member = await seated(councilId);
      expect(await changeCouncilStatus(db, managerId, councilId, "suspend", "شکایت")).toEqual({ ok: true, status: "suspended" });
      expect(await council(councilId)).toMatchObject({ status: "suspended", statusReason: "شکایت" });
      expect(await changeCouncilStatus(db, managerId, councilId, "suspend", "دوباره")).toEqual({ ok: false, error: "status_conflict" });
      expect((await council(councilId)).statusReason).toBe("شکایت");
      expect(await activeSeatsOf(member.id)).toHaveLength(1);

      expect(await changeCouncilStatus(db, managerId, councilId, "resume", "رفع شد")).toEqual({ ok: true, status: "active" });
      expect(await changeCouncilStatus(db, managerId, councilId, "resume", "دوباره")).toEqual({ ok: false, error: "status_conflict" });
      const audit = await db.select().from(auditLog).where(eq(auditLog.councilId, councilId));
      expect(audit.filter((a) => a.action === "council.suspended")).toMatchObject([{ isPublic: true, reason: "شکایت" }]);
      expect(audit.filter((a) => a.action === "council.active")).toMatchObject([{ isPublic: true, reason: "رفع شد" }]);
    });

    it("dissolves once, ending seats and closing what was waiting", async () => {
      const neighborhoodId = await make.neighborhood();
      const created = await createCouncil(db, managerId, neighborhoodId, make.charter());
      if (!created.ok) throw new Error(created.error);
      const councilId = created.id;
      const a = await seated(councilId);
      const b = await seated(councilId);
      const applicant = await make.user();
      const applicationId = await apply(councilId, applicant.id);
      const sent = await inviteToCouncil(db, { actorId: managerId, councilId, phone: make.nextPhone() });
      if (!sent.ok) throw new Error(sent.error);

      expect(await changeCouncilStatus(db, managerId, councilId, "dissolve", "انحلال به درخواست اعضا")).toEqual({
        ok: true,
        status: "dissolved",
      });
      const seats = await seatsOf(councilId);
      expect(seats.map((s) => s.userId).sort()).toEqual([a.id, b.id].sort());
      for (const seat of seats) {
        expect(seat).toMatchObject({ status: "ended", endReason: "انحلال به درخواست اعضا" });
        expect(seat.endedAt).toBeInstanceOf(Date);
      }
      expect(await application(applicationId)).toMatchObject({
        status: "rejected",
        decidedBy: managerId,
        reason: "انحلال به درخواست اعضا",
      });
      const [invitation] = await db.select().from(invitations).where(eq(invitations.id, sent.invitationId));
      expect(invitation!.status).toBe("revoked");
      const [term] = await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId));
      expect(term!.endedAt).toBeInstanceOf(Date);
      expect(await auditOf(councilId, "council.dissolved")).toMatchObject([{ isPublic: true, reason: "انحلال به درخواست اعضا" }]);

      expect(await changeCouncilStatus(db, managerId, councilId, "dissolve", "دوباره")).toEqual({ ok: false, error: "status_conflict" });
      expect(await changeCouncilStatus(db, managerId, councilId, "resume", "بازگشت")).toEqual({ ok: false, error: "status_conflict" });
      expect(await auditOf(councilId, "council.dissolved")).toHaveLength(1);
      expect(await startNewTerm(db, managerId, councilId, { termStart: addDays(TODAY, 400), termEnd: addDays(TODAY, 700) })).toEqual({
        ok: false,
        error: "council_dissolved",
      });

      // The neighborhood may get a new council; the dissolved one stays as history.
      const again = await createCouncil(db, managerId, neighborhoodId, make.charter());
      expect(again.ok).toBe(true);
      expect(await db.select().from(councils).where(eq(councils.neighborhoodId, neighborhoodId))).toHaveLength(2);
    });

    it("lets one of two simultaneous dissolutions through", async () => {
      const councilId = (await make.council()).id;
      await seated(councilId);
      const results = await Promise.all([1, 2].map(() => changeCouncilStatus(db, managerId, councilId, "dissolve", "پایان")));
      expect(results.filter((r) => r.ok)).toEqual([{ ok: true, status: "dissolved" }]);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "status_conflict" }]);
      expect(await auditOf(councilId, "council.dissolved")).toHaveLength(1);
    });
  });

  describe("terms", () => {
    it("refuses a new term that does not start after the current one", async () => {
      const councilId = (await make.council()).id;
      const before = await council(councilId);
      for (const termStart of [before.termEnd, addDays(before.termEnd, -30), before.termStart]) {
        expect(await startNewTerm(db, managerId, councilId, { termStart, termEnd: addDays(termStart, 365) })).toEqual({
          ok: false,
          error: "term_overlaps",
        });
      }
      expect(await council(councilId)).toEqual(before);
      expect(await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId))).toHaveLength(1);
    });

    it("starts term 2: old seats end, waiting applications move along", async () => {
      const councilId = (await make.council()).id;
      const old = await council(councilId);
      const a = await seated(councilId);
      const b = await seated(councilId);
      const applicant = await make.user();
      const waiting = await apply(councilId, applicant.id);
      const next = { termStart: addDays(old.termEnd, 1), termEnd: addDays(old.termEnd, 366) };

      expect(await startNewTerm(db, managerId, councilId, next, "req-term")).toEqual({ ok: true, termNumber: 2 });
      expect(await council(councilId)).toMatchObject({ termNumber: 2, ...next, status: "active" });
      for (const seat of await seatsOf(councilId)) {
        expect(seat).toMatchObject({ status: "ended", endReason: "term_ended", termNumber: 1 });
      }
      expect((await seatsOf(councilId)).map((s) => s.userId).sort()).toEqual([a.id, b.id].sort());
      const terms = await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId));
      expect(terms.sort((x, y) => x.number - y.number)).toMatchObject([
        { number: 1, termStart: old.termStart, termEnd: old.termEnd },
        { number: 2, ...next, endedAt: null },
      ]);
      expect(terms[0]!.endedAt).toBeInstanceOf(Date);
      expect(await application(waiting)).toMatchObject({ status: "pending", termNumber: 2 });
      expect(await auditOf(councilId, "council.term_started")).toMatchObject([
        { isPublic: true, requestId: "req-term", data: { termNumber: 2, ...next } },
      ]);

      // Approving it now seats the person in term 2; former members may apply again.
      expect(
        (await decideApplication(db, { actorId: managerId, applicationId: waiting, decision: "approve", reason: "", seatLimit: 1 })).ok,
      ).toBe(true);
      expect(await activeSeatsOf(applicant.id)).toMatchObject([{ councilId, termNumber: 2 }]);
      expect((await applyToCouncil(db, { userId: a.id, councilId, statement: "", seatLimit: 1 })).ok).toBe(true);
    });

    it("ends expired terms once, and not before the last day has passed", async () => {
      const termEnd = addDays(TODAY, 20);
      const councilId = (await make.council({ charter: { termEnd } })).id;
      const a = await seated(councilId);
      const b = await seated(councilId);

      await endExpiredTerms(db, termEnd);
      expect((await seatsOf(councilId)).every((s) => s.status === "active")).toBe(true);
      expect(await auditOf(councilId, "council.term_ended")).toHaveLength(0);

      const dayAfter = addDays(termEnd, 1);
      expect(await endExpiredTerms(db, dayAfter)).toBeGreaterThanOrEqual(1);
      const seats = await seatsOf(councilId);
      expect(seats.map((s) => s.userId).sort()).toEqual([a.id, b.id].sort());
      for (const seat of seats) expect(seat).toMatchObject({ status: "ended", endReason: "term_ended" });
      const endedAt = seats.map((s) => s.endedAt!.getTime());
      const [term] = await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId));
      expect(term!.endedAt).toBeInstanceOf(Date);
      const audit = await auditOf(councilId, "council.term_ended");
      expect(audit).toMatchObject([{ isPublic: true, actorId: null, data: { termNumber: 1, seatsEnded: 2 } }]);

      expect(await endExpiredTerms(db, dayAfter)).toBe(0);
      expect((await seatsOf(councilId)).map((s) => s.endedAt!.getTime())).toEqual(endedAt);
      expect(await auditOf(councilId, "council.term_ended")).toHaveLength(1);
      expect((await db.select().from(councilTerms).where(eq(councilTerms.councilId, councilId)))[0]!.endedAt).toEqual(term!.endedAt);
    });

    it("ends a term once when two instances run at the same moment", async () => {
      const termEnd = addDays(TODAY, 25);
      const councilId = (await make.council({ charter: { termEnd } })).id;
      await seated(councilId);
      await seated(councilId);
      await seated(councilId);
      const allEnded = () => db.select().from(auditLog).where(eq(auditLog.action, "council.term_ended"));
      const before = (await allEnded()).length;

      const results = await Promise.all([1, 2].map(() => endExpiredTerms(db, addDays(termEnd, 1))));
      expect(results[0]! + results[1]!).toBe((await allEnded()).length - before);
      const audit = await auditOf(councilId, "council.term_ended");
      expect(audit).toHaveLength(1);
      expect(audit[0]!.data).toMatchObject({ seatsEnded: 3 });
      const seats = await seatsOf(councilId);
      expect(seats.every((s) => s.status === "ended" && s.endReason === "term_ended")).toBe(true);
      // One run ended them all, in one transaction.
      expect(new Set(seats.map((s) => s.endedAt!.getTime())).size).toBe(1);
    });
  });

  describe("district staff", () => {
    it("stores powers for staff only, and lets the district's manager change them", async () => {
      const d = await make.district();
      const foreign = await make.district();
      const staff = await make.user();
      const manager = await make.user();
      const granted = await assignRole(db, managerId, {
        phone: staff.phone,
        role: "district_staff",
        districtId: d,
        powers: ["applications"],
      });
      if (!granted.ok) throw new Error(granted.error);
      const asManager = await assignRole(db, managerId, {
        phone: manager.phone,
        role: "district_manager",
        districtId: d,
        powers: ["moderate"],
      });
      if (!asManager.ok) throw new Error(asManager.error);

      const row = async (id: string) => (await db.select().from(roleAssignments).where(eq(roleAssignments.id, id)))[0]!;
      expect((await row(granted.assignmentId)).powers).toEqual(["applications"]);
      expect((await row(asManager.assignmentId)).powers).toEqual([]);
      const [grantAudit] = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, granted.assignmentId), eq(auditLog.action, "role.granted")));
      expect(grantAudit!.data).toMatchObject({ role: "district_staff", powers: ["applications"] });

      expect(
        await setStaffPowers(db, managerId, { assignmentId: granted.assignmentId, districtId: foreign, powers: ["moderate"] }),
      ).toEqual({
        ok: false,
        error: "not_found",
      });
      expect(await setStaffPowers(db, managerId, { assignmentId: asManager.assignmentId, districtId: d, powers: ["moderate"] })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect((await row(granted.assignmentId)).powers).toEqual(["applications"]);
      expect((await row(asManager.assignmentId)).powers).toEqual([]);

      expect(
        await setStaffPowers(db, managerId, { assignmentId: granted.assignmentId, districtId: d, powers: ["moderate", "file_on_behalf"] }),
      ).toEqual({ ok: true, userId: staff.id });
      expect((await row(granted.assignmentId)).powers).toEqual(["moderate", "file_on_behalf"]);
      const changed = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, granted.assignmentId), eq(auditLog.action, "role.powers_changed")));
      expect(changed).toMatchObject([
        { actorId: managerId, districtId: d, data: { userId: staff.id, powers: ["moderate", "file_on_behalf"] } },
      ]);

      // Revoking is limited to the page's own district.
      expect(await revokeRole(db, managerId, granted.assignmentId, undefined, { districtId: foreign })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect((await row(granted.assignmentId)).revokedAt).toBeNull();
      expect(await revokeRole(db, managerId, granted.assignmentId, undefined, { districtId: d })).toEqual({ ok: true, userId: staff.id });
      expect(await setStaffPowers(db, managerId, { assignmentId: granted.assignmentId, districtId: d, powers: [] })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect((await row(granted.assignmentId)).powers).toEqual(["moderate", "file_on_behalf"]);
    });
  });

  describe("follows", () => {
    it("keeps one row per person and neighborhood", async () => {
      const neighborhoodId = await make.neighborhood();
      const a = await make.user();
      const b = await make.user();
      expect(await followState(db, neighborhoodId, a.id)).toEqual({ followers: 0, following: false });

      await setFollow(db, a.id, neighborhoodId, true);
      await setFollow(db, a.id, neighborhoodId, true);
      await Promise.all([setFollow(db, b.id, neighborhoodId, true), setFollow(db, b.id, neighborhoodId, true)]);
      expect(await db.select().from(follows).where(eq(follows.neighborhoodId, neighborhoodId))).toHaveLength(2);
      expect(await followState(db, neighborhoodId, a.id)).toEqual({ followers: 2, following: true });
      expect(await followState(db, neighborhoodId, null)).toEqual({ followers: 2, following: false });

      await setFollow(db, a.id, neighborhoodId, false);
      await setFollow(db, a.id, neighborhoodId, false);
      expect(await followState(db, neighborhoodId, a.id)).toEqual({ followers: 1, following: false });
      expect(await followState(db, neighborhoodId, b.id)).toEqual({ followers: 1, following: true });
      // Another neighborhood is unaffected.
      expect(await followState(db, await make.neighborhood(), b.id)).toEqual({ followers: 0, following: false });
    });
  });

  describe("races between seating and ending a council", () => {
    it("never leaves an active seat on a dissolved council, and never fails with a deadlock", async () => {
      for (let round = 0; round < 8; round++) {
        const councilId = (await make.council()).id;
        const people = await Promise.all([make.user(), make.user(), make.user()]);
        const pending = [];
        for (const p of people) {
          const applied = await applyToCouncil(db, { userId: p.id, councilId, statement: "", seatLimit: PLENTY });
          if (!applied.ok) throw new Error(applied.error);
          pending.push(applied.applicationId);
        }
        const results = await Promise.all([
          ...pending.map((applicationId) =>
            decideApplication(db, { actorId: managerId, applicationId, decision: "approve", reason: "", seatLimit: PLENTY }),
          ),
          round % 2
            ? changeCouncilStatus(db, managerId, councilId, "dissolve", "ادغام با محله مجاور")
            : startNewTerm(db, managerId, councilId, { termStart: addDays(TODAY, 301), termEnd: addDays(TODAY, 900) }),
        ]);
        // Every call answered (no exception escaped); the last is the council change.
        expect(results.at(-1)).toMatchObject({ ok: true });
        const active = await db
          .select({ id: memberships.id, termNumber: memberships.termNumber })
          .from(memberships)
          .where(and(eq(memberships.councilId, councilId), eq(memberships.status, "active")));
        const [council] = await db.select().from(councils).where(eq(councils.id, councilId));
        if (council!.status === "dissolved") expect(active).toEqual([]);
        // Seats given before the new term began ended with the old term.
        else expect(active.every((seat) => seat.termNumber === council!.termNumber)).toBe(true);
      }
    });
  });
});
