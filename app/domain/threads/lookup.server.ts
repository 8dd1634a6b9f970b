/**
 * Which thread: the one of a council, a proposal or a commission's review, found or made, and what
 * a page needs to know about it (its place, its charter settings, where it is read in full).
 */
import { and, eq, sql } from "drizzle-orm";
import { prepared, type Db } from "../../../db/client.server";
import { commissions, councils, neighborhoods, proposals, threadMessages, threads, type ThreadKind } from "../../../db/schema";
import type { ThreadAccess } from "../../utils/permissions";

export type ThreadTarget =
  | { kind: "council"; councilId: string }
  | { kind: "proposal"; proposalId: string }
  | { kind: "commission"; proposalId: string; commissionId: string };

export interface ThreadInfo extends ThreadAccess {
  id: string;
  neighborhoodId: string;
  proposalId: string | null;
  reportsToHide: number;
  lastSeq: number;
  messageCount: number;
  lockedAt: Date | null;
  lockReason: string | null;
  pinnedMessageId: string | null;
  title: string;
  /** For a commission's review thread: the commission's name. */
  commissionName: string | null;
  /** Where the thread is read in full: the council's or the proposal's page. */
  homePath: string;
}

function threadCondition(target: ThreadTarget) {
  return target.kind === "council"
    ? and(eq(threads.kind, "council"), eq(threads.councilId, target.councilId))
    : target.kind === "proposal"
      ? and(eq(threads.kind, "proposal"), eq(threads.proposalId, target.proposalId))
      : and(eq(threads.kind, "commission"), eq(threads.proposalId, target.proposalId), eq(threads.commissionId, target.commissionId));
}

/** The thread of a council, a proposal or a commission's review, if it exists (a read only). */
export async function findThreadId(db: Db, target: ThreadTarget): Promise<string | null> {
  const [row] = await db.select({ id: threads.id }).from(threads).where(threadCondition(target));
  return row?.id ?? null;
}

/**
 * For pages: the thread is made together with its council, proposal or referral (and migration
 * 0011 made those of older rows), so reading a page only reads. Only a row put into the database
 * some other way (a bulk import) gets its thread here, once.
 */
export async function threadIdFor(db: Db, target: ThreadTarget): Promise<string> {
  return (await findThreadId(db, target)) ?? ensureThread(db, target);
}

/**
 * The thread of a council, a proposal or a commission's review, made if it is not there yet
 * (when the council, proposal or referral is made). The partial unique indexes keep it to one
 * even when two requests ask at once.
 */
export async function ensureThread(db: Db, target: ThreadTarget): Promise<string> {
  const find = () => findThreadId(db, target);
  const existing = await find();
  if (existing) return existing;
  let place: { councilId: string; districtId: string; neighborhoodId: string } | undefined;
  if (target.kind === "council") {
    [place] = await db
      .select({ councilId: councils.id, districtId: councils.districtId, neighborhoodId: councils.neighborhoodId })
      .from(councils)
      .where(eq(councils.id, target.councilId));
  } else {
    [place] = await db
      .select({ councilId: proposals.councilId, districtId: proposals.districtId, neighborhoodId: proposals.neighborhoodId })
      .from(proposals)
      .where(eq(proposals.id, target.proposalId));
  }
  if (!place) throw new Error(`no ${target.kind} for a thread`);
  await db
    .insert(threads)
    .values({
      kind: target.kind as ThreadKind,
      ...place,
      proposalId: target.kind === "council" ? null : target.proposalId,
      commissionId: target.kind === "commission" ? target.commissionId : null,
    })
    .onConflictDoNothing();
  return (await find())!;
}

export async function getThread(db: Db, threadId: string): Promise<ThreadInfo | null> {
  // Every page with a discussion asks this first: built once.
  const query = prepared(db, "thread_info", (db) =>
    db
      .select({
        id: threads.id,
        kind: threads.kind,
        councilId: threads.councilId,
        districtId: threads.districtId,
        neighborhoodId: threads.neighborhoodId,
        proposalId: threads.proposalId,
        commissionId: threads.commissionId,
        lastSeq: threads.lastSeq,
        messageCount: threads.messageCount,
        lockedAt: threads.lockedAt,
        lockReason: threads.lockReason,
        pinnedMessageId: threads.pinnedMessageId,
        threadPosters: councils.threadPosters,
        chairsModerate: councils.chairsModerate,
        reportsToHide: councils.reportsToHide,
        neighborhoodName: neighborhoods.name,
        proposalTitle: proposals.title,
        commissionName: commissions.name,
      })
      .from(threads)
      .innerJoin(councils, eq(councils.id, threads.councilId))
      .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
      .leftJoin(proposals, eq(proposals.id, threads.proposalId))
      .leftJoin(commissions, eq(commissions.id, threads.commissionId))
      .where(eq(threads.id, sql.placeholder("threadId")))
      .prepare("thread_info"),
  );
  const [row] = await query.execute({ threadId });
  if (!row) return null;
  const { neighborhoodName, proposalTitle, ...rest } = row;
  return {
    ...rest,
    title: proposalTitle ?? neighborhoodName,
    homePath: row.proposalId ? `/proposals/${row.proposalId}` : `/councils/${row.councilId}`,
  };
}

/** The thread a message is in, or null. */
export async function messageThreadId(db: Db, messageId: string): Promise<string | null> {
  const [row] = await db.select({ threadId: threadMessages.threadId }).from(threadMessages).where(eq(threadMessages.id, messageId));
  return row?.threadId ?? null;
}
