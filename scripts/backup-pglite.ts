/**
 * Backups of the embedded database (PGlite in DATA_DIR/pglite), for installs without
 * DATABASE_URL. Called by scripts/backup.sh and scripts/restore.sh; see docs/deploy/backups.md.
 *
 *   backup            DATA_DIR/pglite → BACKUP_DIR/mahalleh-pglite-YYYYMMDDTHHMMSSZ.tar.gz, then rotation
 *   restore FILE      FILE → DATA_DIR/pglite (the folder there is kept aside, never deleted)
 *
 * Embedded PostgreSQL belongs to one process: while the server runs, its folder is changing under
 * any copy and a second process opening it would damage it. So both refuse, changing nothing, while
 * the server holds the folder's lock, and say how to stop it first. With the server stopped the
 * folder is opened here (taking the same lock, so the server cannot start meanwhile) and PGlite's
 * own `dumpDataDir` writes the whole cluster as a tarball, which `loadDataDir` reads back.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { DataDirInUseError, openDatabase, queryRows, sql } from "../db/client.server";

const dataDir = path.resolve(process.env.DATA_DIR ?? "./data");
const backupDir = path.resolve(process.env.BACKUP_DIR ?? "./backups");
const keep = Number(process.env.BACKUP_KEEP ?? 14);
const pgliteDir = path.join(dataDir, "pglite");

function stamp() {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function refuse(error: unknown): never {
  if (error instanceof DataDirInUseError) {
    console.error(
      `refused: ${error.message}\n` +
        "A running server's embedded database cannot be copied safely. Stop the server first (Ctrl-C, or\n" +
        "`systemctl stop mahalleh`), run this again, then start the server. For backups while it serves,\n" +
        "use PostgreSQL (DATABASE_URL): `npm run backup` then runs pg_dump, which needs no stop.",
    );
    process.exit(75);
  }
  throw error;
}

async function counts(db: Awaited<ReturnType<typeof openDatabase>>["db"]) {
  const rows = await queryRows<{ name: string; n: number }>(
    db,
    sql`select 'users' as name, count(*)::int as n from users union all select 'proposals', count(*)::int from proposals
        union all select 'audit_log', count(*)::int from audit_log`,
  );
  return rows.map((r) => `${r.name}: ${r.n}`).join(", ");
}

async function backup() {
  if (!fs.existsSync(path.join(pgliteDir, "PG_VERSION"))) {
    console.error(`no embedded database in ${pgliteDir} (set DATA_DIR, or DATABASE_URL for PostgreSQL)`);
    process.exit(66);
  }
  if (!Number.isInteger(keep) || keep < 1) {
    console.error(`BACKUP_KEEP must be a whole number of at least 1 (got ${process.env.BACKUP_KEEP})`);
    process.exit(78);
  }
  // Opening takes the folder's lock: refused while the server runs; the server cannot start meanwhile.
  const database = await openDatabase({ dataDir, migrate: false }).catch(refuse);
  fs.mkdirSync(backupDir, { recursive: true });
  const final = path.join(backupDir, `mahalleh-pglite-${stamp()}.tar.gz`);
  const partial = `${final}.partial`;
  try {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const summary = await counts(database.db);
    const dump = await client.dumpDataDir("gzip");
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, final);
    console.log(`backup written: ${final} (${fs.statSync(final).size} bytes; ${summary})`);
  } finally {
    fs.rmSync(partial, { force: true });
    await database.close();
  }
  const all = fs
    .readdirSync(backupDir)
    .filter((f) => /^mahalleh-pglite-\d{8}T\d{6}Z\.tar\.gz$/.test(f))
    .sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) {
    fs.rmSync(path.join(backupDir, old));
    console.log(`rotated out: ${path.join(backupDir, old)}`);
  }
}

async function restore(file: string) {
  const archive = path.resolve(file);
  // Taking the lock first: refused while a server uses DATA_DIR.
  fs.mkdirSync(dataDir, { recursive: true });
  const probe = fs.existsSync(path.join(pgliteDir, "PG_VERSION")) ? await openDatabase({ dataDir, migrate: false }).catch(refuse) : null;
  await probe?.close();
  const incoming = `${pgliteDir}.restoring`;
  fs.rmSync(incoming, { recursive: true, force: true });
  const blob = new Blob([fs.readFileSync(archive)]);
  const loaded = new PGlite(incoming, { loadDataDir: blob });
  await loaded.waitReady;
  await loaded.query("select 1");
  await loaded.close();
  let keptAside: string | null = null;
  if (fs.existsSync(pgliteDir)) {
    keptAside = `${pgliteDir}.before-restore-${stamp()}`;
    fs.renameSync(pgliteDir, keptAside);
  }
  fs.renameSync(incoming, pgliteDir);
  const database = await openDatabase({ dataDir }).catch(refuse);
  try {
    console.log(`restored ${archive} into ${pgliteDir} (${await counts(database.db)})`);
    if (keptAside) console.log(`the folder that was there is kept at ${keptAside} (remove it once the restore is checked)`);
  } finally {
    await database.close();
  }
}

const [command, file] = process.argv.slice(2);
if (command === "backup") await backup();
else if (command === "restore" && file) await restore(file);
else {
  console.error("usage: backup-pglite.ts backup | restore FILE");
  process.exit(64);
}
