/**
 * Times the analytics queries on the benchmark's generated city, on PostgreSQL:
 *   npx tsx bench/analytics.ts [--scale quick|city]   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * Makes a throwaway database, fills it with bench/generate.ts's statements, then reads the city over
 * the last twelve Jalali months and a district over a month: wall time per reading (median of five)
 * and, per statement, PostgreSQL's EXPLAIN ANALYZE execution time and any sequential scan.
 */
import crypto from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import postgres from "postgres";
import { analyticsOf, type AnalyticsScope } from "../app/domain/analytics/queries.server";
import type { Period } from "../app/domain/analytics/period";
import { jalaliMonthOf, previousJalaliMonth } from "../app/domain/meetings/calendar";
import { openDatabase, type Db } from "../db/client.server";
import { SCALES, cityStatements, type Scale } from "./generate";

const scale = (process.argv.includes("--scale") ? process.argv[process.argv.indexOf("--scale") + 1] : "quick") as Scale;
const spec = SCALES[scale];
if (!spec) throw new Error("--scale quick|city|tehran");
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `mahalleh_bench_analytics_${crypto.randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 4 });
const rowsOf = (r: unknown) =>
  ((r as { rows?: Record<string, unknown>[] }).rows ?? (r as Record<string, unknown>[])) as Record<string, unknown>[];
try {
  const t0 = performance.now();
  for (const step of cityStatements(spec, "x")) await database.db.execute(sql.raw(step.sql));
  await database.db.execute(sql.raw("analyze"));
  console.log(`generated --scale ${scale} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const counts = rowsOf(
    await database.db.execute(
      sql`select (select count(*) from proposals)::int proposals, (select count(*) from supports)::int supports, (select count(*) from thread_messages)::int messages, (select count(*) from votes)::int votes`,
    ),
  )[0];
  console.log("rows:", counts);

  const now = new Date();
  let first = jalaliMonthOf(now);
  for (let i = 0; i < 11; i++) first = previousJalaliMonth(first);
  const cases: { label: string; scope: AnalyticsScope; period: Period }[] = [
    { label: "city, last 12 months", scope: { kind: "city" }, period: { kind: "range", from: first, to: jalaliMonthOf(now) } },
    {
      label: "district 1, this month",
      scope: {
        kind: "district",
        districtId: String(rowsOf(await database.db.execute(sql`select id from districts where number = 1`))[0]!.id),
      },
      period: { kind: "month", ...jalaliMonthOf(now) },
    },
  ];
  for (const c of cases) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await analyticsOf(database.db, c.scope, c.period, now);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    console.log(`\n${c.label}: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`);
    // Each statement once more under EXPLAIN ANALYZE.
    const explaining = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop !== "execute") return Reflect.get(target, prop, receiver);
        return async (query: SQL) => {
          const plan = rowsOf(await target.execute(sql`explain (analyze, format text) ${query}`)).map((r) => String(r["QUERY PLAN"]));
          const text = plan.join("\n");
          const from = /from (\w+)/.exec(
            query.toQuery({
              escapeName: (n: string) => n,
              escapeParam: () => "?",
              escapeString: (s: string) => s,
              casing: undefined as never,
            } as never).sql,
          )?.[1];
          const seq = [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))];
          console.log(
            `  ${String(from).padEnd(16)} ${/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? "?"} ms${seq.length ? `  seq scan: ${seq.join(", ")}` : ""}`,
          );
          return target.execute(query);
        };
      },
    }) as Db;
    await analyticsOf(explaining, c.scope, c.period, now);
  }
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
