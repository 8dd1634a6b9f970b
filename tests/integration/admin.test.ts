import { and, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapAdmin } from "../../app/domain/roles.server";
import { hashPassword } from "../../app/utils/password.server";
import { categories, commissions, districts, memberships, roleAssignments, users } from "../../db/schema";
import { refusalOf } from "../../app/domain/refusal.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, inputValue, visibleText } from "../support/http";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const PASSWORD = "کوه-الوند-زیباست";

describe.each(BACKENDS)("admin screens on %s", (backend) => {
  let app: TestApp;
  let admin: Browserless;
  let resident: Browserless;

  async function account(phone: string, name: string) {
    await app.database.db
      .insert(users)
      .values({ phone, displayName: name, passwordHash: await hashPassword(PASSWORD) })
      .onConflictDoNothing();
    const client = new Browserless(app.baseUrl);
    const response = await client.post("/login", { phone, password: PASSWORD });
    expect(response.status).toBe(302);
    return client;
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    await bootstrapAdmin(app.database.db, {
      phone: "+989120000001",
      displayName: "مدیر سامانه",
      passwordHash: await hashPassword(PASSWORD),
    });
    admin = await account("+989120000001", "مدیر سامانه");
    resident = await account("+989120000002", "حسین مرادی");
    await account("+989120000003", "فاطمه نوری");
    await account("+989120000004", "مهدی صالحی");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("keeps residents out of every admin screen and action", async () => {
    for (const path of ["/admin", "/admin/districts", "/admin/commissions", "/admin/roles", "/admin/audit"]) {
      const page = await resident.get(path);
      expect(page.status, path).toBe(403);
      expect(visibleText(await page.text())).toContain(fa.errors.forbidden_title);
    }
    const post = await resident.post("/admin/districts", { number: "7", name: "منطقه هفت" });
    expect(post.status).toBe(403);
    const [{ n }] = (await app.database.db.select({ n: count() }).from(districts)) as [{ n: number }];
    expect(Number(n)).toBe(0);
    // Signed out: sent to sign in, and back afterwards.
    const anonymous = await new Browserless(app.baseUrl).get("/admin/roles");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login?redirectTo=%2Fadmin%2Froles");
  });

  it("creates districts, refusing duplicates after Persian normalization", async () => {
    const created = await admin.post("/admin/districts", { number: "۱", name: "منطقه يك", description: "شمال شهر" });
    expect(created.status).toBe(200);
    expect(visibleText(await created.text())).toContain("منطقه «منطقه یک» ثبت شد.");

    const sameName = await admin.post("/admin/districts", { number: "2", name: "منطقه  یک" });
    expect(sameName.status).toBe(409);
    const html = await sameName.text();
    expect(visibleText(html)).toContain(fa.errors.district_name_taken);
    expect(inputValue(html, "number")).toBe("2");

    const sameNumber = await admin.post("/admin/districts", { number: "1", name: "منطقه دیگر" });
    expect(visibleText(await sameNumber.text())).toContain(fa.errors.district_number_taken);

    const badNumber = await admin.post("/admin/districts", { number: "150", name: "منطقه صد و پنجاه" });
    expect(badNumber.status).toBe(400);
    expect(visibleText(await badNumber.text())).toContain(fa.errors.district_number_invalid);

    const rows = await app.database.db.select().from(districts);
    expect(rows.map((r) => r.name)).toEqual(["منطقه یک"]);
  });

  it("appoints and replaces a district manager, shown publicly without the phone number", async () => {
    const [district] = await app.database.db.select().from(districts).where(eq(districts.number, 1));
    const page = `/admin/districts/${district!.id}`;

    const unknown = await admin.post(page, { intent: "assign-manager", phone: "09129999999" });
    expect(unknown.status).toBe(409);
    expect(visibleText(await unknown.text())).toContain(fa.errors.user_not_found);

    const first = await admin.post(page, { intent: "assign-manager", phone: "۰۹۱۲۰۰۰۰۰۰۳" });
    expect(first.status).toBe(200);
    const second = await admin.post(page, { intent: "assign-manager", phone: "09120000004" });
    expect(second.status).toBe(200);

    const active = await app.database.db
      .select({ userId: roleAssignments.userId })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.role, "district_manager"), isNull(roleAssignments.revokedAt)));
    expect(active).toHaveLength(1);

    const publicPage = await new Browserless(app.baseUrl).get(`/districts/${district!.id}`);
    const text = visibleText(await publicPage.text());
    expect(text).toContain("مهدی صالحی");
    expect(text).not.toContain("فاطمه نوری");
    expect(text).not.toMatch(/0912|۰۹۱۲/);
  });

  it("appoints the deputy and commission members, and records every act in the audit log", async () => {
    const deputy = await admin.post("/admin/roles", { intent: "assign", phone: "09120000002", role: "deputy" });
    expect(deputy.status).toBe(200);
    const bogusRole = await admin.post("/admin/roles", { intent: "assign", phone: "09120000002", role: "superuser" });
    expect(bogusRole.status).toBe(400);

    const commission = await admin.post("/admin/commissions", { name: "کمیسیون فرهنگی و اجتماعی", description: "" });
    expect(commission.status).toBe(200);
    const list = await admin.get("/admin/commissions");
    const id = (await list.text()).match(/\/admin\/commissions\/([0-9a-f-]{36})/)![1];
    const member = await admin.post(`/admin/commissions/${id}`, { intent: "add-member", phone: "09120000003" });
    expect(member.status).toBe(200);
    const again = await admin.post(`/admin/commissions/${id}`, { intent: "add-member", phone: "09120000003" });
    expect(visibleText(await again.text())).toContain(fa.errors.role_exists);

    // The resident now holds the deputy role: the account page says so.
    expect(visibleText(await (await resident.get("/account")).text())).toContain(fa.roles.deputy);

    // Each change in a sentence of its own, never a raw key.
    const auditHtml = await (await admin.get("/admin/audit")).text();
    const audit = visibleText(auditHtml);
    const by = (sentence: string) => sentence.replace("{{actor}}", "مدیر سامانه");
    expect(audit).toContain(by(fa.audit.action.district.created));
    expect(audit).toContain(by(fa.audit.action.role.granted));
    expect(audit).toContain(by(fa.audit.action.role.revoked));
    expect(audit).toContain(by(fa.audit.action.commission.created));
    // The kind's key is a detail beside the sentence (in <code>), never the sentence itself.
    const sentences = [...auditHtml.matchAll(/<strong>([\s\S]*?)<\/strong>/g)].map((m) => m[1]).join(" ");
    expect(sentences).toContain(by(fa.audit.action.district.created));
    expect(sentences).not.toMatch(/\b(district|role|commission)\.(created|granted|revoked)\b/);
    expect(auditHtml).toMatch(/<code[^>]*>district\.created<\/code>/);
  });

  it("ends a role only from the page of its own district", async () => {
    const other = await admin.post("/admin/districts", { number: "2", name: "منطقه دو" });
    expect(other.status).toBe(200);
    const [d1] = await app.database.db.select().from(districts).where(eq(districts.number, 1));
    const [d2] = await app.database.db.select().from(districts).where(eq(districts.number, 2));
    const [manager] = await app.database.db
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.districtId, d1!.id), isNull(roleAssignments.revokedAt)));
    const wrongPage = await admin.post(`/admin/districts/${d2!.id}`, { intent: "revoke", assignmentId: manager!.id });
    expect(wrongPage.status).toBe(409);
    expect(visibleText(await wrongPage.text())).toContain(fa.errors.not_found);
    const [still] = await app.database.db.select().from(roleAssignments).where(eq(roleAssignments.id, manager!.id));
    expect(still!.revokedAt).toBeNull();
    const rightPage = await admin.post(`/admin/districts/${d1!.id}`, { intent: "revoke", assignmentId: manager!.id });
    expect(rightPage.status).toBe(200);
  });

  it("will not remove the last administrator", async () => {
    const [row] = await app.database.db
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.role, "admin"), isNull(roleAssignments.revokedAt)));
    const response = await admin.post("/admin/roles", { intent: "revoke", assignmentId: row!.id });
    expect(response.status).toBe(409);
    expect(visibleText(await response.text())).toContain(fa.errors.last_admin);
  });
  it("refuses a topic's commission that does not exist on the topic's own row, never with a server error", async () => {
    const db = app.database.db;
    const added = await admin.post("/admin/categories", { intent: "add", name: "حمل و نقل" });
    expect(added.status).toBe(200);
    const [topic] = await db.select().from(categories).where(eq(categories.name, "حمل و نقل"));
    const [commission] = await db
      .insert(commissions)
      .values({ name: "کمیسیون عمران", nameKey: "کمیسیون عمران" })
      .returning({ id: commissions.id });

    const missing = await admin.post("/admin/categories", {
      intent: "commission",
      categoryId: topic!.id,
      commissionId: crypto.randomUUID(),
    });
    expect(missing.status).toBe(409);
    expect(visibleText(await missing.text())).toContain(fa.errors.commission_unknown);
    expect((await db.select().from(categories).where(eq(categories.id, topic!.id)))[0]!.defaultCommissionId).toBeNull();

    const noTopic = await admin.post("/admin/categories", {
      intent: "commission",
      categoryId: crypto.randomUUID(),
      commissionId: commission!.id,
    });
    expect(noTopic.status).toBe(409);
    const malformed = await admin.post("/admin/categories", { intent: "commission", categoryId: topic!.id, commissionId: "constructor" });
    expect(malformed.status).toBe(400);
    expect(visibleText(await malformed.text())).toContain(fa.errors.commission_unknown);

    const saved = await admin.post("/admin/categories", { intent: "commission", categoryId: topic!.id, commissionId: commission!.id });
    expect(saved.status).toBe(200);
    expect((await db.select().from(categories).where(eq(categories.id, topic!.id)))[0]!.defaultCommissionId).toBe(commission!.id);
  });

  it("answers a write that names a row removed a moment ago as a form refusal (the foreign key), not an error", async () => {
    const db = app.database.db;
    const [topic] = await db.insert(categories).values({ name: "ورزش", nameKey: "ورزش" }).returning({ id: categories.id });
    // The write itself, as it would run after its existence check lost a race with a deletion.
    const outcome = await refusalOf(() =>
      db.update(categories).set({ defaultCommissionId: crypto.randomUUID() }).where(eq(categories.id, topic!.id)),
    );
    expect(outcome).toEqual({ ok: false, error: "commission_unknown" });
    const other = await refusalOf(() =>
      db.insert(memberships).values({ councilId: crypto.randomUUID(), userId: crypto.randomUUID(), termNumber: 1 }),
    );
    expect(other).toEqual({ ok: false, error: "reference_unknown" });
    expect(fa.errors.reference_unknown).toBeTruthy();
  });
});
