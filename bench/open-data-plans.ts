/**
 * The open data API's proposal pages on a generated city, as PostgreSQL plans them (EXPLAIN ANALYZE):
 * the first page, a deep page by cursor, each filter, and a CSV-sized page. Run against a server you
 * may write to: it makes (and drops) a database of its own.
 *
 *     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/open-data-plans.ts
 */
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openDatabase } from "../db/client.server";
import { readPage, type Dataset, type PageRequest } from "../app/domain/open-data/catalog.server";
import { proposalsDataset } from "../app/domain/open-data/proposals.server";
import { decodeOpenDataCursor } from "../app/domain/open-data/cursor.server";
import { cityStatements, SCALES } from "./generate";

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = "mahalleh_open_data_plans";
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${name}`);
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 2 });
const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
try {
  // The city's proposals at full size; fewer people, supports and messages (they are not read here).
  const spec = { ...SCALES.city, users: 20_000, supports: 60_000, messages: 20_000 };
  for (const step of cityStatements(spec, "x")) await database.db.execute(sql.raw(step.sql));
  const [{ n }] = await raw`select count(*)::int as n from proposals`;
  const [district] = await raw`select district_id from proposals group by district_id order by count(*) desc limit 1`;
  // The council with the fewest proposals, all older than the city's newest: the worst case for a walk of the city's index.
  const [sparse] = await raw`select council_id from proposals group by council_id order by max(created_at) asc limit 1`;
  console.log(`proposals: ${n}`);

  let captured: { sql: string; params: unknown[] } | null = null;
  const capturing: Dataset = {
    ...proposalsDataset,
    read: (db, q) => {
      const query = proposalsDataset.read(db, q) as unknown as { toSQL(): { sql: string; params: unknown[] } };
      captured = query.toSQL();
      return query as unknown as ReturnType<Dataset["read"]>;
    },
  };
  const sort = proposalsDataset.sorts[0]!;
  const base: PageRequest = { filters: [], sort, descending: true, after: null, limit: 50 };
  const filter = (key: string) => proposalsDataset.filters.find((f) => f.name === key)!;
  // A cursor 60,000 rows deep, as walking the pages would reach.
  const [deep] = await raw`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id::text
    from proposals order by created_at desc, id desc offset 60000 limit 1`;
  const after = decodeOpenDataCursor(
    Buffer.from(JSON.stringify(["created", deep!.at, deep!.id])).toString("base64url"),
    "created",
    "datetime",
  );
  const cases: [string, PageRequest][] = [
    ["first page", base],
    ["60,000 rows deep", { ...base, after }],
    ["oldest first", { ...base, descending: false }],
    ["one district", { ...base, filters: [{ filter: filter("district"), value: district!.district_id }] }],
    ["one district, deep", { ...base, after, filters: [{ filter: filter("district"), value: district!.district_id }] }],
    ["one sparse council", { ...base, filters: [{ filter: filter("council"), value: sparse!.council_id }] }],
    ["status done", { ...base, filters: [{ filter: filter("status"), value: "done" }] }],
    ["one month", { ...base, from: new Date(Date.now() - 30 * 86_400_000), to: new Date() }],
    ["CSV page (5,000)", { ...base, limit: 5000 }],
  ];
  for (const [label, request] of cases) {
    await readPage(database.db, capturing, request);
    const { sql: text, params } = captured!;
    const plan = await raw.unsafe(`explain (analyze, buffers) ${text}`, params as never[]);
    console.log(`\n## ${label}\n${plan.map((row) => row["QUERY PLAN"]).join("\n")}`);
  }
} finally {
  await raw.end();
  await database.close();
  await admin.unsafe(`drop database if exists ${name}`);
  await admin.end();
}
