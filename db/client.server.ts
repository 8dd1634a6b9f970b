import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type SQL } from "drizzle-orm";
import type { Sql } from "postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbDriver = "pglite" | "postgres";

export interface Database {
  db: Db;
  driver: DbDriver;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

// Any fixed number works; it only has to be the same in every instance.
const MIGRATION_LOCK_KEY = 7_240_117;

export interface OpenDatabaseOptions {
  /** postgres://… — when set, a real PostgreSQL server is used. */
  databaseUrl?: string;
  /** Folder for embedded PGlite data; undefined means in-memory (tests). */
  dataDir?: string;
  /** Pool size for postgres.js. */
  maxConnections?: number;
  migrate?: boolean;
}

/**
 * The one place that decides which PostgreSQL the app talks to:
 * PGlite embedded in the process when no DATABASE_URL is given, postgres.js otherwise.
 * Migrations run before the handle is returned.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const shouldMigrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    if (shouldMigrate) {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      const migrationClient = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        // Several instances may start together; only one applies migrations at a time.
        await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_FOLDER });
        await migrationClient`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await migrationClient.end({ timeout: 5 });
      }
    }
    const open = () => postgres(options.databaseUrl!, { max: options.maxConnections ?? 10, onnotice: () => {} });
    const client = replaceableClient(open);
    const db = drizzle(client.sql, { schema }) as unknown as Db;
    const unregister = registerForRecycling(client.recycle);
    return {
      db,
      driver: "postgres",
      ping: async () => {
        await client.sql`select 1`;
      },
      close: async () => {
        unregister();
        await client.close();
      },
    };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let client: InstanceType<typeof PGlite>;
  let releaseLock = () => {};
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir, "pglite");
    // PGlite does not create missing parent folders itself.
    fs.mkdirSync(dir, { recursive: true });
    releaseLock = lockDataDir(dir);
    if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await initializeDataDir(dir);
    client = new PGlite(dir);
  } else {
    client = new PGlite();
  }
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  if (shouldMigrate) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return {
    db,
    driver: "pglite",
    ping: async () => {
      await client.query("select 1");
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

type PostgresClient = Sql;

/**
 * A postgres.js client that can be swapped for a fresh one under the same handle (drizzle keeps
 * the handle). See `registerForRecycling`.
 */
function replaceableClient(open: () => PostgresClient) {
  const first = open();
  let current = first;
  const sql = new Proxy(function () {} as unknown as PostgresClient, {
    apply: (_target, _this, args) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const value = Reflect.get(current, prop);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
  return {
    sql,
    recycle() {
      const old = current;
      const fresh = open();
      // The parsers drizzle installed on the first client (raw dates and JSON) apply to the new one.
      Object.assign(fresh.options.parsers, first.options.parsers);
      Object.assign(fresh.options.serializers, first.options.serializers);
      current = fresh;
      old.end({ timeout: 5 }).catch(() => {});
    },
    close: () => current.end({ timeout: 5 }),
  };
}

const recyclers = new Set<() => void>();
let recyclingInstalled = false;

/** postgres.js 3.4.9's crash when a connection closes with a small write pending (porsager/postgres#1154). */
function isPendingWriteCrash(error: unknown) {
  return (
    error instanceof TypeError &&
    /reading 'write'/.test(error.message) &&
    /nextWrite/.test(error.stack ?? "") &&
    /postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? "")
  );
}

/**
 * postgres.js 3.4.9 throws from a timer, where nobody can catch it, when PostgreSQL closes a
 * connection (a restart, a terminated backend) while a small write on it is still pending, typically
 * the ROLLBACK of a transaction the restart cut off; Node then ends the process. That connection is
 * left unusable (its pending bytes are never flushed). So that one known exception is logged, and
 * every postgres.js client of the process is replaced by a fresh one (the old one is ended); any
 * other uncaught exception still ends the process. Remove when the driver guards `nextWrite`.
 */
function registerForRecycling(recycle: () => void) {
  recyclers.add(recycle);
  if (!recyclingInstalled) {
    recyclingInstalled = true;
    process.on("uncaughtException", (error) => {
      if (isPendingWriteCrash(error)) {
        console.error(JSON.stringify({ level: 40, msg: "postgres.js lost a connection with a write pending; replacing its clients", err: String(error) }));
        for (const r of recyclers) r();
        return;
      }
      // Not ours: Node's default, unless someone else (a test runner) listens too.
      if (process.listenerCount("uncaughtException") === 1) {
        console.error(error);
        process.exit(1);
      }
    });
  }
  return () => recyclers.delete(recycle);
}

/**
 * Creating a new PGlite cluster (initdb) leaves ~800 MB of WebAssembly memory in the process that
 * did it; opening an existing one costs ~250 MB. The one-time initialization therefore runs in a
 * short-lived child process, and the server opens the finished folder.
 */
async function initializeDataDir(dir: string) {
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const script =
    `const { PGlite } = await import("@electric-sql/pglite");` +
    `const db = new PGlite(${JSON.stringify(dir)}); await db.waitReady; await db.close();`;
  const { spawn } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: projectRoot,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`initializing ${dir} failed (exit ${code})`))));
  });
}

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`The embedded database in ${dir} is in use by process ${pid}. Stop it first, or use DATABASE_URL for several processes.`);
    this.name = "DataDirInUseError";
  }
}

/**
 * Embedded PostgreSQL is one process's database: a second process opening the same folder would
 * corrupt it. A lock file with the owner's pid keeps a second server or command out.
 */
function lockDataDir(dir: string): () => void {
  const lockFile = path.join(path.dirname(dir), "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(fs.readFileSync(lockFile, "utf8"));
      if (owner && owner !== process.pid && isAlive(owner)) throw new DataDirInUseError(dir, owner);
      // A lock left by a process that is gone (crash, kill -9): take it over.
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite an object). */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Refreshes the planner's statistics. A PostgreSQL server does this by itself (autovacuum);
 * embedded PGlite has no background workers and never does, and without statistics the planner
 * picks plans that read whole tables for keyset pages (a page 200 deep cost ten times the first).
 * The server calls this at start and every few minutes when it runs on PGlite.
 */
export async function refreshStatistics(database: Pick<Database, "db" | "driver">) {
  if (database.driver !== "pglite") return false;
  await database.db.execute(sql`analyze`);
  return true;
}

export { sql };
