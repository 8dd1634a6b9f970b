/**
 * Run as its own process by tests/integration/database-outage.test.ts: a transaction's connection
 * is terminated by the server while the transaction still has a statement to send (what a restart
 * does to a transaction in flight). The process must live on and query again.
 * Usage: node --import tsx tests/support/terminate-in-transaction.ts <database url>
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, queryRows } from "../../db/client.server";

const url = process.argv[2]!;
const database = await openDatabase({ databaseUrl: url, migrate: false, maxConnections: 2 });
const admin = postgres(url, { max: 1, onnotice: () => {} });
let outcome = "committed";
try {
  await database.db.transaction(async (tx) => {
    const [row] = await queryRows<{ pid: number }>(tx as never, sql`select pg_backend_pid() as pid`);
    await admin`select pg_terminate_backend(${row!.pid})`;
    // The server has closed the connection; the next statement finds it gone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tx.execute(sql`select 1`);
  });
} catch (error) {
  outcome = `failed:${(error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? "?"}`;
}
// Whatever the driver did with that connection, the process and the database handle carry on.
await new Promise((resolve) => setTimeout(resolve, 300));
const rows = await queryRows<{ x: number }>(database.db, sql`select 2 as x`);
await admin.end();
await database.close();
console.log(JSON.stringify({ outcome, after: rows[0]?.x }));
