import type express from "express";
import { describe, expect, it } from "vitest";
import { createDrain } from "./drain.server";

/** A readiness check from a balancer at `address`: the handler answers 503 while draining, then tells the drain. */
function ask(drain: ReturnType<typeof createDrain>, address: string) {
  const status = drain.draining ? 503 : 200;
  drain.asked({ socket: { remoteAddress: address } } as unknown as express.Request);
  return status;
}

describe("draining for a rolling restart", () => {
  it("waits for nothing when no balancer has been asking", async () => {
    const drain = createDrain();
    expect(await drain.begin(5_000)).toEqual({ told: 0, waitedMs: 0 });
    expect(drain.draining).toBe(true);
  });

  it("answers ready until it drains, then 503 — and is done once every balancer that asked has heard", async () => {
    const drain = createDrain();
    expect(ask(drain, "10.0.0.1")).toBe(200);
    expect(ask(drain, "10.0.0.2")).toBe(200);
    let done = false;
    const begun = drain.begin(5_000).then((r) => {
      done = true;
      return r;
    });
    expect(ask(drain, "10.0.0.1")).toBe(503);
    await Promise.resolve();
    expect(done).toBe(false);
    expect(ask(drain, "10.0.0.2")).toBe(503);
    expect((await begun).told).toBe(2);
  });

  it("goes back into rotation when draining is called off", async () => {
    const drain = createDrain();
    ask(drain, "10.0.0.1");
    const begun = drain.begin(5_000);
    drain.cancel();
    expect(drain.draining).toBe(false);
    expect((await begun).told).toBe(0);
  });

  it("stops waiting after the bound when a balancer never asks again", async () => {
    const drain = createDrain();
    ask(drain, "10.0.0.1");
    const result = await drain.begin(50);
    expect(result.told).toBe(0);
    expect(result.waitedMs).toBeGreaterThanOrEqual(40);
  });

  it("asks keep-alive connections to close while draining", () => {
    const drain = createDrain();
    const headers: Record<string, string> = {};
    const res = { set: (k: string, v: string) => (headers[k] = v) } as unknown as express.Response;
    drain.closeConnections({} as express.Request, res, () => {});
    expect(headers.Connection).toBeUndefined();
    void drain.begin(0);
    drain.closeConnections({} as express.Request, res, () => {});
    expect(headers.Connection).toBe("close");
  });
});
