/**
 * `npm run cluster` — the production set-up on this machine, loopback only: PostgreSQL (the one at
 * DATABASE_URL, or a throwaway cluster), PgBouncer in transaction mode, N instances, HAProxy in
 * front. Ctrl-C or SIGTERM stops exactly what it started.
 *
 *   npm run cluster -- --instances 3 --port 8080
 *   npm run cluster -- --roll          restart the instances one at a time: in the cluster already
 *                                      running (it is told with SIGHUP), or in a new one once it is up
 *   npm run cluster -- --write-docs    rewrite docs/deploy/ from scripts/cluster/config.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { exampleFiles } from "./cluster/config";
import { startLocalCluster, type LocalCluster, type RollStep } from "./cluster/local-cluster";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STATE = path.join(os.tmpdir(), "mahalleh-cluster.json");
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "2" },
    port: { type: "string", default: "8080" },
    roll: { type: "boolean", default: false },
    "write-docs": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`npm run cluster -- [--instances N] [--port P] [--roll] [--write-docs]
  --instances N   app instances behind HAProxy (default 2)
  --port P        HAProxy's port on 127.0.0.1 (default 8080; 0 for a free one)
  --roll          restart the instances one at a time (the running cluster's, or a new one's once up)
  --write-docs    rewrite docs/deploy/'s configuration files and exit
PostgreSQL: DATABASE_URL if set, else a throwaway cluster.`);
  process.exit(0);
}

if (values["write-docs"]) {
  for (const [name, text] of Object.entries(exampleFiles())) {
    fs.writeFileSync(path.join(root, "docs", "deploy", name), text);
    log(`wrote docs/deploy/${name}`);
  }
  process.exit(0);
}

function runningCluster(): { pid: number; url: string } | null {
  try {
    const state = JSON.parse(fs.readFileSync(STATE, "utf8")) as { pid: number; url: string };
    process.kill(state.pid, 0);
    return state;
  } catch {
    return null;
  }
}

// --roll with a cluster already running: tell it, and follow its log of the roll.
const existing = runningCluster();
if (values.roll && existing) {
  log(`telling the cluster at ${existing.url} (process ${existing.pid}) to restart its instances one at a time`);
  process.kill(existing.pid, "SIGHUP");
  process.exit(0);
}
if (existing) {
  console.error(`a cluster is already running at ${existing.url} (process ${existing.pid}); stop it first, or --roll it`);
  process.exit(1);
}

const instances = Number(values.instances);
const port = Number(values.port);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) throw new Error("--instances must be 1 to 16");
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be a port number");

let cluster: LocalCluster | null = null;
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(
    `${signal}: stopping the instances (they drain), HAProxy, PgBouncer${process.env.DATABASE_URL ? "" : " and the throwaway PostgreSQL"}`,
  );
  try {
    await cluster?.stop();
  } finally {
    fs.rmSync(STATE, { force: true });
    log("stopped");
    process.exit(0);
  }
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

let rolling = false;
const roll = async () => {
  if (!cluster || rolling || stopping) return;
  rolling = true;
  log("rolling restart: one instance at a time");
  try {
    await cluster.roll((s: RollStep) =>
      log(
        `  ${s.instance}: drained and stopped in ${s.drainMs} ms, started in ${s.startMs} ms, back in rotation after ${s.backInRotationMs} ms`,
      ),
    );
    log("rolling restart done");
  } catch (error) {
    log(`rolling restart failed: ${(error as Error).message}`);
  } finally {
    rolling = false;
  }
};
process.on("SIGHUP", () => void roll());

try {
  cluster = await startLocalCluster({ instances, port, databaseUrl: process.env.DATABASE_URL || undefined, log });
} catch (error) {
  console.error(`the cluster did not start: ${(error as Error).message}`);
  process.exit(1);
}
fs.writeFileSync(STATE, JSON.stringify({ pid: process.pid, url: cluster.url }));
log(`ready: ${cluster.url} — logs in ${path.join(cluster.dir, "logs")}`);
log(`Ctrl-C stops everything; \`npm run cluster -- --roll\` (or kill -HUP ${process.pid}) restarts the instances one at a time`);
if (values.roll) await roll();
