import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DataDirInUseError, openDatabase } from "./client.server";
import { districts } from "./schema";

describe("embedded database in a data folder", () => {
  it("creates the folder, keeps data across restarts, and releases its lock on close", async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-")), "nested", "data");
    const first = await openDatabase({ dataDir });
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(true);
    await first.db.insert(districts).values({ number: 5, name: "منطقه پنج", nameKey: "منطقه پنج" });
    await first.close();
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);

    const second = await openDatabase({ dataDir });
    const rows = await second.db.select().from(districts).where(eq(districts.number, 5));
    expect(rows.map((r) => r.name)).toEqual(["منطقه پنج"]);
    await second.close();
  });

  it("refuses a folder another live process holds, and takes over a lock left by a dead one", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-"));
    const lock = path.join(dataDir, "pglite.lock");
    // The test runner's parent process is alive and is not us.
    fs.writeFileSync(lock, String(process.ppid));
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);

    fs.writeFileSync(lock, "999999999");
    const database = await openDatabase({ dataDir });
    expect(fs.readFileSync(lock, "utf8")).toBe(String(process.pid));
    await database.close();
  });
});
