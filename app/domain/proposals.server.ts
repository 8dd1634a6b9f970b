import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import { prepared, queryRows, type Db } from "../../db/client.server";
import { ensureThread } from "./threads/lookup.server";
import { Refusal, refusalOf as baseRefusalOf, refused, type Refused } from "./refusal.server";
import {
  categories,
  commissions,
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
import { decodeCursor, encodeCursor } from "../utils/query";

export { encodeCursor };
import { sourcesOf } from "./proposal-state";
import { batched, lane, pgArray } from "./write-batch.server";
import { milestoneCrossed, noticeToAuthor } from "./notifications.server";
import { recordAudit } from "./audit.server";

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
  | "category_name_taken"
  | "commission_unknown";

type Fail = Refused<ProposalError>;

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
    .returning({ id: proposals.id, councilId: proposals.councilId, districtId: proposals.districtId });
  return row ?? null;
}

// ---------------------------------------------------------------------------
// Categories (admin)

export async function listCategories(db: Db, includeInactive = false) {
  const name = includeInactive ? "categories_all" : "categories_active";
  // Every list page reads the topics: built once.
  return prepared(db, name, (db) =>
    db
      .select()
      .from(categories)
      .where(includeInactive ? undefined : eq(categories.isActive, true))
      .orderBy(asc(categories.sortOrder), asc(categories.name))
      .prepare(name),
  ).execute();
}

export async function createCategory(db: Db, name: string, sortOrder = 0): Promise<{ ok: true; id: string } | Fail> {
  try {
    const [row] = await db
      .insert(categories)
      .values({ name, nameKey: searchKey(name), sortOrder })
      .returning({ id: categories.id });
    return { ok: true, id: row!.id };
  } catch (error) {
    if (isUniqueViolation(error, "categories_name_key_key")) return refused("category_name_taken");
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
export async function editProposal(db: Db, input: ProposalInput & { proposalId: string; userId: string }): Promise<{ ok: true } | Fail> {
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
      const moved = await move(tx, proposalId, "withdrawn");
      if (!moved) throw new Refusal<ProposalError>("not_open");
      await event(tx, proposalId, userId, "withdrawn");
      await recordAudit(tx, {
        actorId: userId,
        action: "proposal.withdrawn",
        subjectType: "proposal",
        subjectId: proposalId,
        districtId: moved.districtId,
        councilId: moved.councilId,
      });
      return { ok: true as const };
    }),
  );
}

// ---------------------------------------------------------------------------
// Supports
//
// Lock order, here and in votes.server.ts (and for any new path that touches these rows): the
// proposal row first, then its vote row, then its supports and ballots. Supporting, withdrawing
// and closing a vote lock the proposal row before anything else; a ballot only key-share locks its
// vote row. Two paths that took the same rows in opposite orders deadlocked under a double tap.

type SupportResult = { ok: true; supportCount: number; reachedAgenda: boolean } | Fail;

/**
 * One support per account (the primary key decides under any concurrency). The count is kept on the
 * proposal in the same transaction, and reaching the charter's threshold puts the proposal on the
 * council's agenda, once: supports that arrive after it are refused as the proposal is no longer open.
 *
 * A popular proposal is one hot row: every support holds its lock until the commit is on disk. So
 * supports of one proposal that arrive while a write of it is in flight wait for it and then go
 * together, in one transaction, each with its own answer (the same answers as one by one, in
 * arrival order). An idle proposal's support goes at once, alone.
 */
export function supportProposal(db: Db, proposalId: string, userId: string): Promise<SupportResult> {
  return batched(supportLane, db, proposalId, userId);
}

const supportLane = lane<string, SupportResult>((db, proposalId, userIds) => supportBatch(db, proposalId, userIds));

/**
 * Writes the supports of several people (in arrival order) to one proposal. Lock order of this
 * module: the proposal row first, then its supports. After the lock, the second statement's
 * snapshot sees every support committed before it, and no other write of this proposal's
 * supports can run until the commit.
 */
