import type { Server as SocketServer } from "socket.io";
import type { Logger } from "../utils/logger.server";

/**
 * socket.io between instances through Redis (REDIS_URL), with socket.io's Redis streams adapter and
 * the `redis` client. Events other instances must deliver go into a Redis stream (XADD) that every
 * instance reads from where it left off (XREAD from its last entry id), so a Redis restart or a
 * dropped connection delays them instead of losing them: the client queues commands while it
 * reconnects, and each instance then reads on from its last entry. Presence counts and other
 * request/answer traffic go through Redis pub/sub and are simply asked again.
 *
 * For nothing to be lost across a Redis restart, Redis keeps the stream on disk
 * (`appendonly yes`): see docs/deploy/monitoring.md. The stream is trimmed to about `maxLen` entries.
 */
export interface RedisAdapterHandle {
  ready(): boolean;
  close(): Promise<void>;
}

export async function attachRedisAdapter(
  io: SocketServer,
  url: string,
  deps: {
    logger: Logger;
    /** Told about every error: a failed publish, or a lost connection. */
    onError(stage: "publish" | "connection"): void;
    /** Told when the link to Redis is back after a loss. */
    onReconnected(): void;
  },
): Promise<RedisAdapterHandle> {
  const [{ createClient }, { createAdapter }] = await Promise.all([import("redis"), import("@socket.io/redis-streams-adapter")]);
  let closing = false;
  const client = createClient({
    url,
    socket: {
      // Every 100 ms at first, then at most every 2 s, for as long as it takes.
      reconnectStrategy: (retries) => (closing ? false : Math.min(100 * (retries + 1), 2000)),
      connectTimeout: 5000,
    },
  });
  let lostAt: number | null = null;
  let lastLog = 0;
  client.on("error", (err) => {
    deps.onError("connection");
    lostAt ??= Date.now();
    // A Redis that is down reports every reconnection attempt: said once every 10 s.
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      deps.logger.warn({ err }, "socket.io adapter: Redis connection lost; reconnecting");
    }
  });
  client.on("ready", () => {
    if (lostAt === null) return;
    deps.logger.info({ downMs: Date.now() - lostAt }, "socket.io adapter: Redis connection back");
    lostAt = null;
    deps.onReconnected();
  });
  // Not awaited for ever: a Redis that is down at start makes /readyz answer 503 until it is up.
  const connecting = client.connect().catch((err) => {
    if (!closing) deps.logger.error({ err }, "socket.io adapter: connecting to Redis failed");
  });
  await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);

  // The adapter makes its own copies of the client (one reads the stream, one listens on pub/sub)
  // and subscribes without waiting for the answer: a subscription that a disconnection cuts off
  // (Redis restarting, or the server closing) would be a rejection nobody handles, which ends the
  // process. Such rejections are noted here; the copy resubscribes by itself when it reconnects.
  const duplicate = client.duplicate.bind(client);
  (client as { duplicate: unknown }).duplicate = (...args: Parameters<typeof duplicate>) => {
    const copy = duplicate(...args) as unknown as Record<string, unknown>;
    for (const name of ["subscribe", "sSubscribe"]) {
      const original = copy[name];
      if (typeof original !== "function") continue;
      copy[name] = (...a: unknown[]) => {
        const result = (original as (...x: unknown[]) => unknown).apply(copy, a);
        if (result instanceof Promise)
          result.catch((err) => closing || deps.logger.warn({ err }, "socket.io adapter: Redis subscription cut off"));
        return result;
      };
    }
    return copy as unknown as ReturnType<typeof duplicate>;
  };

  io.adapter(createAdapter(client as never));
  // A failed XADD (the connection died with it in flight) is otherwise only a debug line.
  const adapter = io.of("/").adapter as unknown as { doPublish: (message: unknown) => Promise<unknown> };
  const doPublish = adapter.doPublish.bind(adapter);
  adapter.doPublish = (message) =>
    doPublish(message).catch((err: unknown) => {
      deps.onError("publish");
      deps.logger.warn({ err }, "socket.io adapter: publishing to Redis failed");
      throw err;
    });

  return {
    ready: () => client.isReady,
    close: async () => {
      closing = true;
      await connecting;
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
