import { count, eq } from "drizzle-orm";
import { startLocalCluster, type LocalCluster } from "../../scripts/cluster/local-cluster";
import { ballots, threadMessages } from "../../db/schema";
import { checkMessages, checkReaders } from "./drills";
import type { Drill } from "./run";
import { DRILL_SECRET } from "./instance";
import { buildWorld, follow, Poster, sleep, waitFor, type Member, type Reader } from "./world";

const CHOICES = ["for", "against", "abstain"] as const;
const POSTERS = 10;
const POSTS_EACH = 5;
const VOTERS = 100;

/** One request through the balancer, as a member's browser sends it; `instance` pins it with the stickiness cookie. */
async function through(cluster: LocalCluster, member: Member | null, path: string, fields?: Record<string, string>, instance?: string) {
  const cookies = [member?.cookie, instance ? `mahalleh_instance=${instance}` : undefined].filter(Boolean);
  const headers: Record<string, string> = {};
  if (cookies.length) headers.cookie = cookies.join("; ");
  if (fields) {
    headers.origin = cluster.url;
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  const response = await fetch(cluster.url + path, {
    method: fields ? "POST" : "GET",
    redirect: "manual",
    headers,
    body: fields ? new URLSearchParams(fields).toString() : undefined,
    signal: AbortSignal.timeout(20_000),
  });
  await response.arrayBuffer();
  return { status: response.status, servedBy: response.headers.get("x-served-by") };
}

/** Sum of a Prometheus series over instances' /metrics texts, for the samples whose labels include `labels`. */
function sample(texts: string[], name: string, labels: Record<string, string | RegExp> = {}) {
  let total = 0;
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ([\d.eE+-]+|NaN)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => (typeof v === "string" ? have[k] === v : v.test(have[k] ?? "")))) total += Number(m[3]);
    }
  }
  return total;
}

/** An answer's label: a 503 from an instance (it sheds load; the client tries again) is told from HAProxy's own. */
function label(answer: { status: number; servedBy: string | null }) {
  return answer.status === 503 && !answer.servedBy ? "503 from HAProxy" : String(answer.status);
}

/** Why a request got no answer: a time-out, or the connection's own error code. */
function failure(error: unknown) {
  const e = error as Error & { cause?: { code?: string } };
  return e.name === "TimeoutError" ? "timeout" : `network ${e.cause?.code ?? e.message}`;
}

/**
 * The production-shaped cluster (`npm run cluster`: HAProxy, PgBouncer in transaction mode, two
 * instances) on this drill's PostgreSQL. First a reader whose socket HAProxy keeps on one instance
 * gets a message posted through the other; then the instances are restarted one at a time while
 * readers follow the discussion (over WebSocket and over long-polling, which needs the stickiness
 * cookie), 10 people post 50 messages, 100 people vote and visitors read pages. Fails on any
 * acknowledged write missing or doubled, any reader missing an event or getting one twice, any
 * answer from the balancer that a drain should have prevented (502, 504), or a reader left behind.
 */
