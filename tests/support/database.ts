import crypto from "node:crypto";
import postgres from "postgres";
import { openDatabase, type Database } from "../../db/client.server";

/**
 * Backends every integration test runs on: embedded PGlite always, and a real PostgreSQL server
 * when TEST_DATABASE_URL points at one (CI sets it).
 */
export type Backend = "pglite" | "postgres";
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase extends Database {
  url?: string;
  /** Closes the handle and, on PostgreSQL, drops the throwaway database. */
  destroy(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, so files can run in parallel. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "pglite") {
    const database = await openDatabase({});
    return { ...database, destroy: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `mahalleh_test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 20 });
  return {
    ...database,
    url: url.toString(),
    destroy: async () => {
      await database.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Another handle on an existing PostgreSQL test database, as a second app instance would have:
 * its own connections, no migration, and closing it leaves the database to its owner.
 */
export async function attachTestDatabase(existing: TestDatabase): Promise<TestDatabase> {
  if (!existing.url) throw new Error("only a PostgreSQL test database can be shared between instances");
  const database = await openDatabase({ databaseUrl: existing.url, maxConnections: 20, migrate: false });
  return { ...database, url: existing.url, destroy: () => database.close() };
}
