// First: React Router is loaded with its matcher's memory before Remix loads it (decision 030).
import "./app/server/router-memory.server";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import { ConfigError, loadEnv } from "./app/utils/env.server";
import { createLogger } from "./app/utils/logger.server";
import { openDatabase } from "./db/client.server";

const root = path.dirname(fileURLToPath(import.meta.url));
const BUILD_PATH = path.join(root, "build", "index.js");

let env;
try {
  env = loadEnv();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const logger = createLogger(env.LOG_LEVEL);
const startedAt = Date.now();

if (!fs.existsSync(BUILD_PATH)) {
  logger.fatal("build/index.js is missing: run `npm run build` first (npm start does it for you)");
  process.exit(1);
}

async function importBuild(): Promise<ServerBuild> {
  return import(pathToFileURL(BUILD_PATH).href + `?t=${fs.statSync(BUILD_PATH).mtimeMs}`);
}

// The database opens (on an empty data folder it is first created, in a child process) while the
// app's code loads: the two overlap instead of adding up.
const opening = openDatabase({
  databaseUrl: env.DATABASE_URL,
  directUrl: env.DATABASE_DIRECT_URL,
  dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR,
  maxConnections: env.DATABASE_POOL_SIZE,
});
opening.catch(() => {}); // reported below, where it is awaited
const [{ createAppServer }, firstBuild] = await Promise.all([import("./app/server/app-server.server"), importBuild()]);
let build = firstBuild;
const developing = Boolean(process.env.REMIX_DEV_ORIGIN);

if (developing) {
  // `npm run dev`: pick up each rebuild without restarting the process.
  fs.watch(path.dirname(BUILD_PATH), { persistent: false }, async (_event, file) => {
    if (file !== "index.js") return;
    try {
      build = await importBuild();
      await broadcastDevReady(build);
    } catch (err) {
      logger.error({ err }, "reloading the build failed");
    }
  });
}

const server = await createAppServer({
  env,
  logger,
  database: await opening,
  getBuild: () => build,
  publicDir: path.join(root, "public"),
});

const port = await server.listen();
logger.info(
  { port, db: server.services.dbDriver, dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR, startupMs: Date.now() - startedAt },
  `Mahalleh is listening on http://localhost:${port}`,
);
if (developing) await broadcastDevReady(build);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  // Draining (decision 018): up to 5 s for the load balancer to hear, up to 15 s for requests in flight.
  const force = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, 25_000);
  force.unref();
  try {
    await server.close({ drainWaitMs: 5_000, inflightMs: 15_000 });
    logger.info("stopped cleanly");
    process.exit(0);
  } catch (err) {
    logger.error({ err }, "error during shutdown");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
