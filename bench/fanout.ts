/**
 * Live fan-out: how long a discussion message takes to reach 1,000 open sockets, against a bare
 * socket.io server broadcasting the same payload to the same number of sockets in the same run,
 * and, on PostgreSQL, across two app instances (sockets on the other instance, a process of its own,
 * get it through the adapter). Loopback only, bounded in sockets, posts and time; asserts nothing.
 *
 * Latency of one socket = when its client received the event − when the server began publishing
 * it (for the app: the committed message is read and emitted by the app's own path,
 * publishThreadEvents; for the bare server: io.to(room).emit). Clients live in a worker thread.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { Server as SocketServer } from "socket.io";
import { createCouncil } from "../app/domain/councils.server";
import { ensureThread } from "../app/domain/threads/lookup.server";
import { eventsSince } from "../app/domain/threads/read.server";
import { postMessage } from "../app/domain/threads/write.server";
import { createCategory, fileProposal, supportProposal } from "../app/domain/proposals.server";
import { publishThreadEvents } from "../app/realtime/notify.server";
import { publishProposalState } from "../app/realtime/live.server";
import { districts, neighborhoods, users } from "../db/schema";
import { startTestApp, type TestApp } from "../tests/support/app";
import type { Backend } from "../tests/support/database";

export interface FanoutOptions {
  /** Sockets in the room (default 1,000). */
  sockets?: number;
  /** Messages posted (default 50). */
  posts?: number;
  /** Where the single-instance app runs (default embedded PGlite). */
  backend?: Backend;
  /**
   * A PostgreSQL server (as TEST_DATABASE_URL: a throwaway database is made and dropped on it) for
   * the two-instance run; without it (and without TEST_DATABASE_URL) that run is skipped.
   */
  postgresUrl?: string;
  /** Stop waiting for one round after this long (default 30 s); the round counts as lost. */
  roundTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  deliveries: number;
  lost: number;
}

export interface FanoutResult {
  sockets: number;
  posts: number;
  payloadBytes: number;
  app: Latency;
  /** The same deliveries timed from before the message was written (write + publish + delivery). */
  appIncludingWrite: Latency;
  bare: Latency;
  /** app ÷ bare (target ≤ 2). */
  ratio: { p50: number; p99: number };
  twoInstances: { local: Latency; remote: Latency } | null;
  /**
   * A support storm on a watched proposal: `supports` supports as fast as the app takes them while
   * every socket is in the proposal's room. Each page used to get one payload-less event per
   * support and re-run its loader for each; now it gets a few coalesced states and runs none.
   */
  storm: { supports: number; eventsPerSocket: number; finalStateMs: number; loaderRunsBefore: number; loaderRunsNow: number } | null;
}

const now = () => performance.timeOrigin + performance.now();

function summarize(samples: number[], expected: number): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, deliveries: sorted.length, lost: expected - sorted.length };
}

class Clients {
  private worker = new Worker(new URL("./fanout-clients.mjs", import.meta.url));
  private waiting = new Map<string, (times: number[] | null) => void>();
  private early = new Map<string, number[]>();
  private opened = new Map<string, () => void>();
  private failed: ((err: Error) => void) | null = null;

  constructor() {
    this.worker.on("message", (m: { type: string; tag?: string; seq?: number; times?: number[]; error?: string }) => {
      if (m.type === "round") {
        const key = `${m.tag}:${m.seq}`;
        const resolve = this.waiting.get(key);
        if (resolve) {
          this.waiting.delete(key);
          resolve(m.times!);
        } else this.early.set(key, m.times!);
      } else if (m.type === "opened") this.opened.get(m.tag!)?.();
      else if (m.type === "error") this.failed?.(new Error(m.error));
    });
  }

  open(tag: string, url: string, count: number, room: string, event = "thread:event") {
    return new Promise<void>((resolve, reject) => {
      this.opened.set(tag, resolve);
      this.failed = reject;
      this.worker.postMessage({ type: "open", tag, url, count, room, event });
    });
  }

