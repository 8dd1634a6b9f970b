import { z } from "zod";
import { foldDigits } from "./persian";
import { isUuid } from "./uuid";

/**
 * Every query parameter a page reads goes through here: one zod schema per page, one field per
 * parameter, each built from the fields below. A value that does not fit is dropped (the page
 * shows as without it) and reported, and the page says so in a Persian notice; a crafted value
 * never reaches a query and never becomes a server error. Lookups of a value in a table use the
 * schema's own list (never `value in someObject`, which answers true for "constructor" and
 * "__proto__"), and numbers and dates are bounded to what PostgreSQL's columns accept.
 *
 * Browser-safe on purpose: routes declare their schema at module level, and a route module is
 * also bundled for the browser, where a `.server` module is empty (a schema built from it would
 * break the page's script). The cursor functions use Node's Buffer and run in loaders only.
 */

/** Largest value of a PostgreSQL integer column (a thread's message numbers). */
export const PG_INT_MAX = 2_147_483_647;

export const queryField = {
  uuid: () => z.string().refine(isUuid),
  /** One of a fixed list of words (statuses, filters), compared as strings. */
  oneOf: <T extends string>(values: readonly T[]) =>
    z.string().refine((v): v is T => values.includes(v as T)) as unknown as z.ZodType<T, z.ZodTypeDef, string>,
  /** A whole number from 1 to `max`, in Latin or Persian digits. */
  positiveInt: (max: number = PG_INT_MAX) =>
    z
      .string()
      .max(20)
      .transform((v) => foldDigits(v.trim()))
      .pipe(z.string().regex(/^[0-9]+$/))
      .transform(Number)
      .pipe(z.number().int().min(1).max(max)),
  /** A switch in the address: present as "1". */
  flag: () => z.literal("1"),
  /** A list page's keyset cursor (see `encodeCursor`). */
  cursor: () =>
    z.string().transform((value, ctx) => {
      const cursor = decodeCursor(value);
      if (!cursor) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "cursor" });
        return z.NEVER;
      }
      return cursor;
    }),
};

export type QueryShape = Record<string, z.ZodTypeAny>;
export type QueryValues<S extends QueryShape> = { [K in keyof S]?: z.output<S[K]> };

export interface ParsedQuery<S extends QueryShape> {
  values: QueryValues<S>;
  /** The parameters that were present but did not fit (the page shows a notice). */
  invalid: (keyof S & string)[];
}

/**
 * Reads the page's parameters by its schema. Absent or empty means "not given"; a parameter the
 * page does not know (Remix's own `_data`, `index`, anything else) is ignored.
 */
export function readQuery<S extends QueryShape>(source: Request | URL | string, shape: S): ParsedQuery<S> {
  const url = source instanceof URL ? source : new URL(typeof source === "string" ? source : source.url);
  const values: QueryValues<S> = {};
  const invalid: (keyof S & string)[] = [];
  for (const key of Object.keys(shape) as (keyof S & string)[]) {
    const raw = url.searchParams.get(key);
    if (raw === null || raw === "") continue;
    const parsed = shape[key]!.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else invalid.push(key);
  }
  return { values, invalid };
}

// ---------------------------------------------------------------------------
// Keyset cursors: the last row's (created_at, id), opaque to the reader.

const CURSOR_DATE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(row: { createdAt: Date; id: string }) {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/**
 * The cursor's date and id, or null for anything this app did not write: not base64url, not an
 * ISO instant in four-digit years from 1970 (what `toISOString` gives and PostgreSQL reads back),
 * a date that does not exist (30 February), or an id that is not a UUID.
 */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (extra !== undefined || !at || !isUuid(id)) return null;
  const match = CURSOR_DATE.exec(at);
  if (!match || Number(match[1]) < 1970) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) return null;
  return { createdAt, id };
}
