import { describe, expect, it } from "vitest";
import { isLoopbackAddress, isLoopbackClient, mayReadOutbox, warnIfServedBeyondLoopback } from "./dev-outbox.server";
import type { Logger } from "../utils/logger.server";

function capturingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (_obj: unknown, msg: string) => warnings.push(msg) } as unknown as Logger };
}

describe("the development outbox is for the machine itself", () => {
  it("knows loopback addresses, and nothing else, as loopback", () => {
    for (const a of ["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ["10.0.0.1", "192.0.2.2", "::ffff:10.0.0.1", "0.0.0.0", "::", "127.0.0.1.evil", "fd00::2", "", undefined]) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });

  it("needs both the real peer and the proxy-aware client address to be loopback", () => {
    expect(isLoopbackClient({ socketAddress: "127.0.0.1", clientIp: "127.0.0.1" })).toBe(true);
    // A visitor behind a reverse proxy on the same machine.
    expect(isLoopbackClient({ socketAddress: "127.0.0.1", clientIp: "203.0.113.9" })).toBe(false);
    // A visitor claiming loopback in a header the server trusts.
    expect(isLoopbackClient({ socketAddress: "192.0.2.2", clientIp: "127.0.0.1" })).toBe(false);
  });

  it("never exists in production or with a real SMS gateway", () => {
    expect(mayReadOutbox({ NODE_ENV: "development", SMS_PROVIDER: "local" }, true)).toBe(true);
    expect(mayReadOutbox({ NODE_ENV: "development", SMS_PROVIDER: "local" }, false)).toBe(false);
    expect(mayReadOutbox({ NODE_ENV: "production", SMS_PROVIDER: "local" }, true)).toBe(false);
    expect(mayReadOutbox({ NODE_ENV: "development", SMS_PROVIDER: "http" }, true)).toBe(false);
  });

  it("warns loudly at start when a development-mode server listens beyond loopback", () => {
    for (const host of ["0.0.0.0", "::", "192.0.2.2"]) {
      const { warnings, logger } = capturingLogger();
      expect(warnIfServedBeyondLoopback({ NODE_ENV: "development" }, host, logger)).toBe(true);
      expect(warnings[0]).toMatch(/NOT IN PRODUCTION MODE BUT LISTENING BEYOND LOOPBACK/);
    }
    for (const [env, host] of [
      ["development", "127.0.0.1"],
      ["development", "localhost"],
      ["test", "::1"],
      ["production", "0.0.0.0"],
    ] as const) {
      const { warnings, logger } = capturingLogger();
      expect(warnIfServedBeyondLoopback({ NODE_ENV: env }, host, logger)).toBe(false);
      expect(warnings).toEqual([]);
    }
  });
});
