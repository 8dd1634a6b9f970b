/**
 * npm run bench — what a city sees, measured from outside against a bare baseline in the same run.
 *
 * 1. Generates a city (--scale quick|city|tehran) in a throwaway database: a new database on the
 *    PostgreSQL of BENCH_DATABASE_URL (dropped at the end unless --keep), or a PGlite folder (--db pglite).
 * 2. Starts the app once with its database traffic recorded and asks each page once per case, so the
 *    bare baseline (bench/baseline.ts: Express + postgres.js, its own process) runs exactly the SQL the
 *    app's loaders ran and returns those rows as JSON.
 * 3. Starts the app for real (NODE_ENV=production, its own process) and the baseline, and loads each
 *    case with autocannon, baseline then app, for --rounds rounds; then an offered fixed rate, 10 vs 100
 *    connections, the growth table, idle sockets, start times, and the vote-storm and fan-out benches.
 * Prints a table, writes JSON to bench/results/. Loopback only; every step has a deadline; child
 * processes and the database are removed on any exit, Ctrl-C included.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import crypto from "node:crypto";
import autocannon from "autocannon";
import { io as connectSocket, type Socket } from "socket.io-client";
import { sql } from "drizzle-orm";
import { indexAll } from "../app/domain/search/indexer.server";
import { hashPassword } from "../app/utils/password.server";
import { isLoaderStatement, startCaptureProxy, type Statement } from "./capture";
import { cityLandmarks, cityStatements, SCALES, type GeneratedCity, type Scale } from "./generate";
import { paced } from "./paced";
import type { BenchContext } from "./types";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------
// Options

const HELP = `npm run bench -- [options]
  --scale quick|city|tehran   size of the generated city (default quick)
  --db postgres|pglite        where the city lives (default postgres, on BENCH_DATABASE_URL)
  --rounds N                  baseline-then-app rounds per case (default 3)
  --duration S                seconds per load run (default: quick 3, city 10, tehran 10)
  --connections N             concurrent connections of the main runs (default 100)
  --rate N                    offered requests/s of the fixed-rate run (default 200)
  --port N                    app port (default BENCH_PORT, else a free one)
  --baseline-port N           baseline port (default BENCH_BASELINE_PORT, else a free one)
  --sockets N                 idle sockets to open (default 5000)
  --skip LIST                 comma-separated parts to leave out: pages,rate,overload,growth,sockets,start,ballots,fanout,cluster
  --cases LIST                comma-separated page cases to keep (default all), e.g. proposals,proposals-signed-in;
                              names: proposals, council-proposals, proposal-2000, thread, council, home, each also
                              with -signed-in, proposals-data, proposal-2000-data (the fixed-rate run uses
                              proposals and proposal-2000 when kept)
  --growth-messages LIST      sizes of the growth table's discussions (default: the scale's), e.g. 1000,100000,1000000
  --max-minutes N             stop everything after this long (default: quick 10, city 60, tehran 180)
  --keep                      keep the generated database (its name or folder is printed)
  --help`;

function parseArgs(argv: string[]) {
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}\n${HELP}`);
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (key === "keep" || key === "help") options[key] = true;
    else options[key] = inline ?? argv[++i] ?? "";
  }
  return options;
}

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const scale = String(args.scale ?? "quick") as Scale;
if (!(scale in SCALES)) throw new Error(`--scale must be quick, city or tehran\n${HELP}`);
const num = (value: unknown, fallback: number) => {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${String(value)}`);
  return n;
};
const growthMessagesOption = args["growth-messages"];
const spec = {
  ...SCALES[scale],
  // Discussions of the growth table, largest last (e.g. 1000,10000,100000,1000000 on a city).
  growthMessages:
    growthMessagesOption === undefined
      ? SCALES[scale].growthMessages
      : [
          ...new Set(
            String(growthMessagesOption)
              .split(",")
              .filter(Boolean)
              .map((n) => Math.max(1, Math.round(num(n, 0)))),
          ),
        ].sort((a, b) => a - b),
};
const dbKind = String(args.db ?? "postgres") as "postgres" | "pglite";
if (dbKind !== "postgres" && dbKind !== "pglite") throw new Error(`--db must be postgres or pglite\n${HELP}`);
const rounds = num(args.rounds, 3);
const duration = num(args.duration, scale === "quick" ? 3 : 10);
const connections = num(args.connections, 100);
const offeredRate = num(args.rate, 200);
const socketCount = num(args.sockets, 5000);
const maxMinutes = num(args["max-minutes"], scale === "quick" ? 10 : scale === "city" ? 60 : 180);
const appPortOption = num(args.port ?? process.env.BENCH_PORT, 0);
const baselinePortOption = num(args["baseline-port"] ?? process.env.BENCH_BASELINE_PORT, 0);
const skip = new Set(
  String(args.skip ?? "")
    .split(",")
    .filter(Boolean),
);
const onlyCases = new Set(
  String(args.cases ?? "")
    .split(",")
    .filter(Boolean),
);
const keep = Boolean(args.keep);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

// ---------------------------------------------------------------------------------------------
// Clean-up on every exit

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

function cleanup() {
  cleaning ??= (async () => {
    for (const child of children) stopChild(child, 0);
    await Promise.all([...children].map((child) => waitExit(child, 8000).then((done) => done || child.kill("SIGKILL"))));
    for (const fn of cleanups.reverse()) await fn().catch((err) => console.error(`clean-up: ${String(err)}`));
  })();
  return cleaning;
}

function stopChild(child: ChildProcess, graceMs = 8000) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  return waitExit(child, graceMs).then((done) => {
    if (!done) child.kill("SIGKILL");
    children.delete(child);
  });
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping and cleaning up…`);
    void cleanup().finally(() => process.exit(130));
  });
}
const overall = setTimeout(() => {
  console.error(`\nthe run took longer than --max-minutes ${maxMinutes}: stopping`);
  void cleanup().finally(() => process.exit(2));
}, maxMinutes * 60_000);
overall.unref();

// ---------------------------------------------------------------------------------------------
// Helpers

const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function rssMb(pid: number | undefined): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

async function withDeadline<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface AppProcess {
  child: ChildProcess;
  url: string;
  port: number;
  startMs: number;
  rssAtStart: number | null;
  stop(): Promise<void>;
}

const sessionSecret = crypto.randomBytes(32).toString("base64url");

/** The app as it runs in production: its own process, NODE_ENV=production, the current build. */
async function startApp(opts: {
  databaseUrl?: string;
  dataDir?: string;
  port?: number;
  preload?: string[];
  env?: Record<string, string>;
}): Promise<AppProcess> {
  const port = opts.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", ...(opts.preload ?? []).flatMap((p) => ["--import", p]), "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      SESSION_SECRET: sessionSecret,
      APP_ORIGIN: url,
      LOG_LEVEL: "warn",
      DATABASE_URL: opts.databaseUrl ?? "",
      DATA_DIR: opts.dataDir ?? path.join(os.tmpdir(), "mahalleh-bench-unused"),
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before it was healthy:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`the app was not healthy within 180 s:\n${stderr}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const startMs = performance.now() - started;
  return { child, url, port, startMs, rssAtStart: rssMb(child.pid), stop: () => stopChild(child) };
}

async function startBaseline(casesFile: string, db: { databaseUrl?: string; pgliteDir?: string }) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/baseline.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      BASELINE_CASES: casesFile,
      BASELINE_PORT: String(baselinePortOption),
      DATABASE_URL: db.databaseUrl ?? "",
      BASELINE_PGLITE_DIR: db.pgliteDir ?? "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const port = await withDeadline(
    "the baseline",
    60_000,
    new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += String(chunk);
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`the baseline exited with ${code}`)));
    }),
  );
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

async function signIn(appUrl: string, city: GeneratedCity): Promise<string> {
  const response = await fetch(`${appUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: appUrl },
    body: new URLSearchParams({ phone: city.resident.localPhone, password: city.resident.password }),
  });
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";")[0]!;
      const name = pair.slice(0, pair.indexOf("="));
      // A cookie set empty or already expired is removed, as a browser removes it.
      if (pair.endsWith("=") || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, pair);
    }
  };
  keep(response);
  const cookieOf = () => [...jar.values()].join("; ");
  if (response.status >= 400 || !cookieOf().includes("session")) throw new Error(`signing the resident in failed (${response.status})`);
  // The page after signing in shows the welcome once and clears it, as in a browser: the pages
  // measured are those a signed-in reader sees afterwards, not the welcome again and again.
  keep(await fetch(`${appUrl}/`, { headers: { cookie: cookieOf() }, redirect: "manual" }));
  return cookieOf();
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Sent but not answered when the run ended (still queued in the server). */
  unanswered: number;
  bytesPerResponse: number;
}

