import { stringify } from "csv-stringify/sync";

/**
 * Every CSV the app hands out (open data, analytics tables, reports) is written here, so each one
 * opens the same way in a spreadsheet:
 * - UTF-8 with a byte-order mark: Excel reads a BOM-less file as the machine's legacy code page and
 *   shows Persian as question marks.
 * - A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
 *   spreadsheet (CSV injection): it gets a leading apostrophe, which spreadsheets show as text.
 *   Numbers stay numbers (a negative number is data, not a formula).
 * - CRLF line ends (RFC 4180) and quotes only where a cell needs them.
 */

export interface CsvColumn<Row> {
  /** The header cell, as a person reads it (from the locale files). */
  header: string;
  value: (row: Row) => string | number | boolean | Date | null | undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const BOM = "\uFEFF";

/** A cell as text, safe to open in a spreadsheet. */
export function csvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString();
  // NUL and other C0 controls (except tab, CR, LF inside quoted text) have no place in a cell.
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The whole file: BOM, header row, one row per item. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const records = [columns.map((c) => csvCell(c.header)), ...rows.map((row) => columns.map((c) => csvCell(c.value(row))))];
  return BOM + stringify(records, { record_delimiter: "windows" });
}

/** A file name safe in Content-Disposition: ASCII fallback plus the UTF-8 name (RFC 6266/5987). */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** A download: the CSV with its type, name and cache headers. */
export function csvResponse<Row>(
  filename: string,
  columns: readonly CsvColumn<Row>[],
  rows: readonly Row[],
  headers: Record<string, string> = {},
): Response {
  return new Response(toCsv(columns, rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": disposition(filename.endsWith(".csv") ? filename : `${filename}.csv`),
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}
