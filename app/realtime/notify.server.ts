import type { Server as SocketServer } from "socket.io";
import type { Db } from "../../db/client.server";
import { eventsSince } from "../domain/threads/read.server";
import { SERVER_EVENTS } from "./events";
import { publishCoalesced } from "./live.server";

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

/**
 * Sends a thread's new events to everyone reading it, after they are committed (persist first,
 * then emit). A lost emit costs nothing: readers catch up by number when they rejoin.
 */
export async function publishThreadEvents(io: SocketServer, db: Db, threadId: string, seqs: number[]) {
  if (!seqs.length) return;
  const from = Math.min(...seqs) - 1;
  const { events } = await eventsSince(db, threadId, from, Math.max(...seqs) - from);
  const wanted = new Set(seqs);
  for (const event of events) {
    if (wanted.has(event.seq)) io.in(`thread:${threadId}`).emit(SERVER_EVENTS.threadEvent, { threadId, ...event });
  }
}

/**
 * The deputy's desk changed: dashboards refresh; the district's screens and the escalator are told
 * too. The desk cannot patch itself (its filters and counts span every district), so it reloads;
 * a burst of changes (threads surfacing together) reaches it at most a few times a second.
 */
export function notifyDeskChanged(
  io: SocketServer,
  change: { districtId?: string | null; escalatedBy?: string | null; threadId?: string },
) {
  publishCoalesced(io, "deputy", () => io.in("deputy").emit(SERVER_EVENTS.deskChanged));
  if (change.districtId) io.in(`district-staff:${change.districtId}`).emit(SERVER_EVENTS.escalationChanged, { threadId: change.threadId });
  if (change.escalatedBy) io.in(`user:${change.escalatedBy}`).emit(SERVER_EVENTS.escalationChanged, { threadId: change.threadId });
}

/** A person was muted or unmuted in a thread: their open pages update what they may do. */
export function notifyThreadStanding(io: SocketServer, userId: string, threadId: string) {
  io.in(`user:${userId}`).emit(SERVER_EVENTS.threadStanding, { threadId });
}
