import crypto from "node:crypto";
import type { TFunction } from "i18next";
import { z } from "zod";
import { tehranInstant } from "~/domain/charter";
import { decodeOpenDataCursor } from "~/domain/open-data/cursor.server";
import type { Dataset, FieldDef, OpenRow, PageRequest } from "~/domain/open-data/catalog.server";
import { parseJalaliDate } from "~/utils/persian";
import { queryField, readQuery, type QueryShape } from "~/utils/query";
import { csvResponse, type CsvColumn } from "./csv.server";

/**
 * The open data API's request handling (decision 024): which parameters a dataset takes, the one
 * error shape, and the JSON and CSV answers, both written from the dataset's own field list.
 */

export const OPEN_DATA_PAGE = { json: { default: 50, max: 500 }, csv: { default: 5000, max: 5000 } } as const;
export type OpenDataFormat = keyof typeof OPEN_DATA_PAGE;

/** The longest date range one request may ask for. */
export const MAX_RANGE_DAYS = 3660;

/** Readers cache an answer for a minute; open data need not be newer than that. */
const CACHE = "public, max-age=60";

const shared = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag, Link",
};

export interface OpenDataError {
  status: number;
  code: string;
  message: string;
  parameter?: string;
}

/** `{ error: { code, message } }`, never cached. */
export function openDataErrorResponse(error: OpenDataError): Response {
  const body = { error: { code: error.code, message: error.message, ...(error.parameter ? { parameter: error.parameter } : {}) } };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { ...shared, "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The dataset and format an address names: `proposals` (JSON) or `proposals.csv`. */
export function datasetAddress(param: string | undefined): { name: string; format: OpenDataFormat } {
  const raw = param ?? "";
  return raw.endsWith(".csv") ? { name: raw.slice(0, -4), format: "csv" } : { name: raw, format: "json" };
}

/** A day typed as ISO (2026-03-21) or Jalali (1405-01-01, ۱۴۰۵/۰۱/۰۱): the ISO day, or null. */
function dayOf(value: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (iso && Number(iso[1]) >= 1900) {
    const at = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value ? value : null;
  }
  return parseJalaliDate(value);
}

const dayField = () =>
  z
    .string()
    .max(20)
    .transform((value, ctx) => {
      const day = dayOf(value.trim());
      if (!day) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "date" });
        return z.NEVER;
      }
      return day;
    });

function sortNames(dataset: Dataset) {
  return dataset.sorts.flatMap((s) => [s.name, `-${s.name}`]);
}

function shapeOf(dataset: Dataset, format: OpenDataFormat): QueryShape {
  const shape: QueryShape = {
    per_page: queryField.positiveInt(OPEN_DATA_PAGE[format].max),
    sort: queryField.oneOf(sortNames(dataset)),
    cursor: z.string(),
  };
  if (dataset.dateRange) {
    shape.from = dayField();
    shape.to = dayField();
  }
  for (const filter of dataset.filters)
    shape[filter.name] = filter.kind === "uuid" ? queryField.uuid() : queryField.oneOf(filter.values ?? []);
  return shape;
}

/** The parameters a dataset takes, for its documentation and error messages. */
export function parametersOf(dataset: Dataset, format: OpenDataFormat = "json"): string[] {
  return Object.keys(shapeOf(dataset, format));
}

/** Shown in a message: what a reader typed, cut short and without control characters. */
const shown = (text: string) => text.replace(/[\p{C}]/gu, "").slice(0, 40);

