import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { memberships, roleAssignments, users } from "../../db/schema";
import type { Actor, CouncilRole, RoleGrant } from "../utils/permissions";

export interface CurrentUser extends Actor {
  displayName: string;
  phone: string;
  locale: string;
  councilRoles: { councilId: string; role: CouncilRole }[];
}

/** The signed-in person with their active roles: what every permission check needs. */
export async function loadCurrentUser(db: Db, userId: string): Promise<CurrentUser | null> {
  const [user] = await db
    .select({ id: users.id, displayName: users.displayName, phone: users.phone, locale: users.locale, isActive: users.isActive })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || !user.isActive) return null;
  const [roles, councilRoles] = await Promise.all([activeRoles(db, userId), activeSeats(db, userId)]);
  return { id: user.id, displayName: user.displayName, phone: user.phone, locale: user.locale, roles, councilRoles };
}

export async function activeRoles(db: Db, userId: string): Promise<RoleGrant[]> {
  return db
    .select({
      role: roleAssignments.role,
      districtId: roleAssignments.districtId,
      commissionId: roleAssignments.commissionId,
      powers: roleAssignments.powers,
    })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.userId, userId), isNull(roleAssignments.revokedAt)));
}

export async function activeSeats(db: Db, userId: string): Promise<{ councilId: string; role: CouncilRole }[]> {
  return db
    .select({ councilId: memberships.councilId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active")));
}

export async function findUserByPhone(db: Db, phone: string) {
  const [user] = await db.select().from(users).where(eq(users.phone, phone));
  return user ?? null;
}
