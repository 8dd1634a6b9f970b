/**
 * An offered rate with evenly spaced arrivals: request i is due at start + i / rate, whatever the
 * server is doing (an open loop), over at most `connections` keep-alive connections. Each latency
 * is counted from the moment the request was due, not from when a free connection let it leave, so
 * a server that falls behind pays for the queue it causes (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection its share per second and lets it
 * send that share at once at the start of each second, and the connections start together. At
 * 200/s over 100 connections that is 200 requests arriving together once a second: the p99 then
 * measures how long a burst of 200 takes to clear (about 350 ms for a bare handler serving 600/s
 * here), not the latency at a steady 200/s.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface PacedResult {
  offered: number;
  /** Answered 2xx per second of the run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  /** Other statuses, errors, timeouts, and requests not answered when the run ended. */
  failed: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;

export async function paced(
  url: string,
  opts: { rate: number; seconds: number; connections: number; headers?: Record<string, string>; timeoutMs?: number },
): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.seconds);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let settled = 0;
  const start = performance.now() + 50;

  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const done = (success: boolean) => {
        if (success) {
          ok++;
          latencies.push(performance.now() - due);
        } else failed++;
        settled++;
        resolve();
      };
      const request = http.get(url, { agent, headers: opts.headers, timeout: timeoutMs }, (response) => {
        response.on("data", () => {});
        response.on("end", () => done((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300));
        response.on("error", () => done(false));
      });
      request.on("timeout", () => request.destroy(new Error("timeout")));
      request.on("error", () => done(false));
    });

  const pending: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / opts.rate <= now) {
        pending.push(send(start + (next * 1000) / opts.rate));
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
  });
  // Whatever is still out gets until its own timeout.
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, timeoutMs + 1000))]);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    offered: opts.rate,
    rps: ok / opts.seconds,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    ok,
    failed: failed + (total - settled),
  };
}
