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
  /** Statements and transactions running now, and a hook that hears each one end (metrics). */
  activity: DbActivity;
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
  /**
   * A direct connection to the same database for migrations and their advisory lock (which a
   * transaction-mode pooler cannot hold across statements). Defaults to `databaseUrl`; when it
   * differs, `databaseUrl` is taken to go through such a pooler and no statement is prepared on it.
   */
  directUrl?: string;
  /** Pool size for postgres.js. */
  maxConnections?: number;
  migrate?: boolean;
  /**
   * A handle for reads only (DATABASE_READ_URL): every transaction of its connections is read-only
   * (`default_transaction_read_only`), so a write sent to it by mistake fails even when it points
   * at the primary.
   */
  readOnly?: boolean;
}

export type DbOperation = "query" | "transaction";

/**
 * What the database handle is doing, for metrics: how many statements (outside transactions) and
 * transactions are running now (each holds one connection of the pool while it runs; beyond the
 * pool's size they wait for one), and a listener told how long each took.
 */
export class DbActivity {
  inflight = 0;
  /** The most connections the handle opens (1 for embedded PGlite). */
  constructor(readonly poolSize: number) {}
  onDone: ((operation: DbOperation, seconds: number, ok: boolean) => void) | null = null;

  /** Counts a promise-like operation while it runs. */
  track<T>(operation: DbOperation, run: () => T): T {
    const started = process.hrtime.bigint();
    this.inflight++;
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      this.inflight--;
      this.onDone?.(operation, Number(process.hrtime.bigint() - started) / 1e9, ok);
    };
    let result: T;
    try {
      result = run();
    } catch (error) {
      done(false);
      throw error;
    }
    const thenable = result as unknown as { then?: (a: (v: unknown) => unknown, b: (e: unknown) => unknown) => unknown };
    if (!thenable || typeof thenable.then !== "function") {
      done(true);
      return result;
    }
    if (result instanceof Promise && result.constructor === Promise) {
      // A plain promise (PGlite) runs already: watch it on the side (`await` would bypass an own `then`).
      result.then(
        () => done(true),
        () => done(false),
      );
      return result;
    }
    // postgres.js queries run when first awaited: observe the settling through the caller's own
    // `then` rather than starting the query early with one of ours.
    const originalThen = thenable.then.bind(thenable);
    (thenable as { then: unknown }).then = (onOk?: (v: unknown) => unknown, onFail?: (e: unknown) => unknown) =>
      originalThen(
        (value: unknown) => {
          done(true);
          return onOk ? onOk(value) : value;
        },
        (error: unknown) => {
          done(false);
          if (onFail) return onFail(error);
          throw error;
        },
      );
    return result;
  }
}

