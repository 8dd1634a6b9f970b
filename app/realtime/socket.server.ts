import type http from "node:http";
import { Server as SocketServer, type Socket } from "socket.io";
import type { Db } from "../../db/client.server";
import type { Env } from "../utils/env.server";
import type { Logger } from "../utils/logger.server";
import { isAllowedOrigin } from "../utils/origin.server";
import { mayJoinRoom } from "../utils/permissions";
import { lookupSession, sessionCookie } from "../utils/session.server";
import type { CurrentUser } from "../domain/users.server";
import { CLIENT_EVENTS, type JoinAck } from "./events";

export interface SocketData {
  user: CurrentUser | null;
  sessionHash: string | null;
}

const MAX_ROOMS_PER_SOCKET = 50;

/** Rooms the client asked for (not the socket's own id, session and user rooms). */
function joinedRooms(socket: Socket) {
  let n = 0;
  for (const room of socket.rooms) if (room !== socket.id && !room.startsWith("session:") && !room.startsWith("user:")) n++;
  return n;
}

export async function createRealtime(
  httpServer: http.Server,
  deps: { db: Db; env: Env; logger: Logger },
): Promise<{ io: SocketServer; close(): Promise<void> }> {
  const { db, env, logger } = deps;
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

  let closeAdapter = async () => {};
  if (env.DATABASE_URL) {
    // Several instances behind a load balancer relay events through PostgreSQL NOTIFY.
    const [{ createAdapter }, { default: pg }] = await Promise.all([
      import("@socket.io/postgres-adapter"),
      import("pg"),
    ]);
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
    pool.on("error", (err) => logger.error({ err }, "socket.io adapter pool error"));
    io.adapter(createAdapter(pool, { errorHandler: (err) => logger.error({ err }, "socket.io adapter error") }));
    closeAdapter = async () => {
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

  io.on("connection", (socket: Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>) => {
    const { user, sessionHash } = socket.data;
    if (sessionHash) void socket.join(`session:${sessionHash}`);
    if (user) void socket.join(`user:${user.id}`);

    socket.on(CLIENT_EVENTS.join, (...args: unknown[]) => {
      // socket.io puts the acknowledgement last, whatever else was (or was not) sent.
      const ack = args.at(-1);
      const reply = typeof ack === "function" ? (ack as (r: JoinAck) => void) : () => {};
      const payload = typeof args[0] === "function" ? undefined : args[0];
      const room = typeof payload === "object" && payload && "room" in payload ? (payload as { room: unknown }).room : undefined;
      if (typeof room !== "string" || room.length > 100) return reply({ ok: false, error: "bad_request" });
      if (!mayJoinRoom(user, room)) return reply({ ok: false, error: "forbidden" });
      if (joinedRooms(socket) >= MAX_ROOMS_PER_SOCKET) return reply({ ok: false, error: "too_many_rooms" });
      void socket.join(room);
      reply({ ok: true, room });
    });

    socket.on(CLIENT_EVENTS.leave, (payload: unknown) => {
      const room = typeof payload === "object" && payload && "room" in payload ? (payload as { room: unknown }).room : undefined;
      if (typeof room === "string" && !room.startsWith("session:") && !room.startsWith("user:")) void socket.leave(room);
    });
  });

  return {
    io,
    close: async () => {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeAdapter();
    },
  };
}
