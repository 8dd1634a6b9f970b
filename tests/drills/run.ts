/**
 * `npm run drills`: what happens to people's work when the database restarts, when an instance is
 * killed, and when clients drop. Each drill starts its own throwaway PostgreSQL cluster (never the
 * server on 5432) and two real app processes on it, loopback only, bounded in time and count;
 * it prints what it measured and fails on any loss. `npm run drills -- restart` runs the drills
 * whose name contains "restart".
 */
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { isDatabaseUnavailableError } from "../../app/server/database-health.server";
import { startCluster, type Cluster } from "./cluster";
import { Instance } from "./instance";
import { clusterDrills } from "./cluster-drill";
import { drills as failureDrills } from "./drills";

export interface DrillContext {
  cluster: Cluster;
  databaseUrl: string;
  a: Instance;
  b: Instance;
  /** Starts both instances (after the world is built, so the first one finds a migrated database). */
  startInstances(): Promise<void>;
  measure(label: string, value: string | number): void;
  check(condition: boolean, failure: string): void;
}

export interface Drill {
  name: string;
  /** The most this drill may take (default DRILL_TIMEOUT_MS). */
  timeoutMs?: number;
  run(ctx: DrillContext): Promise<void>;
}

// The drill process talks to the database too; the same driver quirk the server guards against
// (an unawaited rejection when PostgreSQL restarts) must not end the drill.
process.on("unhandledRejection", (reason) => {
  if (isDatabaseUnavailableError(reason)) return;
  console.error("unhandled rejection in the drill runner:", reason);
  process.exitCode = 1;
});

// Ctrl-C or a CI cancel: exit through the handlers that stop the clusters and the app processes.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const DRILL_TIMEOUT_MS = Number(process.env.DRILL_TIMEOUT_MS ?? 150_000);

async function runDrill(drill: Drill) {
  const started = Date.now();
  const failures: string[] = [];
  const measures: string[] = [];
  let cluster: Cluster | undefined;
  const instances: Instance[] = [];
  try {
    cluster = await startCluster(drill.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 24));
    const admin = postgres(cluster.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe("create database mahalleh");
    await admin.end();
    const databaseUrl = cluster.url("mahalleh");
    const logDir = path.join(cluster.dir, "logs");
    fs.mkdirSync(logDir, { recursive: true });
    const a = new Instance("a", databaseUrl, logDir);
    const b = new Instance("b", databaseUrl, logDir);
    instances.push(a, b);
    const ctx: DrillContext = {
      cluster,
      databaseUrl,
      a,
      b,
      startInstances: async () => {
        await a.start();
        await b.start();
      },
      measure: (label, value) => measures.push(`${label}: ${value}`),
      check: (condition, failure) => {
        if (!condition) failures.push(failure);
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = Math.max(DRILL_TIMEOUT_MS, drill.timeoutMs ?? 0);
    await Promise.race([
      drill.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the drill took over ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (error) {
    failures.push(`error: ${(error as Error).stack ?? error}`);
  } finally {
    // A failed drill says what its instances last logged, whether it threw or a check failed.
    if (failures.length) {
      for (const instance of instances) {
        const problems = instance.logProblems(12);
        if (problems) failures.push(`last warnings and errors of instance ${instance.name}:\n${problems}`);
      }
    }
    await Promise.all(instances.map((i) => i.stop().catch(() => i.kill9())));
    if (process.env.DRILL_KEEP && failures.length) console.log(`kept ${cluster?.dir}`);
    else cluster?.destroy();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n== drill: ${drill.name} (${seconds} s) ${failures.length ? "FAILED" : "passed"}`);
  for (const m of measures) console.log(`   ${m}`);
  for (const f of failures) console.log(`   ✗ ${f}`);
  return failures.length === 0;
}

const drills = [...failureDrills, ...clusterDrills];
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const selected = drills.filter((d) => only.length === 0 || only.some((o) => d.name.includes(o)));
let passed = 0;
let failed = 0;
for (const drill of selected) {
  if (await runDrill(drill)) passed++;
  else failed++;
}
console.log(`\ndrills: ${passed} passed, ${failed} failed`);
process.exit(failed || process.exitCode ? 1 : 0);
