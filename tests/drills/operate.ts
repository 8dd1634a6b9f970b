import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { io as connect } from "socket.io-client";
import { Instance } from "./instance";
import type { Drill, DrillContext } from "./run";
import { buildWorld, Poster, send, waitFor } from "./world";
import { startTestRedis } from "../support/redis";
import { queryRows, sql } from "../../db/client.server";
import { recordAudit } from "../../app/domain/audit.server";

const root = path.resolve(import.meta.dirname, "..", "..");
const CHOICES = ["for", "against", "abstain"] as const;

/** Every table of the app's schema with its row count (and the migrations' own table). */
async function tableCounts(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ schema: string; name: string }[]>`
      select schemaname as schema, tablename as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`;
    const counts = new Map<string, number>();
    for (const t of tables) {
      const [row] = await sql.unsafe(`select count(*)::int as n from "${t.schema}"."${t.name}"`);
      counts.set(`${t.schema}.${t.name}`, Number(row!.n));
    }
    return counts;
  } finally {
    await sql.end();
  }
}

/**
 * The audit log has no hash chain (migration 0001 makes it append-only by trigger; rows are numbered
 * by a sequence). What a restore must keep, then: every row, in the same order with the same
 * content (a digest over the rows in id order, each row's digest folded into the next), the
 * sequence past the last id, and the triggers that refuse changes.
 */
async function auditChain(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<
      { id: string; row: string }[]
    >`select a.id::text as id, row_to_json(a)::text as row from audit_log a order by a.id`;
    const crypto = await import("node:crypto");
    let digest = "";
    let ordered = true;
    let last = 0n;
    for (const r of rows) {
      digest = crypto.createHash("sha256").update(digest).update(r.row).digest("hex");
      if (BigInt(r.id) <= last) ordered = false;
      last = BigInt(r.id);
    }
    const triggers = await sql<{ tgname: string }[]>`
      select tgname from pg_trigger where tgrelid = 'audit_log'::regclass and not tgisinternal order by 1`;
    return { rows: rows.length, digest, ordered, lastId: last, triggers: triggers.map((t) => t.tgname) };
  } finally {
    await sql.end();
  }
}

