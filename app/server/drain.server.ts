import type express from "express";

/**
 * Leaving a load balancer's rotation without dropping anything (a rolling restart, decision 018).
 *
 * On SIGTERM the server first tells its balancers it is going: the readiness check (`/readyz`)
 * answers 503 with `draining: true`. A balancer that has been asking lately (HAProxy every second) is waited
 * for until it has been told once (at most `maxWaitMs`), so that it has stopped sending new work
 * here before the server stops listening; a server nobody checks (`npm start` on a laptop) waits
 * for nothing. While draining, every answer carries `Connection: close`, so no keep-alive
 * connection from the balancer is reused for a request the server would then not see through.
 */
export interface Drain {
  readonly draining: boolean;
  /**
   * Called by the readiness handler for each check it answers (503 while draining): notes who
   * checks, and that they have now been told.
   */
  asked(req: express.Request): void;
  /** For every request: `Connection: close` while draining. */
  closeConnections: express.RequestHandler;
  /** Starts draining; resolves once every balancer that asked lately has been told (or after maxWaitMs). */
  begin(maxWaitMs?: number): Promise<{ told: number; waitedMs: number }>;
  /** Back in rotation (an operator's `setDraining(false)`, tests). */
  cancel(): void;
}

/** A balancer that asked within this long is one that will ask again. */
const RECENT_MS = 30_000;

export function createDrain(now: () => number = Date.now): Drain {
  let draining = false;
  /** Who asked for readiness, and when last (by address and port-less peer: one entry per balancer). */
  const askers = new Map<string, number>();
  let waiting: { pending: Set<string>; done: () => void } | null = null;

  const peer = (req: express.Request) => req.socket.remoteAddress ?? "unknown";

  return {
    get draining() {
      return draining;
    },
    asked: (req) => {
      const who = peer(req);
      askers.set(who, now());
      if (draining && waiting) {
        waiting.pending.delete(who);
        if (waiting.pending.size === 0) waiting.done();
      }
    },
    closeConnections: (_req, res, next) => {
      if (draining) res.set("Connection", "close");
      next();
    },
    cancel: () => {
      draining = false;
      waiting?.done();
    },
    begin: (maxWaitMs = 5_000) => {
      draining = true;
      const started = now();
      const pending = new Set([...askers].filter(([, at]) => started - at <= RECENT_MS).map(([who]) => who));
      const told = pending.size;
      if (told === 0) return Promise.resolve({ told, waitedMs: 0 });
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          waiting = null;
          resolve({ told: told - pending.size, waitedMs: now() - started });
        };
        const timer = setTimeout(finish, maxWaitMs);
        waiting = { pending, done: finish };
      });
    },
  };
}
