/**
 * The bare baseline: Express and postgres.js (or PGlite, for the embedded runs) in a process of its
 * own, answering each benchmark case by running the very statements the app ran for that page
 * (captured from the app, same parameters) one after another and returning their rows as JSON.
 * No templates, no sessions, no i18n: the floor a page of the app could reach on this machine.
 *
 *   BASELINE_CASES   JSON file: [{ name, statements: [{ sql, params }] }]
 *   BASELINE_PORT    port (0: any free one; the chosen port is printed as `listening <port>`)
 *   DATABASE_URL     postgres://… — or BASELINE_PGLITE_DIR, a PGlite data folder (a copy of the app's)
 */
import fs from "node:fs";
import express from "express";

interface Case {
  name: string;
  statements: { sql: string; params: (string | null)[] }[];
}

type Run = (sql: string, params: (string | null)[]) => Promise<unknown[]>;

const cases: Case[] = JSON.parse(fs.readFileSync(process.env.BASELINE_CASES!, "utf8"));
let run: Run;
let close: () => Promise<void>;
if (process.env.DATABASE_URL) {
  const { default: postgres } = await import("postgres");
  // The app's pool size (DATABASE_POOL_SIZE, 10 by default).
  const sql = postgres(process.env.DATABASE_URL, { max: Number(process.env.DATABASE_POOL_SIZE ?? 10), onnotice: () => {} });
  run = async (text, params) => [...(await sql.unsafe(text, params as string[], { prepare: true }))];
  close = () => sql.end({ timeout: 5 });
} else {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const db = new PGlite(process.env.BASELINE_PGLITE_DIR!, { extensions: { pg_trgm } });
  await db.waitReady;
  run = async (text, params) => (await db.query(text, params)).rows;
  close = () => db.close();
}

const app = express();
app.disable("x-powered-by");
app.get("/healthz", async (_req, res) => {
  const started = Date.now();
  await run("select 1", []);
  res.json({ status: "ok", db: { status: "ok", latencyMs: Date.now() - started } });
});
for (const c of cases) {
  app.get(`/case/${c.name}`, async (_req, res) => {
    try {
      const results: unknown[][] = [];
      for (const s of c.statements) results.push(await run(s.sql, s.params));
      res.json({ case: c.name, results });
    } catch (error) {
      res.status(500).json({ error: String(error) });
    }
  });
}
const server = app.listen(Number(process.env.BASELINE_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
});
const stop = async () => {
  server.close();
  await close().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
