import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  /**
   * A direct connection to the same database, for what a transaction-mode pooler (PgBouncer)
   * cannot carry: migrations and their advisory lock, and the socket.io adapter's LISTEN.
   * Defaults to DATABASE_URL. When it differs, DATABASE_URL is taken to go through such a pooler
   * and the app sends no prepared statements on it.
   */
  DATABASE_DIRECT_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Optional second PostgreSQL for reads that may be a little behind (a streaming replica):
   * public lists for visitors without a session now; analytics, open data and search later.
   */
  DATABASE_READ_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  /** Redis for socket.io between instances (the Redis streams adapter); unset: PostgreSQL's NOTIFY. */
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional(),
  ),
  /** Bearer token that lets other machines read /metrics (loopback always may). */
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** Page requests served at once; more wait in a short queue (see load-shedding.server.ts). */
  MAX_INFLIGHT: z.coerce.number().int().min(1).max(1000).default(10),
  /** Page views that may wait for a free slot; beyond them a view is answered 503 at once. */
  MAX_QUEUE: z.coerce.number().int().min(0).max(10000).default(100),
  /** The longest a page view waits for a slot before it is answered 503 with Retry-After. */
  MAX_QUEUE_WAIT_MS: z.coerce.number().int().min(1).max(60000).default(2000),
  /** How long a page for visitors who are not signed in is kept (0: never); default 1000 in production. */
  PAGE_CACHE_MS: z.coerce.number().int().min(0).max(60000).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  /** Public origin(s) the app is reached at, comma-separated; forms and sockets from others are refused. */
  APP_ORIGIN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().url("each origin must be a URL like https://mahalleh.example")))
      .optional(),
  ),
  /** Number of reverse proxies in front of the app (for the client IP used by rate limits). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SMS_PROVIDER: z.enum(["local", "http"]).default("local"),
  SMS_HTTP_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  SMS_HTTP_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  /** The bearer token a gateway sends with inbound texts and delivery reports; unset: those addresses do not exist. */
  SMS_WEBHOOK_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How many councils one person may sit on at a time, city-wide. */
  COUNCIL_SEATS_PER_PERSON: z.coerce.number().int().min(1).max(10).default(1),
  CITY_NAME_FA: z.string().min(1).default("همدان"),
  CITY_NAME_EN: z.string().min(1).default("Hamedan"),
});

/** Rules between variables, checked on the raw values so they are reported with all the others. */
function crossProblems(source: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const blank = (v: string | undefined) => !v || v.trim() === "";
  if (source.NODE_ENV === "production" && blank(source.SESSION_SECRET)) {
    problems.push("SESSION_SECRET: is required in production (32+ random characters)");
  }
  if (!blank(source.DATABASE_DIRECT_URL) && blank(source.DATABASE_URL)) {
    problems.push("DATABASE_DIRECT_URL: is only used with DATABASE_URL (set both, or neither for the embedded database)");
  }
  if (!blank(source.DATABASE_READ_URL) && blank(source.DATABASE_URL)) {
    problems.push("DATABASE_READ_URL: needs DATABASE_URL (embedded PGlite has no replica)");
  }
  if (source.SMS_PROVIDER === "http" && blank(source.SMS_HTTP_URL)) {
    problems.push("SMS_HTTP_URL: is required when SMS_PROVIDER=http");
  }
  return problems;
}

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and checks the configuration once at start. A bad value stops the server with a
 * message naming the variable, instead of failing later in some request.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`)),
    ...crossProblems(source),
  ];
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const env = parsed.data;
  return { ...env, SESSION_SECRET: env.SESSION_SECRET ?? developmentSecret(env.DATA_DIR) };
}

/** Outside production a secret is generated once and kept in the data folder, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.resolve(dataDir, "session-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: fall through and create it
  }
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}
