import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { districts, neighborhoods, roleAssignments, users } from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { searchKey } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { refused, type Refused } from "./refusal.server";

export interface DistrictInput {
  number: number;
  name: string;
  description: string;
}

export type DistrictError = "district_number_taken" | "district_name_taken";

export async function listDistricts(db: Db) {
  const rows = await db
    .select({
      id: districts.id,
      number: districts.number,
      name: districts.name,
      description: districts.description,
      neighborhoodCount: count(neighborhoods.id),
    })
    .from(districts)
    .leftJoin(neighborhoods, eq(neighborhoods.districtId, districts.id))
    .groupBy(districts.id)
    .orderBy(asc(districts.number));
  const managers = await db
    .select({ districtId: roleAssignments.districtId, name: users.displayName })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, "district_manager"), isNull(roleAssignments.revokedAt)));
  const managerOf = new Map(managers.map((m) => [m.districtId, m.name]));
  return rows.map((r) => ({ ...r, neighborhoodCount: Number(r.neighborhoodCount), managerName: managerOf.get(r.id) ?? null }));
}

export async function getDistrict(db: Db, id: string) {
  const [district] = await db.select().from(districts).where(eq(districts.id, id));
  if (!district) return null;
  const [manager] = await db
    .select({ name: users.displayName })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.districtId, id), eq(roleAssignments.role, "district_manager"), isNull(roleAssignments.revokedAt)));
  const hoods = await db
    .select({ id: neighborhoods.id, name: neighborhoods.name, description: neighborhoods.description })
    .from(neighborhoods)
    .where(eq(neighborhoods.districtId, id))
    .orderBy(asc(neighborhoods.name));
  return { ...district, managerName: manager?.name ?? null, neighborhoods: hoods };
}

async function duplicateOf(db: Db, input: DistrictInput, exceptId?: string): Promise<DistrictError | null> {
  const others = exceptId ? ne(districts.id, exceptId) : undefined;
  const [byNumber] = await db
    .select({ id: districts.id })
    .from(districts)
    .where(and(eq(districts.number, input.number), others));
  if (byNumber) return "district_number_taken";
  const [byName] = await db
    .select({ id: districts.id })
    .from(districts)
    .where(and(eq(districts.nameKey, searchKey(input.name)), others));
  if (byName) return "district_name_taken";
  return null;
}

function errorFromConstraint(error: unknown): DistrictError | null {
  if (isUniqueViolation(error, "districts_number_key")) return "district_number_taken";
  if (isUniqueViolation(error, "districts_name_key_key")) return "district_name_taken";
  return null;
}

export async function createDistrict(
  db: Db,
  actorId: string,
  input: DistrictInput,
  requestId?: string,
): Promise<{ ok: true; id: string } | Refused<DistrictError>> {
  const duplicate = await duplicateOf(db, input);
  if (duplicate) return refused(duplicate);
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(districts)
        .values({ ...input, nameKey: searchKey(input.name) })
        .returning({ id: districts.id });
      await recordAudit(tx, {
        actorId,
        action: "district.created",
        subjectType: "district",
        subjectId: row!.id,
        districtId: row!.id,
        data: { number: input.number, name: input.name },
        requestId,
      });
      return row!.id;
    });
    return { ok: true, id };
  } catch (error) {
    // The app check above is polite; the unique index is what holds under concurrency.
    const known = errorFromConstraint(error);
    if (known) return refused(known);
    throw error;
  }
}

export async function updateDistrict(
  db: Db,
  actorId: string,
  id: string,
  input: DistrictInput,
  requestId?: string,
): Promise<{ ok: true } | Refused<DistrictError>> {
  const duplicate = await duplicateOf(db, input, id);
  if (duplicate) return refused(duplicate);
  try {
    await db.transaction(async (tx) => {
      const [before] = await tx.select().from(districts).where(eq(districts.id, id));
      await tx
        .update(districts)
        .set({ ...input, nameKey: searchKey(input.name) })
        .where(eq(districts.id, id));
      await recordAudit(tx, {
        actorId,
        action: "district.updated",
        subjectType: "district",
        subjectId: id,
        districtId: id,
        data: { before: before ? { number: before.number, name: before.name } : null, after: { number: input.number, name: input.name } },
        requestId,
      });
    });
    return { ok: true };
  } catch (error) {
    const known = errorFromConstraint(error);
    if (known) return refused(known);
    throw error;
  }
}
