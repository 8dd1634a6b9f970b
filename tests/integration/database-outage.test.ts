import { spawnSync } from "node:child_process";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ThreadEventView } from "../../app/domain/thread-view";
import { ThreadFollower } from "../../app/realtime/thread-sync";
import type { Db } from "../../db/client.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS, createTestDatabase } from "../support/database";
import { factories, loginClient } from "../support/factories";
import { Browserless, visibleText } from "../support/http";

/**
 * The database going away: the process lives, pages say so in Persian with a 503 (never a 500),
 * /readyz says so (while /healthz, the process being alive, stays 200), and everything comes back by itself; on PostgreSQL, the socket.io adapter's
 * LISTEN connection is cut under two instances and events flow between them again.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Deadlines here are generous (a busy machine must not fail them); the drills measure the 5 s
 * recovery on an idle cluster of their own.
 */
const RECOVERY_MS = 15_000;

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, label: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await sleep(25);
  }
}

const connectionRefused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

/** A stand-in for the database handle whose every use fails as an unreachable server does. */
function unreachableDb(): Db {
  const fail = (): never => {
    throw connectionRefused();
  };
  const handler: ProxyHandler<() => void> = {
    get: (_target, prop) => (prop === "then" ? undefined : new Proxy(fail, handler)),
    apply: () => fail(),
  };
  return new Proxy(fail, handler) as unknown as Db;
}

