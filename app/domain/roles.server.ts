import { and, asc, eq, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client.server";
import { commissions, districts, roleAssignments, users, type Role } from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { recordAudit } from "./audit.server";
import { findUserByPhone } from "./users.server";
import { refused, type Refused } from "./refusal.server";

/** Roles the admin hands out, and the scope each one needs. */
export const ASSIGNABLE_ROLES = {
  admin: "city",
  deputy: "city",
  deputy_staff: "city",
  district_manager: "district",
  district_staff: "district",
  commission_member: "commission",
} as const satisfies Partial<Record<Role, "city" | "district" | "commission">>;
export type AssignableRole = keyof typeof ASSIGNABLE_ROLES;

export type AssignError = "user_not_found" | "role_exists" | "scope_not_found" | "concurrent_change";

export interface AssignInput {
  phone: string;
  role: AssignableRole;
  districtId?: string | null;
  commissionId?: string | null;
  /** District staff only. */
  powers?: string[];
}

/**
 * Gives a role in a scope. A district has one manager at a time: naming a new one ends the
 * previous manager's term in the same transaction, and the unique index settles any race.
 */
export async function assignRole(
  db: Db,
  actorId: string,
  input: AssignInput,
  requestId?: string,
): Promise<{ ok: true; assignmentId: string; userId: string; replaced: string | null } | Refused<AssignError>> {
  const user = await findUserByPhone(db, input.phone);
  if (!user) return refused("user_not_found");
  const scope = ASSIGNABLE_ROLES[input.role];
  const districtId = scope === "district" ? (input.districtId ?? null) : null;
  const commissionId = scope === "commission" ? (input.commissionId ?? null) : null;
  if (scope === "district") {
    const [d] = districtId ? await db.select({ id: districts.id }).from(districts).where(eq(districts.id, districtId)) : [];
    if (!d) return refused("scope_not_found");
  }
  if (scope === "commission") {
    const [c] = commissionId ? await db.select({ id: commissions.id }).from(commissions).where(eq(commissions.id, commissionId)) : [];
    if (!c) return refused("scope_not_found");
  }
  try {
    return await db.transaction(async (tx) => {
      const [same] = await tx
        .select({ id: roleAssignments.id })
        .from(roleAssignments)
        .where(
          and(
            eq(roleAssignments.userId, user.id),
            eq(roleAssignments.role, input.role),
            districtId ? eq(roleAssignments.districtId, districtId) : isNull(roleAssignments.districtId),
            commissionId ? eq(roleAssignments.commissionId, commissionId) : isNull(roleAssignments.commissionId),
            isNull(roleAssignments.revokedAt),
          ),
        );
      if (same) return refused("role_exists");
      let replaced: string | null = null;
      if (input.role === "district_manager") {
        const previous = await tx
          .update(roleAssignments)
          .set({ revokedAt: new Date(), revokedBy: actorId })
          .where(
            and(
              eq(roleAssignments.role, "district_manager"),
              eq(roleAssignments.districtId, districtId!),
              isNull(roleAssignments.revokedAt),
            ),
          )
          .returning({ id: roleAssignments.id, userId: roleAssignments.userId });
        for (const p of previous) {
          replaced = p.userId;
          await recordAudit(tx, {
            actorId,
            action: "role.revoked",
            subjectType: "role_assignment",
            subjectId: p.id,
            districtId,
            data: { role: "district_manager", userId: p.userId, replacedBy: user.id },
            requestId,
          });
        }
      }
      const [row] = await tx
        .insert(roleAssignments)
        .values({
          userId: user.id,
          role: input.role,
          districtId,
          commissionId,
          powers: input.role === "district_staff" ? (input.powers ?? []) : [],
          grantedBy: actorId,
        })
        .returning({ id: roleAssignments.id });
      await recordAudit(tx, {
        actorId,
        action: "role.granted",
        subjectType: "role_assignment",
        subjectId: row!.id,
        districtId,
        commissionId,
        data: { role: input.role, userId: user.id, ...(input.role === "district_staff" ? { powers: input.powers ?? [] } : {}) },
        requestId,
      });
      return { ok: true as const, assignmentId: row!.id, userId: user.id, replaced };
    });
  } catch (error) {
    // Someone else named a different manager for this district at the same moment.
    if (isUniqueViolation(error, "role_assignments_one_manager_per_district")) return refused("concurrent_change");
    if (isUniqueViolation(error)) return refused("role_exists");
    throw error;
  }
}

/** Ends a role; the row stays as the record of who held it and when. Only one revocation wins. */
export async function revokeRole(
  db: Db,
  actorId: string,
  assignmentId: string,
  requestId?: string,
  /** When given, only a role in this district or commission may be ended (the page's own scope). */
  within?: { districtId?: string; commissionId?: string },
): Promise<{ ok: true; userId: string } | Refused<"not_found" | "last_admin">> {
  return db.transaction(async (tx) => {
    const [target] = await tx.select().from(roleAssignments).where(eq(roleAssignments.id, assignmentId));
    if (!target || target.revokedAt) return refused("not_found");
    if (within?.districtId && target.districtId !== within.districtId) return refused("not_found");
    if (within?.commissionId && target.commissionId !== within.commissionId) return refused("not_found");
    if (target.role === "admin") {
      // Locking the active admin rows makes two simultaneous revocations take turns: the second
      // one sees the first's result and refuses, instead of both counting two admins.
      const admins = await tx
        .select({ id: roleAssignments.id })
        .from(roleAssignments)
        .where(and(eq(roleAssignments.role, "admin"), isNull(roleAssignments.revokedAt)))
        .for("update");
      // Nobody could ever fix the deployment again from its own screens.
      if (admins.length <= 1) return refused("last_admin");
    }
    const [row] = await tx
      .update(roleAssignments)
      .set({ revokedAt: new Date(), revokedBy: actorId })
      .where(and(eq(roleAssignments.id, assignmentId), isNull(roleAssignments.revokedAt)))
      .returning({ id: roleAssignments.id });
    if (!row) return refused("not_found");
    await recordAudit(tx, {
      actorId,
      action: "role.revoked",
      subjectType: "role_assignment",
      subjectId: assignmentId,
      districtId: target.districtId,
      commissionId: target.commissionId,
      data: { role: target.role, userId: target.userId },
      requestId,
    });
    return { ok: true as const, userId: target.userId };
  });
}

/** A manager changes what one of their staff may do. */
export async function setStaffPowers(
  db: Db,
  actorId: string,
  input: { assignmentId: string; districtId: string; powers: string[] },
  requestId?: string,
): Promise<{ ok: true; userId: string } | Refused<"not_found">> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(roleAssignments)
      .set({ powers: input.powers })
      .where(
        and(
          eq(roleAssignments.id, input.assignmentId),
          eq(roleAssignments.role, "district_staff"),
          eq(roleAssignments.districtId, input.districtId),
          isNull(roleAssignments.revokedAt),
        ),
      )
      .returning({ userId: roleAssignments.userId });
    if (!row) return refused("not_found");
    await recordAudit(tx, {
      actorId,
      action: "role.powers_changed",
      subjectType: "role_assignment",
      subjectId: input.assignmentId,
      districtId: input.districtId,
      data: { role: "district_staff", userId: row.userId, powers: input.powers },
      requestId,
    });
    return { ok: true as const, userId: row.userId };
  });
}

