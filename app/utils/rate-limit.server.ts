import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.server";

export interface RateRule {
  limit: number;
  windowSeconds: number;
}

/** Limits in one place, so they can be read and tuned together. */
export const RATE_RULES = {
  signInPerPhone: { limit: 10, windowSeconds: 15 * 60 },
  signInPerIp: { limit: 60, windowSeconds: 15 * 60 },
  sendCodePerPhone: { limit: 3, windowSeconds: 10 * 60 },
  sendCodePerPhoneDaily: { limit: 10, windowSeconds: 24 * 60 * 60 },
  sendCodePerIp: { limit: 30, windowSeconds: 60 * 60 },
  checkCodePerPhone: { limit: 5, windowSeconds: 15 * 60 },
  checkCodePerIp: { limit: 60, windowSeconds: 15 * 60 },
  // Discussion: a person can keep a lively conversation going, not flood a thread.
  threadPostBurst: { limit: 6, windowSeconds: 20 },
  threadPostHourly: { limit: 120, windowSeconds: 60 * 60 },
} satisfies Record<string, RateRule>;

export interface RateResult {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/**
 * Counts one hit against a fixed window kept in the database, so every app instance
 * sees the same count. One statement: concurrent hits cannot both read a stale count.
 */
export async function hitRateLimit(db: Db, key: string, rule: RateRule): Promise<RateResult> {
  const rows = await queryRows<{ count: number; retry: number }>(
    db,
    sql`insert into rate_limits (key, window_start, count) values (${key}, now(), 1)
        on conflict (key) do update set
          count = case when rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds}) then 1 else rate_limits.count + 1 end,
          window_start = case when rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds}) then now() else rate_limits.window_start end
        returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${rule.windowSeconds}) - now())))::int as retry`,
  );
  const row = rows[0]!;
  const count = Number(row.count);
  return { allowed: count <= rule.limit, count, retryAfterSeconds: Math.max(1, Number(row.retry)) };
}

/** Reads a counter without adding to it. */
export async function peekRateLimit(db: Db, key: string, rule: RateRule): Promise<RateResult> {
  const rows = await queryRows<{ count: number; retry: number }>(
    db,
    sql`select count, ceil(extract(epoch from (window_start + make_interval(secs => ${rule.windowSeconds}) - now())))::int as retry
        from rate_limits where key = ${key} and window_start > now() - make_interval(secs => ${rule.windowSeconds})`,
  );
  const row = rows[0];
  if (!row) return { allowed: true, count: 0, retryAfterSeconds: 0 };
  const count = Number(row.count);
  return { allowed: count < rule.limit, count, retryAfterSeconds: Math.max(1, Number(row.retry)) };
}

export async function resetRateLimit(db: Db, key: string) {
  await db.execute(sql`delete from rate_limits where key = ${key}`);
}

/** Removes windows long past, so the table stays small. */
export async function pruneRateLimits(db: Db) {
  await db.execute(sql`delete from rate_limits where window_start < now() - interval '2 days'`);
}