async function supportBatch(db: Db, proposalId: string, userIds: string[]): Promise<SupportResult[]> {
  return db.transaction(async (tx) => {
    const [target] = await queryRows<{
      status: ProposalStatus;
      support_count: number;
      author_id: string | null;
      support_threshold: number;
      author_may_support: boolean;
      council_id: string;
      district_id: string;
    }>(
      tx,
      sql`select p.status, p.support_count, p.author_id, c.support_threshold, c.author_may_support, p.council_id, p.district_id
          from proposals p join councils c on c.id = p.council_id
          where p.id = ${proposalId}
          for no key update of p`,
    );
    if (!target) return userIds.map(() => refused("not_found"));
    if (target.status !== "open") return userIds.map(() => refused("not_open"));
    const results: (SupportResult | null)[] = userIds.map((userId) =>
      !target.author_may_support && target.author_id === userId ? refused("own_proposal") : null,
    );
    // One person's second click in the same batch is answered as their second click would be.
    const candidates = [...new Set(userIds.filter((_, i) => results[i] === null))];
    const before = Number(target.support_count);
    // At least one: a charter whose threshold was lowered below the count moves on with the next support.
    const room = Math.max(1, Number(target.support_threshold) - before);
    let accepted: string[] = [];
    let existing = new Set<string>();
    let after = before;
    if (candidates.length) {
      const [row] = await queryRows<{ added: string[] | null; existing: string[] | null; support_count: number | null }>(
        tx,
        sql`with candidate as (
              select u.user_id, u.ord from unnest(${pgArray(candidates)}::uuid[]) with ordinality as u(user_id, ord)
              where not exists (select 1 from supports s where s.proposal_id = ${proposalId} and s.user_id = u.user_id)
              order by u.ord
              limit ${room}
            ), added as (
              insert into supports (proposal_id, user_id)
              select ${proposalId}::uuid, c.user_id from candidate c order by c.ord
              on conflict do nothing
              returning user_id
            ), counted as (
              update proposals q
              set support_count = q.support_count + (select count(*) from added)::int,
                  status = case when q.support_count + (select count(*) from added)::int >= ${target.support_threshold} then 'on_agenda' else q.status end,
                  status_changed_at = case when q.support_count + (select count(*) from added)::int >= ${target.support_threshold} then now() else q.status_changed_at end
              where q.id = ${proposalId} and exists (select 1 from added)
              returning q.support_count
            )
            select (select array_agg(user_id::text) from added) as added,
                   (select array_agg(s.user_id::text) from supports s
                     where s.proposal_id = ${proposalId} and s.user_id = any(${pgArray(candidates)}::uuid[])) as existing,
                   (select support_count from counted) as support_count`,
      );
      const added = new Set(row?.added ?? []);
      existing = new Set(row?.existing ?? []);
      accepted = candidates.filter((id) => added.has(id));
      after = row?.support_count === null || row?.support_count === undefined ? before : Number(row.support_count);
    }
    const reachedAgenda = accepted.length > 0 && after >= Number(target.support_threshold);
    if (reachedAgenda) {
      await event(tx, proposalId, null, "agenda_by_supports", { supportCount: after });
      // No one put it there: the residents' supports did (the record says «سامانه» did the rest).
      await recordAudit(tx, {
        actorId: null,
        action: "proposal.on_agenda",
        subjectType: "proposal",
        subjectId: proposalId,
        districtId: target.district_id,
        councilId: target.council_id,
        data: { by: "supports", supportCount: after },
      });
    }
    const milestone = milestoneCrossed(before, after);
    if (reachedAgenda) await noticeToAuthor(tx, { proposalId, kind: "on_agenda" });
    else if (milestone) await noticeToAuthor(tx, { proposalId, kind: "support_milestone", params: { supports: milestone } });
    const position = new Map(accepted.map((id, i) => [id, before + i + 1]));
    const answered = new Set<string>();
    return userIds.map((userId, i) => {
      if (results[i]) return results[i]!;
      const at = position.get(userId);
      if (at !== undefined && !answered.has(userId)) {
        answered.add(userId);
        return { ok: true, supportCount: at, reachedAgenda: reachedAgenda && at === after };
      }
      if (at !== undefined || existing.has(userId)) return refused("already_supported");
      // Not written because the threshold was reached by those before them: no longer open.
      return refused("not_open");
    });
  });
}

