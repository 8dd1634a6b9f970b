/**
 * The one answer to "may this person do this action in this scope".
 * Loaders, actions and the socket handshake all ask here; the UI asks too, only to hide
 * buttons a person could not use anyway. Browser-safe: no database access.
 */

export type RoleName =
  | "admin"
  | "deputy"
  | "deputy_staff"
  | "district_manager"
  | "district_staff"
  | "commission_member";

export interface RoleGrant {
  role: RoleName;
  districtId: string | null;
  commissionId: string | null;
}

export interface Actor {
  id: string;
  roles: RoleGrant[];
}

export type Scope =
  | { kind: "city" }
  | { kind: "district"; districtId: string }
  | { kind: "commission"; commissionId: string }
  | { kind: "user"; userId: string };

export const ACTIONS = [
  // Anyone, signed in or not.
  "public.read",
  // Any signed-in person (a resident).
  "account.manage",
  "resident.participate",
  // Admin, whole deployment.
  "admin.access",
  "district.create",
  "district.edit",
  "commission.create",
  "commission.edit",
  "role.assign",
  "audit.view",
  // District managers (and, where allowed, their staff) inside their own district.
  "district.manage",
  "district.staff.assign",
  "district.moderate",
  "district.file_on_behalf",
  // The culture and social deputy.
  "deputy.dashboard",
  "deputy.answer",
  "deputy.publish_policy",
  // Commission members inside their own commission.
  "commission.review",
  "commission.decide",
] as const;
export type Action = (typeof ACTIONS)[number];

type Rule =
  | { who: "anyone" }
  | { who: "signed_in" }
  | { who: "self" }
  | { who: "roles"; city?: RoleName[]; district?: RoleName[]; commission?: RoleName[] };

/**
 * The whole policy as data. `city` roles act everywhere; `district` and `commission` roles act
 * only when the scope is their own district or commission.
 */
const POLICY: Record<Action, Rule> = {
  "public.read": { who: "anyone" },
  "account.manage": { who: "self" },
  "resident.participate": { who: "signed_in" },
  "admin.access": { who: "roles", city: ["admin"] },
  "district.create": { who: "roles", city: ["admin"] },
  "district.edit": { who: "roles", city: ["admin"] },
  "commission.create": { who: "roles", city: ["admin"] },
  "commission.edit": { who: "roles", city: ["admin"] },
  "role.assign": { who: "roles", city: ["admin"] },
  "audit.view": { who: "roles", city: ["admin"], district: ["district_manager"] },
  "district.manage": { who: "roles", district: ["district_manager"] },
  "district.staff.assign": { who: "roles", district: ["district_manager"] },
  "district.moderate": { who: "roles", district: ["district_manager", "district_staff"] },
  "district.file_on_behalf": { who: "roles", district: ["district_manager", "district_staff"] },
  "deputy.dashboard": { who: "roles", city: ["deputy", "deputy_staff"] },
  "deputy.answer": { who: "roles", city: ["deputy", "deputy_staff"] },
  "deputy.publish_policy": { who: "roles", city: ["deputy"] },
  "commission.review": { who: "roles", commission: ["commission_member"] },
  "commission.decide": { who: "roles", commission: ["commission_member"] },
};

export function can(actor: Actor | null | undefined, action: Action, scope: Scope = { kind: "city" }): boolean {
  const rule = POLICY[action];
  if (!rule) return false;
  switch (rule.who) {
    case "anyone":
      return true;
    case "signed_in":
      return Boolean(actor);
    case "self":
      return Boolean(actor) && scope.kind === "user" && scope.userId === actor!.id;
    case "roles": {
      if (!actor) return false;
      return actor.roles.some((grant) => {
        if (rule.city?.includes(grant.role)) return true;
        if (rule.district?.includes(grant.role)) {
          return scope.kind === "district" && grant.districtId === scope.districtId;
        }
        if (rule.commission?.includes(grant.role)) {
          return scope.kind === "commission" && grant.commissionId === scope.commissionId;
        }
        return false;
      });
    }
  }
}

/** Districts in which the actor holds any of the given roles (for "my district" links). */
export function districtsWhere(actor: Actor | null | undefined, roles: RoleName[]): string[] {
  if (!actor) return [];
  return actor.roles.filter((g) => roles.includes(g.role) && g.districtId).map((g) => g.districtId!);
}

export function commissionsWhere(actor: Actor | null | undefined): string[] {
  if (!actor) return [];
  return actor.roles.filter((g) => g.role === "commission_member" && g.commissionId).map((g) => g.commissionId!);
}

/**
 * Socket rooms and what it takes to join them. Public rooms are open to anonymous sockets;
 * everything else goes through `can` with the room's scope.
 */
export function mayJoinRoom(actor: Actor | null | undefined, room: string): boolean {
  if (room === "city") return true;
  if (room === "deputy") return can(actor, "deputy.dashboard");
  if (room === "admin") return can(actor, "admin.access");
  const [kind, id, extra] = room.split(":");
  if (!id || extra !== undefined || !/^[0-9a-f-]{36}$/i.test(id)) return false;
  switch (kind) {
    case "district":
      return true;
    case "district-staff":
      return can(actor, "district.moderate", { kind: "district", districtId: id });
    case "commission":
      return can(actor, "commission.review", { kind: "commission", commissionId: id });
    case "user":
      return can(actor, "account.manage", { kind: "user", userId: id });
    default:
      return false;
  }
}
