import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { neighborhoods, proposals, threads } from "../../../db/schema";

/**
 * The city's public discussions with the most recent messages (council and proposal threads; a
 * commission's own never), for the home page.
 */
export async function liveliestThreads(db: Db, limit = 5) {
  const rows = await db
    .select({
      id: threads.id,
      councilId: threads.councilId,
      proposalId: threads.proposalId,
      messageCount: threads.messageCount,
      lastMessageAt: threads.lastMessageAt,
      neighborhoodName: neighborhoods.name,
      proposalTitle: proposals.title,
    })
    .from(threads)
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .where(and(sql`${threads.kind} <> 'commission'`, sql`${threads.lastMessageAt} > now() - interval '14 days'`))
    .orderBy(desc(threads.lastMessageAt))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    path: r.proposalId ? `/proposals/${r.proposalId}#thread` : `/councils/${r.councilId}#thread`,
  }));
}
