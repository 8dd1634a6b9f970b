import { and, eq, isNull, sql } from "drizzle-orm";
import { prepared, type Db } from "../../db/client.server";
import { memberships, roleAssignments, sessions, users } from "../../db/schema";
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

/**
 * A session with its person, their active roles and seats, in one statement: what every signed-in
 * request reads first (it was four statements, one after another). Null when no such session.
 * `user` is null when the account is gone or closed. Same rows as `loadCurrentUser`.
 */
export async function sessionHolder(db: Db, idHash: string) {
  const query = prepared(db, "session_holder", (db) =>
    db
      .select({
        userId: sessions.userId,
        expiresAt: sessions.expiresAt,
        lastSeenAt: sessions.lastSeenAt,
        displayName: users.displayName,
        phone: users.phone,
        locale: users.locale,
        isActive: users.isActive,
        roles: sql<string>`(select coalesce(json_agg(json_build_object('role', r.role, 'districtId', r.district_id, 'commissionId', r.commission_id, 'powers', r.powers)), '[]'::json)::text
          from ${roleAssignments} r where r.user_id = ${sessions.userId} and r.revoked_at is null)`,
        seats: sql<string>`(select coalesce(json_agg(json_build_object('councilId', m.council_id, 'role', m.role)), '[]'::json)::text
          from ${memberships} m where m.user_id = ${sessions.userId} and m.status = 'active')`,
      })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, sql.placeholder("idHash")))
      .prepare("session_holder"),
  );
  const [row] = await query.execute({ idHash });
  if (!row) return null;
  const session = { userId: row.userId, expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt };
  if (!row.isActive || row.displayName === null || row.phone === null || row.locale === null) return { session, user: null };
  const user: CurrentUser = {
    id: row.userId,
    displayName: row.displayName,
    phone: row.phone,
    locale: row.locale,
    roles: JSON.parse(row.roles) as RoleGrant[],
    councilRoles: JSON.parse(row.seats) as CurrentUser["councilRoles"],
  };
  return { session, user };
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
