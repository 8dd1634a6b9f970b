import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { ensureThread } from "./threads.server";
import { Refusal, refusalOf as baseRefusalOf } from "./refusal.server";
import {
  categories,
  councils,
  memberships,
  proposalEvents,
  proposals,
  supports,
  threads,
  users,
  type ProposalStatus,
} from "../../db/schema";
import { isUniqueViolation } from "../utils/db-errors.server";
import { searchKey } from "../utils/persian";
import { sourcesOf } from "./proposal-state";

export type ProposalError =
  | "not_found"
  | "council_not_active"
  | "members_only"
  | "category_unknown"
  | "not_author"
  | "has_supports"
  | "not_open"
  | "already_supported"
  | "not_supported"
  | "own_proposal"
  | "category_name_taken";

type Fail = { ok: false; error: ProposalError };

function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, ProposalError>(work);
}



async function event(db: Db, proposalId: string, actorId: string | null, kind: string, data?: Record<string, unknown>) {
  await db.insert(proposalEvents).values({ proposalId, actorId, kind, data: data ?? null });
}

/** Moves a proposal only from a status that allows it; null when someone else moved it first. */
async function move(db: Db, proposalId: string, to: ProposalStatus) {
  const [row] = await db
    .update(proposals)
    .set({ status: to, statusChangedAt: new Date() })
    .where(and(eq(proposals.id, proposalId), inArray(proposals.status, sourcesOf(to))))
    .returning({ id: proposals.id });
  return row ?? null;
}

// ---------------------------------------------------------------------------
// Categories (admin)

export async function listCategories(db: Db, includeInactive = false) {
  return db
    .select()
    .from(categories)
    .where(includeInactive ? undefined : eq(categories.isActive, true))
    .orderBy(asc(categories.sortOrder), asc(categories.name));
}

export async function createCategory(db: Db, name: string, sortOrder = 0): Promise<{ ok: true; id: string } | Fail> {
  try {
    const [row] = await db.insert(categories).values({ name, nameKey: searchKey(name), sortOrder }).returning({ id: categories.id });
    return { ok: true, id: row!.id };
  } catch (error) {
    if (isUniqueViolation(error, "categories_name_key_key")) return { ok: false, error: "category_name_taken" };
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Filing

export interface ProposalInput {
  title: string;
  body: string;
  categoryId: string;
  place: string;
}

/**
 * Files a proposal to a council. Who may file follows the charter: any signed-in resident, or
 * members only. District staff file on behalf of a resident who came in person (name and number
 * recorded; the number is never shown publicly).
 */
export async function fileProposal(
  db: Db,
  input: ProposalInput & {
    councilId: string;
    authorId: string | null;
    onBehalf?: { filedById: string; name: string; phone: string };
  },
): Promise<{ ok: true; id: string } | Fail> {
  return refusalOf(async () => {
    const [council] = await db.select().from(councils).where(eq(councils.id, input.councilId));
    if (!council) throw new Refusal<ProposalError>("not_found");
    if (council.status !== "active") throw new Refusal<ProposalError>("council_not_active");
    const [category] = await db
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.id, input.categoryId), eq(categories.isActive, true)));
    if (!category) throw new Refusal<ProposalError>("category_unknown");
    if (council.proposers === "members" && input.authorId && !input.onBehalf) {
      const [seat] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.councilId, council.id), eq(memberships.userId, input.authorId), eq(memberships.status, "active")));
      if (!seat) throw new Refusal<ProposalError>("members_only");
    }
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(proposals)
        .values({
          councilId: council.id,
          districtId: council.districtId,
          neighborhoodId: council.neighborhoodId,
          authorId: input.onBehalf ? null : input.authorId,
          filedById: input.onBehalf?.filedById ?? null,
          onBehalfName: input.onBehalf?.name ?? null,
          onBehalfPhone: input.onBehalf?.phone ?? null,
          title: input.title,
          body: input.body,
          categoryId: input.categoryId,
          place: input.place,
        })
        .returning({ id: proposals.id });
      // Its discussion is made with it: reading the proposal page never writes.
      await ensureThread(tx as unknown as Db, { kind: "proposal", proposalId: row!.id });
      await event(tx, row!.id, input.onBehalf?.filedById ?? input.authorId, "filed", input.onBehalf ? { onBehalf: true } : undefined);
      return { ok: true as const, id: row!.id };
    });
  });
}

