import type http from "node:http";
import { Server as SocketServer, type Socket } from "socket.io";
import type { Db } from "../../db/client.server";
import type { Env } from "../utils/env.server";
import type { Logger } from "../utils/logger.server";
import { isAllowedOrigin } from "../utils/origin.server";
import { mayJoinRoom, mayReadThread } from "../utils/permissions";
import { getThread } from "../domain/threads/lookup.server";
import { eventsSince } from "../domain/threads/read.server";
import { lookupSession } from "../domain/sessions.server";
import { sessionCookie } from "../utils/session-cookie.server";
import type { CurrentUser } from "../domain/users.server";
import { guardAdapterPool } from "./adapter-pool.server";
import { CLIENT_EVENTS, SERVER_EVENTS, type JoinAck, type SyncAck } from "./events";
import { attachLive, closeLive } from "./live.server";
import { attachRedisAdapter } from "./redis-adapter.server";
import { isUuid } from "~/utils/uuid";

export interface SocketData {
  user: CurrentUser | null;
  sessionHash: string | null;
}

const MAX_ROOMS_PER_SOCKET = 50;
/** Presence is recounted at most this often per thread, however many people come and go. */
const PRESENCE_DELAY_MS = 400;

/** Rooms the client asked for (not the socket's own id, session and user rooms). */
function joinedRooms(socket: Socket) {
  let n = 0;
  for (const room of socket.rooms) if (room !== socket.id && !room.startsWith("session:") && !room.startsWith("user:")) n++;
  return n;
}

/** Which socket.io adapter links the instances ("memory": one process, no link). */
export type AdapterKind = "postgres" | "redis" | "memory";

/** What the server's metrics want to hear from the realtime layer (app/server/metrics.server.ts). */
export interface RealtimeObserver {
  watchSockets(io: SocketServer, adapter: AdapterKind): void;
  adapterError(adapter: AdapterKind, stage: "publish" | "connection"): void;
}

export interface Realtime {
  io: SocketServer;
  /** Which adapter links the instances, and whether it is connected now (for /readyz). */
  adapter: { kind: AdapterKind; ready(): boolean };
  /** Closes every connection under its client, which reconnects elsewhere (draining, decision 018). */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function createRealtime(
  httpServer: http.Server,
  deps: { db: Db; env: Env; logger: Logger; metrics?: RealtimeObserver },
): Promise<Realtime> {
  const { db, env, logger, metrics } = deps;
  const io = new SocketServer(httpServer, {
    serveClient: false,
    // Small messages only: a socket event is a signal, content goes through the database.
    maxHttpBufferSize: 16 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const forwardedProto = env.TRUST_PROXY ? (req.headers["x-forwarded-proto"] as string | undefined) : undefined;
      const protocol = forwardedProto?.split(",")[0]?.trim() || ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http");
      // Browsers always send Origin on WebSocket and XHR; anything from another site is refused.
      const ok = !origin || isAllowedOrigin(origin, env, req.headers.host, protocol);
      callback(ok ? null : "origin not allowed", ok);
    },
  });

  attachLive(io, (err, room) => logger.warn({ err, room }, "live state not sent"));

  /** Events other instances sent while this one was not linked never arrive: thread readers here catch up by number. */
  const askThreadReadersToCatchUp = () => {
    for (const room of io.of("/").adapter.rooms.keys()) {
      if (room.startsWith("thread:")) io.local.to(room).emit(SERVER_EVENTS.threadResync, { threadId: room.slice("thread:".length) });
    }
  };

  let closeAdapter = async () => {};
  let adapter: Realtime["adapter"] = { kind: "memory", ready: () => true };
  if (env.REDIS_URL) {
    // Chosen by configuration: Redis streams between instances (decision 019).
    const redis = await attachRedisAdapter(io, env.REDIS_URL, {
      logger,
      onError: (stage) => metrics?.adapterError("redis", stage),
      onReconnected: () => {
        logger.info("socket.io adapter: Redis is back; asking thread readers to catch up");
        askThreadReadersToCatchUp();
      },
    });
    adapter = { kind: "redis", ready: redis.ready };
    closeAdapter = redis.close;
  } else if (env.DATABASE_URL) {
    // Several instances behind a load balancer relay events through PostgreSQL NOTIFY. LISTEN needs
    // a session of its own: the direct connection, never a transaction-mode pooler (decision 018).
    const [{ createAdapter }, { default: pg }] = await Promise.all([import("@socket.io/postgres-adapter"), import("pg")]);
    const guarded = guardAdapterPool(
      new pg.Pool({ connectionString: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL, max: 4 }),
      logger,
      (reconnected) => {
        if (!reconnected) return;
        // Events other instances sent while this one was not listening never arrive: readers of
        // threads here are asked to catch up by number (each applies what it missed, once).
        logger.info("socket.io adapter: listening again; asking thread readers to catch up");
        askThreadReadersToCatchUp();
      },
      () => metrics?.adapterError("postgres", "connection"),
    );
    const { pool, stop } = guarded;
    io.adapter(
      createAdapter(pool, {
        errorHandler: (err) => {
          metrics?.adapterError("postgres", "publish");
          logger.warn({ err }, "socket.io adapter error");
        },
      }),
    );
    adapter = { kind: "postgres", ready: guarded.listening };
    closeAdapter = async () => {
      stop();
      await pool.end();
    };
  }

  const cookie = sessionCookie(env.SESSION_SECRET, env.NODE_ENV === "production");

  io.use(async (socket, next) => {
    try {
      const lookup = await lookupSession(db, cookie, socket.request.headers.cookie);
      socket.data.user = lookup.user;
      socket.data.sessionHash = lookup.sessionHash;
      next();
    } catch (err) {
      logger.error({ err }, "socket handshake failed");
      next(new Error("handshake_failed"));
    }
  });

