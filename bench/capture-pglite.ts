/**
 * Loaded before the app (node --import) when it runs on embedded PGlite: appends every statement
 * the app sends (text and parameters) to BENCH_CAPTURE_FILE, one JSON line each, so the baseline can
 * run the same ones. Never loaded while load is measured.
 */
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";

const file = process.env.BENCH_CAPTURE_FILE;
if (file) {
  const proto = PGlite.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const text = (v: unknown) =>
    v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  for (const method of ["query", "exec"]) {
    const original = proto[method]!;
    proto[method] = function (this: unknown, sql: unknown, params?: unknown, ...rest: unknown[]) {
      const list = Array.isArray(params) ? params.map(text) : [];
      fs.appendFileSync(file, JSON.stringify({ sql: String(sql), params: list }) + "\n");
      return original.call(this, sql, params, ...rest);
    };
  }
}
