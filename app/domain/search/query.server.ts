import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../../db/client.server";
import { FUZZY_MIN_LENGTH, type SearchKind, type SearchQuery } from "../../utils/search-text";

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
  /** No exact match: these contain the nearest spellings of the query's long words (a typo). */
  approximate: boolean;
  /** On such a page, the known words that stood for the typed ones. */
  spellings: string[];
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
 * pages); when nothing contains it and a word is long enough, the things that contain the
 * nearest spellings of its long words instead, paged the same way.
 */
export async function search(
  db: Db,
  query: SearchQuery,
  filters: SearchFilters,
  after: { createdAt: Date; id: string } | null = null,
): Promise<SearchPage> {
  const exact = await page(
    db,
    query.terms.map((term) => [term]),
    filters,
    after,
  );
  if (exact.hits.length || exact.next || !query.fuzzy) return { ...exact, approximate: false, spellings: [] };
  const groups = await nearestSpellings(db, query);
  if (!groups) return { hits: [], next: null, approximate: true, spellings: [] };
  const spellings = groups.flatMap((group) => group.slice(1));
  return { ...(await page(db, groups, filters, after)), approximate: true, spellings };
}

/**
 * One page of entries containing every group of terms (any spelling of each group). The page is
 * chosen first (newest matches, through the trigram index), then only its rows are checked.
 */
async function page(
  db: Db,
  groups: string[][],
  filters: SearchFilters,
  after: { createdAt: Date; id: string } | null,
): Promise<Omit<SearchPage, "approximate" | "spellings">> {
  const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = [
    ...groups.map((group) =>
      group.length === 1
        ? sql`e.compact like ${like(group[0]!)}`
        : sql`(${sql.join(
            group.map((term) => sql`e.compact like ${like(term)}`),
            sql` or `,
          )})`,
    ),
    ...where(filters),
  ];
  if (after) parts.push(sql`(e.at, e.source_id) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${COLUMNS}, ${PLACE_NAMES}, ${VISIBLE} from (
          select * from search_entries e where ${sql.join(parts, sql` and `)}
          order by e.at desc, e.source_id desc limit ${PAGE + 1}) e ${PLACES}
        order by e.at desc, e.source_id desc`,
  );
  const shown = rows.slice(0, PAGE);
  const last = shown[shown.length - 1];
  return {
    hits: shown.filter((r) => r.visible).map(toHit),
    next: rows.length > PAGE && last ? { createdAt: new Date(last.at as string | Date), id: String(last.source_id) } : null,
  };
}

/** How close a known word must be to a word of the query to stand for it (pg_trgm's similarity). */
const NEAR = 0.5;
/** The nearest known spellings tried for each long word of the query. */
const SPELLINGS_PER_WORD = 3;

/**
 * The query's terms, each long word widened to the nearest known words (the vocabulary the
 * indexer keeps, a short row per word, through its trigram index), or null when none is near.
 * Short words stay as typed.
 */
async function nearestSpellings(db: Db, query: SearchQuery): Promise<string[][] | null> {
  const long = query.terms.filter((term) => [...term].length >= FUZZY_MIN_LENGTH);
  if (!long.length) return null;
  const rows = await queryRows<{ asked: string; word: string }>(
    db,
    sql`select q.asked, v.word from (values ${sql.join(
      long.map((w) => sql`(${w}::text)`),
      sql`, `,
    )}) q(asked)
        cross join lateral (
          select word from search_vocabulary
          where word % q.asked and word <> q.asked and similarity(word, q.asked) >= ${NEAR}
          order by similarity(word, q.asked) desc, word limit ${SPELLINGS_PER_WORD}) v`,
  );
  if (!rows.length) return null;
  return query.terms.map((term) => {
    const near = rows.filter((r) => r.asked === term).map((r) => String(r.word));
    return [term, ...near];
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