/** The author edits their proposal, only until it gets its first support. */
export async function editProposal(
  db: Db,
  input: ProposalInput & { proposalId: string; userId: string },
): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [current] = await tx.select().from(proposals).where(eq(proposals.id, input.proposalId)).for("update");
      if (!current) throw new Refusal<ProposalError>("not_found");
      if (current.authorId !== input.userId) throw new Refusal<ProposalError>("not_author");
      if (current.status !== "open") throw new Refusal<ProposalError>("not_open");
      if (current.supportCount > 0) throw new Refusal<ProposalError>("has_supports");
      const [category] = await tx
        .select({ id: categories.id })
        .from(categories)
        .where(and(eq(categories.id, input.categoryId), eq(categories.isActive, true)));
      if (!category) throw new Refusal<ProposalError>("category_unknown");
      await tx
        .update(proposals)
        .set({ title: input.title, body: input.body, categoryId: input.categoryId, place: input.place, editedAt: new Date() })
        .where(eq(proposals.id, input.proposalId));
      await event(tx, input.proposalId, input.userId, "edited");
      return { ok: true as const };
    }),
  );
}

/** The author withdraws it any time before a vote opens. */
export async function withdrawProposal(db: Db, proposalId: string, userId: string): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [current] = await tx.select({ authorId: proposals.authorId }).from(proposals).where(eq(proposals.id, proposalId));
      if (!current) throw new Refusal<ProposalError>("not_found");
      if (current.authorId !== userId) throw new Refusal<ProposalError>("not_author");
      if (!(await move(tx, proposalId, "withdrawn"))) throw new Refusal<ProposalError>("not_open");
      await event(tx, proposalId, userId, "withdrawn");
      return { ok: true as const };
    }),
  );
}

// ---------------------------------------------------------------------------
// Supports

/**
 * One support per account (the primary key decides under any concurrency). The count is kept on the
 * proposal in the same transaction, and reaching the charter's threshold puts the proposal on the
 * council's agenda, once.
 */
export async function supportProposal(
  db: Db,
  proposalId: string,
  userId: string,
): Promise<{ ok: true; supportCount: number; reachedAgenda: boolean } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(proposals)
        .set({ supportCount: sql`${proposals.supportCount} + 1` })
        .where(and(eq(proposals.id, proposalId), eq(proposals.status, "open")))
        .returning({ supportCount: proposals.supportCount, councilId: proposals.councilId, authorId: proposals.authorId });
      if (!row) {
        const [exists] = await tx.select({ id: proposals.id }).from(proposals).where(eq(proposals.id, proposalId));
        throw new Refusal<ProposalError>(exists ? "not_open" : "not_found");
      }
      const inserted = await tx.insert(supports).values({ proposalId, userId }).onConflictDoNothing().returning({ userId: supports.userId });
      // Already supported: the transaction is rolled back, count included.
      if (!inserted.length) throw new Refusal<ProposalError>("already_supported");
      const [council] = await tx
        .select({ threshold: councils.supportThreshold, authorMaySupport: councils.authorMaySupport })
        .from(councils)
        .where(eq(councils.id, row.councilId));
      // The charter may keep authors from counting their own support (the count above rolls back).
      if (!council!.authorMaySupport && row.authorId === userId) throw new Refusal<ProposalError>("own_proposal");
      let reachedAgenda = false;
      if (row.supportCount >= council!.threshold && (await move(tx, proposalId, "on_agenda"))) {
        reachedAgenda = true;
        await event(tx, proposalId, null, "agenda_by_supports", { supportCount: row.supportCount });
      }
      return { ok: true as const, supportCount: row.supportCount, reachedAgenda };
    }),
  );
}

/** Takes a support back while the proposal is still open. */
export async function withdrawSupport(db: Db, proposalId: string, userId: string): Promise<{ ok: true; supportCount: number } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const deleted = await tx
        .delete(supports)
        .where(and(eq(supports.proposalId, proposalId), eq(supports.userId, userId)))
        .returning({ userId: supports.userId });
      if (!deleted.length) throw new Refusal<ProposalError>("not_supported");
      const [row] = await tx
        .update(proposals)
        .set({ supportCount: sql`${proposals.supportCount} - 1` })
        .where(and(eq(proposals.id, proposalId), eq(proposals.status, "open")))
        .returning({ supportCount: proposals.supportCount });
      if (!row) throw new Refusal<ProposalError>("not_open");
      return { ok: true as const, supportCount: row.supportCount };
    }),
  );
}

/** The chair puts any open proposal on the agenda. */
export async function putOnAgenda(db: Db, proposalId: string, actorId: string): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      if (!(await move(tx, proposalId, "on_agenda"))) throw new Refusal<ProposalError>("not_open");
      await event(tx, proposalId, actorId, "agenda_by_chair");
      return { ok: true as const };
    }),
  );
}

