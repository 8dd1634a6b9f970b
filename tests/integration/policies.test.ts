import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tehranToday } from "../../app/domain/charter";
import { createCouncil } from "../../app/domain/councils.server";
import {
  acknowledgePolicy,
  acknowledgementsOf,
  policiesForRecipient,
  policiesInForce,
  publishPolicy,
  savePolicyDraft,
  type PolicyDraftInput,
} from "../../app/domain/policies.server";
import { loadCurrentUser, type CurrentUser } from "../../app/domain/users.server";
import { violatedConstraint } from "../../app/utils/db-errors.server";
import { toJalaliInput } from "../../app/utils/persian";
import { processNotices } from "../../app/domain/notifications.server";
import { districts, memberships, neighborhoods, notifications, policyVersions, roleAssignments, users } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { testCharter } from "../support/fixtures";

describe.each(BACKENDS)("policies on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let d1: string;
  let d2: string;
  let deputy: CurrentUser;
  let staff: CurrentUser;
  let manager1: CurrentUser;
  let manager2: CurrentUser;
  let chair1: CurrentUser;
  let chair2: CurrentUser;
  let resident: CurrentUser;
  let seq = 0;

  async function person(name: string) {
    const [row] = await db
      .insert(users)
      .values({ phone: `+98912${String(4_000_000 + seq++).padStart(7, "0")}`, displayName: name, passwordHash: "x" })
      .returning({ id: users.id });
    return row!.id;
  }
  const actor = async (id: string) => (await loadCurrentUser(db, id))!;

  async function chairIn(districtId: string, name: string) {
    const n = seq++;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: `محله ${n}`, nameKey: `policy-hood-${n}` })
      .returning({ id: neighborhoods.id });
    const created = await createCouncil(db, deputy.id, hood!.id, testCharter());
    if (!created.ok) throw new Error(created.error);
    const userId = await person(name);
    await db.insert(memberships).values({ councilId: created.id, userId, termNumber: 1, role: "chair" });
    return actor(userId);
  }

  const today = () => toJalaliInput(tehranToday());
  const draft = (overrides: Partial<PolicyDraftInput> = {}): PolicyDraftInput => ({
    title: "شیوه‌نامه برگزاری جلسات",
    body: "جلسات شورا هر ماه دو بار و با اطلاع قبلی اعضا برگزار شود.",
    effectiveOn: today(),
    allDistricts: false,
    districtIds: [d1],
    recipients: "both",
    ...overrides,
  });

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    const rows = await db
      .insert(districts)
      .values([
        { number: 21, name: "منطقه ۲۱", nameKey: "district-21" },
        { number: 22, name: "منطقه ۲۲", nameKey: "district-22" },
      ])
      .returning({ id: districts.id });
    [d1, d2] = [rows[0]!.id, rows[1]!.id];
    const [deputyId, staffId, m1, m2, residentId] = await Promise.all(
      ["معاون", "کارشناس معاونت", "مدیر ۲۱", "مدیر ۲۲", "شهروند"].map(person),
    );
    await db.insert(roleAssignments).values([
      { userId: deputyId!, role: "deputy" },
      { userId: staffId!, role: "deputy_staff" },
      { userId: m1!, role: "district_manager", districtId: d1 },
      { userId: m2!, role: "district_manager", districtId: d2 },
    ]);
    [deputy, staff, manager1, manager2, resident] = await Promise.all([deputyId!, staffId!, m1!, m2!, residentId!].map(actor));
    chair1 = await chairIn(d1, "رئیس شورای ۲۱");
    chair2 = await chairIn(d2, "رئیس شورای ۲۲");
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("refuses a policy with an empty audience, a bad date, or from anyone but the deputy's office", async () => {
    expect(await savePolicyDraft(db, { actor: deputy, ...draft({ districtIds: [] }) })).toEqual({ ok: false, error: "audience_empty" });
    expect(await savePolicyDraft(db, { actor: deputy, ...draft({ effectiveOn: "۱۴۰۴/۱۲/۳۰" }) })).toEqual({
      ok: false,
      error: "effective_invalid",
    });
    expect(await savePolicyDraft(db, { actor: deputy, ...draft({ title: "کوتاه"[0]! }) })).toEqual({ ok: false, error: "title_invalid" });
    expect(await savePolicyDraft(db, { actor: deputy, ...draft({ districtIds: ["00000000-0000-4000-8000-000000000000"] }) })).toEqual({
      ok: false,
      error: "district_unknown",
    });
    expect(await savePolicyDraft(db, { actor: manager1, ...draft() })).toEqual({ ok: false, error: "forbidden" });
    expect(await savePolicyDraft(db, { actor: chair1, ...draft() })).toEqual({ ok: false, error: "forbidden" });
    expect((await savePolicyDraft(db, { actor: staff, ...draft() })).ok).toBe(true);
  });

  it("is acknowledged by those it addresses, and the deputy sees who has not, per district", async () => {
    const saved = await savePolicyDraft(db, { actor: deputy, ...draft() });
    if (!saved.ok) throw new Error(saved.error);
    const { policyId } = saved;
    // Not published yet: nothing to acknowledge.
    expect(await acknowledgePolicy(db, { actor: manager1, policyId })).toEqual({ ok: false, error: "not_found" });
    const published = await publishPolicy(db, { actor: deputy, policyId });
    expect(published).toMatchObject({ ok: true, version: 1 });
    expect(await publishPolicy(db, { actor: deputy, policyId })).toEqual({ ok: false, error: "nothing_to_publish" });

    let status = await acknowledgementsOf(db, policyId);
    expect(status!.districts.map((d) => [d.districtId, d.notYet])).toEqual([[d1, 2]]);

    expect(await acknowledgePolicy(db, { actor: manager2, policyId })).toEqual({ ok: false, error: "not_addressed" });
    expect(await acknowledgePolicy(db, { actor: chair2, policyId })).toEqual({ ok: false, error: "not_addressed" });
    expect(await acknowledgePolicy(db, { actor: resident, policyId })).toEqual({ ok: false, error: "not_addressed" });
    expect(await acknowledgePolicy(db, { actor: chair1, policyId })).toMatchObject({ ok: true, districtId: d1 });
    expect(await acknowledgePolicy(db, { actor: chair1, policyId })).toMatchObject({ ok: true });
    status = await acknowledgementsOf(db, policyId);
    expect(status!.districts[0]!.notYet).toBe(1);
    expect(status!.districts[0]!.recipients.find((r) => r.userId === chair1.id)!.acknowledgedAt).not.toBeNull();

    expect((await policiesForRecipient(db, chair1)).find((p) => p.policyId === policyId)!.acknowledgedAt).not.toBeNull();
    expect((await policiesForRecipient(db, manager1)).find((p) => p.policyId === policyId)!.acknowledgedAt).toBeNull();
    expect((await policiesForRecipient(db, manager2)).find((p) => p.policyId === policyId)).toBeUndefined();
    expect((await policiesInForce(db, d1, tehranToday())).map((p) => p.id)).toContain(policyId);
    expect((await policiesInForce(db, d2, tehranToday())).map((p) => p.id)).not.toContain(policyId);

    // A new version is acknowledged afresh; the old one stays as it was published.
    expect((await savePolicyDraft(db, { actor: deputy, policyId, ...draft({ allDistricts: true, recipients: "managers" }) })).ok).toBe(
      true,
    );
    expect(await publishPolicy(db, { actor: deputy, policyId })).toMatchObject({ ok: true, version: 2 });
    status = await acknowledgementsOf(db, policyId);
    expect(status!.districts.filter((d) => [d1, d2].includes(d.districtId)).map((d) => [d.notYet, d.recipients.map((r) => r.as)])).toEqual([
      [1, ["manager"]],
      [1, ["manager"]],
    ]);
    expect(await acknowledgePolicy(db, { actor: chair1, policyId })).toEqual({ ok: false, error: "not_addressed" });
    expect(await acknowledgePolicy(db, { actor: manager2, policyId })).toMatchObject({ ok: true, districtId: d2 });

    const [v1] = await db.select().from(policyVersions).where(eq(policyVersions.policyId, policyId)).orderBy(policyVersions.version);
    let refused: string | null = "written";
    try {
      await db.execute(sql`update policy_versions set body = 'دستکاری' where id = ${v1!.id}`);
    } catch (error) {
      refused = violatedConstraint(error);
    }
    expect(refused).toBe("policy_versions_fixed");
  });

  it("is not in force before its effective date", async () => {
    const later = toJalaliInput(new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10));
    const saved = await savePolicyDraft(db, { actor: deputy, ...draft({ effectiveOn: later, allDistricts: true }) });
    if (!saved.ok) throw new Error(saved.error);
    await publishPolicy(db, { actor: deputy, policyId: saved.policyId });
    expect((await policiesInForce(db, d1, tehranToday())).map((p) => p.id)).not.toContain(saved.policyId);
  });

  it("tells exactly its recipients through the inbox when a version is published", async () => {
    const told = async (policyId: string) => {
      await processNotices(db, { limit: 50 });
      const rows = await db
        .select({ userId: notifications.userId, link: notifications.link, kind: notifications.kind, readAt: notifications.readAt })
        .from(notifications)
        .where(eq(notifications.itemKey, `policy:${policyId}`));
      expect(rows.every((r) => r.link === "/policies" && r.kind === "policy_published")).toBe(true);
      return rows;
    };
    // A secretary in district 21 is a member but not a recipient.
    const secretary = await person("دبیر شورای ۲۱");
    const [chairSeat] = await db.select({ councilId: memberships.councilId }).from(memberships).where(eq(memberships.userId, chair1.id));
    await db.insert(memberships).values({ councilId: chairSeat!.councilId, userId: secretary, termNumber: 1, role: "secretary" });

    const saved = await savePolicyDraft(db, { actor: deputy, ...draft({ recipients: "chairs" }) });
    if (!saved.ok) throw new Error(saved.error);
    expect(await publishPolicy(db, { actor: deputy, policyId: saved.policyId })).toMatchObject({ ok: true });
    expect((await told(saved.policyId)).map((r) => r.userId)).toEqual([chair1.id]);

    // The next version, to every district's managers and chairs, reaches them all (the publisher aside).
    await db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(eq(notifications.itemKey, `policy:${saved.policyId}`));
    expect(
      await savePolicyDraft(db, { actor: staff, policyId: saved.policyId, ...draft({ allDistricts: true, districtIds: [] }) }),
    ).toMatchObject({ ok: true });
    expect(await publishPolicy(db, { actor: staff, policyId: saved.policyId })).toMatchObject({ ok: true, version: 2 });
    const second = await told(saved.policyId);
    expect(second.map((r) => r.userId).sort()).toEqual([manager1.id, manager2.id, chair1.id, chair2.id].sort());
    expect(second.every((r) => r.readAt === null)).toBe(true);
    for (const outsider of [deputy.id, staff.id, resident.id, secretary]) expect(second.map((r) => r.userId)).not.toContain(outsider);

    // Managers only, of district 22.
    const other = await savePolicyDraft(db, { actor: deputy, ...draft({ districtIds: [d2], recipients: "managers" }) });
    if (!other.ok) throw new Error(other.error);
    await publishPolicy(db, { actor: deputy, policyId: other.policyId });
    expect((await told(other.policyId)).map((r) => r.userId)).toEqual([manager2.id]);
  });

  it("records no notice when publishing is refused", async () => {
    const saved = await savePolicyDraft(db, { actor: deputy, ...draft() });
    if (!saved.ok) throw new Error(saved.error);
    expect(await publishPolicy(db, { actor: manager1, policyId: saved.policyId })).toEqual({ ok: false, error: "forbidden" });
    await processNotices(db, { limit: 50 });
    expect(
      await db
        .select()
        .from(notifications)
        .where(eq(notifications.itemKey, `policy:${saved.policyId}`)),
    ).toEqual([]);
  });
});
