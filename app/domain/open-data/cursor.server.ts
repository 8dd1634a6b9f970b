import { isUuid } from "../../utils/uuid";

/**
 * The open data API's keyset cursor: the last row's sort value and id, under the name of the sort it
 * was made for, as base64url JSON. It is opaque to readers and checked on the way back in: anything
 * this API did not write (not base64url, not JSON, another sort, a value of the wrong shape, a date
 * that does not exist, an id that is not a UUID) is null, which the request floor answers with a 400.
 * A cursor edited into another valid position only moves the page: every row it can reach is public.
 */

export type CursorType = "datetime" | "integer";

export interface OpenDataCursor {
  sort: string;
  /** The sort column as text: microsecond UTC instant ('2026-01-02T03:04:05.123456Z') or an integer. */
  value: string;
  id: string;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;
const INTEGER = /^-?\d{1,10}$/;

export function encodeOpenDataCursor(cursor: OpenDataCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString("base64url");
}

export function validCursorValue(type: CursorType, value: string): boolean {
  if (type === "integer") return INTEGER.test(value) && Math.abs(Number(value)) <= 2_147_483_647;
  const match = INSTANT.exec(value);
  if (!match || Number(match[1]) < 1970) return false;
  const millis = `${value.slice(0, 23)}Z`;
  const at = new Date(millis);
  // A day that does not exist (30 February) comes back as another day.
  return !Number.isNaN(at.getTime()) && at.toISOString() === millis;
}

export function decodeOpenDataCursor(raw: string, sort: string, type: CursorType): OpenDataCursor | null {
  if (raw.length > 300 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === "string")) return null;
  const [name, value, id] = parsed as [string, string, string];
  if (name !== sort || !isUuid(id) || !validCursorValue(type, value)) return null;
  return { sort: name, value, id };
}