  // "N people here now": counted across every instance (the adapter asks the others), one person
  // once however many tabs they have open; anonymous readers count per tab.
  const presenceTimers = new Map<string, NodeJS.Timeout>();
  // Set on shutdown: the sockets dropped then must not start recounts on a closed server.
  let closing = false;
  let dropped = false;
  const countPresence = (threadId: string) => {
    if (closing || presenceTimers.has(threadId)) return;
    presenceTimers.set(
      threadId,
      setTimeout(async () => {
        presenceTimers.delete(threadId);
        const room = `thread:${threadId}`;
        try {
          const sockets = await io.in(room).fetchSockets();
          const people = new Set(sockets.map((s) => (s.data as SocketData).user?.id ?? s.id));
          io.in(room).emit(SERVER_EVENTS.threadPresence, { threadId, count: people.size });
        } catch (err) {
          logger.warn({ err }, "presence count failed");
        }
      }, PRESENCE_DELAY_MS),
    );
  };

  io.on("connection", (socket: Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>) => {
    const { user, sessionHash } = socket.data;
    if (sessionHash) void socket.join(`session:${sessionHash}`);
    if (user) void socket.join(`user:${user.id}`);

    /** socket.io puts the acknowledgement last, whatever else was (or was not) sent. */
    const parse = (args: unknown[]) => {
      const ack = args.at(-1);
      const reply = typeof ack === "function" ? (ack as (r: unknown) => void) : () => {};
      const payload = typeof args[0] === "function" ? undefined : args[0];
      return {
        reply,
        payload: typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null,
      };
    };

    socket.on(CLIENT_EVENTS.join, async (...args: unknown[]) => {
      const { reply, payload } = parse(args);
      const answer = reply as (r: JoinAck) => void;
      const asked = payload?.room;
      if (typeof asked !== "string" || asked.length > 100) return answer({ ok: false, error: "bad_request" });
      // Ids are case-insensitive; events go to the lower-case room, so that is the one joined.
      const [kind = "", ...ids] = asked.split(":");
      const room = [kind, ...ids.map((id) => id.toLowerCase())].join(":");
      let thread = null;
      if (room.startsWith("thread:")) {
        const id = room.slice("thread:".length);
        if (!isUuid(id)) return answer({ ok: false, error: "bad_request" });
        try {
          thread = await getThread(db, id);
        } catch (err) {
          logger.error({ err }, "thread lookup failed");
          return answer({ ok: false, error: "bad_request" });
        }
        if (!thread) return answer({ ok: false, error: "not_found" });
      }
      if (!mayJoinRoom(user, room, thread)) return answer({ ok: false, error: "forbidden" });
      if (joinedRooms(socket) >= MAX_ROOMS_PER_SOCKET) return answer({ ok: false, error: "too_many_rooms" });
      await socket.join(room);
      answer({ ok: true, room });
      if (thread) countPresence(thread.id);
    });

    socket.on(CLIENT_EVENTS.leave, (...args: unknown[]) => {
      const { payload } = parse(args);
      const room = payload?.room;
      if (typeof room === "string" && !room.startsWith("session:") && !room.startsWith("user:") && socket.rooms.has(room)) {
        void socket.leave(room);
        if (room.startsWith("thread:")) countPresence(room.slice("thread:".length));
      }
    });

    // Catch-up: everything after the last number the client saw. Only for a thread it has joined
    // (the join checked that it may read it); hidden messages come without their text.
    socket.on(CLIENT_EVENTS.threadSync, async (...args: unknown[]) => {
      const { reply, payload } = parse(args);
      const answer = reply as (r: SyncAck) => void;
      const threadId = payload?.threadId;
      const after = payload?.after;
      if (
        typeof threadId !== "string" ||
        !isUuid(threadId) ||
        typeof after !== "number" ||
        !Number.isInteger(after) ||
        after < 0 ||
        after >= 2 ** 31
      ) {
        return answer({ ok: false, error: "bad_request" });
      }
      if (!socket.rooms.has(`thread:${threadId}`)) return answer({ ok: false, error: "not_joined" });
      try {
        // Read access is checked again: a role may have changed since the join.
        const thread = await getThread(db, threadId);
        if (!thread || !mayReadThread(user, thread)) return answer({ ok: false, error: "forbidden" });
        const result = await eventsSince(db, threadId, after);
        answer({ ok: true, ...result });
      } catch (err) {
        logger.error({ err }, "thread sync failed");
        answer({ ok: false, error: "bad_request" });
      }
    });

    socket.on("disconnecting", () => {
      for (const room of socket.rooms) if (room.startsWith("thread:")) countPresence(room.slice("thread:".length));
    });
  });

  metrics?.watchSockets(io, adapter.kind);

  return {
    io,
    adapter,
    // Shutting down behind a load balancer: each connection is closed under its client (not a
    // socket.io "disconnect", which tells a client not to come back), so the client reconnects by
    // itself, through the balancer, to another instance, and its thread followers catch up there.
    dropConnections: () => {
      closing = true;
      dropped = true;
      // (engine.io keeps them in a protected field; `engine.close()` would drop what is still buffered.)
      const clients = (io.engine as unknown as { clients: Record<string, { close(): void }> }).clients;
      for (const client of Object.values(clients)) client.close();
    },
    close: async () => {
      closing = true;
      closeLive(io);
      for (const timer of presenceTimers.values()) clearTimeout(timer);
      presenceTimers.clear();
      // After dropConnections, a long-polling client whose connection is still closing must not get
      // a socket.io "disconnect" now (it would not reconnect); io.close() ends it without one.
      if (!dropped) io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeAdapter();
    },
  };
}
