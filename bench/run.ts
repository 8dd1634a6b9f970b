/**
 * npm run bench — request latency and throughput of the real app against a bare Node HTTP server
 * measured in the same run, plus start-up time and memory. Loopback only, bounded in requests
 * and time; prints figures and asserts nothing (the machine is shared and noisy).
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { hashPassword } from "../app/utils/password.server";
import { sql } from "drizzle-orm";
import { createCouncil } from "../app/domain/councils.server";
import { createCategory, listProposals } from "../app/domain/proposals.server";
import { io as connect, type Socket } from "socket.io-client";
import { ensureThread, postMessage } from "../app/domain/threads.server";
import { publishThreadEvents } from "../app/realtime/notify.server";
import { refreshStatistics } from "../db/client.server";
import { districts, neighborhoods, proposals, users } from "../db/schema";
import { startTestApp } from "../tests/support/app";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TIME_LIMIT_MS = 20_000;

interface Result {
  name: string;
  count: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

async function load(name: string, run: () => Promise<void>, requests = REQUESTS, concurrency = CONCURRENCY): Promise<Result> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + TIME_LIMIT_MS;
  async function worker() {
    while (issued < requests && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      try {
        await run();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, count: latencies.length, errors, rps: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

function print(results: Result[], baseline: Result) {
  const rows = results.map((r) => ({
    case: r.name,
    requests: r.count,
    errors: r.errors,
    "req/s": r.rps.toFixed(0),
    "p50 ms": r.p50.toFixed(1),
    "p95 ms": r.p95.toFixed(1),
    "p99 ms": r.p99.toFixed(1),
    "× baseline p50": (r.p50 / baseline.p50).toFixed(1),
  }));
  console.table(rows);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// Bare baseline: the same Node, the same loopback, a fixed small HTML page.
const page = Buffer.from(`<!doctype html><html lang="fa" dir="rtl"><title>محله</title><p>${"سلام ".repeat(200)}</p></html>`);
const bare = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": page.length });
  res.end(page);
});
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;

const memBefore = process.memoryUsage();
const t0 = performance.now();
const app = await startTestApp("pglite");
const startupMs = performance.now() - t0;
const memStarted = process.memoryUsage();

try {
  // A signed-in resident for the pages that need one.
  await app.database.db.insert(users).values({
    phone: "+989120000099",
    displayName: "سنجش",
    passwordHash: await hashPassword("bench-password-مطمئن"),
  });
  const login = await fetch(`${app.baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl },
    body: new URLSearchParams({ phone: "09120000099", password: "bench-password-مطمئن" }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  // Warm-up so JIT and caches do not count.
  for (let i = 0; i < 30; i++) {
    await get(bareUrl);
    await get(`${app.baseUrl}/`);
  }

  // Tens of thousands of proposals in one council, to show list pages cost the same at any depth.
  const PROPOSALS = Number(process.env.BENCH_PROPOSALS ?? 20_000);
  const db = app.database.db;
  const [district] = await db.insert(districts).values({ number: 1, name: "منطقه سنجش", nameKey: "منطقه سنجش" }).returning({ id: districts.id });
  const [hood] = await db.insert(neighborhoods).values({ districtId: district!.id, name: "محله سنجش", nameKey: "محله سنجش" }).returning({ id: neighborhoods.id });
  const [author] = await db.select({ id: users.id }).from(users);
  const council = await createCouncil(db, author!.id, hood!.id, {
    termStart: "2026-01-01", termEnd: "2028-01-01", quorumPercent: 50, votingPeriodDays: 7, majorityRule: "simple",
    proposers: "residents", supportThreshold: 20, ballot: "open", reportsToHide: 3,
  });
  const category = await createCategory(db, "سنجش");
  if (!council.ok || !category.ok) throw new Error("bench set-up failed");
  const seedStart = performance.now();
  await db.execute(sql`
    insert into proposals (council_id, district_id, neighborhood_id, author_id, title, body, category_id, created_at)
    select ${council.id}, ${district!.id}, ${hood!.id}, ${author!.id}, 'طرح شماره ' || g, 'شرح طرح شماره ' || g || ' برای سنجش سرعت فهرست‌ها.',
           ${category.id}, now() - (g || ' seconds')::interval
    from generate_series(1, ${PROPOSALS}) g`);
  console.log(`seeded ${PROPOSALS} proposals in ${(performance.now() - seedStart).toFixed(0)} ms`);
  const firstPage = await listProposals(db, { councilId: council.id, limit: 20 });
  let deepCursor = firstPage.next;
  for (let i = 0; i < 200 && deepCursor; i++) deepCursor = (await listProposals(db, { councilId: council.id, limit: 20, after: deepCursor })).next;

  // Two discussion threads, one of 50 messages and one of 5,000: the latest page opens the same.
  const [small, large] = await db.select({ id: proposals.id }).from(proposals).limit(2);
  const threadOf = async (proposalId: string, messages: number) => {
    const threadId = await ensureThread(db, { kind: "proposal", proposalId });
    await db.execute(sql`
      with m as (
        insert into thread_messages (thread_id, seq, version, author_id, body, created_at)
        select ${threadId}, g, g, ${author!.id}, 'پیام شماره ' || g || ' در گفت‌وگوی سنجش، با کمی متن برای اندازه‌ای واقعی.', now() - ((${messages} - g) || ' seconds')::interval
        from generate_series(1, ${messages}) g returning id, seq)
      insert into thread_events (thread_id, seq, kind, message_id) select ${threadId}, seq, 'posted', id from m`);
    await db.execute(sql`update threads set last_seq = ${messages}, message_count = ${messages} where id = ${threadId}`);
    return threadId;
  };
  const smallThread = await threadOf(small!.id, 50);
  const largeThread = await threadOf(large!.id, 5_000);
  // What the server's statistics timer does within ten minutes of such growth (PGlite never does it by itself).
  await refreshStatistics(app.database);

  const baseline = await load("bare node http (baseline)", () => get(bareUrl));
  const results = [
    baseline,
    await load("GET /healthz", () => get(`${app.baseUrl}/healthz`)),
    await load("GET / (anonymous, SSR)", () => get(`${app.baseUrl}/`)),
    await load("GET / (signed in, SSR)", () => get(`${app.baseUrl}/`, { cookie })),
    await load("GET /signup (SSR form)", () => get(`${app.baseUrl}/signup`)),
    await load(`GET /proposals first page (${PROPOSALS} rows)`, () => get(`${app.baseUrl}/proposals?council=${council.id}`), 200),
    await load("GET /proposals page 200 (cursor)", () => get(`${app.baseUrl}/proposals?council=${council.id}&after=${deepCursor}`), 200),
    await load("GET /threads/:id (50 messages)", () => get(`${app.baseUrl}/threads/${smallThread}`), 200),
    await load("GET /threads/:id (5,000 messages)", () => get(`${app.baseUrl}/threads/${largeThread}`), 200),
    await load("GET /threads/:id?before=100 (earlier page)", () => get(`${app.baseUrl}/threads/${largeThread}?before=100`), 200),
    await load(
      "POST /login (argon2id)",
      async () => {
        const r = await fetch(`${app.baseUrl}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl, "x-forwarded-for": "127.0.0.1" },
          body: new URLSearchParams({ phone: "09120000099", password: "bench-password-مطمئن" }),
        });
        await r.arrayBuffer();
      },
      // Sign-in is rate-limited per number (10 per 15 minutes): stay under it.
      9,
      1,
    ),
  ];
  print(results, baseline);

  // Writing: posts to one thread, one after another and eight at once (they queue on the thread's
  // row lock, which is what keeps the numbers unique).
  const writes = async (label: string, total: number, concurrency: number) => {
    let done = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (done < total) {
          done++;
          const r = await postMessage(db, { threadId: smallThread, authorId: author!.id, body: "پیام سنجش نوشتن" });
          if (!r.ok) throw new Error(r.error);
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    console.log(`${label}: ${total} posts in ${(seconds * 1000).toFixed(0)} ms (${(total / seconds).toFixed(0)} posts/s)`);
  };
  await writes("thread posts, sequential", 300, 1);
  await writes("thread posts, 8 concurrent writers", 300, 8);

  // Live delivery: from commit to every one of 50 open sockets, through the app's own emit path.
  const SOCKETS = 50;
  const clients: Socket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const socket = connect(app.baseUrl, { transports: ["websocket"], forceNew: true });
    await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
    await new Promise<void>((resolve) => socket.emit("room:join", { room: `thread:${smallThread}` }, () => resolve()));
    clients.push(socket);
  }
  const fanout: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const arrived = Promise.all(
      clients.map((socket) => new Promise<void>((resolve) => socket.once("thread:event", () => resolve()))),
    );
    const r = await postMessage(db, { threadId: smallThread, authorId: author!.id, body: `پیام زنده ${i}` });
    if (!r.ok) throw new Error(r.error);
    await publishThreadEvents(app.server.services.io, db, smallThread, r.seqs);
    await arrived;
    fanout.push(performance.now() - t);
  }
  fanout.sort((a, b) => a - b);
  console.log(
    `live delivery to ${SOCKETS} sockets (post + emit + all received), 100 messages: ` +
      `p50 ${fanout[50]!.toFixed(1)} ms, p95 ${fanout[95]!.toFixed(1)} ms, max ${fanout[99]!.toFixed(1)} ms`,
  );
  for (const socket of clients) socket.close();
  const memEnd = process.memoryUsage();
  console.log(
    `app start-up (in-memory PGlite, migrations, server): ${startupMs.toFixed(0)} ms\n` +
      `memory: rss ${mb(memBefore.rss)} before → ${mb(memStarted.rss)} after start-up → ${mb(memEnd.rss)} after load; ` +
      `heap used ${mb(memEnd.heapUsed)}`,
  );
} finally {
  await app.close();
  bare.close();
}
