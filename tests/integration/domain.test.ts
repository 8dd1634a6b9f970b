import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, sql } from "../../db/client.server";
import { auditLog, districts, neighborhoods, roleAssignments, users } from "../../db/schema";
import { createCommission } from "../../app/domain/commissions.server";
import { createDistrict } from "../../app/domain/districts.server";
import { createNeighborhood } from "../../app/domain/neighborhoods.server";
import { assignRole, bootstrapAdmin, revokeRole } from "../../app/domain/roles.server";
import { hitRateLimit, peekRateLimit } from "../../app/utils/rate-limit.server";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { errorText, factories, type Factories } from "../support/factories";

describe.each(BACKENDS)("domain rules on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let adminId: string;
  let make: Factories;
  let districtSeq = 10;

  async function newDistrict() {
    const number = districtSeq++;
    const result = await createDistrict(db, adminId, { number, name: `منطقه آزمایشی ${number}`, description: "" });
    if (!result.ok) throw new Error(result.error);
    return result.id;
  }

  async function activeManagers(districtId: string) {
    return db
      .select({ id: roleAssignments.id, userId: roleAssignments.userId })
      .from(roleAssignments)
      .where(
        and(eq(roleAssignments.districtId, districtId), eq(roleAssignments.role, "district_manager"), isNull(roleAssignments.revokedAt)),
      );
  }

  async function auditFor(subjectId: string, action: string) {
    return db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, subjectId), eq(auditLog.action, action)));
  }

  async function activeAdmins() {
    return db
      .select({ id: roleAssignments.id, userId: roleAssignments.userId })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.role, "admin"), isNull(roleAssignments.revokedAt)));
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    make = factories(db, { firstPhone: "+989121000000" });
    adminId = (await make.user({ name: "مدیر سامانه", grants: [{ role: "admin" }] })).id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("rate limits", () => {
    const rule = { limit: 10, windowSeconds: 600 };

    it("counts 25 concurrent hits exactly once each and allows only the first 10", async () => {
      const key = `test:${crypto.randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 25 }, () => hitRateLimit(db, key, rule)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(10);
      expect(allowed.every((r) => r.count <= 10)).toBe(true);
      for (const r of results) {
        expect(r.retryAfterSeconds).toBeGreaterThan(0);
        expect(r.retryAfterSeconds).toBeLessThanOrEqual(600);
      }

      const other = await hitRateLimit(db, `test:${crypto.randomUUID()}`, rule);
      expect(other).toMatchObject({ allowed: true, count: 1 });

      const peeked = await peekRateLimit(db, key, rule);
      expect(peeked).toMatchObject({ allowed: false, count: 25 });
      expect(await peekRateLimit(db, key, rule)).toMatchObject({ count: 25 });
      expect((await hitRateLimit(db, key, rule)).count).toBe(26);
    });

    it("peeks at a fresh key without creating it", async () => {
      const key = `test:${crypto.randomUUID()}`;
      expect(await peekRateLimit(db, key, rule)).toMatchObject({ allowed: true, count: 0 });
      expect(await peekRateLimit(db, key, rule)).toMatchObject({ count: 0 });
      expect((await hitRateLimit(db, key, rule)).count).toBe(1);
    });

    it("starts counting again once the window has passed", async () => {
      const key = `test:${crypto.randomUUID()}`;
      for (let i = 0; i < 11; i++) await hitRateLimit(db, key, rule);
      expect((await peekRateLimit(db, key, rule)).allowed).toBe(false);
      await db.execute(sql`update rate_limits set window_start = now() - interval '601 seconds' where key = ${key}`);
      expect(await peekRateLimit(db, key, rule)).toMatchObject({ allowed: true, count: 0 });
      expect(await hitRateLimit(db, key, rule)).toMatchObject({ allowed: true, count: 1 });
    });
  });

  describe("districts", () => {
    it("refuses a number or a name that is already taken", async () => {
      const first = await createDistrict(db, adminId, { number: 1, name: "منطقه مرکزی", description: "" });
      expect(first.ok).toBe(true);
      const second = await createDistrict(db, adminId, { number: 2, name: "شهید بهشتی", description: "" });
      expect(second.ok).toBe(true);

      expect(await createDistrict(db, adminId, { number: 1, name: "نام دیگر", description: "" })).toEqual({
        ok: false,
        error: "district_number_taken",
      });
      for (const name of ["منطقه مركزي", "  منطقه   مرکزی ", "شهید\u200Cبهشتی", "شهيد  بهشتي"]) {
        expect(await createDistrict(db, adminId, { number: 3, name, description: "" }), name).toEqual({
          ok: false,
          error: "district_name_taken",
        });
      }
      const rows = await db.select({ number: districts.number }).from(districts).where(eq(districts.number, 3));
      expect(rows).toHaveLength(0);
      expect((await createDistrict(db, adminId, { number: 3, name: "منطقه شمالی", description: "" })).ok).toBe(true);
    });

    it("records who created a district", async () => {
      const result = await createDistrict(db, adminId, { number: 4, name: "منطقه جنوبی", description: "" });
      if (!result.ok) throw new Error(result.error);
      const entries = await auditFor(result.id, "district.created");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: adminId, districtId: result.id });
    });

    it("lets only one of two simultaneous creates with the same number through", async () => {
      const results = await Promise.all([
        createDistrict(db, adminId, { number: 50, name: "منطقه پنجاه الف", description: "" }),
        createDistrict(db, adminId, { number: 50, name: "منطقه پنجاه ب", description: "" }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "district_number_taken" }]);
      const rows = await db.select().from(districts).where(eq(districts.number, 50));
      expect(rows).toHaveLength(1);
    });

    it("lets only one of two simultaneous creates with the same name through", async () => {
      const results = await Promise.all([
        createDistrict(db, adminId, { number: 60, name: "منطقه کوهپایه", description: "" }),
        createDistrict(db, adminId, { number: 61, name: "منطقه كوهپايه", description: "" }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "district_name_taken" }]);
    });
  });

  describe("neighborhoods", () => {
    it("treats Arabic and Persian spellings as the same name within a district only", async () => {
      const d1 = await newDistrict();
      const d2 = await newDistrict();
      expect((await createNeighborhood(db, adminId, { districtId: d1, name: "كوي فرهنگ", description: "" })).ok).toBe(true);
      expect(await createNeighborhood(db, adminId, { districtId: d1, name: "کوی فرهنگ", description: "" })).toEqual({
        ok: false,
        error: "neighborhood_name_taken",
      });
      expect((await createNeighborhood(db, adminId, { districtId: d2, name: "کوی فرهنگ", description: "" })).ok).toBe(true);
      expect(await db.select().from(neighborhoods).where(eq(neighborhoods.districtId, d1))).toHaveLength(1);
      expect(await db.select().from(neighborhoods).where(eq(neighborhoods.districtId, d2))).toHaveLength(1);
    });
  });

  describe("roles", () => {
    it("refuses unknown phones and unknown scopes", async () => {
      expect(await assignRole(db, adminId, { phone: "+989199999999", role: "deputy" })).toEqual({
        ok: false,
        error: "user_not_found",
      });
      const user = await make.user();
      expect(await assignRole(db, adminId, { phone: user.phone, role: "district_manager", districtId: crypto.randomUUID() })).toEqual({
        ok: false,
        error: "scope_not_found",
      });
      expect(await assignRole(db, adminId, { phone: user.phone, role: "commission_member" })).toEqual({
        ok: false,
        error: "scope_not_found",
      });
      expect(await db.select().from(roleAssignments).where(eq(roleAssignments.userId, user.id))).toHaveLength(0);
    });

    it("grants a role once, refuses it twice, and logs the grant", async () => {
      const user = await make.user();
      const granted = await assignRole(db, adminId, { phone: user.phone, role: "deputy" }, "req-1");
      if (!granted.ok) throw new Error(granted.error);
      expect(granted.userId).toBe(user.id);
      expect(await assignRole(db, adminId, { phone: user.phone, role: "deputy" })).toEqual({ ok: false, error: "role_exists" });

      const rows = await db.select().from(roleAssignments).where(eq(roleAssignments.userId, user.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ role: "deputy", grantedBy: adminId, revokedAt: null });

      const entries = await auditFor(granted.assignmentId, "role.granted");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: adminId, requestId: "req-1", data: { role: "deputy", userId: user.id } });
    });

    it("scopes commission membership to the commission", async () => {
      const c = await createCommission(db, adminId, { name: `کمیسیون ${crypto.randomUUID()}`, description: "" });
      if (!c.ok) throw new Error(c.error);
      const user = await make.user();
      const granted = await assignRole(db, adminId, { phone: user.phone, role: "commission_member", commissionId: c.id });
      if (!granted.ok) throw new Error(granted.error);
      const entries = await auditFor(granted.assignmentId, "role.granted");
      expect(entries[0]).toMatchObject({ actorId: adminId, commissionId: c.id, data: { role: "commission_member" } });
    });

    it("replaces a district's manager when a new one is named", async () => {
      const districtId = await newDistrict();
      const first = await make.user({ name: "مدیر اول" });
      const second = await make.user({ name: "مدیر دوم" });

      const a = await assignRole(db, adminId, { phone: first.phone, role: "district_manager", districtId });
      if (!a.ok) throw new Error(a.error);
      expect(a.replaced).toBeNull();
      const b = await assignRole(db, adminId, { phone: second.phone, role: "district_manager", districtId });
      if (!b.ok) throw new Error(b.error);
      expect(b.replaced).toBe(first.id);

      expect(await activeManagers(districtId)).toEqual([{ id: b.assignmentId, userId: second.id }]);
      const [old] = await db.select().from(roleAssignments).where(eq(roleAssignments.id, a.assignmentId));
      expect(old!.revokedAt).toBeInstanceOf(Date);
      expect(old!.revokedBy).toBe(adminId);

      const revoked = await auditFor(a.assignmentId, "role.revoked");
      expect(revoked).toHaveLength(1);
      expect(revoked[0]).toMatchObject({
        actorId: adminId,
        districtId,
        data: { role: "district_manager", userId: first.id, replacedBy: second.id },
      });
    });

    it("a manager of another district is not replaced", async () => {
      const d1 = await newDistrict();
      const d2 = await newDistrict();
      const m1 = await make.user();
      const m2 = await make.user();
      await assignRole(db, adminId, { phone: m1.phone, role: "district_manager", districtId: d1 });
      const r = await assignRole(db, adminId, { phone: m2.phone, role: "district_manager", districtId: d2 });
      expect(r).toMatchObject({ ok: true, replaced: null });
      expect((await activeManagers(d1)).map((m) => m.userId)).toEqual([m1.id]);
    });

    it.each([false, true])(
      "leaves exactly one manager after two simultaneous appointments (previous manager: %s)",
      async (withPrevious) => {
        const districtId = await newDistrict();
        let previous: { id: string; assignmentId: string } | null = null;
        if (withPrevious) {
          const p = await make.user();
          const r = await assignRole(db, adminId, { phone: p.phone, role: "district_manager", districtId });
          if (!r.ok) throw new Error(r.error);
          previous = { id: p.id, assignmentId: r.assignmentId };
        }
        const x = await make.user();
        const y = await make.user();
        const results = await Promise.all([
          assignRole(db, adminId, { phone: x.phone, role: "district_manager", districtId }),
          assignRole(db, adminId, { phone: y.phone, role: "district_manager", districtId }),
        ]);
        for (const r of results) {
          if (!r.ok) expect(r.error).toBe("concurrent_change");
        }
        expect(results.some((r) => r.ok)).toBe(true);

        const active = await activeManagers(districtId);
        expect(active).toHaveLength(1);
        expect([x.id, y.id]).toContain(active[0]!.userId);
        const winner = results.find((r) => r.ok && r.assignmentId === active[0]!.id);
        expect(winner).toBeDefined();

        if (previous) {
          const [old] = await db.select().from(roleAssignments).where(eq(roleAssignments.id, previous.assignmentId));
          expect(old!.revokedAt).not.toBeNull();
          expect(await auditFor(previous.assignmentId, "role.revoked")).toHaveLength(1);
        }
      },
    );

    it("refuses to revoke the last admin", async () => {
      const extra = await make.user();
      const granted = await assignRole(db, adminId, { phone: extra.phone, role: "admin" });
      if (!granted.ok) throw new Error(granted.error);

      const admins = await activeAdmins();
      expect(admins.length).toBeGreaterThanOrEqual(2);
      const keep = admins.find((a) => a.userId === adminId)!;
      for (const a of admins.filter((a) => a.id !== keep.id)) {
        expect(await revokeRole(db, adminId, a.id)).toMatchObject({ ok: true });
      }
      expect(await revokeRole(db, adminId, keep.id)).toEqual({ ok: false, error: "last_admin" });
      expect(await activeAdmins()).toEqual([keep]);
      expect(await auditFor(keep.id, "role.revoked")).toHaveLength(0);
    });

    it("keeps one admin when the last two are revoked at the same moment", async () => {
      const extra = await make.user();
      const granted = await assignRole(db, adminId, { phone: extra.phone, role: "admin" });
      if (!granted.ok) throw new Error(granted.error);
      const admins = await activeAdmins();
      expect(admins).toHaveLength(2);
      const results = await Promise.all(admins.map((a) => revokeRole(db, adminId, a.id)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "last_admin" }]);
      expect(await activeAdmins()).toHaveLength(1);
    });

    it("revokes once, logs it, and reports a second revoke as not found", async () => {
      const user = await make.user();
      const granted = await assignRole(db, adminId, { phone: user.phone, role: "deputy_staff" });
      if (!granted.ok) throw new Error(granted.error);

      expect(await revokeRole(db, adminId, granted.assignmentId, "req-2")).toEqual({ ok: true, userId: user.id });
      expect(await revokeRole(db, adminId, granted.assignmentId)).toEqual({ ok: false, error: "not_found" });
      expect(await revokeRole(db, adminId, crypto.randomUUID())).toEqual({ ok: false, error: "not_found" });

      const entries = await auditFor(granted.assignmentId, "role.revoked");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actorId: adminId, requestId: "req-2", data: { role: "deputy_staff", userId: user.id } });

      // The role can be given again after it ended.
      expect((await assignRole(db, adminId, { phone: user.phone, role: "deputy_staff" })).ok).toBe(true);
    });

    it("lets only one of two simultaneous revocations succeed", async () => {
      const user = await make.user();
      const granted = await assignRole(db, adminId, { phone: user.phone, role: "deputy" });
      if (!granted.ok) throw new Error(granted.error);
      const results = await Promise.all([revokeRole(db, adminId, granted.assignmentId), revokeRole(db, adminId, granted.assignmentId)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: "not_found" }]);
      expect(await auditFor(granted.assignmentId, "role.revoked")).toHaveLength(1);
    });
  });

  describe("audit log", () => {
    it("cannot be changed or deleted", async () => {
      const before = await queryRows<{ id: string; action: string }>(db, sql`select id, action from audit_log order by id`);
      expect(before.length).toBeGreaterThan(0);
      const target = before[0]!;

      for (const statement of [
        sql`update audit_log set action = 'tampered' where id = ${target.id}`,
        sql`delete from audit_log where id = ${target.id}`,
        sql`delete from audit_log`,
        sql`truncate audit_log`,
      ]) {
        let failure: unknown = null;
        await db.execute(statement).catch((error: unknown) => {
          failure = error;
        });
        expect(failure, "statement was allowed").not.toBeNull();
        expect(errorText(failure)).toMatch(/append-only/);
      }

      const after = await queryRows<{ id: string; action: string }>(db, sql`select id, action from audit_log order by id`);
      expect(after).toEqual(before);
    });
  });

  describe("bootstrapAdmin", () => {
    it("creates the account and role once, then does nothing", async () => {
      const phone = make.nextPhone();
      const input = { phone, displayName: "مدیر نخست", passwordHash: "x" };
      const first = await bootstrapAdmin(db, input);
      expect(first).toMatchObject({ createdUser: true, grantedRole: true });
      const second = await bootstrapAdmin(db, { ...input, displayName: "نام دیگر" });
      expect(second).toEqual({ userId: first.userId, createdUser: false, grantedRole: false });

      const roles = await db
        .select()
        .from(roleAssignments)
        .where(and(eq(roleAssignments.userId, first.userId), eq(roleAssignments.role, "admin")));
      expect(roles).toHaveLength(1);
      expect(roles[0]!.revokedAt).toBeNull();
      const [user] = await db.select().from(users).where(eq(users.phone, phone));
      expect(user!.displayName).toBe("مدیر نخست");
      expect(await auditFor(roles[0]!.id, "role.granted")).toHaveLength(1);
    });

    it("gives the admin role to an existing account without creating another", async () => {
      const user = await make.user({ name: "ساکن قدیمی" });
      const result = await bootstrapAdmin(db, { phone: user.phone, displayName: "نادیده", passwordHash: "y" });
      expect(result).toEqual({ userId: user.id, createdUser: false, grantedRole: true });
      const [row] = await db.select().from(users).where(eq(users.id, user.id));
      expect(row!.passwordHash).toBe("x");
    });
  });
});
