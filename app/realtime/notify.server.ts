import type { Server as SocketServer } from "socket.io";
import { SERVER_EVENTS } from "./events";

/**
 * A person's roles changed. Their sockets joined rooms under the old roles, so they are closed
 * (on every instance); the browser reloads the page data and reconnects with a fresh handshake.
 */
export function notifyAuthChanged(io: SocketServer, userId: string) {
  io.in(`user:${userId}`).disconnectSockets(true);
}

/** Something public about the city changed (a district was added or renamed). */
export function notifyCityChanged(io: SocketServer) {
  io.in("city").emit(SERVER_EVENTS.cityChanged);
}

/** A council's members, officers or status changed: its public page and the district's screens refresh. */
export function notifyCouncilChanged(io: SocketServer, council: { id: string; districtId: string }) {
  io.in(`council:${council.id}`).emit(SERVER_EVENTS.councilChanged);
  io.in(`district-staff:${council.districtId}`).emit(SERVER_EVENTS.districtChanged);
}

/** A proposal's supports, status or vote changed: everyone viewing it refreshes (tallies arrive live). */
export function notifyProposalChanged(io: SocketServer, proposalId: string) {
  io.in(`proposal:${proposalId}`).emit(SERVER_EVENTS.proposalChanged);
}
