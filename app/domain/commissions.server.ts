import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { commissions, roleAssignments } from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { searchKey } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { refused, type Refused } from "./refusal.server";

export interface CommissionInput {
  name: string;
  description: string;
}

export async function listCommissions(db: Db) {
  const rows = await db
    .select({
      id: commissions.id,
      name: commissions.name,
      description: commissions.description,
      memberCount: count(roleAssignments.id),
    })
    .from(commissions)
    .leftJoin(
      roleAssignments,
      and(
        eq(roleAssignments.commissionId, commissions.id),
        eq(roleAssignments.role, "commission_member"),
        isNull(roleAssignments.revokedAt),
      ),
    )
    .groupBy(commissions.id)
    .orderBy(asc(commissions.name));
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }));
}

export async function getCommission(db: Db, id: string) {
  const [row] = await db.select().from(commissions).where(eq(commissions.id, id));
  return row ?? null;
}

export async function createCommission(
  db: Db,
  actorId: string,
  input: CommissionInput,
  requestId?: string,
): Promise<{ ok: true; id: string } | Refused<"commission_name_taken">> {
  const [dup] = await db
    .select({ id: commissions.id })
    .from(commissions)
    .where(eq(commissions.nameKey, searchKey(input.name)));
  if (dup) return refused("commission_name_taken");
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(commissions)
        .values({ ...input, nameKey: searchKey(input.name) })
        .returning({ id: commissions.id });
      await recordAudit(tx, {
        actorId,
        action: "commission.created",
        subjectType: "commission",
        subjectId: row!.id,
        commissionId: row!.id,
        data: { name: input.name },
        requestId,
      });
      return row!.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error, "commissions_name_key_key")) return refused("commission_name_taken");
    throw error;
  }
}

export async function updateCommission(
  db: Db,
  actorId: string,
  id: string,
  input: CommissionInput,
  requestId?: string,
): Promise<{ ok: true } | Refused<"commission_name_taken">> {
  const [dup] = await db
    .select({ id: commissions.id })
    .from(commissions)
    .where(and(eq(commissions.nameKey, searchKey(input.name)), ne(commissions.id, id)));
  if (dup) return refused("commission_name_taken");
  try {
    await db.transaction(async (tx) => {
      await tx
        .update(commissions)
        .set({ ...input, nameKey: searchKey(input.name) })
        .where(eq(commissions.id, id));
      await recordAudit(tx, {
        actorId,
        action: "commission.updated",
        subjectType: "commission",
        subjectId: id,
        commissionId: id,
        data: { name: input.name },
        requestId,
      });
    });
    return { ok: true };
  } catch (error) {
    if (isUniqueViolation(error, "commissions_name_key_key")) return refused("commission_name_taken");
    throw error;
  }
}