/**
 * Takes a support back while the proposal is still open: one statement, in the same lock order as
 * supporting (the proposal row, then the support), so a support and a withdrawal sent at the same
 * moment wait for each other instead of deadlocking.
 */
export async function withdrawSupport(db: Db, proposalId: string, userId: string): Promise<{ ok: true; supportCount: number } | Fail> {
  const [row] = await queryRows<{ support_count: number }>(
    db,
    sql`with target as (
          select id from proposals where id = ${proposalId} and status = 'open' for no key update
        ), removed as (
          delete from supports s using target t
          where s.proposal_id = t.id and s.user_id = ${userId}
          returning s.proposal_id
        ), counted as (
          update proposals q set support_count = q.support_count - 1
          from removed r where q.id = r.proposal_id
          returning q.support_count
        )
        select support_count from counted`,
  );
  if (row) return { ok: true, supportCount: Number(row.support_count) };
  const [state] = await db.select({ status: proposals.status }).from(proposals).where(eq(proposals.id, proposalId));
  if (!state) return refused("not_found");
  if (state.status !== "open") return refused("not_open");
  return refused("not_supported");
}

/** The chair puts any open proposal on the agenda. */
export async function putOnAgenda(db: Db, proposalId: string, actorId: string): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const moved = await move(tx, proposalId, "on_agenda");
      if (!moved) throw new Refusal<ProposalError>("not_open");
      await event(tx, proposalId, actorId, "agenda_by_chair");
      await recordAudit(tx, {
        actorId,
        action: "proposal.on_agenda",
        subjectType: "proposal",
        subjectId: proposalId,
        districtId: moved.districtId,
        councilId: moved.councilId,
        data: { by: "chair" },
      });
      await noticeToAuthor(tx, { proposalId, kind: "on_agenda", actorId });
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
    .select({
      id: proposalEvents.id,
      at: proposalEvents.at,
      kind: proposalEvents.kind,
      data: proposalEvents.data,
      actorName: users.displayName,
    })
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
  /** Cursor from the previous page: the last row's (created_at, id), opaque or already read. */
  after?: string | { createdAt: Date; id: string } | null;
  limit?: number;
}

/**
 * The list of one council, neighborhood or district is read in the order of that scope's own index
 * (scope, created_at, id), and only that index can give it. Written as `scope = $1`, PostgreSQL drops
 * the fixed scope column from the order and may walk the whole city's newest-first index instead,
 * skipping every newer row of other scopes: a council whose proposals are all older than the city's
 * newest took 100+ ms (plans in docs/benchmarks.md). As a range on the scope column (`>= $1` and
 * `<= $1`, the same rows) the column stays in the order, and the cursor is a row comparison over all
 * three columns, so a deep page starts where it should in the index. Decision 020.
 */
function scopeOf(filter: ProposalListFilter) {
  if (filter.councilId) return { kind: "council", column: proposals.councilId, id: filter.councilId };
  if (filter.neighborhoodId) return { kind: "neighborhood", column: proposals.neighborhoodId, id: filter.neighborhoodId };
  if (filter.districtId) return { kind: "district", column: proposals.districtId, id: filter.districtId };
  return null;
}

/**
 * Newest first, by keyset (created_at, id): each page costs the same however deep the list, and
 * the indexes on (scope, created_at, id) serve every scope.
 */
