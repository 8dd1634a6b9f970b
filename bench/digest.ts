/**
 * npx tsx bench/digest.ts [--db pglite|postgres] [--messages 20000]
 *
 * What a long discussion's digest costs: one thread of N messages (replies, reports, hidden and
 * deleted ones) in a throwaway database (a new database on BENCH_DATABASE_URL, dropped at the end,
 * or an in-memory PGlite), then the digest computed cold, served from memory, recomputed after a
 * post, and "since your last visit" for a reader 500 messages behind; the thread's latest page
 * beside it for scale. Prints milliseconds (median of the runs).
 */
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { clearDigestCache, threadDigest } from "../app/domain/threads/digest.server";
import { threadPage } from "../app/domain/threads/read.server";
import { postMessage } from "../app/domain/threads/write.server";
import { openDatabase, refreshStatistics, sql, type Database } from "../db/client.server";
import { factories } from "../tests/support/factories";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const backend = arg("db", process.env.BENCH_DATABASE_URL ? "postgres" : "pglite");
const N = Number(arg("messages", "20000"));

const WORDS = (
  "پارک کوچه خیابان‌ها چراغ روشنایی نیمکت کتابخانه مدرسه ترافیک پیاده‌رو درخت فضای سبز زباله " +
  "شهرداری شورا محله همسایه‌ها بچه‌ها سالمندان آب برق اتوبوس ایستگاه پل آسفالت جدول باران"
).split(" ");
const FILLER = "ما این را می‌خواهیم که در محله برای همه بهتر باشد و از شورا هم ممنونیم".split(" ");

function body(i: number) {
  const pick = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length]!;
  return `${pick(1)} ${FILLER[i % FILLER.length]} ${pick(2)} ${FILLER[(i + 3) % FILLER.length]} ${pick(3)} پیام ${i}`;
}

async function open(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (backend === "pglite") {
    const database = await openDatabase({});
    return { database, drop: () => database.close() };
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `mahalleh_digest_${crypto.randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 5 });
  return {
    database,
    drop: async () => {
      await database.close();
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

async function time(label: string, runs: number, work: () => Promise<unknown>, before?: () => void | Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(48)} ${median.toFixed(1).padStart(8)} ms  (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)}, ${runs} runs)`,
  );
  return median;
}

async function main() {
  const { database, drop } = await open();
  const db = database.db;
  try {
    const setup = performance.now();
    // A district, a council and its thread by the builders; then 200 people and the messages straight into the tables.
    const make = factories(db, { firstPhone: "+989120000000" });
    const founderId = (await make.user({ name: "مدیر" })).id;
    const { threadId } = await make.councilThread({ founderId });
    await db.execute(
      sql`insert into users (phone, display_name, password_hash)
          select '+98913' || lpad(g::text, 7, '0'), 'همسایه ' || g, 'x' from generate_series(1, 200) g`,
    );
    const people = (await rows(database, sql`select id from users where display_name like 'همسایه %' order by phone`)).map((r) =>
      String(r.id),
    );
    // N messages over 60 days, in batches.
    for (let from = 1; from <= N; from += 1000) {
      const values = [];
      for (let i = from; i < Math.min(from + 1000, N + 1); i++) {
        const author = people[(i * 31) % people.length]!;
        const at = new Date(Date.now() - (N - i) * ((60 * 86_400_000) / N)).toISOString();
        values.push(sql`(${threadId}::uuid, ${i}, ${i}, ${author}::uuid, ${body(i)}, ${at}::timestamptz)`);
      }
      await db.execute(
        sql`insert into thread_messages (thread_id, seq, version, author_id, body, created_at) values ${sql.join(values, sql`, `)}`,
      );
    }
    await db.execute(sql`insert into thread_events (thread_id, seq, kind, message_id, at)
                         select thread_id, seq, 'posted', id, created_at from thread_messages where thread_id = ${threadId}`);
    // Every 10th message replies to one of a few; every 50th is reported twice; every 200th hidden; every 300th deleted.
    await db.execute(sql`update thread_messages m set reply_to_id = t.id from thread_messages t
                         where m.thread_id = ${threadId} and t.thread_id = m.thread_id and m.seq % 10 = 0 and t.seq = 1 + (m.seq / 10) % 25`);
    await db.execute(sql`insert into message_reports (message_id, reporter_id, reason)
                         select m.id, u.id, 'گزارش' from thread_messages m cross join (select id from users where display_name like 'همسایه %' order by phone limit 2) u
                         where m.thread_id = ${threadId} and m.seq % 50 = 0`);
    await db.execute(sql`update thread_messages set hidden_at = now(), hidden_kind = 'moderator', hidden_reason = 'x'
                         where thread_id = ${threadId} and seq % 200 = 0`);
    await db.execute(sql`update thread_messages set deleted_at = now() where thread_id = ${threadId} and seq % 300 = 0`);
    await db.execute(sql`update threads set last_seq = ${N}, message_count = ${N}, last_message_at = now() where id = ${threadId}`);
    await refreshStatistics(database);
    if (database.driver === "postgres") await db.execute(sql`analyze`);
    console.log(`${backend}: a thread of ${N} messages made in ${((performance.now() - setup) / 1000).toFixed(1)} s`);

    const reader = { id: people[0]!, roles: [] };
    const digest = () => threadDigest(db, reader, threadId, { lastReadSeq: N - 500 });
    const check = await digest();
    if (!check.ok) throw new Error(check.error);
    console.log(
      `digest: ${check.digest.messages} messages, ${check.digest.participants} people, ${check.digest.keyTermSample} sampled, ` +
        `terms ${check.digest.keyTerms
          .slice(0, 5)
          .map((t) => `${t.term}:${t.count}`)
          .join(" ")}, since visit ${check.digest.sinceVisit?.newMessages}`,
    );
    await time("thread's latest page (for scale)", 15, () => threadPage(db, threadId));
    await time("digest, computed (cold)", 7, digest, () => clearDigestCache());
    await time("digest, from memory (+ since last visit)", 25, digest);
    await time("digest, from memory (no reader)", 25, () => threadDigest(db, null, threadId));
    let posted = 0;
    await time("digest after a new post (served from memory)", 7, digest, async () => {
      const r = await postMessage(db, { threadId, authorId: people[++posted]!, body: "پیام تازه دربارهٔ پارک" });
      if (!r.ok) throw new Error(r.error);
    });
  } finally {
    await drop();
  }
}

type Row = Record<string, unknown>;
async function rows(database: Database, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result = (await database.db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows?: Row[] }).rows ?? []);
}

await main();
