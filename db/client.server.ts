import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type SQL } from "drizzle-orm";
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
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      driver: "postgres",
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        await client.end({ timeout: 5 });
      },
    };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let client: InstanceType<typeof PGlite>;
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir, "pglite");
    // PGlite does not create missing parent folders itself.
    fs.mkdirSync(dir, { recursive: true });
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
    },
  };
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite an object). */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { sql };