describe.each(BACKENDS)("the database going away (%s)", (backend) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(backend);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it("answers a Persian 503 page and an unready /readyz while the database is unreachable, and recovers by itself", async () => {
    const client = new Browserless(app.baseUrl);
    expect((await client.get("/")).status).toBe(200);

    const ping = app.database.ping;
    app.database.ping = async () => {
      throw connectionRefused();
    };
    try {
      const ready = await fetch(`${app.baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "error", db: { status: "unavailable", driver: backend } });
      // Alive all the same: nothing for a supervisor to restart.
      expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);

      const page = await client.get("/proposals");
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("5");
      const html = await page.text();
      expect(html).toContain('lang="fa" dir="rtl"');
      expect(visibleText(html)).toContain("سامانه لحظه‌ای در دسترس نیست");
      // Forms too: nothing is half-done while the database is away.
      const post = await client.post("/login", { phone: "09121234567", password: "whatever-it-is" });
      expect(post.status).toBe(503);
      // The open data API says so in its own shape.
      const api = await fetch(`${app.baseUrl}/api/v1/proposals`);
      expect(api.status).toBe(503);
      expect(api.headers.get("content-type")).toContain("application/json");
      expect(await api.json()).toMatchObject({ error: { code: "unavailable" } });
      // Static files do not need the database.
      expect((await client.get("/favicon.svg")).status).toBe(200);
    } finally {
      app.database.ping = ping;
    }

    // No restart: the server asks the database again by itself and serves as soon as it answers.
    await waitFor(async () => (await client.get("/")).status === 200, RECOVERY_MS, "pages served again");
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  });

  it("answers 503 with the Persian page, not a 500, when a loader's query fails to reach the database", async () => {
    const services = app.server.services;
    const db = services.db;
    services.db = unreachableDb();
    let page: Response;
    let data: Response;
    try {
      page = await fetch(`${app.baseUrl}/proposals`);
      // The health state now knows; restore so the recheck finds the database again.
    } finally {
      services.db = db;
    }
    expect(page.status).toBe(503);
    expect(visibleText(await page.text())).toContain("ارتباط با پایگاه داده محله موقتاً برقرار نیست");
    await waitFor(async () => (await fetch(`${app.baseUrl}/proposals`)).status === 200, RECOVERY_MS, "the page served again");

    // A client-side navigation (single-fetch data request) carries the 503 status too.
    services.db = unreachableDb();
    try {
      data = await fetch(`${app.baseUrl}/proposals.data`);
    } finally {
      services.db = db;
    }
    expect(data.status).toBe(503);
    await waitFor(async () => (await fetch(`${app.baseUrl}/readyz`)).status === 200, RECOVERY_MS, "ready again");

    // A resource route (the open data API) cut off mid-loader: 503 in the API's shape, not Remix's bare 500.
    let api: Response;
    services.db = unreachableDb();
    try {
      api = await fetch(`${app.baseUrl}/api/v1/proposals`);
    } finally {
      services.db = db;
    }
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("5");
    expect(await api.json()).toMatchObject({ error: { code: "unavailable", message: expect.stringContaining("پایگاه داده") } });
    await waitFor(async () => (await fetch(`${app.baseUrl}/readyz`)).status === 200, RECOVERY_MS, "ready again");
  });
});

async function listenBackends(adminUrl: string, database: string) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = ${database} and query ilike 'LISTEN %' and state = 'idle'`;
    return rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

async function terminate(adminUrl: string, pids: number[]) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_terminate_backend(pid) from unnest(${pids}::int[]) as pid`;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("the socket.io adapter's LISTEN connection cut under two instances", () => {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  let a: TestApp;
  let b: TestApp;
  let db: Db;
  let dbName: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    a = await startTestApp("postgres");
    b = await startTestApp("postgres", {}, { sameDatabaseAs: a.database });
    db = a.database.db;
    dbName = new URL(a.database.url!).pathname.slice(1);
    await waitFor(
      async () =>
        (await a.server.services.io.of("/").adapter.serverCount()) === 2 &&
        (await b.server.services.io.of("/").adapter.serverCount()) === 2,
      15_000,
      "the two instances to see each other",
    );
  }, 120_000);
  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      socket.io.reconnection(false);
      socket.disconnect();
    }
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  function open(url: string) {
    const socket = connect(url, {
      transports: ["websocket"],
      extraHeaders: { origin: url },
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 50,
    });
    sockets.push(socket);
    return socket;
  }

  /** A council with a proposal and its discussion, and its founder signed in on the first instance. */
  async function aThread() {
    const make = factories(db);
    const founder = await make.user({ phone: "+989120041000", name: "بنیان‌گذار شهران", password: "کوچه-باغ-های-شهران" });
    const districtId = await make.district({ number: 41, name: "منطقه چهل‌ویک" });
    const council = await make.council({ founderId: founder.id, districtId, neighborhood: "محله شهران", charter: { supportThreshold: 2 } });
    const proposalId = await make.proposalRow({
      councilId: council.id,
      authorId: founder.id,
      categoryId: await make.category("گفت‌وگوی شهران"),
      title: "پیشنهادی برای آزمودن قطع اتصال",
      body: "شرح کوتاهی برای گفت‌وگوی اهالی درباره این پیشنهاد.",
    });
    const threadId = await make.thread({ kind: "proposal", proposalId });
    const writer = await loginClient(a, founder.phone, "کوچه-باغ-های-شهران");
    return { threadId, writer };
  }

  it("keeps both processes alive, reconnects LISTEN by itself, stays healthy, and events flow between instances again", async () => {
    const { threadId, writer } = await aThread();
    const reader = open(b.baseUrl);
    const seen: number[] = [];
    const follower = new ThreadFollower(reader, threadId, 0, { apply: (event: ThreadEventView) => seen.push(event.seq) }).start();
    await waitFor(() => reader.connected, 15_000, "reader connected to B");

    const post = async (body: string) => expect((await writer.post(`/threads/${threadId}`, { intent: "post", body })).status).toBe(302);
    await post("پیش از قطع اتصال");
    await waitFor(() => seen.length === 1, 15_000, "the first event on B");

    const before = await listenBackends(adminUrl, dbName);
    expect(before.length).toBe(2);
    await terminate(adminUrl, before);
    // Posted while B is not listening: B's reader is asked to catch up once B listens again.
    await post("در همان لحظه قطع اتصال");

    await waitFor(
      async () => {
        const now = await listenBackends(adminUrl, dbName);
        return now.length === 2 && now.every((pid) => !before.includes(pid));
      },
      RECOVERY_MS,
      "both instances listening again on new connections",
    );
    await waitFor(() => seen.length === 2, RECOVERY_MS, "the event sent during the cut reaches B's reader");

    for (const instance of [a, b]) {
      const ready = await fetch(`${instance.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
    }
    // Live again, both ways: A to B, and B to a reader on A.
    await post("پس از وصل دوباره");
    await waitFor(() => seen.length === 3, 15_000, "a new event from A on B");
    const readerOnA = open(a.baseUrl);
    const seenOnA: number[] = [];
    const followerOnA = new ThreadFollower(readerOnA, threadId, 3, { apply: (event: ThreadEventView) => seenOnA.push(event.seq) }).start();
    await waitFor(() => readerOnA.connected, 15_000, "reader connected to A");
    const writerOnB = Object.assign(new Browserless(b.baseUrl), { cookies: writer.cookies });
    expect((await writerOnB.post(`/threads/${threadId}`, { intent: "post", body: "از نمونه ب" })).status).toBe(302);
    await waitFor(() => seenOnA.length === 1 && seen.length === 4, 15_000, "an event from B on A");
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(seenOnA).toEqual([4]);
    follower.stop();
    followerOnA.stop();
  });

  it("survives every connection of both instances being terminated (as in a restart) and serves again", async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
    } finally {
      await admin.end();
    }
    for (const instance of [a, b]) {
      await waitFor(async () => (await fetch(`${instance.baseUrl}/proposals`)).status === 200, RECOVERY_MS, "pages served again");
    }
    // Ready again once the adapter listens again too.
    for (const instance of [a, b]) {
      await waitFor(async () => (await fetch(`${instance.baseUrl}/readyz`)).status === 200, RECOVERY_MS, "ready again");
    }
    await waitFor(async () => (await listenBackends(adminUrl, dbName)).length === 2, RECOVERY_MS, "both instances listening again");
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("a transaction's connection terminated while it still has a statement to send", () => {
  it("does not end the process: the transaction fails, the next query on the same handle works", async () => {
    const database = await createTestDatabase("postgres");
    try {
      // Its own process: the driver's failure is an uncaught exception, which would end it.
      const root = path.resolve(import.meta.dirname, "..", "..");
      const run = spawnSync(process.execPath, ["--import", "tsx", "tests/support/terminate-in-transaction.ts", database.url!], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
      expect(result.outcome).toMatch(/^failed:/);
      expect(result.after).toBe(2);
    } finally {
      await database.destroy();
    }
  }, 90_000);
});
