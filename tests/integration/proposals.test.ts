import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeCouncilStatus } from "../../app/domain/councils.server";
import {
  createCategory,
  editProposal,
  encodeCursor,
  fileProposal,
  hasSupported,
  listCategories,
  listProposals,
  proposalTimeline,
  putOnAgenda,
  supportProposal,
  withdrawProposal,
  withdrawSupport,
  type ProposalInput,
} from "../../app/domain/proposals.server";
import { categories, councils, memberships, proposalEvents, proposals, supports } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { factories, idsOf, type Factories } from "../support/factories";

describe.each(BACKENDS)("proposals on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let managerId: string;
  let districtId: string;
  let categoryId: string;
  let otherCategoryId: string;
  let make: Factories;

  const input = (overrides: Partial<ProposalInput> = {}): ProposalInput => ({
    title: "چراغ‌های کوچه خاموش است",
    body: "چند هفته است که چراغ‌های کوچه شب‌ها روشن نمی‌شوند.",
    categoryId,
    place: "کوچه بهار",
    ...overrides,
  });

  const proposal = async (id: string) => (await db.select().from(proposals).where(eq(proposals.id, id)))[0]!;
  const proposalsOf = (councilId: string) => db.select().from(proposals).where(eq(proposals.councilId, councilId));
  const supportRows = (proposalId: string) => db.select().from(supports).where(eq(supports.proposalId, proposalId));
  const eventsOf = async (proposalId: string, kind: string) =>
    db
      .select()
      .from(proposalEvents)
      .where(and(eq(proposalEvents.proposalId, proposalId), eq(proposalEvents.kind, kind)));

  /** A raw row that passes every check unless overridden. */
  const rawRow = (councilId: string, authorId: string | null, overrides: Partial<typeof proposals.$inferInsert> = {}) => ({
    councilId,
    districtId,
    neighborhoodId: sharedHood,
    authorId,
    title: "عنوان معتبر",
    body: "متنی که به اندازه کافی بلند است.",
    categoryId,
    ...overrides,
  });
  let sharedHood: string;
  let sharedCouncil: string;
  let resident: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    // Proposals here never reach their support threshold unless a test says so.
    make = factories(db, { firstPhone: "+989121000000", charter: { supportThreshold: 1000 } });
    managerId = (await make.user({ name: "مدیر منطقه" })).id;
    resident = (await make.user({ name: "نویسنده" })).id;
    districtId = await make.district({ number: 7 });
    make.defaults.founderId = managerId;
    make.defaults.districtId = districtId;
    const first = await createCategory(db, "ایمنی", 1);
    const second = await createCategory(db, "فرهنگی", 2);
    if (!first.ok || !second.ok) throw new Error("categories");
    categoryId = first.id;
    otherCategoryId = second.id;
    ({ id: sharedCouncil, neighborhoodId: sharedHood } = await make.council());
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("categories and filing", () => {
    it("refuses a category name that only differs in Arabic/Persian letter forms", async () => {
      const created = await createCategory(db, "فضای سبز", 3);
      expect(created.ok).toBe(true);
      expect(await createCategory(db, "فضاي سبز", 4)).toEqual({ ok: false, error: "category_name_taken" });
      const named = (await listCategories(db)).filter((c) => c.name.startsWith("فضا"));
      expect(named).toHaveLength(1);
      expect(named[0]).toMatchObject({ name: "فضای سبز", sortOrder: 3, isActive: true });
    });

    it("lists inactive categories only when asked", async () => {
      const made = await createCategory(db, "دسته بایگانی", 9);
      if (!made.ok) throw new Error(made.error);
      await db.update(categories).set({ isActive: false }).where(eq(categories.id, made.id));
      expect((await listCategories(db)).map((c) => c.id)).not.toContain(made.id);
      expect((await listCategories(db, true)).map((c) => c.id)).toContain(made.id);
    });

    it("refuses an unknown or inactive category and stores nothing", async () => {
      const councilId = (await make.council()).id;
      const inactive = await createCategory(db, "دسته غیرفعال");
      if (!inactive.ok) throw new Error(inactive.error);
      await db.update(categories).set({ isActive: false }).where(eq(categories.id, inactive.id));

      const unknown = await fileProposal(db, { ...input({ categoryId: crypto.randomUUID() }), councilId, authorId: resident });
      expect(unknown).toEqual({ ok: false, error: "category_unknown" });
      const off = await fileProposal(db, { ...input({ categoryId: inactive.id }), councilId, authorId: resident });
      expect(off).toEqual({ ok: false, error: "category_unknown" });
      expect(await proposalsOf(councilId)).toHaveLength(0);
    });

    it("refuses filing to a suspended council", async () => {
      const councilId = (await make.council()).id;
      expect((await changeCouncilStatus(db, managerId, councilId, "suspend", "بررسی")).ok).toBe(true);
      expect(await fileProposal(db, { ...input(), councilId, authorId: resident })).toEqual({ ok: false, error: "council_not_active" });
      expect(await proposalsOf(councilId)).toHaveLength(0);
    });

    it("lets only members file when the charter says so", async () => {
      const councilId = (await make.council({ charter: { proposers: "members" } })).id;
      const outsider = (await make.user()).id;
      const member = (await make.user({ name: "عضو شورا" })).id;
      await db.insert(memberships).values({ councilId, userId: member, termNumber: 1 });

      expect(await fileProposal(db, { ...input(), councilId, authorId: outsider })).toEqual({ ok: false, error: "members_only" });
      const filed = await fileProposal(db, { ...input(), councilId, authorId: member });
      if (!filed.ok) throw new Error(filed.error);
      const rows = await proposalsOf(councilId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: filed.id, authorId: member, status: "open", supportCount: 0, districtId });
      const timeline = await proposalTimeline(db, filed.id);
      expect(timeline.map((e) => e.kind)).toEqual(["filed"]);
      expect(timeline[0]!.actorName).toBe("عضو شورا");
    });

    it("files on behalf of a resident who came in person", async () => {
      const councilId = (await make.council({ charter: { proposers: "members" } })).id;
      const staff = (await make.user({ name: "کارمند منطقه" })).id;
      const filed = await fileProposal(db, {
        ...input(),
        councilId,
        authorId: null,
        onBehalf: { filedById: staff, name: "مریم احمدی", phone: "+989121112233" },
      });
      if (!filed.ok) throw new Error(filed.error);
      expect(await proposal(filed.id)).toMatchObject({
        authorId: null,
        filedById: staff,
        onBehalfName: "مریم احمدی",
        onBehalfPhone: "+989121112233",
      });
      const [filedEvent] = await eventsOf(filed.id, "filed");
      expect(filedEvent).toMatchObject({ actorId: staff, data: { onBehalf: true } });
      const listed = await listProposals(db, { councilId });
      expect(listed.items).toHaveLength(1);
      expect(listed.items[0]).toMatchObject({ id: filed.id, onBehalf: true, authorName: null });
    });

    it("has the database refuse malformed rows", async () => {
      const before = (await proposalsOf(sharedCouncil)).length;
      await expect(db.insert(proposals).values(rawRow(sharedCouncil, null))).rejects.toThrow();
      // Half the on-behalf data is not enough either.
      await expect(
        db.insert(proposals).values(rawRow(sharedCouncil, null, { filedById: managerId, onBehalfName: "نام" })),
      ).rejects.toThrow();
      await expect(db.insert(proposals).values(rawRow(sharedCouncil, resident, { title: "کوچه" }))).rejects.toThrow();
      await expect(db.insert(proposals).values(rawRow(sharedCouncil, resident, { body: "ب".repeat(10_001) }))).rejects.toThrow();
      await expect(db.insert(proposals).values(rawRow(sharedCouncil, resident, { status: "archived" as never }))).rejects.toThrow();
      expect(await proposalsOf(sharedCouncil)).toHaveLength(before);

      // The limits themselves are accepted.
      const [edge] = await db
        .insert(proposals)
        .values(rawRow(sharedCouncil, resident, { title: "کوچه‌", body: "ب".repeat(10_000) }))
        .returning({ id: proposals.id });
      await expect(
        db
          .update(proposals)
          .set({ status: "archived" as never })
          .where(eq(proposals.id, edge!.id)),
      ).rejects.toThrow();
      await expect(db.update(proposals).set({ supportCount: -1 }).where(eq(proposals.id, edge!.id))).rejects.toThrow();
      expect(await proposal(edge!.id)).toMatchObject({ status: "open", supportCount: 0 });
    });
  });

  describe("editing", () => {
    it("lets the author edit while open and unsupported", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const edited = await editProposal(db, {
        ...input({ title: "روشنایی کوچه بهار", categoryId: otherCategoryId, place: "انتهای کوچه" }),
        proposalId: id,
        userId: resident,
      });
      expect(edited).toEqual({ ok: true });
      const row = await proposal(id);
      expect(row).toMatchObject({ title: "روشنایی کوچه بهار", categoryId: otherCategoryId, place: "انتهای کوچه" });
      expect(row.editedAt).toBeInstanceOf(Date);
      expect((await proposalTimeline(db, id)).map((e) => e.kind)).toEqual(["filed", "edited"]);
    });

    it("refuses someone other than the author", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const stranger = (await make.user()).id;
      expect(await editProposal(db, { ...input({ title: "عنوان دیگری" }), proposalId: id, userId: stranger })).toEqual({
        ok: false,
        error: "not_author",
      });
      expect(await proposal(id)).toMatchObject({ title: input().title, editedAt: null });
    });

    it("refuses once the first support arrives", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      expect(await supportProposal(db, id, (await make.user()).id)).toMatchObject({ ok: true, supportCount: 1 });
      expect(await editProposal(db, { ...input({ title: "عنوان دیگری" }), proposalId: id, userId: resident })).toEqual({
        ok: false,
        error: "has_supports",
      });
      expect(await proposal(id)).toMatchObject({ title: input().title, editedAt: null });
      expect(await eventsOf(id, "edited")).toHaveLength(0);
    });
  });

  describe("supports", () => {
    it("counts one support per person", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const supporter = (await make.user()).id;
      expect(await hasSupported(db, id, supporter)).toBe(false);
      expect(await supportProposal(db, id, supporter)).toEqual({ ok: true, supportCount: 1, reachedAgenda: false });
      expect(await supportProposal(db, id, supporter)).toEqual({ ok: false, error: "already_supported" });
      expect(await hasSupported(db, id, supporter)).toBe(true);
      expect((await proposal(id)).supportCount).toBe(1);
      expect(await supportRows(id)).toHaveLength(1);
    });

    it("keeps one support from 100 simultaneous clicks by the same person", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const supporter = (await make.user()).id;
      const results = await Promise.all(Array.from({ length: 100 }, () => supportProposal(db, id, supporter)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.error === "already_supported")).toHaveLength(99);
      expect(await supportRows(id)).toHaveLength(1);
      expect((await proposal(id)).supportCount).toBe(1);
    });

    it("counts 30 simultaneous supporters exactly", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const people = idsOf(await make.users(30, { name: "پشتیبان" }));
      const results = await Promise.all(people.map((p) => supportProposal(db, id, p)));
      expect(results.every((r) => r.ok)).toBe(true);
      const counts = results.map((r) => (r.ok ? r.supportCount : 0)).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect((await proposal(id)).supportCount).toBe(30);
      expect(await supportRows(id)).toHaveLength(30);
    });

    it("puts a proposal on the agenda once when the threshold is reached", async () => {
      const councilId = (await make.council({ charter: { supportThreshold: 5 } })).id;
      const id = (await make.proposal({ councilId: councilId, authorId: resident, ...input() })).id;
      const people = idsOf(await make.users(8, { name: "پشتیبان" }));
      const results = await Promise.all(people.map((p) => supportProposal(db, id, p)));

      const accepted = results.filter((r) => r.ok);
      expect(accepted).toHaveLength(5);
      expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, error: "not_open" }));
      expect(accepted.filter((r) => r.ok && r.reachedAgenda)).toEqual([{ ok: true, supportCount: 5, reachedAgenda: true }]);
      expect(await proposal(id)).toMatchObject({ status: "on_agenda", supportCount: 5 });
      expect(await supportRows(id)).toHaveLength(5);
      const agenda = await eventsOf(id, "agenda_by_supports");
      expect(agenda).toHaveLength(1);
      expect(agenda[0]).toMatchObject({ actorId: null, data: { supportCount: 5 } });

      expect(await supportProposal(db, id, (await make.user()).id)).toEqual({ ok: false, error: "not_open" });
      expect(await proposal(id)).toMatchObject({ supportCount: 5 });
    });

    it("takes a support back while open, and not after the agenda", async () => {
      const councilId = (await make.council({ charter: { supportThreshold: 3 } })).id;
      const id = (await make.proposal({ councilId: councilId, authorId: resident, ...input() })).id;
      const [a, b, c] = idsOf(await make.users(3, { name: "پشتیبان" }));
      await supportProposal(db, id, a!);
      await supportProposal(db, id, b!);
      expect(await withdrawSupport(db, id, a!)).toEqual({ ok: true, supportCount: 1 });
      expect(await hasSupported(db, id, a!)).toBe(false);
      expect((await proposal(id)).supportCount).toBe(1);

      await supportProposal(db, id, a!);
      expect(await supportProposal(db, id, c!)).toEqual({ ok: true, supportCount: 3, reachedAgenda: true });
      expect(await withdrawSupport(db, id, b!)).toEqual({ ok: false, error: "not_open" });
      expect(await hasSupported(db, id, b!)).toBe(true);
      expect(await proposal(id)).toMatchObject({ status: "on_agenda", supportCount: 3 });
      expect(await supportRows(id)).toHaveLength(3);
    });

    it("answers supports and withdrawals sent together by the same accounts, never deadlocked, the count equal to the rows", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const people = idsOf(await make.users(5, { name: "پشتیبان" }));
      const calls: Promise<{ ok: boolean }>[] = [];
      for (let round = 0; round < 20; round++) {
        for (const p of people) calls.push(supportProposal(db, id, p), withdrawSupport(db, id, p));
      }
      const results = await Promise.allSettled(calls);
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      for (const r of results) {
        const value = (r as PromiseFulfilledResult<{ ok: boolean; error?: string }>).value;
        if (!value.ok) expect(["already_supported", "not_supported"]).toContain(value.error);
      }
      const rows = await supportRows(id);
      expect((await proposal(id)).supportCount).toBe(rows.length);
      expect(rows.length).toBeLessThanOrEqual(people.length);
    });

    it("refuses to take back a support that was never given", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      const given = (await make.user()).id;
      await supportProposal(db, id, given);
      expect(await withdrawSupport(db, id, (await make.user()).id)).toEqual({ ok: false, error: "not_supported" });
      expect((await proposal(id)).supportCount).toBe(1);
      expect(await supportRows(id)).toHaveLength(1);
    });
  });

  describe("agenda and withdrawal", () => {
    it("puts an open proposal on the agenda once", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      expect(await putOnAgenda(db, id, managerId)).toEqual({ ok: true });
      expect(await putOnAgenda(db, id, managerId)).toEqual({ ok: false, error: "not_open" });
      expect((await proposal(id)).status).toBe("on_agenda");
      expect(await eventsOf(id, "agenda_by_chair")).toHaveLength(1);
    });

    it("lets the author withdraw from open and from the agenda, then never again", async () => {
      const fromOpen = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      expect(await withdrawProposal(db, fromOpen, resident)).toEqual({ ok: true });
      expect((await proposal(fromOpen)).status).toBe("withdrawn");
      expect(await withdrawProposal(db, fromOpen, resident)).toEqual({ ok: false, error: "not_open" });
      expect(await putOnAgenda(db, fromOpen, managerId)).toEqual({ ok: false, error: "not_open" });

      const fromAgenda = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      await putOnAgenda(db, fromAgenda, managerId);
      expect(await withdrawProposal(db, fromAgenda, resident)).toEqual({ ok: true });
      expect((await proposal(fromAgenda)).status).toBe("withdrawn");
      expect(await withdrawProposal(db, fromAgenda, resident)).toEqual({ ok: false, error: "not_open" });
      expect((await proposalTimeline(db, fromAgenda)).map((e) => e.kind)).toEqual(["filed", "agenda_by_chair", "withdrawn"]);
    });

    it("refuses a withdrawal by someone else", async () => {
      const id = (await make.proposal({ councilId: sharedCouncil, authorId: resident, ...input() })).id;
      expect(await withdrawProposal(db, id, (await make.user()).id)).toEqual({ ok: false, error: "not_author" });
      expect((await proposal(id)).status).toBe("open");
      expect(await eventsOf(id, "withdrawn")).toHaveLength(0);
    });
  });

  describe("listing", () => {
    let councilA: string;
    let councilB: string;
    type Row = { id: string; createdAt: Date; councilId: string };
    let all: Row[];

    /** Newest first, ties broken by id descending, as the list promises. */
    const newestFirst = (rows: Row[]) =>
      [...rows].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));

    async function walk(filter: Parameters<typeof listProposals>[1]) {
      const seen: string[] = [];
      const pages: number[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 20; guard++) {
        const page = await listProposals(db, { ...filter, after });
        seen.push(...page.items.map((i) => i.id));
        pages.push(page.items.length);
        after = page.next;
        if (!after) break;
      }
      return { seen, pages };
    }

    beforeAll(async () => {
      councilA = (await make.council()).id;
      councilB = (await make.council()).id;
      const hoods = await db
        .select()
        .from(councils)
        .where(sql`${councils.id} in (${councilA}, ${councilB})`);
      const hoodOf = (id: string) => hoods.find((c) => c.id === id)!.neighborhoodId;
      const base = Date.parse("2024-03-01T08:00:00.000Z");
      const shared = new Date(base + 60_000);
      const values = Array.from({ length: 45 }, (_, i) => {
        const councilId = i % 2 === 0 ? councilA : councilB;
        // Every third proposal shares one instant, so several page boundaries fall inside a tie.
        const createdAt = i % 3 === 0 ? shared : new Date(base + i * 1_000);
        return {
          ...rawRow(councilId, resident, { title: `پیشنهاد شماره ${i}` }),
          neighborhoodId: hoodOf(councilId),
          categoryId: i % 4 === 0 ? otherCategoryId : categoryId,
          status: (i % 5 === 0 ? "on_agenda" : "open") as "on_agenda" | "open",
          createdAt,
        };
      });
      all = await db
        .insert(proposals)
        .values(values)
        .returning({ id: proposals.id, createdAt: proposals.createdAt, councilId: proposals.councilId });
    });

    it("pages through each council exactly once, newest first", async () => {
      for (const councilId of [councilA, councilB]) {
        const expected = newestFirst(all.filter((r) => r.councilId === councilId)).map((r) => r.id);
        const { seen, pages } = await walk({ councilId, limit: 5 });
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages.slice(0, -1).every((n) => n === 5)).toBe(true);
      }
      const sharedCount = all.filter((r) => r.councilId === councilA && r.createdAt.getTime() === all[0]!.createdAt.getTime()).length;
      expect(sharedCount).toBeGreaterThan(5);
    });

    it("pages of 20 cover the district without gaps or repeats", async () => {
      const expected = newestFirst(all).map((r) => r.id);
      const { seen, pages } = await walk({ neighborhoodId: undefined, councilId: undefined, districtId, limit: 20 });
      // The district also holds proposals from the other tests; those are newer than 2024.
      const ours = seen.filter((id) => expected.includes(id));
      expect(ours).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages.slice(0, -1).every((n) => n === 20)).toBe(true);

      const councilA20 = await walk({ councilId: councilA });
      expect(councilA20.pages).toEqual([20, 3]);
      expect(councilA20.seen).toEqual(newestFirst(all.filter((r) => r.councilId === councilA)).map((r) => r.id));
    });

    it("filters by status and category", async () => {
      const agenda = await walk({ councilId: councilA, statuses: ["on_agenda"] });
      const expectedAgenda = all.filter((_, i) => i % 2 === 0 && i % 5 === 0).map((r) => r.id);
      expect([...agenda.seen].sort()).toEqual([...expectedAgenda].sort());

      const both = await walk({ councilId: councilB, statuses: ["open", "on_agenda"] });
      expect(both.seen).toHaveLength(all.filter((r) => r.councilId === councilB).length);

      const cultural = await walk({ councilId: councilB, categoryId: otherCategoryId });
      const expectedCultural = all.filter((_, i) => i % 2 === 1 && i % 4 === 0).map((r) => r.id);
      expect([...cultural.seen].sort()).toEqual([...expectedCultural].sort());

      const combined = await listProposals(db, { councilId: councilA, statuses: ["on_agenda"], categoryId: otherCategoryId, limit: 100 });
      const expectedCombined = all.filter((_, i) => i % 2 === 0 && i % 5 === 0 && i % 4 === 0).map((r) => r.id);
      expect(combined.items.map((i) => i.id).sort()).toEqual([...expectedCombined].sort());
      expect(combined.items.every((i) => i.status === "on_agenda" && i.categoryId === otherCategoryId)).toBe(true);
    });

    it("treats a garbage cursor as no cursor", async () => {
      const first = await listProposals(db, { councilId: councilA, limit: 5 });
      for (const garbage of ["not-a-cursor", "%%%", Buffer.from("yesterday|abc").toString("base64url"), "", "x".repeat(500)]) {
        const page = await listProposals(db, { councilId: councilA, limit: 5, after: garbage });
        expect(page.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
      }
    });

    // The column keeps milliseconds only, so the cursor (a JavaScript Date) is exact.
    it("does not skip rows that share a millisecond but differ in microseconds", async () => {
      const councilId = (await make.council()).id;
      const hood = (await db.select().from(councils).where(eq(councils.id, councilId)))[0]!.neighborhoodId;
      // Rows filed in one busy millisecond: PostgreSQL keeps microseconds, a JS Date does not.
      const stamps = ["2024-05-01 10:00:00.123900+00", "2024-05-01 10:00:00.123500+00", "2024-05-01 10:00:00.123100+00"];
      for (const [i, at] of stamps.entries()) {
        await db.insert(proposals).values({
          ...rawRow(councilId, resident, { title: `پیشنهاد هم‌زمان ${i}` }),
          neighborhoodId: hood,
          createdAt: sql`${at}::timestamptz` as never,
        });
      }
      const { seen } = await walk({ councilId, limit: 1 });
      expect(seen).toHaveLength(3);
    });

    it("encodes the cursor from the last row of the page", async () => {
      const page = await listProposals(db, { councilId: councilA, limit: 3 });
      expect(page.next).toBe(encodeCursor(page.items[2]!));
      const last = await listProposals(db, { councilId: councilA, limit: 100 });
      expect(last.next).toBeNull();
    });
  });
});