  /** How many events a group's sockets received in all. */
  received(tag: string) {
    return new Promise<number>((resolve) => {
      const on = (m: { type: string; tag?: string; received?: number }) => {
        if (m.type === "stats" && m.tag === tag) {
          this.worker.off("message", on);
          resolve(m.received ?? 0);
        }
      };
      this.worker.on("message", on);
      this.worker.postMessage({ type: "stats", tag });
    });
  }

  /** Every socket's arrival time for one event of a group, or null if not all came in time. */
  round(tag: string, seq: number, timeoutMs: number): Promise<number[] | null> {
    const key = `${tag}:${seq}`;
    const done = this.early.get(key);
    if (done) {
      this.early.delete(key);
      return Promise.resolve(done);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(key, (times) => {
        clearTimeout(timer);
        resolve(times);
      });
    });
  }

  async close() {
    await new Promise<void>((resolve) => {
      this.worker.once("message", () => resolve());
      this.worker.postMessage({ type: "close" });
      setTimeout(resolve, 5_000).unref();
    });
    await this.worker.terminate();
  }
}

/** A bare socket.io server: joins on request, like the app, and broadcasts what it is given. */
async function bareServer() {
  const server = http.createServer();
  const io = new SocketServer(server, { serveClient: false });
  io.on("connection", (socket) => {
    socket.on("room:join", (payload: { room?: string }, ack?: (r: unknown) => void) => {
      void socket.join(String(payload?.room));
      ack?.({ ok: true, room: payload?.room });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

/**
 * The second instance as it runs in production: a process of its own (server.ts, the current build)
 * on the same PostgreSQL. In the bench's own process it would share one event loop with the first
 * instance, and its broadcast would wait behind the first one's, which no deployment does.
 */
async function otherInstance(databaseUrl: string) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const port = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_ORIGIN: baseUrl,
      SESSION_SECRET: crypto.randomBytes(32).toString("base64url"),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the second instance exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the second instance was not healthy within 120 s");
    }
    const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    close: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function seedThread(app: TestApp) {
  const db = app.database.db;
  const [author] = await db
    .insert(users)
    .values({ phone: "+989129990001", displayName: "نویسنده سنجش", passwordHash: "x" })
    .returning({ id: users.id });
  const [district] = await db
    .insert(districts)
    .values({ number: 90, name: "منطقه سنجش زنده", nameKey: "منطقه سنجش زنده" })
    .returning({ id: districts.id });
  const [hood] = await db
    .insert(neighborhoods)
    .values({ districtId: district!.id, name: "محله سنجش زنده", nameKey: "محله سنجش زنده" })
    .returning({ id: neighborhoods.id });
  const year = new Date().getUTCFullYear();
  const council = await createCouncil(db, author!.id, hood!.id, {
    termStart: `${year - 1}-01-01`,
    termEnd: `${year + 1}-12-01`,
    quorumPercent: 50,
    votingPeriodDays: 7,
    majorityRule: "simple",
    proposers: "residents",
    supportThreshold: 1000,
    ballot: "open",
    reportsToHide: 3,
  });
  if (!council.ok) throw new Error(`fan-out set-up: ${council.error}`);
  const threadId = await ensureThread(db, { kind: "council", councilId: council.id });
  return { threadId, authorId: author!.id, councilId: council.id };
}

export async function runFanoutBench(options: FanoutOptions = {}): Promise<FanoutResult> {
  const SOCKETS = options.sockets ?? 1_000;
  const POSTS = options.posts ?? 50;
  const timeoutMs = options.roundTimeoutMs ?? 30_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const postgresUrl = options.postgresUrl ?? process.env.TEST_DATABASE_URL;

  const appSamples: number[] = [];
  const writeSamples: number[] = [];
  const bareSamples: number[] = [];
  let payloadBytes = 0;
  let storm: FanoutResult["storm"];
  const SUPPORTS = 100;
  const clients = new Clients();
  const bare = await bareServer();
  const app = await startTestApp(options.backend ?? "pglite");
  try {
    const { threadId, authorId, councilId } = await seedThread(app);
    const room = `thread:${threadId}`;
    await clients.open("app", app.baseUrl, SOCKETS, room);
    await clients.open("bare", bare.url, SOCKETS, room);
    log(`fan-out: ${SOCKETS} sockets on the app and ${SOCKETS} on a bare socket.io server, ${POSTS} messages`);
    for (let i = 0; i < POSTS; i++) {
      // The app: a committed message, published by the app's own path.
      const tw = now();
      const posted = await postMessage(app.database.db, { threadId, authorId, body: `پیام زنده شماره ${i + 1} برای سنجش پخش همزمان.` });
      if (!posted.ok) throw new Error(posted.error);
      const seq = posted.seqs[0]!;
      const appRound = clients.round("app", seq, timeoutMs);
      const t0 = now();
      await publishThreadEvents(app.server.services.io, app.database.db, threadId, posted.seqs);
      const times = await appRound;
      if (times) {
        appSamples.push(...times.map((t) => t - t0));
        writeSamples.push(...times.map((t) => t - tw));
      }
      // The bare server: the very same payload, one broadcast.
      const { events } = await eventsSince(app.database.db, threadId, seq - 1, 1);
      const payload = { threadId, ...events[0]! };
      payloadBytes = Buffer.byteLength(JSON.stringify(payload));
      const bareRound = clients.round("bare", seq, timeoutMs);
      const t1 = now();
      bare.io.to(room).emit("thread:event", payload);
      const bareTimes = await bareRound;
      if (bareTimes) bareSamples.push(...bareTimes.map((t) => t - t1));
    }

    // The support storm: every support through the app's own path (write, then publish).
    const db = app.database.db;
    const category = await createCategory(db, "سنجش زنده");
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId,
      authorId,
      title: "طرح سنجش حمایت",
      body: "طرحی برای سنجش حمایت‌های پیاپی.",
      categoryId: category.id,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    const supporters = await db
      .insert(users)
      .values(
        Array.from({ length: SUPPORTS }, (_, i) => ({
          phone: `+98913${String(8_000_000 + i).padStart(7, "0")}`,
          displayName: `حامی ${i + 1}`,
          passwordHash: "x",
        })),
      )
      .returning({ id: users.id });
    await clients.open("storm", app.baseUrl, SOCKETS, `proposal:${filed.id}`, "proposal:state");
    const final = clients.round("storm", SUPPORTS, timeoutMs);
    const t0 = now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < supporters.length) {
          const supporter = supporters[next++]!;
          const done = await supportProposal(db, filed.id, supporter.id);
          if (!done.ok) throw new Error(done.error);
          publishProposalState(app.server.services.io, db, filed.id);
        }
      }),
    );
    const finalTimes = await final;
    const eventsPerSocket = (await clients.received("storm")) / SOCKETS;
    storm = {
      supports: SUPPORTS,
      eventsPerSocket,
      finalStateMs: finalTimes ? Math.max(...finalTimes) - t0 : NaN,
      // A proposal page ran its whole loader (23 statements) on each payload-less event.
      loaderRunsBefore: SUPPORTS * SOCKETS,
      loaderRunsNow: 0,
    };
  } finally {
    await clients.close();
    await app.close();
    await bare.close();
  }

  let twoInstances: FanoutResult["twoInstances"] = null;
  if (postgresUrl) {
    const previous = process.env.TEST_DATABASE_URL;
    process.env.TEST_DATABASE_URL = postgresUrl;
    const a = await startTestApp("postgres");
    // FANOUT_SAME_PROCESS=1: both instances in this process, as this bench measured before.
    const b: { baseUrl: string; close(): Promise<void> } =
      process.env.FANOUT_SAME_PROCESS === "1"
        ? await startTestApp("postgres", {}, { sameDatabaseAs: a.database })
        : await otherInstance(a.database.url!);
    const pair = new Clients();
    const local: number[] = [];
    const remote: number[] = [];
    try {
      const { threadId, authorId } = await seedThread(a);
      const room = `thread:${threadId}`;
      const half = Math.floor(SOCKETS / 2);
      await pair.open("a", a.baseUrl, half, room);
      await pair.open("b", b.baseUrl, SOCKETS - half, room);
      log(`fan-out across two instances on one PostgreSQL: ${half} + ${SOCKETS - half} sockets, ${POSTS} messages posted on the first`);
      for (let i = 0; i < POSTS; i++) {
        const posted = await postMessage(a.database.db, { threadId, authorId, body: `پیام میان دو نمونه ${i + 1}` });
        if (!posted.ok) throw new Error(posted.error);
        const seq = posted.seqs[0]!;
        const onA = pair.round("a", seq, timeoutMs);
        const onB = pair.round("b", seq, timeoutMs);
        const t0 = now();
        await publishThreadEvents(a.server.services.io, a.database.db, threadId, posted.seqs);
        const [ta, tb] = await Promise.all([onA, onB]);
        if (ta) local.push(...ta.map((t) => t - t0));
        if (tb) remote.push(...tb.map((t) => t - t0));
      }
      twoInstances = {
        local: summarize(local, Math.floor(SOCKETS / 2) * POSTS),
        remote: summarize(remote, (SOCKETS - Math.floor(SOCKETS / 2)) * POSTS),
      };
    } finally {
      await pair.close();
      await b.close();
      await a.close();
      if (previous === undefined) delete process.env.TEST_DATABASE_URL;
      else process.env.TEST_DATABASE_URL = previous;
    }
  }

  const appLatency = summarize(appSamples, SOCKETS * POSTS);
  const bareLatency = summarize(bareSamples, SOCKETS * POSTS);
  const result: FanoutResult = {
    sockets: SOCKETS,
    posts: POSTS,
    payloadBytes,
    app: appLatency,
    appIncludingWrite: summarize(writeSamples, SOCKETS * POSTS),
    bare: bareLatency,
    ratio: { p50: appLatency.p50 / bareLatency.p50, p99: appLatency.p99 / bareLatency.p99 },
    twoInstances,
    storm,
  };
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  log(`  bare socket.io : p50 ${ms(bareLatency.p50)}  p99 ${ms(bareLatency.p99)}  (${bareLatency.lost} lost)`);
  log(
    `  app            : p50 ${ms(appLatency.p50)}  p99 ${ms(appLatency.p99)}  (${appLatency.lost} lost)  → ${result.ratio.p50.toFixed(2)}× / ${result.ratio.p99.toFixed(2)}× the bare broadcast`,
  );
  log(`  app incl. write: p50 ${ms(result.appIncludingWrite.p50)}  p99 ${ms(result.appIncludingWrite.p99)}`);
  if (storm) {
    log(
      `  support storm  : ${storm.supports} supports watched by ${SOCKETS} sockets → ${storm.eventsPerSocket.toFixed(1)} states per socket, ` +
        `all at the final count ${ms(storm.finalStateMs)} after the first support; loader runs ${storm.loaderRunsNow} (was ${storm.loaderRunsBefore})`,
    );
  }
  if (twoInstances) {
    log(
      `  two instances  : same instance p50 ${ms(twoInstances.local.p50)} p99 ${ms(twoInstances.local.p99)}; other instance p50 ${ms(twoInstances.remote.p50)} p99 ${ms(twoInstances.remote.p99)} (${twoInstances.remote.lost} lost)`,
    );
  }
  return result;
}

// `tsx bench/fanout.ts` runs it alone (FANOUT_SOCKETS, FANOUT_POSTS change the size).
if (import.meta.url === `file://${process.argv[1]}`) {
  runFanoutBench({ sockets: Number(process.env.FANOUT_SOCKETS ?? 1_000), posts: Number(process.env.FANOUT_POSTS ?? 50) })
    .then((r) => console.log(JSON.stringify(r)))
    .then(() => process.exit(0))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