/** A command as an operator runs it, without blocking the drill (posts go on meanwhile), bounded in time. */
function run(command: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

/**
 * Backup and restore as docs/deploy/backups.md has an operator do it, on the drill's throwaway
 * cluster: a city with members, a proposal, ballots, a discussion and its audit trail; `npm run
 * backup` (pg_dump custom format) while an instance keeps taking posts; a second backup with the
 * city at rest; rotation; `npm run restore` into a fresh database (and refused onto a database
 * that has tables); then every table's row count, the audit log's rows, order, sequence and
 * triggers, and an app instance serving from the restored database.
 */
export const backupRestore: Drill = {
  name: "backup and restore",
  async run(ctx: DrillContext) {
    const world = await buildWorld(ctx.databaseUrl, 40);
    const { a } = ctx;
    await a.start();
    const backupDir = path.join(ctx.cluster.dir, "backups");
    const env = { DATABASE_URL: ctx.databaseUrl, BACKUP_DIR: backupDir, BACKUP_KEEP: "2" };

    // People at work: ballots and messages through the app.
    let acked = 0;
    for (const [i, member] of world.members.slice(0, 30).entries()) {
      const r = await send(a.url, member, `/proposals/${world.proposalId}`, {
        intent: "ballot",
        voteId: world.voteId,
        choice: CHOICES[i % 3]!,
      });
      if (r.status === 302 || r.status === 303) acked++;
    }
    ctx.check(acked === 30, `only ${acked} of 30 ballots acknowledged`);
    // An administrator's history: a hundred audit entries besides those the city's making wrote.
    for (let i = 0; i < 100; i++) {
      await recordAudit(world.database.db, {
        actorId: world.members[0]!.id,
        action: "district.updated",
        subjectType: "district",
        subjectId: `drill-${i}`,
        data: { round: i, note: "بازبینی منطقه" },
      });
    }
    // Posts are rate-limited per person: each member posts a few.
    const posters = world.members.slice(1, 31).map((m) => new Poster(world.threadId, m));
    const acknowledged = () => posters.reduce((n, p) => n + p.acked.size, 0);
    for (const [i, poster] of posters.slice(0, 20).entries()) await poster.post(a.url, `before-${i}`, `پیام پیش از پشتیبان ${i}`);
    ctx.check(acknowledged() === 20, `only ${acknowledged()} of 20 messages acknowledged`);

    // A backup while posts keep coming: the dump is one consistent snapshot, the app keeps serving.
    let posting = true;
    const during = (async () => {
      for (let i = 0; posting && i < 120; i++) await posters[i % posters.length]!.post(a.url, `during-${i}`, `پیام هنگام پشتیبان ${i}`);
    })();
    const first = await run("bash", ["scripts/backup.sh"], env);
    posting = false;
    await during;
    ctx.check(first.status === 0, `the backup under load failed: ${first.out}`);
    ctx.measure("messages acknowledged while the first backup ran", acknowledged() - 20);

    // The city at rest: what a nightly run sees. The instance stops first: its background workers
    // (the inbox, the search indexer) keep turning the posts above into notices and index rows for a
    // while, and a count taken beside a dump would race them. Two more runs: the oldest is rotated out.
    await a.stop();
    const source = await tableCounts(ctx.databaseUrl);
    const chain = await auditChain(ctx.databaseUrl);
    const started = Date.now();
    const second = await run("bash", ["scripts/backup.sh"], env);
    ctx.measure("backup time (pg_dump, checked with pg_restore --list)", `${Date.now() - started} ms`);
    ctx.check(second.status === 0, `the backup failed: ${second.out}`);
    await new Promise((r) => setTimeout(r, 1100)); // the archive's name has the second it was made
    const third = await run("bash", ["scripts/backup.sh"], env);
    ctx.check(third.status === 0, `the third backup failed: ${third.out}`);
    const archives = fs
      .readdirSync(backupDir)
      .filter((f) => f.endsWith(".dump"))
      .sort();
    ctx.check(archives.length === 2, `rotation kept ${archives.length} archives, not BACKUP_KEEP=2: ${archives.join(", ")}`);
    ctx.check(
      fs.readdirSync(backupDir).every((f) => !f.endsWith(".partial")),
      "a partial archive was left behind",
    );
    const archive = path.join(backupDir, archives.at(-1)!);
    ctx.measure("archive size", `${fs.statSync(archive).size} bytes`);

    // Restore: refused onto a database with tables, accepted into a fresh one.
    const admin = postgres(ctx.cluster.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe("create database mahalleh_restored");
    await admin.end();
    const restoredUrl = ctx.cluster.url("mahalleh_restored");
    const refused = await run("bash", ["scripts/restore.sh", archive, ctx.databaseUrl], {});
    ctx.check(refused.status !== 0 && /refused/.test(refused.out), `restoring onto the live database was not refused: ${refused.out}`);
    const restoreStarted = Date.now();
    const restored = await run("bash", ["scripts/restore.sh", archive, restoredUrl], {});
    ctx.measure("restore time (pg_restore, one transaction)", `${Date.now() - restoreStarted} ms`);
    ctx.check(restored.status === 0, `the restore failed: ${restored.out}`);

    const after = await tableCounts(restoredUrl);
    const differ = [...source].filter(([table, n]) => after.get(table) !== n).map(([t, n]) => `${t} ${n}→${after.get(t)}`);
    ctx.check(after.size === source.size, `${source.size} tables backed up, ${after.size} restored`);
    ctx.check(differ.length === 0, `row counts differ after restore: ${differ.join(", ")}`);
    ctx.measure("tables / rows compared", `${source.size} / ${[...source.values()].reduce((x, y) => x + y, 0)}`);
    ctx.check((source.get("public.ballots") ?? 0) === 30, `expected 30 ballots, the source has ${source.get("public.ballots")}`);

    const restoredChain = await auditChain(restoredUrl);
    ctx.measure("audit log rows (source / restored)", `${chain.rows} / ${restoredChain.rows}`);
    ctx.check(chain.rows > 100, `only ${chain.rows} audit log entries`);
    ctx.check(restoredChain.digest === chain.digest, "the audit log's rows, in id order, differ after restore");
    ctx.check(restoredChain.ordered, "the restored audit log is out of order");
    ctx.check(
      JSON.stringify(restoredChain.triggers) === JSON.stringify(chain.triggers) && chain.triggers.length === 2,
      `append-only triggers after restore: ${restoredChain.triggers.join(", ")} (before: ${chain.triggers.join(", ")})`,
    );
    const check = postgres(restoredUrl, { max: 1, onnotice: () => {} });
    try {
      const refusedChange = await check`update audit_log set reason = 'changed'`.then(
        () => "allowed",
        (e: Error) => e.message,
      );
      ctx.check(/append-only/.test(refusedChange), `the restored audit log accepted a change (${refusedChange})`);
      const [next] = await check<{ id: string }[]>`
        insert into audit_log (action, subject_type) values ('drill.restore_check', 'drill') returning id::text`;
      ctx.check(BigInt(next!.id) > chain.lastId, `the audit log's sequence restarted (next id ${next!.id}, last ${chain.lastId})`);
    } finally {
      await check.end();
    }

    // The app serves from the restored database as it is (its migrations are in the backup).
    const logDir = path.join(ctx.cluster.dir, "logs");
    const c = new Instance("restored", restoredUrl, logDir);
    try {
      await c.start();
      const page = await send(c.url, null, `/proposals/${world.proposalId}`);
      ctx.check(page.status === 200 && page.text.includes("بازسازی بوستان محله"), `the restored proposal page answered ${page.status}`);
      const thread = await send(c.url, world.members[2]!, `/threads/${world.threadId}`);
      ctx.check(thread.status === 200, `the restored discussion answered ${thread.status}`);
    } finally {
      await c.stop();
      await world.database.close();
    }
  },
};

/**
 * The Redis streams adapter across a Redis restart: two instances with REDIS_URL on a Redis of the
 * drill's own (its own port and folder, append-only file on), a raw socket on B in a discussion's
 * room counting every `thread:event` packet as it arrives (no catch-up by number), while messages
 * are posted on A and Redis is stopped and started again in the middle. Every acknowledged message
 * must arrive on B as a live packet, once.
 */
export const redisRestart: Drill = {
  name: "redis restart without lost packets",
  async run(ctx: DrillContext) {
    const redis = await startTestRedis({ appendOnly: true });
    try {
      const world = await buildWorld(ctx.databaseUrl, 31);
      ctx.a.env.REDIS_URL = redis.url;
      ctx.b.env.REDIS_URL = redis.url;
      await ctx.startInstances();

      const socket = connect(ctx.b.url, {
        transports: ["websocket"],
        extraHeaders: { origin: ctx.b.url },
        forceNew: true,
        reconnection: false,
      });
      const seen: number[] = [];
      socket.on("thread:event", (event: { seq: number }) => seen.push(event.seq));
      await waitFor(() => socket.connected, 10_000, "reader connected to B");
      const joined = await socket.timeout(5000).emitWithAck("room:join", { room: `thread:${world.threadId}` });
      ctx.check(joined?.ok === true, `join refused: ${JSON.stringify(joined)}`);
      // B reads the stream from the moment it started: wait until a first message crosses.
      // Posts are rate-limited per person: thirty members take turns.
      const posters = world.members.slice(1).map((m) => new Poster(world.threadId, m));
      const acknowledged = () => posters.reduce((n, p) => n + p.acked.size, 0);
      await posters[0]!.post(ctx.a.url, "warm-up", "پیام آغاز");
      await waitFor(() => seen.length >= 1, 15_000, "the first message crossing through Redis");

      const TOTAL = 60;
      let restartMs = 0;
      const posting = (async () => {
        for (let i = 0; i < TOTAL; i++) await posters[(i + 1) % posters.length]!.post(ctx.a.url, `m-${i}`, `پیام ${i}`);
      })();
      await waitFor(() => acknowledged() >= 20, 30_000, "20 messages before the restart");
      const stoppedAt = Date.now();
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1000));
      await redis.start();
      restartMs = Date.now() - stoppedAt;
      await posting;

      const [{ last } = { last: 0 }] = await queryRows<{ last: number }>(
        world.database.db,
        sql`select last_seq as last from threads where id = ${world.threadId}`,
      );
      await waitFor(() => seen.length >= last, 30_000, `every event (${last}) on B`).catch(() => {});
      const unique = new Set(seen);
      const missing = Array.from({ length: last }, (_, i) => i + 1).filter((n) => !unique.has(n));
      ctx.measure("Redis down (stop, 1 s, start)", `${restartMs} ms`);
      ctx.measure("messages acknowledged / thread events / live packets on B", `${acknowledged()} / ${last} / ${seen.length}`);
      ctx.measure(
        "events whose publish failed and was sent again (A) / given up",
        `${ctx.a.logCount("publishing to Redis failed; sending it again")} / ${ctx.a.logCount("the event is dropped")}`,
      );
      const statuses = posters.flatMap((p) => [...p.statuses]);
      ctx.check(acknowledged() === TOTAL + 1, `${TOTAL + 1 - acknowledged()} posts not acknowledged (${JSON.stringify(statuses)})`);
      ctx.check(
        missing.length === 0,
        `${missing.length} live packets lost across the Redis restart (e.g. ${missing.slice(0, 5).join(", ")})`,
      );
      ctx.check(seen.length === unique.size, `${seen.length - unique.size} packets delivered twice`);
      for (const instance of [ctx.a, ctx.b]) {
        const ready = await fetch(`${instance.url}/readyz`).then((r) => r.status);
        ctx.check(ready === 200, `${instance.name} not ready after the restart (${ready})`);
      }
      socket.disconnect();
      await world.database.close();
    } finally {
      await redis.destroy();
    }
  },
};