/**
 * The one place that decides which PostgreSQL the app talks to:
 * PGlite embedded in the process when no DATABASE_URL is given, postgres.js otherwise.
 * Migrations run before the handle is returned.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const shouldMigrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const directUrl = options.directUrl || options.databaseUrl;
    // PgBouncer in transaction mode hands each transaction to any server connection: a statement
    // prepared on one is unknown on the next (decision 018).
    const pooled = directUrl !== options.databaseUrl;
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    if (shouldMigrate) {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      const migrationClient = postgres(directUrl, { max: 1, onnotice: () => {} });
      try {
        // Several instances may start together; only one applies migrations at a time.
        await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_FOLDER });
        await migrationClient`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await migrationClient.end({ timeout: 5 });
      }
    }
    const poolSize = options.maxConnections ?? 10;
    const open = () =>
      postgres(options.databaseUrl!, {
        max: poolSize,
        onnotice: () => {},
        ...(pooled ? { prepare: false } : {}),
        ...(options.readOnly ? { connection: { default_transaction_read_only: true } } : {}),
      });
    const activity = new DbActivity(poolSize);
    const client = replaceableClient(open, activity, pooled);
    const db = drizzle(client.sql, { schema }) as unknown as Db;
    const unregister = registerForRecycling(client.recycle);
    return {
      db,
      driver: "postgres",
      activity,
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
  // Contrib modules the migrations create (PostgreSQL ships them; PGlite loads them here).
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const extensions = { pg_trgm };
  let client: InstanceType<typeof PGlite>;
  let releaseLock = () => {};
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir, "pglite");
    // PGlite does not create missing parent folders itself.
    fs.mkdirSync(dir, { recursive: true });
    releaseLock = lockDataDir(dir);
    if (!fs.existsSync(path.join(dir, "PG_VERSION"))) await initializeDataDir(dir);
    client = new PGlite(dir, { extensions });
  } else {
    client = new PGlite({ extensions });
  }
  await client.waitReady;
  const activity = new DbActivity(1);
  instrumentPglite(client, activity);
  const db = drizzle(client, { schema }) as unknown as Db;
  if (shouldMigrate) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return {
    db,
    driver: "pglite",
    activity,
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

/** Embedded PGlite: drizzle calls `query` for statements and `transaction` for transactions. */
function instrumentPglite(client: { query: unknown; transaction: unknown }, activity: DbActivity) {
  const query = (client.query as (...a: unknown[]) => Promise<unknown>).bind(client);
  const transaction = (client.transaction as (...a: unknown[]) => Promise<unknown>).bind(client);
  client.query = (...args: unknown[]) => activity.track("query", () => query(...args));
  client.transaction = (...args: unknown[]) => activity.track("transaction", () => transaction(...args));
}

/**
 * A postgres.js client that can be swapped for a fresh one under the same handle (drizzle keeps
 * the handle). See `registerForRecycling`.
 *
 * Every statement drizzle sends through it is a prepared statement (postgres.js keeps one per
 * connection and query text): drizzle asks for an unnamed one unless a query is given a name, so
 * PostgreSQL parsed and planned each page's statements again on every request. The app's query
 * texts are a fixed set (values are always parameters; no `sql.raw` with data), so the per-connection
 * cache stays small. Statements inside a transaction (`begin`) are not affected. Decision 020.
 */
function replaceableClient(open: () => PostgresClient, activity: DbActivity, pooled: boolean) {
  const first = open();
  let current = first;
  // drizzle sends every statement through `unsafe` (asking not to prepare it); it is prepared
  // anyway (decision 020) unless a transaction-mode pooler stands in between (decision 018), and
  // counted for the metrics either way.
  const unsafe = (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
    activity.track("query", () =>
      current.unsafe(query, params as never, !pooled && options?.prepare === false ? { ...options, prepare: true } : options),
    );
  const sql = new Proxy(function () {} as unknown as PostgresClient, {
    apply: (_target, _this, args) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      if (prop === "unsafe") return unsafe;
      const value = Reflect.get(current, prop);
      if (typeof value !== "function") return value;
      const bound = value.bind(current);
      // Every transaction goes through `begin`.
      if (prop === "begin") return (...args: unknown[]) => activity.track("transaction", () => bound(...args));
      return bound;
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
        console.error(
          JSON.stringify({
            level: 40,
            msg: "postgres.js lost a connection with a write pending; replacing its clients",
            err: String(error),
          }),
        );
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

const preparedQueries = new WeakMap<object, Map<string, unknown>>();

/**
 * A hot query built once per database handle and run with new values (`sql.placeholder`): drizzle
 * assembles its SQL text once instead of on every request (about a tenth of a page's CPU went to
 * building queries). `build` gets the handle and returns `query.prepare(name)`. A transaction is a
 * handle of its own, so a query run inside one is built for it. Decision 020.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = preparedQueries.get(db);
  if (!byName) preparedQueries.set(db, (byName = new Map()));
  let query = byName.get(name) as T | undefined;
  if (query === undefined) byName.set(name, (query = build(db)));
  return query;
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