// ---------------------------------------------------------------------------
// Reading

export async function getProposal(db: Db, id: string) {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
  return row ?? null;
}

export async function proposalTimeline(db: Db, proposalId: string) {
  return db
    .select({ id: proposalEvents.id, at: proposalEvents.at, kind: proposalEvents.kind, data: proposalEvents.data, actorName: users.displayName })
    .from(proposalEvents)
    .leftJoin(users, eq(users.id, proposalEvents.actorId))
    .where(eq(proposalEvents.proposalId, proposalId))
    .orderBy(asc(proposalEvents.id));
}

export interface ProposalListFilter {
  councilId?: string;
  neighborhoodId?: string;
  districtId?: string;
  statuses?: ProposalStatus[];
  categoryId?: string;
  /** Opaque cursor from the previous page: the last row's (created_at, id). */
  after?: string | null;
  limit?: number;
}

export function encodeCursor(row: { createdAt: Date; id: string }) {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}

/**
 * Newest first, by keyset (created_at, id): each page costs the same however deep the list, and
 * the indexes on (scope, created_at, id) serve every scope.
 */
export async function listProposals(db: Db, filter: ProposalListFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 20, 1), 100);
  const cursor = filter.after ? decodeCursor(filter.after) : null;
  const conditions: (SQL | undefined)[] = [
    filter.councilId ? eq(proposals.councilId, filter.councilId) : undefined,
    filter.neighborhoodId ? eq(proposals.neighborhoodId, filter.neighborhoodId) : undefined,
    filter.districtId ? eq(proposals.districtId, filter.districtId) : undefined,
    filter.statuses?.length ? inArray(proposals.status, filter.statuses) : undefined,
    filter.categoryId ? eq(proposals.categoryId, filter.categoryId) : undefined,
    // A row comparison, which the (scope, created_at, id) indexes answer directly.
    cursor ? sql`(${proposals.createdAt}, ${proposals.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)` : undefined,
  ];
  const rows = await db
    .select({
      id: proposals.id,
      title: proposals.title,
      status: proposals.status,
      supportCount: proposals.supportCount,
      createdAt: proposals.createdAt,
      categoryId: proposals.categoryId,
      councilId: proposals.councilId,
      authorName: users.displayName,
      onBehalf: sql<boolean>`${proposals.filedById} is not null`,
      messageCount: threads.messageCount,
    })
    .from(proposals)
    .leftJoin(users, eq(users.id, proposals.authorId))
    // The public discussion only (one per proposal; a commission's own is never counted here).
    .leftJoin(threads, and(eq(threads.proposalId, proposals.id), eq(threads.kind, "proposal")))
    .where(and(...conditions))
    .orderBy(desc(proposals.createdAt), desc(proposals.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { items: page, next: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** Whether this person already supports the proposal. */
export async function hasSupported(db: Db, proposalId: string, userId: string) {
  const [row] = await db
    .select({ userId: supports.userId })
    .from(supports)
    .where(and(eq(supports.proposalId, proposalId), eq(supports.userId, userId)));
  return Boolean(row);
}


/** What the public proposal page shows. The on-behalf number never leaves this function. */
export async function getProposalView(db: Db, id: string) {
  const proposal = await getProposal(db, id);
  if (!proposal) return null;
  const [category] = await db.select({ name: categories.name }).from(categories).where(eq(categories.id, proposal.categoryId));
  const people = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [proposal.authorId, proposal.filedById].filter((x): x is string => Boolean(x))));
  const nameOf = (userId: string | null) => people.find((p) => p.id === userId)?.name ?? null;
  const { onBehalfPhone: _hidden, ...shown } = proposal;
  return {
    ...shown,
    categoryName: category?.name ?? "",
    authorName: proposal.authorId ? nameOf(proposal.authorId) : proposal.onBehalfName,
    filedByName: nameOf(proposal.filedById),
  };
}

/** Retired topics disappear from the filing form; proposals filed under them keep their topic. */
export async function setCategoryActive(db: Db, categoryId: string, isActive: boolean) {
  await db.update(categories).set({ isActive }).where(eq(categories.id, categoryId));
}

/** Which commission reviews adopted proposals of a topic by default (null: the chair chooses). */
export async function setCategoryCommission(db: Db, categoryId: string, commissionId: string | null) {
  await db.update(categories).set({ defaultCommissionId: commissionId }).where(eq(categories.id, categoryId));
}
