import type { Pool, PoolClient } from "pg";
import type { Logger } from "../utils/logger.server";

/**
 * The pg pool behind socket.io's PostgreSQL adapter, made safe for the adapter's LISTEN client.
 *
 * The adapter (0.5.0) borrows one client with `pool.connect()` and keeps it to LISTEN. A pool
 * watches only its idle clients for errors: a borrowed client whose connection is cut (the database
 * restarts, or its backend is terminated) emits `error` with no listener, and Node ends the
 * process. The adapter does reconnect by itself when that client emits `end` (every ~2 s until the
 * database answers), but it never gives the dead client back to the pool, and when the connection
 * dies between connecting and LISTEN it schedules two reconnections, leaving two listening clients.
 *
 * So every client borrowed without a callback (only the adapter does that; the pool's own `query()`
 * borrows with a callback and handles errors itself):
 * - gets an error listener (logged; the adapter's `end` handler reconnects);
 * - is handed back to the pool as broken when its connection ends (no slot is kept);
 * - once it has run LISTEN, replaces any earlier listening client (at most one LISTEN at a time);
 * and `onListen(reconnected)` is told each time the adapter is (again) receiving other instances'
 * events. After `stop()` nothing new is borrowed, so no reconnection outlives the server.
 */
export function guardAdapterPool(
  pool: Pool,
  logger: Logger,
  onListen: (reconnected: boolean) => void,
  onConnectionError: () => void = () => {},
) {
  pool.on("error", (err) => {
    onConnectionError();
    logger.warn({ err }, "socket.io adapter: idle connection lost");
  });
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  let listens = 0;
  let stopped = false;
  let current: PoolClient | null = null;

  const retire = (client: PoolClient, reason: Error | boolean) => {
    client.removeAllListeners("end");
    client.release(reason);
  };

  (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    if (args.length > 0) return connect(...args);
    // Closed: the adapter's pending reconnection waits forever instead of retrying every 2 s.
    if (stopped) return new Promise<never>(() => {});
    return (connect() as Promise<PoolClient>).then((client) => {
      let released = false;
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        if (current === client) current = null;
        release(err);
      };
      client.on("error", (err) => {
        onConnectionError();
        logger.warn({ err }, "socket.io adapter: LISTEN connection lost; reconnecting");
      });
      client.on("end", () => client.release(new Error("LISTEN connection ended")));
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      let listening = false;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        const result = query(...a);
        if (!listening && typeof a[0] === "string" && /^LISTEN /i.test(a[0]) && result instanceof Promise) {
          result.then(
            () => {
              if (listening || released) return;
              listening = true;
              if (current && current !== client) retire(current, true);
              current = client;
              if (stopped) return retire(client, true);
              onListen(listens++ > 0);
            },
            () => {},
          );
        }
        return result;
      };
      return client;
    });
  };

  return {
    pool,
    /** A client is LISTENing now: events of other instances arrive. */
    listening: () => current !== null && !stopped,
    stop() {
      stopped = true;
    },
  };
}
