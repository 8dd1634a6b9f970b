/**
 * The words and limits the database itself stores and checks (text columns typed to these values,
 * check constraints), with nothing to import: the schema and the browser-safe domain modules
 * (app/domain/thread-view.ts re-exports them) read them from here, so the schema imports nothing
 * from the app.
 */

/** The longest thread message, in characters (a check constraint holds the same limit). */
export const MESSAGE_MAX_LENGTH = 2000;

// The deputy's desk

export const URGENCIES = ["normal", "high", "urgent"] as const;
export type Urgency = (typeof URGENCIES)[number];
export const ESCALATION_STATES = ["new", "seen", "following", "resolved"] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

export type SurfacingSignal =
  | { kind: "burst"; recent: number; usualPerWindow: number; windowMinutes: number }
  | { kind: "participants"; count: number; windowHours: number }
  | { kind: "reports"; count: number; windowHours: number };