async function load(
  url: string,
  opts: { connections: number; seconds: number; headers?: Record<string, string>; rate?: number },
): Promise<LoadResult> {
  const result = await withDeadline(
    `load on ${url}`,
    (opts.seconds + 30) * 1000,
    autocannon({
      url,
      connections: opts.connections,
      duration: opts.seconds,
      headers: opts.headers,
      timeout: 10,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
    }),
  );
  const ok = result["2xx"];
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unanswered: Math.max(
      0,
      (result.requests as unknown as { sent: number }).sent - result.requests.total - result.errors - result.timeouts,
    ),
    bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

/**
 * Requests still queued in the server when a run ends keep it busy; the next run would pay for them.
 * Waits until the health check (which goes through the same database) answers quickly twice.
 */
async function settle(url: string) {
  const deadline = Date.now() + 60_000;
  let quick = 0;
  while (quick < 2 && Date.now() < deadline) {
    const t0 = performance.now();
    try {
      await (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
    } catch {
      // still busy
    }
    quick = performance.now() - t0 < 100 ? quick + 1 : 0;
    if (quick < 2) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fixed = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? "—" : n.toFixed(digits);

function printTable(title: string, rows: Record<string, string | number>[]) {
  console.log(`\n${title}`);
  if (!rows.length) return console.log("  (none)");
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? "").length)));
  const line = (cells: string[]) => "| " + cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(columns));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(columns.map((c) => String(r[c] ?? ""))));
}

