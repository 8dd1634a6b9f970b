import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.server";
import { districts } from "../../db/schema";
import { scaled } from "../support/wait";

/**
 * `npm run backup` / `npm run restore` on an embedded (PGlite) install: refused, changing nothing,
 * while a process holds the data folder; with it stopped, a backup that restores into another
 * folder with the same rows. (PostgreSQL's backups are the drill `npm run drills -- backup`.)
 */

const root = path.resolve(import.meta.dirname, "..", "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-backup-test-"));

function run(script: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    const child = spawn("bash", [script, ...args], { cwd: root, env: { ...rest, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), scaled(120_000));
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

describe("backups of an embedded (PGlite) install", () => {
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const dataDir = path.join(work, "data");
  const backupDir = path.join(work, "backups");
  const env = { DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_KEEP: "3" };

  it("refuses while the database is open, backs up once it is closed, and restores elsewhere", async () => {
    const database = await openDatabase({ dataDir });
    await database.db.insert(districts).values({ number: 9, name: "منطقه نه", nameKey: "منطقه نه" });
    try {
      const refused = await run("scripts/backup.sh", [], env);
      expect(refused.status).toBe(75);
      expect(refused.out).toContain("Stop the server first");
      expect(fs.existsSync(backupDir) ? fs.readdirSync(backupDir).filter((f) => f.endsWith(".tar.gz")) : []).toEqual([]);
    } finally {
      await database.close();
    }

    const done = await run("scripts/backup.sh", [], env);
    expect(done.status, done.out).toBe(0);
    const archives = fs.readdirSync(backupDir).filter((f) => /^mahalleh-pglite-\d{8}T\d{6}Z\.tar\.gz$/.test(f));
    expect(archives).toHaveLength(1);

    const elsewhere = path.join(work, "restored");
    const restored = await run("scripts/restore.sh", [path.join(backupDir, archives[0]!)], { ...env, DATA_DIR: elsewhere });
    expect(restored.status, restored.out).toBe(0);
    const back = await openDatabase({ dataDir: elsewhere });
    try {
      const rows = await back.db.select({ name: districts.name }).from(districts);
      expect(rows.map((r) => r.name)).toEqual(["منطقه نه"]);
    } finally {
      await back.close();
    }
  }, 300_000);
});
