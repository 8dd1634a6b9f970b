import { describe, expect, it } from "vitest";
import type { Logger } from "../utils/logger.server";
import { DatabaseHealth, isDatabaseUnavailableError } from "./database-health.server";

const quiet = { error() {}, info() {}, warn() {}, fatal() {} } as unknown as Logger;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("telling an unreachable database from a wrong query", () => {
  it("knows connection errors by code, through drizzle's wrapping cause", () => {
    for (const error of [
      coded("ECONNREFUSED"),
      coded("ECONNRESET"),
      coded("CONNECTION_CLOSED"),
      coded("CONNECT_TIMEOUT"),
      coded("57P01", "terminating connection due to administrator command"),
      coded("57P03", "the database system is starting up"),
      coded("08006"),
      Object.assign(new Error("Failed query: select 1"), { cause: coded("CONNECTION_DESTROYED") }),
      new Error("Connection terminated unexpectedly"),
    ]) {
      expect(isDatabaseUnavailableError(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
    }
  });

  it("leaves query errors and bugs alone", () => {
    for (const error of [
      coded("23505"),
      coded("22P02"),
      coded("40P01"),
      new TypeError("x is undefined"),
      null,
      undefined,
      "ECONNREFUSED",
      {},
    ]) {
      expect(isDatabaseUnavailableError(error)).toBe(false);
    }
  });
});

describe("the database health state", () => {
  it("turns unavailable on a connection error, pings until the database answers, and turns available again", async () => {
    let up = false;
    let pings = 0;
    const health = new DatabaseHealth({
      logger: quiet,
      recheckMs: 10,
      ping: async () => {
        pings++;
        if (!up) throw coded("ECONNREFUSED");
      },
    });
    const changes: string[] = [];
    health.onChange((status) => changes.push(status));
    expect(health.report(coded("23505"))).toBe(false);
    expect(health.status).toBe("ok");
    expect(health.report(coded("ECONNREFUSED"))).toBe(true);
    expect(health.status).toBe("unavailable");
    const deadline = Date.now() + 5000;
    while (pings < 3 && Date.now() < deadline) await sleep(5);
    expect(health.status).toBe("unavailable");
    up = true;
    while (health.status !== "ok" && Date.now() < deadline) await sleep(5);
    expect(health.status).toBe("ok");
    expect(changes).toEqual(["unavailable", "ok"]);
    // Once available, it stops asking.
    const settled = pings;
    await sleep(60);
    expect(pings).toBe(settled);
    health.close();
  });

  it("takes a connection error of unknown origin as a reason to ping, not as an outage", async () => {
    // A rejection nobody awaited may be Redis's (its socket reset while Redis restarts): the
    // database answers the ping, so pages keep being served.
    let up = true;
    let pings = 0;
    const health = new DatabaseHealth({
      logger: quiet,
      recheckMs: 10,
      ping: async () => {
        pings++;
        if (!up) throw coded("ECONNREFUSED");
      },
    });
    expect(health.suspect(coded("23505"))).toBe(false);
    expect(pings).toBe(0);
    expect(health.suspect(coded("ECONNRESET"))).toBe(true);
    expect(health.status).toBe("ok");
    const deadline = Date.now() + 5000;
    while (pings < 1 && Date.now() < deadline) await sleep(5);
    await sleep(20);
    expect(health.status).toBe("ok");
    // The same error while the database is really gone: the ping fails and the state turns.
    up = false;
    health.suspect(coded("ECONNRESET"));
    while (health.status !== "unavailable" && Date.now() < deadline) await sleep(5);
    expect(health.status).toBe("unavailable");
    up = true;
    while (health.status !== "ok" && Date.now() < deadline) await sleep(5);
    expect(health.status).toBe("ok");
    health.close();
  });

  it("counts a ping that hangs as a failure", async () => {
    const health = new DatabaseHealth({ logger: quiet, pingTimeoutMs: 30, ping: () => new Promise(() => {}) });
    const check = await health.check();
    expect(check.ok).toBe(false);
    expect(health.status).toBe("unavailable");
    health.close();
  });
});
