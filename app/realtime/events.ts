import type { ThreadEventView } from "../domain/thread-view";

/** Event names shared by the server and the browser. */
export const CLIENT_EVENTS = {
  join: "room:join",
  leave: "room:leave",
  /** Asks for a thread's events after a number; answered through the acknowledgement. */
  threadSync: "thread:sync",
} as const;

export const SERVER_EVENTS = {
  cityChanged: "city:changed",
  councilChanged: "council:changed",
  districtChanged: "district:changed",
  proposalChanged: "proposal:changed",
  /** A numbered change to a thread (posted, edited, deleted, hidden, restored, pinned, locked…). */
  threadEvent: "thread:event",
  /** Events of this thread may have been missed (the server's link to other instances was down): catch up. */
  threadResync: "thread:resync",
  /** How many people have the thread open now. */
  threadPresence: "thread:presence",
  /** Something about the person's own standing in a thread changed (muted, unmuted). */
  threadStanding: "thread:standing",
  /** The deputy's desk changed (an item was escalated, surfaced or moved). */
  deskChanged: "desk:changed",
  /** An item this person escalated changed state. */
  escalationChanged: "escalation:changed",
} as const;

export type JoinAck =
  | { ok: true; room: string }
  | { ok: false; error: "forbidden" | "bad_request" | "too_many_rooms" | "not_found" };

export type SyncAck =
  | { ok: true; events: ThreadEventView[]; more: boolean; lastSeq: number }
  | { ok: false; error: "forbidden" | "bad_request" | "not_joined" };

export interface PresencePayload {
  threadId: string;
  count: number;
}
