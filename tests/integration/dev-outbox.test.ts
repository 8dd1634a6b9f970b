import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsOutbox } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";

/**
 * /dev/outbox holds verification and password-reset codes: outside production it answers the
 * machine itself (loopback) only, whatever X-Forwarded-For says.
 */

const CODE = "۴۸۲۹۱۷";

/** A non-loopback address of this machine, if it has one. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

/**
 * Accepts connections on this machine's own non-loopback address and hands them to the app's HTTP
 * server, so the app sees a peer that is not loopback (as a visitor from the network would be).
 */
async function lanEntrance(app: TestApp, address: string) {
  const server = net.createServer((socket) => app.server.httpServer.emit("connection", socket));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://${address}:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(BACKENDS)("the development outbox (%s)", (backend) => {
  let app: TestApp;
  let strict: TestApp;

  beforeAll(async () => {
    // NODE_ENV=test, the local SMS provider: the outbox exists. The first app trusts one proxy hop.
    app = await startTestApp(backend);
    await app.database.db.insert(smsOutbox).values({ toPhone: "+989121234567", body: `کد بازیابی رمز: ${CODE}` });
    // The second trusts no proxy (TRUST_PROXY=0, the default).
    strict = await startTestApp(backend, { TRUST_PROXY: "0" });
    await strict.database.db.insert(smsOutbox).values({ toPhone: "+989121234567", body: `کد بازیابی رمز: ${CODE}` });
  }, 60_000);
  afterAll(async () => {
    await strict?.close();
    await app?.close();
  });

  it("shows the codes to a client on the machine itself", async () => {
    const page = await fetch(`${app.baseUrl}/dev/outbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(CODE);
    expect(await (await fetch(`${app.baseUrl}/`)).text()).toContain('href="/dev/outbox"');
  });

  it("answers 404, without a code or a link, to a client elsewhere on the network (behind the trusted proxy)", async () => {
    const headers = { "x-forwarded-for": "203.0.113.9" };
    for (const path of ["/dev/outbox", "/DEV/Outbox", "/dev/outbox/", "/dev/outbox.data", "/dev/outbox?_data=routes%2Fdev.outbox"]) {
      const response = await fetch(`${app.baseUrl}${path}`, { headers });
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain(CODE);
    }
    expect(await (await fetch(`${app.baseUrl}/`, { headers })).text()).not.toContain('href="/dev/outbox"');
  });

  it("ignores X-Forwarded-For when no proxy is trusted: a loopback claim from the network is refused", async () => {
    // From the machine itself, a forwarded-for header changes nothing (it is not trusted).
    const local = await fetch(`${strict.baseUrl}/dev/outbox`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(local.status).toBe(200);
    if (!lanAddress) return; // no network interface to come from
    const entrance = await lanEntrance(strict, lanAddress);
    try {
      for (const claim of [undefined, "127.0.0.1", "::1"]) {
        const response = await fetch(`${entrance.url}/dev/outbox`, {
          headers: claim ? { "x-forwarded-for": claim, connection: "close" } : { connection: "close" },
        });
        expect(response.status, String(claim)).toBe(404);
        expect(await response.text()).not.toContain(CODE);
      }
    } finally {
      await entrance.close();
    }
  });

  it("behind the trusted proxy, a visitor claiming loopback from the network is refused too", async () => {
    if (!lanAddress) return;
    const entrance = await lanEntrance(app, lanAddress);
    try {
      const response = await fetch(`${entrance.url}/dev/outbox`, { headers: { "x-forwarded-for": "127.0.0.1", connection: "close" } });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(CODE);
    } finally {
      await entrance.close();
    }
  });
});