export async function listProposals(db: Db, filter: ProposalListFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 20, 1), 100);
  const cursor = typeof filter.after === "string" ? decodeCursor(filter.after) : (filter.after ?? null);
  const scope = scopeOf(filter);
  const others = {
    council: Boolean(filter.councilId && scope?.column !== proposals.councilId),
    neighborhood: Boolean(filter.neighborhoodId && scope?.column !== proposals.neighborhoodId),
    district: Boolean(filter.districtId && scope?.column !== proposals.districtId),
  };
  const shape = {
    scope: scope?.kind ?? null,
    ...others,
    statuses: Boolean(filter.statuses?.length),
    category: Boolean(filter.categoryId),
    cursor: Boolean(cursor),
  };
  // One query per shape of filter, built once (values are placeholders).
  const name = `proposal_list_${Object.entries(shape)
    .map(([k, v]) => (v === true ? k : v ? `${k}_${v}` : ""))
    .filter(Boolean)
    .join("_")}`;
  const query = prepared(db, name, (db) => {
    const p = (key: string) => sql.placeholder(key);
    const column = scope?.column;
    const conditions: (SQL | undefined)[] = [
      // The scope in the order (see scopeOf); any other scope given as well is a plain filter.
      column ? gte(column, p("scope")) : undefined,
      column && !shape.cursor ? lte(column, p("scope")) : undefined,
      shape.council ? eq(proposals.councilId, p("council")) : undefined,
      shape.neighborhood ? eq(proposals.neighborhoodId, p("neighborhood")) : undefined,
      shape.district ? eq(proposals.districtId, p("district")) : undefined,
      shape.statuses ? sql`${proposals.status} = any(${p("statuses")}::text[])` : undefined,
      shape.category ? eq(proposals.categoryId, p("category")) : undefined,
      // A row comparison, which the (scope, created_at, id) indexes answer directly.
      shape.cursor && column
        ? sql`(${column}, ${proposals.createdAt}, ${proposals.id}) < (${p("scope")}::uuid, ${p("afterAt")}::timestamptz, ${p("afterId")}::uuid)`
        : undefined,
      shape.cursor && !column
        ? sql`(${proposals.createdAt}, ${proposals.id}) < (${p("afterAt")}::timestamptz, ${p("afterId")}::uuid)`
        : undefined,
    ];
    return (
      db
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
        .orderBy(...(column ? [desc(column)] : []), desc(proposals.createdAt), desc(proposals.id))
        .limit(p("limit"))
        .prepare(name)
    );
  });
  const rows = await query.execute({
    scope: scope?.id,
    council: filter.councilId,
    neighborhood: filter.neighborhoodId,
    district: filter.districtId,
    statuses: filter.statuses?.length ? pgArray(filter.statuses) : undefined,
    category: filter.categoryId,
    afterAt: cursor?.createdAt.toISOString(),
    afterId: cursor?.id,
    limit: limit + 1,
  });
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

/** What an action on a proposal needs to decide who may: its id and where it lives (one read). */
export async function getProposalScope(db: Db, id: string) {
  const [row] = await db
    .select({ id: proposals.id, councilId: proposals.councilId, districtId: proposals.districtId, ballot: councils.ballot })
    .from(proposals)
    .innerJoin(councils, eq(councils.id, proposals.councilId))
    .where(eq(proposals.id, id));
  return row ?? null;
}

/** What the public proposal page shows. The on-behalf number never leaves this function. */
export async function getProposalView(db: Db, id: string) {
  const proposal = await getProposal(db, id);
  if (!proposal) return null;
  const [category] = await db.select({ name: categories.name }).from(categories).where(eq(categories.id, proposal.categoryId));
  const people = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(
      inArray(
        users.id,
        [proposal.authorId, proposal.filedById].filter((x): x is string => Boolean(x)),
      ),
    );
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

/**
 * Which commission reviews adopted proposals of a topic by default (null: the chair chooses). A
 * commission or topic that does not exist is refused; one removed between the check and the write
 * is refused by its foreign key, answered the same way.
 */
export async function setCategoryCommission(db: Db, categoryId: string, commissionId: string | null): Promise<{ ok: true } | Fail> {
  return refusalOf(async () => {
    if (commissionId) {
      const [commission] = await db.select({ id: commissions.id }).from(commissions).where(eq(commissions.id, commissionId));
      if (!commission) throw new Refusal<ProposalError>("commission_unknown");
    }
    const updated = await db
      .update(categories)
      .set({ defaultCommissionId: commissionId })
      .where(eq(categories.id, categoryId))
      .returning({ id: categories.id });
    if (!updated.length) throw new Refusal<ProposalError>("category_unknown");
    return { ok: true as const };
  });
}

/** The proposal people name by its short number (an SMS reply, a short link), or null. */
export async function proposalByNumber(db: Db, number: number) {
  if (!Number.isInteger(number) || number < 1 || number > 2_147_483_647) return null;
  const [row] = await db
    .select({ id: proposals.id, title: proposals.title, status: proposals.status })
    .from(proposals)
    .where(eq(proposals.number, number));
  return row ?? null;
}
