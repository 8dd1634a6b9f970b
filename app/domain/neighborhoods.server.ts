import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { neighborhoods } from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import type { Boundary } from "../utils/geojson";
import { searchKey } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { refused, type Refused } from "./refusal.server";

export interface NeighborhoodInput {
  districtId: string;
  name: string;
  description: string;
  /** Already checked by parseBoundary; null when the manager gave none. */
  boundary?: Boundary | null;
}

/** Names are unique within a district after Persian normalization («كوي» = «کوی»). */
export async function createNeighborhood(
  db: Db,
  actorId: string | null,
  input: NeighborhoodInput,
  requestId?: string,
): Promise<{ ok: true; id: string } | Refused<"neighborhood_name_taken">> {
  const nameKey = searchKey(input.name);
  const [dup] = await db
    .select({ id: neighborhoods.id })
    .from(neighborhoods)
    .where(and(eq(neighborhoods.districtId, input.districtId), eq(neighborhoods.nameKey, nameKey)));
  if (dup) return refused("neighborhood_name_taken");
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(neighborhoods)
        .values({ ...input, boundary: input.boundary ?? null, nameKey })
        .returning({ id: neighborhoods.id });
      await recordAudit(tx, {
        actorId,
        action: "neighborhood.created",
        subjectType: "neighborhood",
        subjectId: row!.id,
        districtId: input.districtId,
        data: { name: input.name },
        requestId,
      });
      return row!.id;
    });
    return { ok: true, id };
  } catch (error) {
    if (isUniqueViolation(error, "neighborhoods_district_name_key")) return refused("neighborhood_name_taken");
    throw error;
  }
}
