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

export type ThreadEventKind = "posted" | "edited" | "deleted" | "hidden" | "restored" | "pinned" | "unpinned" | "locked" | "unlocked";

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