const rollingRestart: Drill = {
  name: "rolling restart behind HAProxy and PgBouncer",
  timeoutMs: 300_000,
  async run(ctx) {
    const world = await buildWorld(ctx.databaseUrl, 1 + POSTERS + VOTERS, { secureCookie: true });
    const cluster = await startLocalCluster({
      instances: 2,
      databaseUrl: ctx.databaseUrl,
      env: { SESSION_SECRET: DRILL_SECRET, LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? "info", PAGE_CACHE_MS: "1000" },
    });
    const readers: Reader[] = [];
    try {
      // 1. A socket through the balancer, kept on app1 by the stickiness cookie; a message posted
      //    through the balancer and served by app2 reaches it.
      const pinned = follow(cluster.url, world.threadId, { cookie: "mahalleh_instance=app1" });
      readers.push(pinned);
      await waitFor(() => pinned.socket.connected, 15_000, "the pinned reader connected");
      const stats = await cluster.stats();
      const on = (name: string) => stats.find((s) => s.name === name)?.current ?? -1;
      ctx.measure("open connections on app1 / app2 with the pinned socket", `${on("app1")} / ${on("app2")}`);
      ctx.check(on("app1") >= 1 && on("app2") === 0, "the pinned socket is not (only) on app1");
      const firstPoster = new Poster(world.threadId, world.members[0]!);
      const sentAt = Date.now();
      const posted = await through(
        cluster,
        world.members[0]!,
        `/threads/${world.threadId}`,
        { intent: "post", body: "پیام از نمونه دیگر", clientKey: "cross-instance" },
        "app2",
      );
      if (posted.status === 302 || posted.status === 303) firstPoster.acked.add("cross-instance");
      ctx.measure("the post went through", `${posted.servedBy} (${posted.status})`);
      ctx.check(
        posted.servedBy === "app2" && firstPoster.acked.has("cross-instance"),
        `the post was not answered by app2 (${posted.servedBy}, ${posted.status})`,
      );
      await waitFor(() => pinned.applied.length >= 1, 10_000, "the event on the reader of app1").catch(() => {});
      ctx.measure("posted through app2 → on the socket of app1", pinned.applied.length >= 1 ? `${Date.now() - sentAt} ms` : "never");
      ctx.check(pinned.applied[0] === 1, "the reader on app1 did not get the message posted through app2");

      // 2. Readers through the balancer: WebSocket, and long-polling with the cookie jar.
      for (let i = 0; i < 6; i++) readers.push(follow(cluster.url, world.threadId));
      for (let i = 0; i < 4; i++) readers.push(follow(cluster.url, world.threadId, { polling: true }));
      await waitFor(() => readers.every((r) => r.socket.connected), 20_000, "readers connected");
      await waitFor(() => readers.every((r) => r.applied.length >= 1), 10_000, "readers caught up").catch(() => {});
      const spread = await cluster.stats();
      ctx.measure("open connections per instance before the roll", spread.map((s) => `${s.name} ${s.current}`).join(", "));
      const disconnectsBefore = readers.map((r) => r.disconnects);

      let rolling = true;
      const answers = new Map<string, number>();
      const tally = (what: string, status: number | string) =>
        answers.set(`${what} ${status}`, (answers.get(`${what} ${status}`) ?? 0) + 1);
      const visitor = async (n: number) => {
        while (rolling) {
          try {
            tally("GET", label(await through(cluster, null, n % 2 ? `/proposals/${world.proposalId}` : `/threads/${world.threadId}`)));
          } catch (error) {
            tally("GET", failure(error));
          }
          await sleep(150);
        }
      };
      // 50 messages: 10 people, 5 each, about 5 s apart (the burst limit is 6 per 20 s), each
      // sent again with the same key until it is acknowledged.
      const posters = world.members.slice(1, 1 + POSTERS).map((m) => new Poster(world.threadId, m));
      const postLoop = async (poster: Poster, n: number) => {
        await sleep(n * 500);
        for (let i = 0; i < POSTS_EACH; i++) {
          const key = `roll-${n}-${i}`;
          for (let attempt = 0; !poster.acked.has(key) && attempt < 40; attempt++) {
            const status = await poster.post(cluster.url, key, `پیام ${key} در راه‌اندازی دوباره`);
            tally("POST message", status);
            if (!poster.acked.has(key)) await sleep(1000);
          }
          await sleep(5000);
        }
      };
      // 100 ballots, spread over the roll, each sent again until acknowledged.
      const voters = world.members.slice(1 + POSTERS, 1 + POSTERS + VOTERS);
      const ackedBallots = new Map<string, string>();
      const voteLoop = async (member: Member, n: number) => {
        await sleep(n * 250);
        const choice = CHOICES[n % 3]!;
        for (let attempt = 0; !ackedBallots.has(member.id) && attempt < 40; attempt++) {
          try {
            const r = await through(cluster, member, `/proposals/${world.proposalId}`, { intent: "ballot", voteId: world.voteId, choice });
            tally("POST ballot", label(r));
            if (r.status === 302 || r.status === 303) ackedBallots.set(member.id, choice);
          } catch (error) {
            tally("POST ballot", failure(error));
          }
          if (!ackedBallots.has(member.id)) await sleep(1000);
        }
      };
      const visitors = [0, 1, 2].map(visitor);
      const writes = Promise.all([...posters.map((p, n) => postLoop(p, n)), ...voters.map((m, n) => voteLoop(m, n))]);

      await sleep(2000);
      const rollStarted = Date.now();
      const steps = await cluster.roll();
      for (const s of steps) {
        ctx.measure(
          `${s.instance} restarted`,
          `drained and stopped in ${s.drainMs} ms, started in ${s.startMs} ms, back in rotation after ${s.backInRotationMs} ms`,
        );
      }
      ctx.measure("the rolling restart took", `${Date.now() - rollStarted} ms`);
      await Promise.race([writes, sleep(120_000)]);
      rolling = false;
      await Promise.all(visitors);

      for (const instance of cluster.instances) {
        ctx.check(instance.alive, `${instance.name} is not running after the roll:\n${instance.logTail(20)}`);
      }
      ctx.measure("answers during the roll", JSON.stringify(Object.fromEntries([...answers].sort())));
      // A request that took longer than the client waited (a busy machine) was not acknowledged and
      // is sent again: counted above, not a failure. A dropped connection or HAProxy's own error is.
      const broken = [...answers].filter(([k]) => / (500|502|504|503 from HAProxy|network.*)$/.test(k));
      ctx.check(broken.length === 0, `answers a drain should have prevented: ${broken.map(([k, n]) => `${k} ×${n}`).join(", ")}`);

      // Everyone acknowledged is stored once; nothing is stored twice.
      await checkMessages(ctx, world, [firstPoster, ...posters]);
      const [{ n: messages }] = (await world.database.db
        .select({ n: count() })
        .from(threadMessages)
        .where(eq(threadMessages.threadId, world.threadId))) as [{ n: number }];
      ctx.check(Number(messages) === 1 + POSTERS * POSTS_EACH, `${messages} messages stored, ${1 + POSTERS * POSTS_EACH} posted`);
      const stored = await world.database.db.select().from(ballots).where(eq(ballots.voteId, world.voteId));
      const wrong = [...ackedBallots].filter(([id, choice]) => stored.find((s) => s.userId === id)?.choice !== choice);
      ctx.measure("ballots acknowledged / stored", `${ackedBallots.size} / ${stored.length}`);
      ctx.check(ackedBallots.size === VOTERS, `${VOTERS - ackedBallots.size} voters never got an answer`);
      ctx.check(
        stored.length === VOTERS && wrong.length === 0,
        `${wrong.length} acknowledged ballots missing or changed, ${stored.length} stored`,
      );

      // Every reader was moved (both instances restarted) and ends with every event once, in order.
      await waitFor(() => readers.every((r) => r.socket.connected), 20_000, "readers connected after the roll").catch(() => {});
      const moved = readers.filter((r, i) => r.disconnects > disconnectsBefore[i]!).length;
      ctx.measure(
        "readers moved to another instance / connected at the end",
        `${moved} / ${readers.filter((r) => r.socket.connected).length} of ${readers.length}`,
      );
      ctx.check(moved === readers.length, `${readers.length - moved} readers were never moved (an instance did not close its sockets)`);
      await checkReaders(ctx, world, readers, "readers through HAProxy (WebSocket and long-polling)");

      // 3. What the instances' /metrics count (loopback may read them): 10 more messages and 10
      //    changed ballots through the balancer, each delivered live to every reader.
      const scrape = () =>
        Promise.all(cluster.instances.map(async (i) => (await fetch(`${i.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()));
      const before = await scrape();
      const more = voters.slice(0, 10).map((m) => new Poster(world.threadId, m));
      await Promise.all(
        more.map(async (poster, n) => {
          for (let attempt = 0; !poster.acked.has(`metrics-${n}`) && attempt < 20; attempt++) {
            await poster.post(cluster.url, `metrics-${n}`, `پیام شمارش ${n}`);
            if (!poster.acked.has(`metrics-${n}`)) await sleep(1000);
          }
        }),
      );
      let changed = 0;
      await Promise.all(
        voters.slice(10, 20).map(async (member, n) => {
          const choice = CHOICES[(n + 11) % 3]!;
          for (let attempt = 0; attempt < 20; attempt++) {
            const r = await through(cluster, member, `/proposals/${world.proposalId}`, {
              intent: "ballot",
              voteId: world.voteId,
              choice,
            }).catch(() => null);
            if (r && (r.status === 302 || r.status === 303)) {
              ackedBallots.set(member.id, choice);
              changed++;
              return;
            }
            await sleep(1000);
          }
        }),
      );
      const acked = more.filter((p, n) => p.acked.has(`metrics-${n}`)).length;
      const readersNow = readers.length;
      await waitFor(
        async () => {
          const now = await scrape();
          return (
            sample(now, "mahalleh_socket_events_delivered_total", { event: "thread:event" }) -
              sample(before, "mahalleh_socket_events_delivered_total", { event: "thread:event" }) >=
            acked * readersNow
          );
        },
        15_000,
        "every message delivered to every reader, by /metrics",
      ).catch(() => {});
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string | RegExp>) => sample(after, name, labels) - sample(before, name, labels);
      const postsCounted = delta("mahalleh_http_requests_total", { route: "routes/threads.$threadId", method: "POST", code: /^30[23]$/ });
      const ballotsCounted = delta("mahalleh_http_requests_total", {
        route: "routes/proposals.$proposalId",
        method: "POST",
        code: /^30[23]$/,
      });
      const published = delta("mahalleh_socket_events_published_total", { event: "thread:event" });
      const delivered = delta("mahalleh_socket_events_delivered_total", { event: "thread:event" });
      const connected = sample(after, "mahalleh_sockets_connected");
      ctx.measure("/metrics: messages acknowledged / counted (POST 3xx, both instances)", `${acked} / ${postsCounted}`);
      ctx.measure("/metrics: ballot changes acknowledged / counted", `${changed} / ${ballotsCounted}`);
      ctx.measure(
        "/metrics: thread events published / delivered (readers × events)",
        `${published} / ${delivered} (${readersNow} × ${acked})`,
      );
      ctx.measure("/metrics: sockets connected (both instances) / readers", `${connected} / ${readersNow}`);
      ctx.check(
        acked === 10 && postsCounted === acked,
        `/metrics counted ${postsCounted} acknowledged messages, ${acked} were acknowledged`,
      );
      ctx.check(
        changed === 10 && ballotsCounted === changed,
        `/metrics counted ${ballotsCounted} acknowledged ballots, ${changed} were acknowledged`,
      );
      ctx.check(
        published === acked && delivered === acked * readersNow,
        `/metrics: ${published} events published and ${delivered} delivered, ${acked} × ${readersNow} expected`,
      );
      ctx.check(connected === readersNow, `/metrics: ${connected} sockets connected, ${readersNow} readers`);
      const stillStored = await world.database.db.select().from(ballots).where(eq(ballots.voteId, world.voteId));
      const changedWrong = [...ackedBallots].filter(([id, choice]) => stillStored.find((s) => s.userId === id)?.choice !== choice);
      ctx.check(
        stillStored.length === VOTERS && changedWrong.length === 0,
        `${changedWrong.length} changed ballots not stored as acknowledged`,
      );
      await checkMessages(ctx, world, [firstPoster, ...posters, ...more]);
      await checkReaders(ctx, world, readers, "readers after the /metrics round");
      const haproxyMetrics = await (await fetch(cluster.haproxyMetricsUrl, { signal: AbortSignal.timeout(10_000) })).text();
      ctx.measure(
        "HAProxy: answers by class through the whole drill (2xx/3xx/4xx/5xx), retries, redispatches",
        `${[2, 3, 4, 5].map((c) => sample([haproxyMetrics], "haproxy_backend_http_responses_total", { proxy: "app", code: `${c}xx` })).join("/")}, ` +
          `${sample([haproxyMetrics], "haproxy_backend_retry_warnings_total", { proxy: "app" })}, ${sample([haproxyMetrics], "haproxy_backend_redispatch_warnings_total", { proxy: "app" })}`,
      );
    } finally {
      for (const r of readers) r.close();
      await cluster.stop();
      await world.database.close();
    }
  },
};

export const clusterDrills: Drill[] = [rollingRestart];
