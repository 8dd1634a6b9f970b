import { and, eq, sql, type Placeholder } from "drizzle-orm";
import { threadMutes } from "../../../db/schema";

/**
 * The one "mute in force" rule: a mute counts until its end, by the database's clock. Every read of
 * mutes (posting, muting again, the moderators' list, a person's own notice) asks this.
 */
export function muteInForce(threadId: string | Placeholder, userId?: string | Placeholder) {
  const inForce = sql`${threadMutes.until} > now()`;
  return userId === undefined
    ? and(eq(threadMutes.threadId, threadId), inForce)
    : and(eq(threadMutes.threadId, threadId), eq(threadMutes.userId, userId), inForce);
}
