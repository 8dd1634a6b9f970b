import type { Server as SocketServer } from "socket.io";
import { SERVER_EVENTS } from "./events";

/** A person's roles changed: their open tabs re-handshake and reload what they show. */
export function notifyAuthChanged(io: SocketServer, userId: string) {
  io.in(`user:${userId}`).emit(SERVER_EVENTS.authChanged);
}

/** Something public about the city changed (a district was added or renamed). */
export function notifyCityChanged(io: SocketServer) {
  io.in("city").emit(SERVER_EVENTS.cityChanged);
}
