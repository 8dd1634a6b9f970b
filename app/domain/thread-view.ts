/**
 * What a thread looks like to its readers, shared by the server and the browser.
 * Browser-safe: no database access.
 */

/** How long an author may still correct a message. */
export const EDIT_WINDOW_MINUTES = 15;
/** The longest message, in characters (the database holds the same limit, so it lives with the schema). */
export { MESSAGE_MAX_LENGTH } from "../../db/vocabulary";
export const REPORT_REASON_MAX = 500;

export type MessageState = "visible" | "deleted" | "hidden_reports" | "hidden_moderator";

/** A message as every reader may see it: hidden and deleted messages carry no text. */
export interface MessageView {
  id: string;
  seq: number;
  version: number;
  authorId: string | null;
  authorName: string | null;
  body: string | null;
  state: MessageState;
  hiddenReason: string | null;
  official: boolean;
  createdAt: string;
  editedAt: string | null;
  replyTo: { id: string; authorName: string | null; excerpt: string | null } | null;
}

/** The kinds of a thread's numbered events: the database's list (a type only, erased for the browser). */
export type { ThreadEventKind } from "../../db/schema";
import type { ThreadEventKind } from "../../db/schema";
import type { EscalationState, Urgency } from "../../db/vocabulary";
import type { PostBlocker } from "../utils/permissions";
import type { ThreadDigestView } from "./threads/digest-view";

export interface ThreadState {
  locked: boolean;
  lockReason: string | null;
  pinnedMessageId: string | null;
}

export interface ThreadEventView {
  seq: number;
  kind: ThreadEventKind;
  /** The message as it is now (events are applied by id, so the latest state is the right one). */
  message: MessageView | null;
  thread: ThreadState | null;
}

/** Whether an author can still edit a message created at `createdAt`. */
export function withinEditWindow(createdAt: string, now = Date.now()) {
  return now - Date.parse(createdAt) < EDIT_WINDOW_MINUTES * 60_000;
}

// The deputy's desk: its words are the database's (db/vocabulary.ts).

export { ESCALATION_STATES, URGENCIES } from "../../db/vocabulary";
export type { EscalationState, SurfacingSignal, Urgency } from "../../db/vocabulary";

/**
 * Everything a page needs to show a thread to one person (app/server/thread.server.ts builds it;
 * the thread's components read it). Dates of the desk's item may arrive as strings.
 */
export interface ThreadBundle {
  id: string;
  kind: "council" | "proposal" | "commission";
  title: string;
  commissionName: string | null;
  homePath: string;
  lastSeq: number;
  messageCount: number;
  locked: boolean;
  lockReason: string | null;
  pinnedMessageId: string | null;
  pinned: MessageView | null;
  messages: MessageView[];
  hasEarlier: boolean;
  earliestSeq: number | null;
  before: number | null;
  lastReadSeq: number | null;
  replyToId: string | null;
  /** The message whose report form is drawn in its menu (`?report=`, for browsers without JavaScript). */
  reportId: string | null;
  /** A parameter of the address did not fit and was left out: the thread says so. */
  queryInvalid: boolean;
  /** A fresh key for the composer: sending the same form twice posts once. */
  clientKey: string;
  me: {
    id: string;
    postBlocker: PostBlocker | null;
    mutedUntil: string | null;
    mayModerate: boolean;
    mayEscalate: boolean;
    mayReport: boolean;
    mayAnswer: boolean;
  } | null;
  mutes: { userId: string; name: string; until: string; reason: string }[];
  /** Earlier versions of edited messages on this page: for moderators only. */
  edits: Record<string, { previousBody: string; editedAt: string }[]>;
  escalation: {
    id: string;
    state: EscalationState;
    urgency: Urgency;
    note: string | null;
    stateNote: string | null;
    stateChangedAt: Date | string;
    escalatedAt: Date | string | null;
    escalatedBy: string | null;
    signals: unknown;
  } | null;
  /** A long discussion's digest (more than DIGEST_MIN_MESSAGES messages, on its latest page). */
  digest: ThreadDigestView | null;
}