/** The page a request asks for, or the first thing wrong with it. */
export function readOpenDataRequest(
  url: URL,
  dataset: Dataset,
  format: OpenDataFormat,
  t: TFunction,
): { ok: true; request: PageRequest } | { ok: false; error: OpenDataError } {
  const fail = (code: string, parameter: string | undefined, options: Record<string, unknown> = {}) => ({
    ok: false as const,
    error: { status: 400, code, parameter, message: t(`open_data.errors.${code}`, options) as string },
  });
  const shape = shapeOf(dataset, format);
  const known = Object.keys(shape);
  const seen: string[] = [];
  for (const name of url.searchParams.keys()) {
    if (!known.includes(name)) return fail("unknown_parameter", shown(name), { name: shown(name), known: known.join("، ") });
    if (seen.includes(name)) return fail("repeated_parameter", name, { name });
    seen.push(name);
  }
  const { values, invalid } = readQuery(url, shape);
  const wrong = invalid[0];
  if (wrong === "per_page") return fail("per_page_invalid", wrong, { max: OPEN_DATA_PAGE[format].max });
  if (wrong === "sort") return fail("sort_invalid", wrong, { allowed: sortNames(dataset).join("، ") });
  // Example dates are strings, so they keep the Latin digits a URL is typed in.
  if (wrong === "from" || wrong === "to") return fail("date_invalid", wrong, { jalali: "1405-01-01", iso: "2026-03-21" });
  if (wrong) return fail("filter_invalid", wrong, { name: wrong });

  const sortName = (values.sort as string | undefined) ?? dataset.defaultSort;
  const descending = sortName.startsWith("-");
  const sort = dataset.sorts.find((s) => s.name === sortName.replace(/^-/, ""))!;
  const after = typeof values.cursor === "string" ? decodeOpenDataCursor(values.cursor, sort.name, sort.type) : null;
  if (typeof values.cursor === "string" && !after) return fail("cursor_invalid", "cursor");

  const fromDay = values.from as string | undefined;
  const toDay = values.to as string | undefined;
  if (fromDay && toDay) {
    if (toDay < fromDay) return fail("date_range_reversed", "to");
    const days = (Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000;
    if (days > MAX_RANGE_DAYS) return fail("date_range_too_long", "to", { years: Math.floor(MAX_RANGE_DAYS / 366) });
  }
  const from = fromDay ? tehranInstant(fromDay, "00:00")! : undefined;
  // `to` is the whole of its day: up to the next Tehran midnight.
  const to = toDay ? new Date(tehranInstant(toDay, "00:00")!.getTime() + 86_400_000) : undefined;

  return {
    ok: true,
    request: {
      filters: dataset.filters.flatMap((filter) => {
        const value = values[filter.name];
        return typeof value === "string" ? [{ filter, value }] : [];
      }),
      from,
      to,
      sort,
      descending,
      after,
      limit: (values.per_page as number | undefined) ?? OPEN_DATA_PAGE[format].default,
    },
  };
}

/** A cell as JSON carries it: instants as ISO text, days as 'YYYY-MM-DD'. */
function jsonValue(field: FieldDef, value: OpenRow[string] | undefined) {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (field.type === "datetime" && typeof value === "string") return new Date(value).toISOString();
  return value;
}

/** Only the declared fields, in their order: whatever else a query read never leaves. */
export function serializeRows(dataset: Dataset, rows: OpenRow[]) {
  return rows.map((row) => Object.fromEntries(dataset.fields.map((field) => [field.key, jsonValue(field, row[field.key])])));
}

export function csvColumnsOf(dataset: Dataset, t: TFunction): CsvColumn<Record<string, unknown>>[] {
  return dataset.fields.map((field) => ({
    header: t(`open_data.fields.${field.text ?? field.key}.label`) as string,
    value: (row) => row[field.key] as string | number | boolean | null,
  }));
}

/** The address of the next page: this request's own parameters with the new cursor. */
export function nextUrl(url: URL, cursor: string | null): string | null {
  if (!cursor) return null;
  const next = new URLSearchParams(url.searchParams);
  next.set("cursor", cursor);
  return `${url.pathname}?${next.toString()}`;
}

/** The answer with its cache headers; a reader who already has it (If-None-Match) gets a 304. */
async function cached(request: Request, response: Response, extra: Record<string, string>): Promise<Response> {
  // Bytes, not text(): decoding would drop the CSV's byte-order mark.
  const body = Buffer.from(await response.arrayBuffer());
  const etag = `"${crypto.createHash("sha1").update(body).digest("base64url")}"`;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries({ ...shared, ...extra, "Cache-Control": CACHE, ETag: etag })) headers.set(name, value);
  const match = request.headers.get("if-none-match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    headers.delete("Content-Type");
    headers.delete("Content-Disposition");
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers });
}

export function openDataJson(request: Request, body: unknown, next: string | null = null): Promise<Response> {
  const response = new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json; charset=utf-8" } });
  return cached(request, response, next ? { Link: `<${next}>; rel="next"` } : {});
}

export function openDataCsv(request: Request, dataset: Dataset, rows: OpenRow[], t: TFunction, next: string | null): Promise<Response> {
  const response = csvResponse(`${dataset.name}.csv`, csvColumnsOf(dataset, t), serializeRows(dataset, rows));
  return cached(request, response, next ? { Link: `<${next}>; rel="next"` } : {});
}

/** What the API's index and the data page say about each dataset, in the reader's language. */
export function describeDatasets(datasets: readonly Dataset[], t: TFunction) {
  return datasets.map((dataset) => ({
    name: dataset.name,
    title: t(`open_data.datasets.${dataset.name}.title`) as string,
    description: t(`open_data.datasets.${dataset.name}.description`) as string,
    url: `/api/v1/${dataset.name}`,
    csv_url: `/api/v1/${dataset.name}.csv`,
    fields: dataset.fields.map((field) => ({
      key: field.key,
      type: field.type,
      label: t(`open_data.fields.${field.text ?? field.key}.label`) as string,
      description: t(`open_data.fields.${field.text ?? field.key}.description`) as string,
    })),
    filters: dataset.filters.map((filter) => ({ name: filter.name, kind: filter.kind, values: filter.values ? [...filter.values] : null })),
    sorts: dataset.sorts.map((sort) => sort.name),
    default_sort: dataset.defaultSort,
    date_field: dataset.dateRange?.field ?? null,
  }));
}
