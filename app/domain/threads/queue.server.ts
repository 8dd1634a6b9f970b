/**
 * The moderators' queue of a district, and what only moderators may read: edit histories and the
 * text of hidden messages.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { messageEdits, messageReports, neighborhoods, proposals, threadMessages, threads, users } from "../../../db/schema";

/**
 * Messages in a district's threads that wait for a moderator: reported and not yet settled, or
 * hidden by reports. The text is shown here (moderators must read it), with its edit history.
 */
export async function moderationQueue(db: Db, districtId: string, options: { councilId?: string } = {}) {
  const rows = await db
    .select({
      id: threadMessages.id,
      threadId: threadMessages.threadId,
      body: threadMessages.body,
      authorId: threadMessages.authorId,
      authorName: users.displayName,
      createdAt: threadMessages.createdAt,
      editedAt: threadMessages.editedAt,
      hiddenKind: threadMessages.hiddenKind,
      reportCount: threadMessages.reportCount,
      councilId: threads.councilId,
      proposalId: threads.proposalId,
      neighborhoodName: neighborhoods.name,
      proposalTitle: proposals.title,
    })
    .from(threadMessages)
    .innerJoin(threads, eq(threads.id, threadMessages.threadId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .leftJoin(users, eq(users.id, threadMessages.authorId))
    .where(
      and(
        eq(threads.districtId, districtId),
        options.councilId ? eq(threads.councilId, options.councilId) : undefined,
        isNull(threadMessages.deletedAt),
        sql`(${threadMessages.reportCount} > 0 or ${threadMessages.hiddenKind} = 'reports')`,
      ),
    )
    .orderBy(desc(threadMessages.reportCount), asc(threadMessages.createdAt))
    .limit(100);
  const ids = rows.map((r) => r.id);
  const reports = ids.length
    ? await db
        .select({
          messageId: messageReports.messageId,
          reason: messageReports.reason,
          at: messageReports.createdAt,
          reporterName: users.displayName,
        })
        .from(messageReports)
        .innerJoin(users, eq(users.id, messageReports.reporterId))
        .where(and(inArray(messageReports.messageId, ids), isNull(messageReports.resolvedAt)))
        .orderBy(asc(messageReports.createdAt))
    : [];
  const edits = ids.length
    ? await db
        .select({ messageId: messageEdits.messageId, previousBody: messageEdits.previousBody, editedAt: messageEdits.editedAt })
        .from(messageEdits)
        .where(inArray(messageEdits.messageId, ids))
        .orderBy(asc(messageEdits.id))
    : [];
  return rows.map((r) => ({
    ...r,
    reports: reports.filter((x) => x.messageId === r.id),
    edits: edits.filter((x) => x.messageId === r.id),
  }));
}

/** A message's earlier versions, for moderators. */
export async function editHistory(db: Db, messageId: string) {
  return db
    .select({ previousBody: messageEdits.previousBody, editedAt: messageEdits.editedAt })
    .from(messageEdits)
    .where(eq(messageEdits.messageId, messageId))
    .orderBy(asc(messageEdits.id));
}

/** The text of a hidden or deleted message, for the moderators of its thread only. */
export async function moderatorMessage(db: Db, messageId: string) {
  const [row] = await db
    .select({
      id: threadMessages.id,
      threadId: threadMessages.threadId,
      body: threadMessages.body,
      authorId: threadMessages.authorId,
      hiddenKind: threadMessages.hiddenKind,
    })
    .from(threadMessages)
    .where(eq(threadMessages.id, messageId));
  return row ?? null;
}
