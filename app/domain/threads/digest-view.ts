/**
 * A long discussion's digest as a page shows it (app/domain/threads/digest.server.ts computes it,
 * app/components/thread/digest.tsx draws it). Browser-safe: types and small rules only.
 */
import type { EscalationState, Urgency } from "../../../db/vocabulary";
import type { KeyTerm } from "./key-terms";

/** A discussion longer than this gets its digest at the top. */
export const DIGEST_MIN_MESSAGES = 30;
/** "Recent pace" looks at this many days. */
export const RECENT_DAYS = 7;

/** A message the digest points to. Hidden and deleted messages carry no text: only their state. */
export interface DigestMessage {
  id: string;
  seq: number;
  authorName: string | null;
  /** The start of the text, for a visible message only. */
  excerpt: string | null;
  state: "visible" | "hidden" | "deleted";
  /** Replies to it, or reports on it. */
  count: number;
  createdAt: string;
}

export type Pace = "faster" | "steady" | "slower";

/** What changed in the discussion since the reader's last visit. */
export interface SinceVisit {
  /** When they last read it (the time of the last event they had seen). */
  since: string | null;
  newMessages: number;
  /** The count stopped at its bound: "more than". */
  newMessagesCapped: boolean;
  newParticipants: number;
  /** Moderation acts on the thread since: hidden, restored, locked, unlocked, pinned, unpinned. */
  threadChanges: { kind: string; count: number }[];
  /** Changes of the proposal's status since (a proposal's discussion only), and where it stands now. */
  statusChanges: number;
  status: string | null;
  /** Moves of its item on the deputy's desk since (for those who follow the desk). */
  deskChanges: number | null;
}

export interface ThreadDigestView {
  threadId: string;
  /** When the counts were taken (they may be a moment behind a busy discussion). */
  computedAt: string;
  messages: number;
  participants: number;
  topParticipants: { name: string | null; count: number }[];
  firstAt: string | null;
  lastAt: string | null;
  perDay: number;
  recentPerDay: number;
  pace: Pace;
  /** The busiest day, as a Tehran calendar date (YYYY-MM-DD), and its messages. */
  busiestDay: { day: string; count: number } | null;
  mostReplied: DigestMessage[];
  /** For moderators and the deputy's office only (null for everyone else). */
  mostReported: DigestMessage[] | null;
  keyTerms: KeyTerm[];
  /** How many of the latest visible messages the key terms were counted over. */
  keyTermSample: number;
  moderation: {
    hiddenByReports: number;
    hiddenByModerator: number;
    deleted: number;
    official: number;
    /** Reports ever made, and those still waiting: moderators and the deputy's office only. */
    reports: number | null;
    openReports: number | null;
  };
  /** Its item on the deputy's desk, for those who may see the desk's items. */
  escalation: {
    state: EscalationState;
    urgency: Urgency;
    escalated: boolean;
    surfaced: boolean;
    stateChangedAt: string;
  } | null;
  sinceVisit: SinceVisit | null;
}

/** Recent pace against the whole discussion's: half again as fast, or half as slow, says so. */
export function paceOf(recentPerDay: number, perDay: number): Pace {
  if (perDay <= 0) return recentPerDay > 0 ? "faster" : "steady";
  const ratio = recentPerDay / perDay;
  return ratio >= 1.5 ? "faster" : ratio <= 0.5 ? "slower" : "steady";
}

/** The address of a message in its thread: the page that ends with it, scrolled to it. */
export function messageHref(threadId: string, message: { id: string; seq: number }) {
  return `/threads/${threadId}?before=${message.seq + 1}#m-${message.id}`;
}
