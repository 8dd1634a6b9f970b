import type { ThreadEventView } from "../domain/thread-view";
import type { ShownVoter } from "../domain/ballot-rule";

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
  /** A proposal's live state (ProposalLive): pages patch themselves with it. */
  proposalState: "proposal:state",
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
  /** Something new in the person's inbox (InboxNotice), with their unread count after it. */
  inboxNotice: "inbox:notice",
  /** The person's unread count changed (read in another tab or device). */
  inboxCount: "inbox:count",
  /** A meeting's roll call and quorum after a mark (RollCallLive): the meeting page patches itself. */
  meetingRollCall: "meeting:roll-call",
  /** A meeting changed in a way the page reloads for (opened, closed, minutes answered or locked). */
  meetingChanged: "meeting:changed",
  /** Who has acknowledged a policy, district by district (PolicyAcknowledgementsLive). */
  policyAcknowledgements: "policy:acknowledgements",
  /** A policy version addressed to this person was published: { policyId, title }. */
  policyPublished: "policy:published",
} as const;

/** Sent to a person's own room: what is new in their inbox and how many items they have unread. */
export interface InboxNotice {
  unread: number;
  /** `id` is the person's own inbox row (opening it marks it read). */
  notice: { id: string; kind: string; itemKey: string; link: string; params: Record<string, string | number>; count?: number };
}

export interface InboxCount {
  unread: number;
}

export type JoinAck = { ok: true; room: string } | { ok: false; error: "forbidden" | "bad_request" | "too_many_rooms" | "not_found" };

export type SyncAck =
  | { ok: true; events: ThreadEventView[]; more: boolean; lastSeq: number }
  | { ok: false; error: "forbidden" | "bad_request" | "not_joined" };

export interface PresencePayload {
  threadId: string;
  count: number;
}

/**
 * What a proposal's room is told when anything public about it changes: the state after the
 * change, not the change, so a missed or coalesced event costs nothing. `v` is when it was read
 * (milliseconds): a page keeps the newest it has seen, loader data included.
 */
export interface ProposalLive {
  proposalId: string;
  v: number;
  status: string;
  supportCount: number;
  messageCount: number;
  /**
   * How many entries its public timeline has. Every change a page cannot patch (filed, edited,
   * withdrawn, on the agenda, a vote opened or closed, a referral, a decision, progress) adds one;
   * supports and ballots never do.
   */
  events: number;
  vote: {
    id: string;
    status: "open" | "closed";
    secret: boolean;
    result: string | null;
    /** null while a secret ballot is open. */
    tally: { for: number; against: number; abstain: number } | null;
    /** An open ballot's roll call; null for a secret ballot. */
    voters: ShownVoter[] | null;
  } | null;
}

/** A meeting's roll call as its room receives it: every entry and the quorum, after the change. */
export interface RollCallLive {
  meetingId: string;
  entries: { userId: string; name: string; status: "present" | "absent" | "excused" | "late" | null; arrivedAt: string | null }[];
  seats: number;
  quorum: { present: number; needed: number; met: boolean };
}

/** Who has not yet acknowledged a policy's version in force, per district. */
export interface PolicyAcknowledgementsLive {
  policyId: string;
  version: number;
  districts: { districtId: string; notYet: number; acknowledged: string[] }[];
}
