/**
 * Waiting in tests: for a condition with a deadline, never a fixed pause standing in for a check.
 *
 * Deadlines scale with the machine: `TEST_TIME_SCALE` (a number, default 1; doubled under CI=true)
 * multiplies every deadline given here, so a suite that holds on an idle workstation also holds on a
 * busy two-core machine. A deadline is a ceiling, not a pause: a check that holds returns at once.
 */

const base = Number(process.env.TEST_TIME_SCALE ?? "1");
if (!Number.isFinite(base) || base <= 0) throw new Error(`TEST_TIME_SCALE must be a positive number, got "${process.env.TEST_TIME_SCALE}"`);

/** The factor every deadline is multiplied by. */
export const TIME_SCALE = base * (process.env.CI === "true" ? 2 : 1);

/** A deadline (ms) scaled for this machine. */
export const scaled = (ms: number) => Math.round(ms * TIME_SCALE);

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it holds (returns true, or a value other than false/null/undefined, which is
 * returned); fails naming `label` after `ms` (scaled).
 */
export async function waitFor<T>(check: () => T | Promise<T>, ms: number, label: string): Promise<Exclude<T, false | null | undefined>> {
  const limit = scaled(ms);
  const deadline = Date.now() + limit;
  let lastError: unknown;
  let interval = 10;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== null && value !== undefined) return value as Exclude<T, false | null | undefined>;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last check threw: ${lastError.message})` : "";
      throw new Error(`timed out after ${limit} ms waiting for ${label}${why}`);
    }
    await pause(interval);
    interval = Math.min(interval * 2, 100);
  }
}

/**
 * Asserts that `check` keeps holding for `ms` (scaled): for "nothing more arrives, nothing twice"
 * after the expected events are in. It fails as soon as the check stops holding.
 */
export async function holdsFor(check: () => boolean, ms: number, label: string): Promise<void> {
  const until = Date.now() + scaled(ms);
  while (Date.now() < until) {
    if (!check()) throw new Error(`stopped holding: ${label}`);
    await pause(20);
  }
  if (!check()) throw new Error(`stopped holding: ${label}`);
}

/** Resolves with an event's arguments the next time `emitter` emits it; fails after `ms` (scaled). */
export function nextEvent(
  emitter: {
    once(event: string, listener: (...args: any[]) => void): unknown;
    off(event: string, listener: (...args: any[]) => void): unknown;
  },
  event: string,
  ms = 3000,
): Promise<unknown[]> {
  const limit = scaled(ms);
  return new Promise((resolve, reject) => {
    const on = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`no "${event}" within ${limit} ms`));
    }, limit);
    emitter.once(event, on);
  });
}
