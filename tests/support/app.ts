import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createAppServer, type AppServer } from "../../app/server/app-server.server";
import { loadEnv, type Env } from "../../app/utils/env.server";
import type { SmsSender } from "../../app/utils/sms.server";
import { attachTestDatabase, createTestDatabase, type Backend, type TestDatabase } from "./database";

const root = path.resolve(import.meta.dirname, "..", "..");

/** Keeps every text message so a test can read the code a person would have received. */
export class CapturingSms implements SmsSender {
  readonly name = "capture";
  messages: { to: string; text: string; at: number }[] = [];
  failNext = false;
  async send(to: string, text: string) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("gateway down");
    }
    this.messages.push({ to, text, at: Date.now() });
  }
  lastTo(phone: string) {
    return [...this.messages].reverse().find((m) => m.to === phone) ?? null;
  }
  lastCode(phone: string): string | null {
    const text = this.lastTo(phone)?.text ?? "";
    const digits = text.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).match(/\b\d{6}\b/);
    return digits ? digits[0] : null;
  }
}

export interface TestApp {
  baseUrl: string;
  server: AppServer;
  database: TestDatabase;
  sms: CapturingSms;
  env: Env;
  close(): Promise<void>;
}

let buildPromise: Promise<ServerBuild> | undefined;
export function loadBuild() {
  buildPromise ??= import(pathToFileURL(path.join(root, "build", "index.js")).href) as Promise<ServerBuild>;
  return buildPromise;
}

export interface StartOptions {
  /**
   * Start a further instance on this app's PostgreSQL database (as behind a load balancer): the
   * database is neither created nor dropped by it, only connected to.
   */
  sameDatabaseAs?: TestDatabase;
}

/** The real server (Express + Remix + socket.io) on a free loopback port with a fresh database. */
export async function startTestApp(backend: Backend, overrides: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const database = options.sameDatabaseAs ? await attachTestDatabase(options.sameDatabaseAs) : await createTestDatabase(backend);
  const env = loadEnv({
    NODE_ENV: "test",
    SESSION_SECRET: "test-secret-that-is-long-enough-0123456789",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DATA_DIR: path.join(root, "data", "test"),
    TRUST_PROXY: "1",
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...overrides,
  });
  const sms = new CapturingSms();
  const build = await loadBuild();
  const server = await createAppServer({
    env,
    database,
    sms,
    getBuild: () => build,
    publicDir: path.join(root, "public"),
    mode: "production",
  });
  const port = await server.listen(0, "127.0.0.1");
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    database,
    sms,
    env,
    close: async () => {
      await server.close();
      await database.destroy().catch(() => {});
    },
  };
}
