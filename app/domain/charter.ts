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
  authorMaySupport: true,
  ballot: "open",
  reportsToHide: 3,
  threadPosters: "residents",
  chairsModerate: false,
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

export interface Tally {
  for: number;
  against: number;
  abstain: number;
}

export type Outcome = { result: "adopted" | "not_adopted"; quorumMet: boolean; needed: number };

/**
 * The result of a council vote under its charter. Abstentions count toward the quorum (the member
 * took part) but not toward the majority, except under the absolute rule, which counts every
 * active member whether they voted or not.
 */
export function outcomeOf(
  tally: Tally,
  charter: { quorumPercent: number; majorityRule: "simple" | "absolute" | "two_thirds" },
  activeMembers: number,
): Outcome {
  const cast = tally.for + tally.against + tally.abstain;
  // Integer arithmetic: (7 / 100) * 100 is 7.000000000000001 in floating point, and would need 8.
  const needed = Math.max(1, Math.ceil((charter.quorumPercent * activeMembers) / 100));
  const quorumMet = activeMembers > 0 && cast >= needed;
  let majority: boolean;
  switch (charter.majorityRule) {
    case "simple":
      majority = tally.for > tally.against;
      break;
    case "absolute":
      majority = tally.for * 2 > activeMembers;
      break;
    case "two_thirds":
      majority = tally.for > 0 && tally.for * 3 >= (tally.for + tally.against) * 2;
      break;
  }
  return { result: quorumMet && majority ? "adopted" : "not_adopted", quorumMet, needed };
}
