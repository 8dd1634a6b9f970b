import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../../db/client.server";
import type { SearchKind, SearchQuery } from "../../utils/search-text";

export interface SearchFilters {
  kind?: SearchKind;
  districtId?: string;
  neighborhoodId?: string;
  /** Proposal statuses (a status group of the list page). */
  statuses?: readonly string[];
  /** Inclusive instants. */
  from?: Date;
  until?: Date;
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  districtId: string | null;
  neighborhoodId: string | null;
  councilId: string | null;
  proposalId: string | null;
  threadId: string | null;
  status: string | null;
  districtName: string | null;
  neighborhoodName: string | null;
  title: string;
  body: string;
  at: Date;
}

export interface SearchPage {
  hits: SearchHit[];
  /** The last hit's place, for the next page; null on the last page. */
  next: { createdAt: Date; id: string } | null;
  /** No exact match: these are the nearest spellings (a typo), one page, best first. */
  approximate: boolean;
}

const PAGE = 20;

function where(filters: SearchFilters): SQL[] {
  const parts: SQL[] = [];
  if (filters.kind) parts.push(sql`e.kind = ${filters.kind}`);
  if (filters.districtId) parts.push(sql`e.district_id = ${filters.districtId}::uuid`);
  if (filters.neighborhoodId) parts.push(sql`e.neighborhood_id = ${filters.neighborhoodId}::uuid`);
  if (filters.statuses?.length) {
    parts.push(
      sql`e.kind = 'proposal' and e.status in (${sql.join(
        filters.statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  }
  if (filters.from) parts.push(sql`e.at >= ${filters.from.toISOString()}::timestamptz`);
  if (filters.until) parts.push(sql`e.at <= ${filters.until.toISOString()}::timestamptz`);
  return parts;
}

/**
 * Whether a row of a page may be shown. Hiding or deleting a message removes its entry in the
 * same transaction (migration 0016), so this never fails in practice; it is asked of the page's
 * rows only (never of every match, which cost one lookup per match of a common word).
 */
const VISIBLE = sql`(e.kind <> 'message' or exists (
    select 1 from thread_messages m where m.id = e.source_id and m.deleted_at is null and m.hidden_at is null)) as visible`;

const COLUMNS = sql`e.kind, e.source_id, e.district_id, e.neighborhood_id, e.council_id, e.proposal_id, e.thread_id, e.status, e.title, e.body, e.at`;

/** The names of a hit's district and neighborhood, joined to the page's rows only. */
const PLACES = sql`left join districts pd on pd.id = e.district_id left join neighborhoods pn on pn.id = e.neighborhood_id`;
const PLACE_NAMES = sql`pd.name as district_name, pn.name as neighborhood_name`;

function toHit(r: Record<string, unknown>): SearchHit {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    kind: r.kind as SearchKind,
    id: String(r.source_id),
    districtId: s(r.district_id),
    neighborhoodId: s(r.neighborhood_id),
    councilId: s(r.council_id),
    proposalId: s(r.proposal_id),
    threadId: s(r.thread_id),
    status: s(r.status),
    districtName: s(r.district_name),
    neighborhoodName: s(r.neighborhood_name),
    title: String(r.title),
    body: String(r.body),
    at: new Date(r.at as string | Date),
  };
}

/**
 * Public things whose text contains the query however it was typed (newest first, keyset
 * pages); when nothing contains it and a word is long enough, the nearest spellings instead.
 */
export async function search(
  db: Db,
  query: SearchQuery,
  filters: SearchFilters,
  after: { createdAt: Date; id: string } | null = null,
): Promise<SearchPage> {
  const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = [...query.terms.map((term) => sql`e.compact like ${like(term)}`), ...where(filters)];
  if (after) parts.push(sql`(e.at, e.source_id) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  // The page is chosen first (newest matches, by the trigram index), then its rows are checked.
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${COLUMNS}, ${PLACE_NAMES}, ${VISIBLE} from (
          select * from search_entries e where ${sql.join(parts, sql` and `)}
          order by e.at desc, e.source_id desc limit ${PAGE + 1}) e ${PLACES}
        order by e.at desc, e.source_id desc`,
  );
  const page = rows.slice(0, PAGE);
  const hits = page.filter((r) => r.visible).map(toHit);
  if (page.length || after || !query.fuzzy) {
    const last = page[page.length - 1];
    return {
      hits,
      next: rows.length > PAGE && last ? { createdAt: new Date(last.at as string | Date), id: String(last.source_id) } : null,
      approximate: false,
    };
  }
  return { hits: await nearest(db, query, filters), next: null, approximate: true };
}

/**
 * Entries with a word close to the query's (pg_trgm's word similarity, through its index). Titles
 * and descriptions only: messages are most of the index, and their common trigrams would make a
 * typo's pass read a large part of it; a message is found by its words as typed.
 */
async function nearest(db: Db, query: SearchQuery, filters: SearchFilters): Promise<SearchHit[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', '0.5', true)`);
    const rows = await queryRows<Record<string, unknown>>(
      tx as unknown as Db,
      sql`select ${COLUMNS}, ${PLACE_NAMES} from search_entries e ${PLACES}
          where ${sql.join([sql`${query.words} <% e.words and e.kind <> 'message'`, ...where(filters)], sql` and `)}
          order by word_similarity(${query.words}, e.words) desc, e.at desc limit ${PAGE}`,
    );
    return rows.map(toHit);
  });
}

/** Districts, and the neighborhoods of one, for the search page's filters. */
export async function searchPlaces(db: Db, districtId: string | undefined) {
  const districts = await queryRows<{ id: string; name: string; number: number }>(
    db,
    sql`select id, name, number from districts order by number`,
  );
  const neighborhoods = districtId
    ? await queryRows<{ id: string; name: string }>(
        db,
        sql`select id, name from neighborhoods where district_id = ${districtId}::uuid order by name`,
      )
    : [];
  return {
    districts: districts.map((d) => ({ id: String(d.id), name: String(d.name), number: Number(d.number) })),
    neighborhoods: neighborhoods.map((n) => ({ id: String(n.id), name: String(n.name) })),
  };
}