// ---------------------------------------------------------------------------------------------
// The run

const report: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  options: { scale, db: dbKind, rounds, duration, connections, offeredRate, sockets: socketCount, skip: [...skip], cases: [...onlyCases] },
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  },
};
const resultsDir = path.join(root, "bench", "results");
fs.mkdirSync(resultsDir, { recursive: true });
const resultsFile = path.join(resultsDir, `${report.startedAt as string}-${scale}-${dbKind}.json`.replace(/:/g, "-"));
const tables: { title: string; rows: Record<string, string | number>[] }[] = [];

try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  report.error = String(error);
  process.exitCode = 1;
} finally {
  report.finishedAt = new Date().toISOString();
  (report.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((n) => Number(n.toFixed(2)));
  fs.writeFileSync(resultsFile, JSON.stringify(report, null, 2));
  for (const t of tables) printTable(t.title, t.rows);
  console.log(`\nresults: ${path.relative(root, resultsFile)}`);
  await cleanup();
  clearTimeout(overall);
}

async function main() {
  log(`scale ${scale} on ${dbKind}, ${rounds} round(s) of ${duration} s at ${connections} connections`);
  // --- the database -------------------------------------------------------------------------
  const runId = crypto.randomBytes(4).toString("hex");
  let databaseUrl: string | undefined;
  let pgliteDir: string | undefined;
  let exec: (text: string) => Promise<unknown>;
  let closeGenerator: () => Promise<void>;
  const { openDatabase } = await import("../db/client.server");
  if (dbKind === "postgres") {
    const { default: postgres } = await import("postgres");
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const name = `mahalleh_bench_${runId}`;
    const version = await admin`show server_version`;
    (report.machine as Record<string, unknown>).postgres = version[0]?.server_version;
    await admin.unsafe(`create database ${name}`);
    cleanups.push(async () => {
      if (keep) {
        log(`kept database ${name}`);
      } else {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      }
      await admin.end({ timeout: 5 });
    });
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    databaseUrl = target.toString();
    log(`database ${name}`);
    const migrated = await openDatabase({ databaseUrl, migrate: true, maxConnections: 1 });
    await migrated.close();
    const generator = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    exec = (text) => generator.unsafe(text).simple();
    closeGenerator = () => generator.end({ timeout: 5 });
  } else {
    pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), `mahalleh-bench-${runId}-`));
    cleanups.push(async () => {
      if (keep) log(`kept PGlite folder ${pgliteDir}`);
      else fs.rmSync(pgliteDir!, { recursive: true, force: true });
    });
    const database = await openDatabase({ dataDir: pgliteDir, migrate: true });
    const { PGlite } = await import("@electric-sql/pglite");
    await database.close();
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const client = new PGlite(path.join(pgliteDir, "pglite"), { extensions: { pg_trgm } });
    await client.waitReady;
    exec = (text) => client.exec(text);
    closeGenerator = () => client.close();
    (report.machine as Record<string, unknown>).postgres = "PGlite (embedded)";
  }

  // --- generation ---------------------------------------------------------------------------
  const city = cityLandmarks(spec);
  const passwordHash = await hashPassword(city.resident.password);
  const generation: Record<string, number> = {};
  const generationStarted = performance.now();
  for (const step of cityStatements(spec, passwordHash)) {
    const t0 = performance.now();
    await exec(step.sql);
    generation[step.label] = Math.round(performance.now() - t0);
    log(`generated ${step.label} in ${generation[step.label]} ms`);
  }
  await closeGenerator();
  // The public search's entries, as a running app writes them in the background after a migration.
  {
    const t0 = performance.now();
    const database = await openDatabase(
      databaseUrl ? { databaseUrl, migrate: false, maxConnections: 1 } : { dataDir: pgliteDir!, migrate: false },
    );
    const indexed = await indexAll(database.db, 2000);
    // The city's statistics were gathered before these rows existed: without fresh ones the planner
    // takes a common word for a rare one and reads every match instead of the newest few.
    await database.db.execute(sql.raw("analyze search_entries, search_vocabulary, search_dirty"));
    generation["search index"] = Math.round(performance.now() - t0);
    log(`indexed ${indexed} rows for search in ${generation["search index"]} ms`);
    // A city that has been running has been vacuumed: visibility maps set (index-only scans stay in
    // the index) and nothing left for autovacuum to do. A freshly generated one has not, and
    // autovacuum would otherwise work through its million new rows while the cases are measured.
    const t1 = performance.now();
    await database.db.execute(sql.raw("vacuum analyze"));
    await database.close();
    generation["vacuum"] = Math.round(performance.now() - t1);
    log(`vacuumed and analysed the city in ${generation["vacuum"]} ms`);
  }
  const generationSeconds = (performance.now() - generationStarted) / 1000;
  report.generation = { seconds: Number(generationSeconds.toFixed(1)), steps: generation, spec };
  log(`generated the city (--scale ${scale}) in ${generationSeconds.toFixed(1)} s`);
  tables.push({
    title: "Run",
    rows: [
      {
        scale,
        database: String((report.machine as Record<string, unknown>).postgres),
        "generated in s": generationSeconds.toFixed(1),
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${process.version}`,
        "load average at start": os
          .loadavg()
          .map((n) => n.toFixed(2))
          .join(" "),
      },
    ],
  });

  // --- the cases ----------------------------------------------------------------------------
  interface Case {
    name: string;
    label: string;
    path: string;
    signedIn: boolean;
  }
  const pages: Omit<Case, "signedIn">[] = [
    { name: "proposals", label: "/proposals (city list)", path: "/proposals" },
    { name: "council-proposals", label: "a council's proposal list", path: `/proposals?council=${city.councilId}` },
    { name: "proposal-2000", label: `a proposal with a ${spec.bigThread}-message discussion`, path: `/proposals/${city.bigProposalId}` },
    { name: "thread", label: "a discussion page", path: `/threads/${city.threadId}` },
    { name: "council", label: "a council page", path: `/councils/${city.councilId}` },
    { name: "home", label: "home", path: "/" },
    { name: "search", label: "search, a word in many messages", path: `/search?q=${encodeURIComponent("بودجه")}` },
    {
      name: "search-none",
      label: "search, a typo: no exact match, the typo pass",
      path: `/search?q=${encodeURIComponent("کتابحانه")}`,
    },
  ];
  const allCases: Case[] = [
    ...pages.map((p) => ({ ...p, signedIn: false })),
    ...pages.map((p) => ({ ...p, name: `${p.name}-signed-in`, label: `${p.label}, signed in`, signedIn: true })),
    // Loaders only, no render: what a client-side navigation asks (single fetch: /path.data).
    { name: "proposals-data", label: "/proposals.data (loaders only)", path: "/proposals.data", signedIn: false },
    {
      name: "proposal-2000-data",
      label: "proposal page .data (loaders only)",
      path: `/proposals/${city.bigProposalId}.data`,
      signedIn: false,
    },
  ];
  const unknown = [...onlyCases].filter((name) => name !== "healthz" && !allCases.some((c) => c.name === name));
  if (unknown.length) throw new Error(`unknown --cases: ${unknown.join(", ")}\n${HELP}`);
  const cases = onlyCases.size ? allCases.filter((c) => onlyCases.has(c.name)) : allCases;

  // --- capturing the app's SQL --------------------------------------------------------------
  log("capturing the statements each page runs");
  const captured = new Map<string, Statement[]>();
  let cookie = "";
  {
    let proxy: Awaited<ReturnType<typeof startCaptureProxy>> | undefined;
    let app: AppProcess;
    let readStatements: () => Statement[];
    const captureFile = path.join(os.tmpdir(), `mahalleh-bench-${runId}-statements.jsonl`);
    if (databaseUrl) {
      const target = new URL(databaseUrl);
      proxy = await startCaptureProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const proxied = new URL(databaseUrl);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(proxy.port);
      // Recording renders every page (PAGE_CACHE_MS=0): a page answered from the kept copy runs no SQL.
      app = await startApp({ databaseUrl: proxied.toString(), env: { PAGE_CACHE_MS: "0" } });
      readStatements = () => proxy!.statements;
    } else {
      fs.writeFileSync(captureFile, "");
      cleanups.push(async () => fs.rmSync(captureFile, { force: true }));
      app = await startApp({
        dataDir: pgliteDir,
        preload: ["./bench/capture-pglite.ts"],
        env: { BENCH_CAPTURE_FILE: captureFile, PAGE_CACHE_MS: "0" },
      });
      readStatements = () =>
        fs
          .readFileSync(captureFile, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Statement);
    }
    try {
      cookie = await signIn(app.url, city);
      // Let the start-up work (statistics, due votes, ended terms) finish before recording.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const c of cases) {
        const attempts: Statement[][] = [];
        for (let i = 0; i < 3; i++) {
          const before = readStatements().length;
          const response = await fetch(app.url + c.path, { headers: c.signedIn ? { cookie } : {}, signal: AbortSignal.timeout(60_000) });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`${c.path} answered ${response.status} while capturing`);
          await new Promise((resolve) => setTimeout(resolve, 150));
          attempts.push(readStatements().slice(before).filter(isLoaderStatement));
        }
        // The first request may do one-time work; of the later ones keep the smaller (a timer may have run beside it).
        const steady = attempts.slice(1).sort((a, b) => a.length - b.length)[0]!;
        captured.set(c.name, steady);
      }
    } finally {
      await app.stop();
      await proxy?.close();
    }
  }
  report.statements = Object.fromEntries([...captured].map(([name, list]) => [name, list.length]));
  const casesFile = path.join(os.tmpdir(), `mahalleh-bench-${runId}-cases.json`);
  fs.writeFileSync(casesFile, JSON.stringify([...captured].map(([name, statements]) => ({ name, statements }))));
  cleanups.push(async () => fs.rmSync(casesFile, { force: true }));
  fs.writeFileSync(path.join(resultsDir, "statements-latest.json"), JSON.stringify(Object.fromEntries(captured), null, 2));
  log(
    `statements per page: ${Object.entries(report.statements as object)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );

  // A copy of the embedded folder for the baseline (one process per PGlite folder).
  let baselinePglite: string | undefined;
  if (pgliteDir) {
    baselinePglite = `${pgliteDir}-baseline`;
    fs.cpSync(path.join(pgliteDir, "pglite"), baselinePglite, { recursive: true });
    cleanups.push(async () => fs.rmSync(baselinePglite!, { recursive: true, force: true }));
  }

  // --- the app and the baseline, for real -------------------------------------------------
  const app = await startApp({ databaseUrl, dataDir: pgliteDir, port: appPortOption });
  log(`app healthy in ${app.startMs.toFixed(0)} ms at ${app.url} (RSS ${app.rssAtStart} MB)`);
  const baseline = await startBaseline(casesFile, { databaseUrl, pgliteDir: baselinePglite });
  log(`baseline at ${baseline.url}`);
  report.appStart = { ms: Math.round(app.startMs), rssMb: app.rssAtStart, db: dbKind };

  const appUrl = (c: Case) => app.url + c.path;
  const baseUrl = (c: Case) => `${baseline.url}/case/${c.name}`;
  const headersFor = (c: Case) => (c.signedIn ? { cookie } : undefined);

  // Warm-up: JIT, caches and connection pools, for both.
  for (const c of cases) {
    await load(baseUrl(c), { connections: 10, seconds: 1 });
    await load(appUrl(c), { connections: 10, seconds: 1, headers: headersFor(c) });
    await settle(app.url);
  }

  // --- pages at 100 connections -----------------------------------------------------------
  if (!skip.has("pages")) {
    const all = [
      ...(onlyCases.size && !onlyCases.has("healthz")
        ? []
        : [{ name: "healthz", label: "/readyz vs bare JSON", path: "/readyz", signedIn: false } as Case]),
      ...cases,
    ];
    const perCase: Record<string, { baseline: LoadResult[]; app: LoadResult[] }> = {};
    for (let round = 1; round <= rounds; round++) {
      for (const c of all) {
        const b = await load(c.name === "healthz" ? `${baseline.url}/healthz` : baseUrl(c), { connections, seconds: duration });
        const a = await load(appUrl(c), { connections, seconds: duration, headers: headersFor(c) });
        await settle(app.url);
        (perCase[c.name] ??= { baseline: [], app: [] }).baseline.push(b);
        perCase[c.name]!.app.push(a);
        log(
          `round ${round} ${c.label}: baseline ${b.rps.toFixed(0)}/s, app ${a.rps.toFixed(0)}/s (p99 ${a.p99} ms, ${a.errors + a.timeouts} errors/timeouts, ${a.non2xx} non-2xx, ${a.unanswered} unanswered at the end)`,
        );
      }
    }
    report.pages = perCase;
    tables.push({
      title: `Pages at ${connections} connections (${rounds} round(s) of ${duration} s; medians; ratio = baseline ÷ app throughput)`,
      rows: all.map((c) => {
        const r = perCase[c.name]!;
        const b = median(r.baseline.map((x) => x.rps));
        const a = median(r.app.map((x) => x.rps));
        return {
          case: c.label,
          "SQL stmts": c.name === "healthz" ? 1 : (captured.get(c.name)?.length ?? 0),
          "baseline req/s": fixed(b, 0),
          "app req/s": fixed(a, 0),
          ratio: a > 0 ? `${fixed(b / a)}×` : "∞",
          "baseline p50/p99 ms": `${fixed(median(r.baseline.map((x) => x.p50)), 0)}/${fixed(median(r.baseline.map((x) => x.p99)), 0)}`,
          "app p50/p99 ms": `${fixed(median(r.app.map((x) => x.p50)), 0)}/${fixed(median(r.app.map((x) => x.p99)), 0)}`,
          "failed b/app": `${r.baseline.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0)}/${r.app.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0)}`,
          "app KB/page": fixed(median(r.app.map((x) => x.bytesPerResponse)) / 1024),
        };
      }),
    });
  }

  // --- an offered fixed rate --------------------------------------------------------------
  if (!skip.has("rate")) {
    const rows: Record<string, string | number>[] = [];
    const out: Record<string, unknown> = {};
    for (const c of cases.filter((x) => x.name === "proposals" || x.name === "proposal-2000")) {
      // Evenly spaced arrivals (bench/paced.ts), the measure of the target; then autocannon's
      // overallRate, which sends each second's share in one burst, for comparison with older runs.
      const bp = await paced(baseUrl(c), { connections, seconds: duration, rate: offeredRate });
      await settle(app.url);
      const ap = await paced(appUrl(c), { connections, seconds: duration, rate: offeredRate });
      await settle(app.url);
      const b = await load(baseUrl(c), { connections, seconds: duration, rate: offeredRate });
      const a = await load(appUrl(c), { connections, seconds: duration, rate: offeredRate });
      await settle(app.url);
      out[c.name] = { baseline: b, app: a, pacedBaseline: bp, pacedApp: ap };
      for (const [who, r] of [
        ["baseline", bp],
        ["app", ap],
      ] as const) {
        rows.push({
          case: c.label,
          arrivals: "even",
          server: who,
          "served req/s": fixed(r.rps, 0),
          "p50 ms": r.p50,
          "p99 ms": r.p99,
          failed: r.failed,
        });
      }
      for (const [who, r] of [
        ["baseline", b],
        ["app", a],
      ] as const) {
        rows.push({
          case: c.label,
          arrivals: "a burst a second",
          server: who,
          "served req/s": fixed(r.rps, 0),
          "p50 ms": r.p50,
          "p99 ms": r.p99,
          failed: r.errors + r.timeouts + r.non2xx,
        });
      }
      log(
        `offered ${offeredRate}/s on ${c.label}, even arrivals: baseline p50/p99 ${bp.p50}/${bp.p99} ms, app ${ap.p50}/${ap.p99} ms (${ap.rps.toFixed(0)}/s served); ` +
          `a burst a second: baseline p99 ${b.p99} ms, app p99 ${a.p99} ms`,
      );
    }
    report.fixedRate = out;
    tables.push({ title: `Offered ${offeredRate} requests/s (${connections} connections, ${duration} s)`, rows });
  }

  // --- overload: 10 vs 100 connections ----------------------------------------------------
  if (!skip.has("overload")) {
    const c = cases.find((x) => x.name === "proposals")!;
    const rows: Record<string, string | number>[] = [];
    const out: Record<string, LoadResult> = {};
    for (const n of [10, 100]) {
      const r = await load(appUrl(c), { connections: n, seconds: duration });
      await settle(app.url);
      out[String(n)] = r;
      rows.push({
        connections: n,
        "app req/s": fixed(r.rps, 0),
        "p50 ms": r.p50,
        "p99 ms": r.p99,
        "503/other non-2xx": r.non2xx,
        "errors/timeouts": r.errors + r.timeouts,
        unanswered: r.unanswered,
      });
    }
    report.overload = out;
    tables.push({ title: "Overload: /proposals at 10 and 100 connections (throughput at 100 should not fall below 10)", rows });
  }

  // --- growth -----------------------------------------------------------------------------
  if (!skip.has("growth")) {
    const rows: Record<string, string | number>[] = [];
    // One connection: the latency of one request as the table grows, not queueing. Every request
    // is rendered: a cookie other than the language keeps a public page from being reused.
    const seconds = Math.max(2, Math.round(duration / 2));
    const rendered = { cookie: "bench=growth" };
    for (const g of city.growth) {
      const r = await load(`${app.url}/proposals?council=${g.councilId}`, { connections: 1, seconds, headers: rendered });
      rows.push({ page: "a council's proposal list", rows: g.rows, "p50 ms": r.p50, "p99 ms": r.p99, "req/s": fixed(r.rps, 0) });
    }
    for (const g of city.growthThreads) {
      const r = await load(`${app.url}/threads/${g.threadId}`, { connections: 1, seconds, headers: rendered });
      rows.push({ page: "a discussion page", rows: g.rows, "p50 ms": r.p50, "p99 ms": r.p99, "req/s": fixed(r.rps, 0) });
    }
    for (const g of city.growthThreads) {
      const r = await load(`${app.url}/proposals/${g.proposalId}`, { connections: 1, seconds, headers: rendered });
      rows.push({ page: "its proposal's page", rows: g.rows, "p50 ms": r.p50, "p99 ms": r.p99, "req/s": fixed(r.rps, 0) });
    }
    report.growth = rows;
    tables.push({ title: "Growth (1 connection): latency should stay flat as rows grow", rows });
  }

  // --- idle sockets -----------------------------------------------------------------------
  if (!skip.has("sockets") && socketCount > 0) {
    const before = rssMb(app.child.pid);
    const sockets: Socket[] = [];
    let connected = 0;
    const started = performance.now();
    const deadline = Date.now() + 120_000;
    try {
      for (let i = 0; i < socketCount && Date.now() < deadline; i += 200) {
        const batch = Array.from({ length: Math.min(200, socketCount - i) }, () => {
          const socket = connectSocket(app.url, {
            transports: ["websocket"],
            forceNew: true,
            reconnection: false,
            extraHeaders: { origin: app.url },
          });
          sockets.push(socket);
          return new Promise<void>((resolve) => {
            socket.once("connect", () => {
              connected++;
              resolve();
            });
            socket.once("connect_error", () => resolve());
          });
        });
        await withDeadline("opening sockets", 30_000, Promise.all(batch)).catch(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const after = rssMb(app.child.pid);
      report.idleSockets = {
        requested: socketCount,
        connected,
        rssBeforeMb: before,
        rssAfterMb: after,
        openSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      };
      tables.push({
        title: "Idle sockets",
        rows: [
          {
            sockets: `${connected} of ${socketCount}`,
            "app RSS before MB": before ?? "—",
            "app RSS with them open MB": after ?? "—",
            target: "≤ 400 MB",
          },
        ],
      });
      log(`${connected} idle sockets: RSS ${before} → ${after} MB`);
    } finally {
      for (const s of sockets) s.close();
    }
  }

  // --- the write and live-delivery benches: vote storm and fan-out ---------------------------------
  /** A result's value as a table cell: latencies as "p50 / p99", nested results spelled out. */
  const cell = (value: unknown): string => {
    if (typeof value === "number") return fixed(value);
    if (value && typeof value === "object") {
      const v = value as Record<string, unknown>;
      if (typeof v.p50 === "number" && typeof v.p99 === "number") {
        return `${fixed(v.p50)} / ${fixed(v.p99)}${typeof v.lost === "number" && v.lost ? ` (${v.lost} lost)` : ""}`;
      }
      return Object.entries(v)
        .map(([k, x]) => `${k}: ${cell(x)}`)
        .join("; ");
    }
    return String(value);
  };
  const context: BenchContext = { db: dbKind, databaseUrl, appUrl: app.url, cookie, scale, durationSeconds: duration, log };
  for (const [part, file, fn] of [
    ["ballots", "./ballots.ts", "runBallotBench"],
    ["fanout", "./fanout.ts", "runFanoutBench"],
    ["cluster", "./cluster.ts", "runClusterBench"],
  ] as const) {
    if (skip.has(part)) continue;
    let result: unknown = "not measured (bench/" + file.slice(2) + " is missing)";
    const full = path.join(root, "bench", file.slice(2));
    if (fs.existsSync(full)) {
      try {
        const module = (await import(full)) as Record<string, (options: typeof context) => Promise<unknown>>;
        result = await withDeadline(part, 10 * 60_000, module[fn]!(context));
      } catch (error) {
        result = `failed: ${String(error)}`;
      }
    }
    report[part] = result;
    tables.push({
      title:
        part === "ballots"
          ? "Vote storm and supports (bench/ballots.ts)"
          : part === "cluster"
            ? "Cluster: /proposals through HAProxy and PgBouncer, one instance vs two, 20 connections (bench/cluster.ts)"
            : "Live fan-out (bench/fanout.ts)",
      rows: [
        typeof result === "object" && result
          ? Object.fromEntries(Object.entries(result).map(([k, v]) => [k, cell(v)]))
          : { result: String(result) },
      ],
    });
  }

  await baseline.stop();
  await app.stop();

  // --- start time ---------------------------------------------------------------------------
  if (!skip.has("start")) {
    const rows: Record<string, string | number>[] = [];
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), `mahalleh-bench-${runId}-start-`));
    cleanups.push(async () => fs.rmSync(folder, { recursive: true, force: true }));
    const empty = await startApp({ dataDir: folder });
    rows.push({
      start: "PGlite, empty folder",
      "to healthy ms": Math.round(empty.startMs),
      "RSS MB": empty.rssAtStart ?? "—",
      target: "≤ 15000",
    });
    await empty.stop();
    const existing = await startApp({ dataDir: folder });
    rows.push({
      start: "PGlite, existing folder, current build",
      "to healthy ms": Math.round(existing.startMs),
      "RSS MB": existing.rssAtStart ?? "—",
      target: "≤ 5000",
    });
    await existing.stop();
    if (databaseUrl) {
      rows.push({
        start: `PostgreSQL (generated city, --scale ${scale})`,
        "to healthy ms": Math.round(app.startMs),
        "RSS MB": app.rssAtStart ?? "—",
        target: "≤ 5000",
      });
    }
    report.startTimes = rows;
    tables.push({ title: "Start time (process spawn to /readyz answering 200)", rows });
  }
}
