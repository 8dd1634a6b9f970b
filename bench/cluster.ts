/**
 * The cluster row of `npm run bench`: throughput through HAProxy (and PgBouncer) with two
 * instances in rotation against one, in the same run, on the bench's generated city. The second
 * instance is taken out and put back with HAProxy's runtime API, so both measurements share the
 * same processes, pools and warm caches. Every request is rendered (a cookie other than the
 * language keeps the one-second copy of a public page from being used).
 * On a machine of two cores the load generator, HAProxy, PgBouncer and PostgreSQL share the cores
 * with the instances: the ratio shows what a second instance adds there, not on separate machines.
 */
import autocannon from "autocannon";
import { haproxyCommand, startLocalCluster } from "../scripts/cluster/local-cluster";
import type { BenchContext } from "./types";

export interface ClusterBenchResult {
  oneInstanceRps: number;
  twoInstancesRps: number;
  /** two ÷ one */
  ratio: number;
  oneInstanceP99: number;
  twoInstancesP99: number;
  /** Errors, timeouts and non-2xx answers over all runs. */
  failed: number;
}

export async function runClusterBench(context: BenchContext): Promise<ClusterBenchResult | string> {
  if (context.db !== "postgres" || !context.databaseUrl) return "not measured (PGlite serves one process)";
  const cluster = await startLocalCluster({
    instances: 2,
    databaseUrl: context.databaseUrl,
    env: { LOG_LEVEL: "warn" },
    log: (line) => context.log(`cluster: ${line}`),
  });
  try {
    const load = async () => {
      const result = await autocannon({
        url: `${cluster.url}/proposals`,
        // Twice an instance's MAX_INFLIGHT (10): one instance queues the rest briefly instead of
        // shedding them, so the ratio compares work done, not refusals.
        connections: 20,
        duration: Math.max(5, context.durationSeconds),
        headers: { cookie: "bench=cluster" },
        timeout: 10,
      });
      return { rps: result["2xx"] / result.duration, p99: result.latency.p99, failed: result.errors + result.timeouts + result.non2xx };
    };
    const setApp2 = async (state: "ready" | "maint") => {
      await haproxyCommand(cluster.statsSocket, `set server app/app2 state ${state}`);
      if (state === "ready") await cluster.waitInRotation(["app1", "app2"]);
    };
    // Warm-up through both, then alternate: one, two, one, two (the mean of two runs each).
    await load();
    const one: Awaited<ReturnType<typeof load>>[] = [];
    const two: Awaited<ReturnType<typeof load>>[] = [];
    for (let round = 0; round < 2; round++) {
      await setApp2("maint");
      one.push(await load());
      await setApp2("ready");
      two.push(await load());
      context.log(`cluster round ${round + 1}: one instance ${one.at(-1)!.rps.toFixed(0)}/s, two ${two.at(-1)!.rps.toFixed(0)}/s`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const oneRps = mean(one.map((r) => r.rps));
    const twoRps = mean(two.map((r) => r.rps));
    return {
      oneInstanceRps: oneRps,
      twoInstancesRps: twoRps,
      ratio: oneRps > 0 ? twoRps / oneRps : 0,
      oneInstanceP99: Math.max(...one.map((r) => r.p99)),
      twoInstancesP99: Math.max(...two.map((r) => r.p99)),
      failed: [...one, ...two].reduce((n, r) => n + r.failed, 0),
    };
  } finally {
    await cluster.stop();
  }
}
