import { randomUUID } from "node:crypto";
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

/** What socket.io's cluster adapter publishes: its kind, the sender, and the kind's own data. */
interface ClusterMessage {
  uid?: string;
  type?: number;
  data?: Record<string, unknown>;
}

/** The key of a message's own id inside its data (one UUID per message, kept across attempts). */
const MESSAGE_ID = "mid";
/** How many message ids an instance remembers to drop a second delivery (a retried publish). */
const RECENT_IDS = 20_000;

/** The last `max` ids seen, oldest forgotten first. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}
  /** Remembers the id; false when it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

/** How long an event whose publish failed is sent again before it is given up (readers then catch up by number). */
const PUBLISH_RETRY_MS = 30_000;

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
  const noteRejections = (target: object, names: string[], what: string) => {
    const methods = target as Record<string, unknown>;
    for (const name of names) {
      const original = methods[name];
      if (typeof original !== "function") continue;
      methods[name] = (...a: unknown[]) => {
        const result = (original as (...x: unknown[]) => unknown).apply(target, a);
        if (result instanceof Promise) result.catch((err) => closing || deps.logger.warn({ err }, `socket.io adapter: ${what}`));
        return result;
      };
    }
  };
  const duplicate = client.duplicate.bind(client);
  (client as { duplicate: unknown }).duplicate = (...args: Parameters<typeof duplicate>) => {
    const copy = duplicate(...args);
    noteRejections(copy, ["subscribe", "sSubscribe"], "Redis subscription cut off");
    return copy;
  };

  // Presence questions and their answers are published without anyone waiting for the result: a
  // publish cut off by a lost connection would be a rejection nobody handles. It is noted here (the
  // question is simply asked again); a caller that does wait still gets the rejection.
  noteRejections(client, ["publish", "sPublish"], "a Redis publish failed");

  io.adapter(createAdapter(client as never));
  // An XADD can fail while Redis restarts: cut off in flight (the connection reset under it) or
  // refused while Redis loads its append-only file ("LOADING"). The adapter would drop that event
  // with a debug line; instead it is sent again, after 100 ms, then up to every second, for at most
  // PUBLISH_RETRY_MS. Commands sent while the client is reconnecting wait in its queue, so these
  // are the only ones that need it. The adapter delivers to this instance's own sockets once the
  // publish has settled, so nobody here sees the event before the other instances can.
  //
  // A cut-off XADD may have been carried out all the same (Redis wrote the entry, the reply was lost
  // with the connection), so sending it again could deliver it twice. Each message therefore carries
  // an id of its own, the same on every attempt, and every instance drops an id it has already seen.
  const adapter = io.of("/").adapter as unknown as {
    doPublish: (message: ClusterMessage) => Promise<unknown>;
    onMessage: (message: ClusterMessage, offset?: string) => unknown;
  };
  const doPublish = adapter.doPublish.bind(adapter);
  adapter.doPublish = async (message) => {
    if (message.data && typeof message.data === "object" && !(MESSAGE_ID in message.data)) message.data[MESSAGE_ID] = randomUUID();
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await doPublish(message);
      } catch (err) {
        deps.onError("publish");
        if (closing || Date.now() - started > PUBLISH_RETRY_MS) {
          deps.logger.error({ err, attempts: attempt + 1 }, "socket.io adapter: publishing to Redis failed; the event is dropped");
          throw err;
        }
        if (attempt === 0) deps.logger.warn({ err }, "socket.io adapter: publishing to Redis failed; sending it again");
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1000)));
      }
    }
  };
  const seen = new RecentIds(RECENT_IDS);
  const onMessage = adapter.onMessage.bind(adapter);
  adapter.onMessage = (message, offset) => {
    const id = message?.data && typeof message.data === "object" ? message.data[MESSAGE_ID] : undefined;
    if (typeof id === "string" && !seen.add(id)) return;
    return onMessage(message, offset);
  };

  return {
    ready: () => client.isReady,
    close: async () => {
      closing = true;
      await connecting;
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
