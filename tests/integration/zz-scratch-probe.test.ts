import { and, eq, isNull } from "drizzle-orm";
import { it } from "vitest";
import { roleAssignments, users } from "../../db/schema";
import { assignRole, revokeRole } from "../../app/domain/roles.server";
import { createDistrict } from "../../app/domain/districts.server";
import { BACKENDS, createTestDatabase } from "../support/database";

it.each(BACKENDS)("probe %s", async (backend) => {
  const t = await createTestDatabase(backend);
  const db = t.db;
  const mk = async (n: number) => (await db.insert(users).values({ phone: `+98912000000${n}`, displayName: "aa", passwordHash: "x" }).returning())[0]!;
  const a = await mk(1), b = await mk(2), c = await mk(3), d = await mk(4);
  const ra = await assignRole(db, a.id, { phone: a.phone, role: "admin" });
  const rb = await assignRole(db, a.id, { phone: b.phone, role: "admin" });
  const rev = await Promise.all([revokeRole(db, a.id, (ra as any).assignmentId), revokeRole(db, a.id, (rb as any).assignmentId)]);
  const left = await db.select().from(roleAssignments).where(and(eq(roleAssignments.role, "admin"), isNull(roleAssignments.revokedAt)));
  console.log(backend, "admin revoke race", JSON.stringify(rev), "active admins left:", left.length);
  const dist = await createDistrict(db, a.id, { number: 5, name: "x", description: "" });
  const m = await Promise.all([
    assignRole(db, a.id, { phone: c.phone, role: "district_manager", districtId: (dist as any).id }),
    assignRole(db, a.id, { phone: d.phone, role: "district_manager", districtId: (dist as any).id }),
  ]);
  console.log(backend, "manager race", JSON.stringify(m));
  const cd = await Promise.all([
    createDistrict(db, a.id, { number: 7, name: "y", description: "" }),
    createDistrict(db, a.id, { number: 7, name: "z", description: "" }),
  ]);
  console.log(backend, "district race", JSON.stringify(cd));
  const e = await mk(5);
  const dd = await createDistrict(db, a.id, { number: 8, name: "w", description: "" });
  const same = await Promise.all([
    assignRole(db, a.id, { phone: e.phone, role: "district_manager", districtId: (dd as any).id }),
    assignRole(db, a.id, { phone: e.phone, role: "district_manager", districtId: (dd as any).id }),
  ]);
  console.log(backend, "same-person race", JSON.stringify(same));
  try { console.log(backend, "out of range", JSON.stringify(await createDistrict(db, a.id, { number: 100, name: "q", description: "" }))); } catch (err) { console.log(backend, "out of range threw", String((err as any).cause?.message ?? err)); }
  await t.destroy();
});
