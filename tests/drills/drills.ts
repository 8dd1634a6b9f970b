import { count, countDistinct, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { closeDueVotes } from "../../app/domain/votes.server";
import { ballots, threadMessages, threads, votes } from "../../db/schema";
import { startBalancer } from "./balancer";
import { backupRestore, redisRestart } from "./operate";
import type { Drill, DrillContext } from "./run";
import { buildWorld, exactlyOnce, follow, Poster, send, sleep, waitFor, type Member, type Reader, type World } from "./world";

const UNAVAILABLE_FA = "سامانه لحظه‌ای در دسترس نیست";
const CHOICES = ["for", "against", "abstain"] as const;

/** A seeded generator: the same seed gives the same pattern. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function lastSeq(world: World) {
  const [row] = await world.database.db.select({ lastSeq: threads.lastSeq }).from(threads).where(eq(threads.id, world.threadId));
  return row!.lastSeq;
}

/** Every acknowledged message stored exactly once (by its key), and nothing stored twice. */
export async function checkMessages(ctx: DrillContext, world: World, posters: Poster[]) {
  const rows = await world.database.db
    .select({ key: threadMessages.clientKey, n: count() })
    .from(threadMessages)
    .where(eq(threadMessages.threadId, world.threadId))
    .groupBy(threadMessages.clientKey);
  const stored = new Map(rows.map((r) => [r.key, Number(r.n)]));
  const acked = posters.flatMap((p) => [...p.acked]);
  const lost = acked.filter((k) => !stored.has(k));
  const doubled = rows.filter((r) => Number(r.n) > 1);
  ctx.measure("messages acknowledged / stored", `${acked.length} / ${rows.length}`);
  ctx.check(lost.length === 0, `${lost.length} acknowledged messages are not stored (${lost.slice(0, 3).join(", ")})`);
  ctx.check(doubled.length === 0, `${doubled.length} messages stored more than once`);
}

export async function checkReaders(ctx: DrillContext, world: World, readers: Reader[], label: string) {
  const last = await lastSeq(world);
  await waitFor(() => readers.every((r) => r.applied.length >= last), 20_000, `${label}: every reader at event ${last}`).catch(() => {});
  const wrong = readers.filter((r) => !exactlyOnce(r.applied, last));
  ctx.measure(
    `${label}: thread events / readers with every event exactly once, in order`,
    `${last} / ${readers.length - wrong.length} of ${readers.length}`,
  );
  ctx.check(
    wrong.length === 0,
    `${wrong.length} readers did not get every event exactly once (e.g. ${wrong[0]?.applied.length} of ${last})`,
  );
}

async function listenPids(url: string) {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = 'mahalleh' and query ilike 'LISTEN %'`;
    return rows.map((r) => r.pid);
  } catch {
    return [];
  } finally {
    await admin.end({ timeout: 1 }).catch(() => {});
  }
}

async function healthy(url: string) {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/**
 * Clients read, post discussion messages and vote on both instances while PostgreSQL restarts,
 * then while only the LISTEN connections are cut.
 */
const databaseRestart: Drill = {
  name: "database restart and LISTEN cut under load",
  async run(ctx) {
    const world = await buildWorld(ctx.databaseUrl, 40);
    await ctx.startInstances();
    const { a, b } = ctx;
    const urls = [a.url, b.url];
    await waitFor(async () => (await listenPids(ctx.cluster.url())).length === 2, 15_000, "both instances listening");
    const readers = [follow(a.url, world.threadId), follow(b.url, world.threadId)];
    await waitFor(() => readers.every((r) => r.socket.connected), 10_000, "readers connected");

    let running = true;
    const pages = new Map<number | string, number>();
    let persian503 = 0;
    const bad: string[] = [];
    const readLoop = async (n: number) => {
      for (let i = 0; running; i++) {
        try {
          const page = await send(urls[(n + i) % 2]!, null, `/proposals/${world.proposalId}`, undefined, 10_000);
          pages.set(page.status, (pages.get(page.status) ?? 0) + 1);
          if (page.status === 503 && page.text.includes(UNAVAILABLE_FA)) persian503++;
          else if (page.status >= 500) bad.push(`GET ${page.status}`);
        } catch {
          pages.set("network", (pages.get("network") ?? 0) + 1);
        }
        await sleep(40);
      }
    };
    const posters = world.members.slice(1, 9).map((m) => new Poster(world.threadId, m));
    const postLoop = async (poster: Poster, n: number) => {
      const pending: string[] = [];
      for (let i = 0; running || pending.length; i++) {
        if (running && pending.length < 2) pending.push(`drill-restart-${n}-${i}`);
        const key = pending[0]!;
        const status = await poster.post(urls[(n + i) % 2]!, key, `پیام ${key} در تمرین`);
        if (poster.acked.has(key)) pending.shift();
        else if (typeof status === "number" && status >= 500 && status !== 503) bad.push(`POST message ${status}`);
        // The burst limit is 6 posts in 20 s per person.
        await sleep(3500);
      }
    };
    const voters = world.members.slice(10, 40);
    const ackedBallots = new Map<string, string>();
    const voteLoop = async (member: Member, n: number) => {
      await sleep(Math.floor(mulberry32(n)() * 9000));
      const choice = CHOICES[n % 3]!;
      for (let i = 0; !ackedBallots.has(member.id); i++) {
        try {
          const r = await send(urls[(n + i) % 2]!, member, `/proposals/${world.proposalId}`, {
            intent: "ballot",
            voteId: world.voteId,
            choice,
          });
          if (r.status === 302 || r.status === 303) ackedBallots.set(member.id, choice);
          else if (r.status >= 500 && r.status !== 503) bad.push(`POST ballot ${r.status}`);
        } catch {
          // not acknowledged: tried again
        }
        if (!ackedBallots.has(member.id)) await sleep(500);
      }
    };
    const work = [...[0, 1, 2].map(readLoop), ...posters.map((p, n) => postLoop(p, n)), ...voters.map((m, n) => voteLoop(m, n))];

    await sleep(3000);
    // 1. PostgreSQL restarts (fast shutdown), stays away for two seconds, and comes back.
    const stoppedAt = Date.now();
    ctx.cluster.stop("fast");
    await sleep(2000);
    ctx.cluster.start();
    const upAt = Date.now();
    await waitFor(async () => (await healthy(a.url)) && (await healthy(b.url)), 15_000, "both instances healthy after the restart").catch(
      () => {},
    );
    const recoveredMs = Date.now() - upAt;
    ctx.measure("PostgreSQL away (stop → start returned)", `${upAt - stoppedAt} ms`);
    ctx.measure("healthy again after PostgreSQL came back", `${recoveredMs} ms`);
    ctx.check(recoveredMs <= 5000, `healthy only ${recoveredMs} ms after PostgreSQL came back (over 5 s)`);
    await waitFor(async () => (await listenPids(ctx.cluster.url())).length === 2, 10_000, "both listening after the restart").catch(
      () => {},
    );
    const probe = async (label: string) => {
      const poster = new Poster(world.threadId, world.members[0]!);
      const before = readers[1]!.applied.length;
      const sentAt = Date.now();
      for (let i = 0; !poster.acked.has(label) && Date.now() - sentAt < 10_000; i++) {
        await poster.post(a.url, label, `پیام آزمون ${label}`);
        if (!poster.acked.has(label)) await sleep(300);
      }
      posters.push(poster);
      // The reader on B sees it (live from A through PostgreSQL, or by catching up).
      await waitFor(() => readers[1]!.applied.length > before, 10_000, `${label} on B`).catch(() => {});
      return readers[1]!.applied.length > before ? Date.now() - sentAt : -1;
    };
    const afterRestart = await probe("probe-after-restart");
    ctx.measure("a message posted on A reaches a reader on B after the restart", `${afterRestart} ms`);
    ctx.check(afterRestart >= 0 && afterRestart <= 5000, "live events did not resume across instances after the restart");

    await sleep(2000);
    // 2. Only the LISTEN connections are cut.
    const before = await listenPids(ctx.cluster.url());
    const admin = postgres(ctx.cluster.url(), { max: 1, onnotice: () => {} });
    await admin`select pg_terminate_backend(pid) from unnest(${before}::int[]) as pid`;
    await admin.end();
    const cutAt = Date.now();
    await waitFor(
      async () => {
        const now = await listenPids(ctx.cluster.url());
        return now.length === 2 && now.every((p) => !before.includes(p));
      },
      10_000,
      "both listening again after the cut",
    ).catch(() => {});
    ctx.measure("LISTEN re-established after pg_terminate_backend", `${Date.now() - cutAt} ms`);
    const afterCut = await probe("probe-after-cut");
    ctx.measure("a message posted on A reaches a reader on B after the cut", `${afterCut} ms`);
    ctx.check(afterCut >= 0 && afterCut <= 5000, "live events did not resume across instances after the LISTEN cut");

    await sleep(2000);
    running = false;
    await Promise.race([Promise.all(work), sleep(60_000)]);

    for (const instance of [a, b]) {
      ctx.check(instance.alive, `instance ${instance.name} died (${instance.exitCode ?? instance.exitSignal}):\n${instance.logTail(40)}`);
    }
    ctx.measure("page answers", JSON.stringify(Object.fromEntries(pages)));
    ctx.measure("Persian 503 pages seen", persian503);
    ctx.check(persian503 > 0, "no Persian 503 page was seen while PostgreSQL was away");
    ctx.check(bad.length === 0, `${bad.length} answers were 5xx other than the 503 page (${[...new Set(bad)].join(", ")})`);
    await checkMessages(ctx, world, posters);
    const stored = await world.database.db.select().from(ballots).where(eq(ballots.voteId, world.voteId));
    const wrong = [...ackedBallots].filter(([id, choice]) => stored.find((s) => s.userId === id)?.choice !== choice);
    ctx.measure("ballots acknowledged / stored", `${ackedBallots.size} / ${stored.length}`);
    ctx.check(ackedBallots.size === voters.length, `${voters.length - ackedBallots.size} voters never got an answer`);
    ctx.check(wrong.length === 0, `${wrong.length} acknowledged ballots are missing or changed`);
    await checkReaders(ctx, world, readers, "readers on A and B");
    for (const r of readers) r.close();
    await world.database.close();
  },
};

/** 200 members vote at once on both instances; one is killed with SIGKILL half-way and started again. */
const voteStormKill: Drill = {
  name: "kill -9 during a 200-member vote storm",
  async run(ctx) {
    const world = await buildWorld(ctx.databaseUrl, 200);
    await ctx.startInstances();
    const { a, b } = ctx;
    const db = world.database.db;
    const acked = new Map<string, string>();
    const failures = new Map<string, number>();
    const queue = world.members.map((m, i) => ({ member: m, choice: CHOICES[i % 3]!, i }));
    let killedAt = 0;
    let restartedMs = 0;
    let restart: Promise<void> | null = null;
    let ackedAtKill = 0;
    const worker = async () => {
      while (queue.length) {
        const job = queue.shift()!;
        const preferred = job.i % 2 === 0 ? a : b;
        const target = preferred.ready ? preferred : preferred === a ? b : a;
        try {
          const r = await send(target.url, job.member, `/proposals/${world.proposalId}`, {
            intent: "ballot",
            voteId: world.voteId,
            choice: job.choice,
          });
          if (r.status === 302 || r.status === 303) acked.set(job.member.id, job.choice);
          else {
            failures.set(String(r.status), (failures.get(String(r.status)) ?? 0) + 1);
            queue.push(job);
          }
        } catch {
          failures.set("network", (failures.get("network") ?? 0) + 1);
          queue.push(job); // not acknowledged: the member tries again
          await sleep(100);
        }
        if (!killedAt && acked.size >= 60) {
          killedAt = Date.now();
          ackedAtKill = acked.size;
          a.kill9();
        }
        if (killedAt && !restart && acked.size >= ackedAtKill + 50) {
          const t = Date.now();
          await a.waitExit(5000);
          restart = a.start().then(() => {
            restartedMs = Date.now() - t;
          });
        }
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));
    if (!restart) {
      await a.waitExit(5000);
      restart = a.start();
    }
    await restart;
    // The restarted instance serves again: 50 members change their minds through it.
    let changed = 0;
    await Promise.all(
      world.members.slice(0, 50).map(async (member, i) => {
        const choice = CHOICES[(i + 1) % 3]!;
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            const r = await send(a.url, member, `/proposals/${world.proposalId}`, { intent: "ballot", voteId: world.voteId, choice });
            if (r.status === 302 || r.status === 303) {
              acked.set(member.id, choice);
              changed++;
              return;
            }
          } catch {
            // tried again
          }
          await sleep(200);
        }
      }),
    );
    ctx.measure("ballots changed through the restarted instance", `${changed} of 50`);
    ctx.check(changed === 50, `${50 - changed} ballot changes through the restarted instance were not answered`);
    ctx.measure("ballots acknowledged before the kill", ackedAtKill);
    ctx.measure("unacknowledged attempts (tried again)", JSON.stringify(Object.fromEntries(failures)));
    ctx.measure("instance A started again in", `${restartedMs} ms`);
    ctx.check(a.exitSignal === null && a.alive, "instance A is not running again");

    const rows = await db.select().from(ballots).where(eq(ballots.voteId, world.voteId));
    const [{ n, members }] = (await db
      .select({ n: count(), members: countDistinct(ballots.userId) })
      .from(ballots)
      .where(eq(ballots.voteId, world.voteId))) as [{ n: number; members: number }];
    const lost = [...acked].filter(([id, choice]) => rows.find((r) => r.userId === id)?.choice !== choice);
    ctx.measure("ballots acknowledged / rows / distinct members", `${acked.size} / ${n} / ${members}`);
    ctx.check(acked.size === 200, `${200 - acked.size} members never got an answer`);
    ctx.check(lost.length === 0, `${lost.length} acknowledged ballots are missing or changed`);
    ctx.check(Number(n) === Number(members), "a member has more than one ballot");

    // Close the vote: its deadline passes and the closer counts.
    await db
      .update(votes)
      .set({ closesAt: sql`now() - interval '1 second'` })
      .where(eq(votes.id, world.voteId));
    await closeDueVotes(db);
    const [vote] = await db.select().from(votes).where(eq(votes.id, world.voteId));
    const byChoice = (c: string) => rows.filter((r) => r.choice === c).length;
    ctx.measure(
      "closing tally (for/against/abstain)",
      `${vote!.forCount}/${vote!.againstCount}/${vote!.abstainCount} (rows ${byChoice("for")}/${byChoice("against")}/${byChoice("abstain")})`,
    );
    ctx.check(vote!.status === "closed", "the vote did not close");
    ctx.check(
      vote!.forCount === byChoice("for") && vote!.againstCount === byChoice("against") && vote!.abstainCount === byChoice("abstain"),
      "the closing tally differs from the ballot rows",
    );
    await world.database.close();
  },
};

/** Readers connected through a load balancer; the instance half of them are on dies. */
const instanceDies: Drill = {
  name: "an instance dies: its readers reconnect to the other and catch up",
  async run(ctx) {
    const world = await buildWorld(ctx.databaseUrl, 12);
    await ctx.startInstances();
    const { a, b } = ctx;
    const balancer = await startBalancer(() => [a, b]);
    try {
      const readers = Array.from({ length: 16 }, () => follow(balancer.url, world.threadId));
      await waitFor(() => readers.every((r) => r.socket.connected), 15_000, "readers connected");
      const posters = world.members.slice(1, 11).map((m) => new Poster(world.threadId, m));
      let running = true;
      const postLoop = async (poster: Poster, n: number) => {
        const pending: string[] = [];
        for (let i = 0; (running && i < 6) || pending.length; i++) {
          if (running && i < 6) pending.push(`drill-die-${n}-${i}`);
          const key = pending[0]!;
          await poster.post(b.alive ? b.url : a.url, key, `پیام ${key}`);
          if (poster.acked.has(key)) pending.shift();
          await sleep(3500);
        }
      };
      const work = posters.map((p, n) => postLoop(p, n));
      await sleep(4000);
      const disconnectsBefore = readers.reduce((s, r) => s + r.disconnects, 0);
      const killedAt = Date.now();
      a.kill9();
      await waitFor(
        () => readers.every((r) => r.socket.connected) && readers.reduce((s, r) => s + r.disconnects, 0) > disconnectsBefore,
        15_000,
        "readers back",
      ).catch(() => {});
      const dropped = readers.reduce((s, r) => s + r.disconnects, 0) - disconnectsBefore;
      ctx.measure(
        "readers dropped by the kill / reconnected to B",
        `${dropped} / ${readers.filter((r) => r.socket.connected).length} of ${readers.length}`,
      );
      ctx.measure("all readers connected again after", `${Date.now() - killedAt} ms`);
      ctx.check(dropped > 0, "no reader was on the killed instance (the balancer did not spread them)");
      await Promise.race([Promise.all(work), sleep(90_000)]);
      running = false;
      await checkMessages(ctx, world, posters);
      await checkReaders(ctx, world, readers, "readers");
      for (const r of readers) r.close();
    } finally {
      await balancer.close();
      await world.database.close();
    }
  },
};

/** 100 random client disconnects while others post. */
const randomDisconnects: Drill = {
  name: "100 random client disconnects while others post",
  async run(ctx) {
    const world = await buildWorld(ctx.databaseUrl, 16);
    await ctx.startInstances();
    const { a, b } = ctx;
    const readers = Array.from({ length: 24 }, (_, i) => follow(i % 2 ? b.url : a.url, world.threadId));
    await waitFor(() => readers.every((r) => r.socket.connected), 15_000, "readers connected");
    const posters = world.members.slice(1, 16).map((m) => new Poster(world.threadId, m));
    const random = mulberry32(9);
    let writing = true;
    const postLoop = async (poster: Poster, n: number) => {
      const pending: string[] = [];
      for (let i = 0; (writing && i < 8) || pending.length; i++) {
        if (writing && i < 8) pending.push(`drill-drop-${n}-${i}`);
        const key = pending[0]!;
        await poster.post(i % 2 ? a.url : b.url, key, `پیام ${key}`);
        if (poster.acked.has(key)) pending.shift();
        await sleep(3400);
      }
    };
    const work = Promise.all(posters.map((p, n) => postLoop(p, n))).then(() => {
      writing = false;
    });
    let drops = 0;
    const deadline = Date.now() + 60_000;
    while (drops < 100 && Date.now() < deadline) {
      const reader = readers[Math.floor(random() * readers.length)]!;
      if (reader.socket.connected) {
        drops++;
        reader.socket.disconnect();
        const away = 20 + Math.floor(random() * 400);
        setTimeout(() => reader.socket.connect(), away);
      }
      await sleep(60 + Math.floor(random() * 200));
    }
    await work;
    ctx.measure("client disconnects", drops);
    ctx.check(drops === 100, `only ${drops} disconnects happened`);
    await waitFor(() => readers.every((r) => r.socket.connected), 10_000, "readers connected again").catch(() => {});
    await checkMessages(ctx, world, posters);
    await checkReaders(ctx, world, readers, "readers");
    for (const r of readers) r.close();
    await world.database.close();
  },
};

export const drills: Drill[] = [databaseRestart, voteStormKill, instanceDies, randomDisconnects, backupRestore, redisRestart];