/** Current role holders, for the admin's screens. Phone numbers are shown only there. */
export async function listRoleHolders(db: Db, filter: { role?: Role; districtId?: string; commissionId?: string } = {}) {
  const granter = alias(users, "granter");
  return db
    .select({
      id: roleAssignments.id,
      role: roleAssignments.role,
      userId: users.id,
      displayName: users.displayName,
      phone: users.phone,
      districtId: roleAssignments.districtId,
      districtName: districts.name,
      powers: roleAssignments.powers,
      commissionId: roleAssignments.commissionId,
      commissionName: commissions.name,
      grantedAt: roleAssignments.grantedAt,
      grantedByName: granter.displayName,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .leftJoin(granter, eq(granter.id, roleAssignments.grantedBy))
    .leftJoin(districts, eq(districts.id, roleAssignments.districtId))
    .leftJoin(commissions, eq(commissions.id, roleAssignments.commissionId))
    .where(
      and(
        isNull(roleAssignments.revokedAt),
        filter.role ? eq(roleAssignments.role, filter.role) : undefined,
        filter.districtId ? eq(roleAssignments.districtId, filter.districtId) : undefined,
        filter.commissionId ? eq(roleAssignments.commissionId, filter.commissionId) : undefined,
      ),
    )
    .orderBy(asc(roleAssignments.role), asc(users.displayName));
}

/**
 * For the first admin on a new deployment (command line): the account is created if missing,
 * then given the admin role. Idempotent.
 */
export async function bootstrapAdmin(
  db: Db,
  input: { phone: string; displayName: string; passwordHash: string },
): Promise<{ userId: string; createdUser: boolean; grantedRole: boolean }> {
  return db.transaction(async (tx) => {
    let [user] = await tx.select({ id: users.id }).from(users).where(eq(users.phone, input.phone));
    let createdUser = false;
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({ phone: input.phone, displayName: input.displayName, passwordHash: input.passwordHash })
        .returning({ id: users.id });
      createdUser = true;
      await recordAudit(tx, { actorId: null, action: "user.created_by_command", subjectType: "user", subjectId: user!.id });
    }
    const [existing] = await tx
      .select({ id: roleAssignments.id })
      .from(roleAssignments)
      .where(and(eq(roleAssignments.userId, user!.id), eq(roleAssignments.role, "admin"), isNull(roleAssignments.revokedAt)));
    if (existing) return { userId: user!.id, createdUser, grantedRole: false };
    const [row] = await tx.insert(roleAssignments).values({ userId: user!.id, role: "admin" }).returning({ id: roleAssignments.id });
    await recordAudit(tx, {
      actorId: null,
      action: "role.granted",
      subjectType: "role_assignment",
      subjectId: row!.id,
      data: { role: "admin", userId: user!.id, by: "command" },
    });
    return { userId: user!.id, createdUser, grantedRole: true };
  });
}
