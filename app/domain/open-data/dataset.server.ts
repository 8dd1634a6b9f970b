import { and, asc, desc, eq, gte, lt, sql, type Column, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { encodeOpenDataCursor, type CursorType, type OpenDataCursor } from "./cursor.server";

/**
 * One open dataset, declared once: its fields (what each row has, in order), the filters and sorts
 * a reader may ask for, and how its public rows are read. The JSON answer, the CSV file and the
 * page that documents the datasets are all made from this declaration (decision 024), so a field
 * cannot be in one and missing from another.
 */

export type FieldType = "uuid" | "integer" | "text" | "boolean" | "date" | "datetime";
export type CellValue = string | number | boolean | Date | null;
export type OpenRow = Record<string, CellValue>;

export interface FieldDef {
  key: string;
  type: FieldType;
  /** Its entry under `open_data.fields` in the locale files (the key itself unless told). */
  text?: string;
}

export interface FilterDef {
  /** The query parameter. */
  name: string;
  /** A UUID, or one of a fixed list of words. */
  kind: "uuid" | "oneOf";
  values?: readonly string[];
  column: Column;
}

export interface SortDef {
  /** `sort=<name>` is oldest or smallest first, `sort=-<name>` newest or largest first. */
  name: string;
  column: Column;
  type: CursorType;
}

export interface ReadQuery {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
  /** The sort column as text, selected as `_cursor` for the next page's cursor. */
  cursor: SQL<string>;
}

export interface Dataset {
  name: string;
  fields: FieldDef[];
  filters: FilterDef[];
  /** The instant `from` and `to` read, and its field key; none: the dataset has no date range. */
  dateRange?: { column: Column; field: string };
  sorts: SortDef[];
  defaultSort: string;
  /** The row id the keyset breaks ties with. */
  idColumn: Column;
  /** Public rows only: the dataset's own rule of what may be published is in here. */
  read(db: Db, query: ReadQuery): Promise<(OpenRow & { _cursor: string })[]>;
  /** Values worked out after reading (a vote's totals under the ballot rule), in place. */
  complete?(db: Db, rows: OpenRow[]): Promise<void>;
}

export interface PageRequest {
  filters: { filter: FilterDef; value: string }[];
  from?: Date;
  /** Exclusive. */
  to?: Date;
  sort: SortDef;
  descending: boolean;
  after: OpenDataCursor | null;
  limit: number;
}

export interface Page {
  rows: OpenRow[];
  next: string | null;
}

function cursorText(sort: SortDef): SQL<string> {
  return sort.type === "integer"
    ? sql<string>`${sort.column}::text`
    : sql<string>`to_char(${sort.column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * One page of a dataset by keyset: (sort column, id) past the cursor, in the same order, so a page
 * costs the same however deep it is and every row is read exactly once while walking the pages.
 */
export async function readPage(db: Db, dataset: Dataset, request: PageRequest): Promise<Page> {
  const { sort, descending, after } = request;
  const id = dataset.idColumn;
  const cast = sort.type === "integer" ? sql`::int` : sql`::timestamptz`;
  const conditions: (SQL | undefined)[] = [
    ...request.filters.map(({ filter, value }) => eq(filter.column, value)),
    request.from && dataset.dateRange ? gte(dataset.dateRange.column, request.from) : undefined,
    request.to && dataset.dateRange ? lt(dataset.dateRange.column, request.to) : undefined,
    after
      ? descending
        ? sql`(${sort.column}, ${id}) < (${after.value}${cast}, ${after.id}::uuid)`
        : sql`(${sort.column}, ${id}) > (${after.value}${cast}, ${after.id}::uuid)`
      : undefined,
  ];
  const direction = descending ? desc : asc;
  const rows = await dataset.read(db, {
    where: and(...conditions),
    orderBy: [direction(sort.column), direction(id)],
    limit: request.limit + 1,
    cursor: cursorText(sort),
  });
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > request.limit && last ? encodeOpenDataCursor({ sort: sort.name, value: last._cursor, id: String(last.id) }) : null;
  const clean = page.map(({ _cursor: _, ...row }) => row as OpenRow);
  await dataset.complete?.(db, clean);
  return { rows: clean, next };
}
