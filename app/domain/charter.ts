/**
 * The rules of a council's charter and term that both the server and the forms need.
 * Browser-safe: no database access.
 */

export const CHARTER_LIMITS = {
  quorumPercent: { min: 1, max: 100 },
  votingPeriodDays: { min: 1, max: 60 },
  supportThreshold: { min: 1, max: 100_000 },
  reportsToHide: { min: 1, max: 1_000 },
  termDays: { min: 30, max: 5 * 366 },
} as const;

export const CHARTER_DEFAULTS = {
  quorumPercent: 50,
  votingPeriodDays: 7,
  majorityRule: "simple",
  proposers: "residents",
  supportThreshold: 20,
  ballot: "open",
  reportsToHide: 3,
} as const;

export type TermState = "upcoming" | "current" | "ended";

/** Where today (an ISO date in Tehran) falls against a term. */
export function termState(term: { termStart: string; termEnd: string }, today: string): TermState {
  if (today < term.termStart) return "upcoming";
  if (today > term.termEnd) return "ended";
  return "current";
}

/** Today's date in Tehran as 'YYYY-MM-DD': terms begin and end on Tehran's calendar. */
export function tehranToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export function daysBetween(startIso: string, endIso: string) {
  return Math.round((Date.parse(`${endIso}T00:00:00Z`) - Date.parse(`${startIso}T00:00:00Z`)) / 86_400_000);
}

export type TermError = "term_end_before_start" | "term_too_short" | "term_too_long";

export function checkTerm(termStart: string, termEnd: string): TermError | null {
  const days = daysBetween(termStart, termEnd);
  if (days <= 0) return "term_end_before_start";
  if (days < CHARTER_LIMITS.termDays.min) return "term_too_short";
  if (days > CHARTER_LIMITS.termDays.max) return "term_too_long";
  return null;
}

export type ApplyBlocker =
  | "council_not_active"
  | "term_ended"
  | "already_member"
  | "already_applied"
  | "membership_limit";

/** Why a person may not apply to a council right now, or null when they may. */
export function applyBlocker(input: {
  councilStatus: "active" | "suspended" | "dissolved";
  termState: TermState;
  isMember: boolean;
  hasPendingApplication: boolean;
  activeSeatsElsewhere: number;
  seatLimit: number;
}): ApplyBlocker | null {
  if (input.councilStatus !== "active") return "council_not_active";
  if (input.termState === "ended") return "term_ended";
  if (input.isMember) return "already_member";
  if (input.hasPendingApplication) return "already_applied";
  if (input.activeSeatsElsewhere >= input.seatLimit) return "membership_limit";
  return null;
}
