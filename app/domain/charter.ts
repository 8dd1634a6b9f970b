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
  meetingsPerMonth: { min: 0, max: 8 },
  meetingQuorumCount: { min: 1, max: 500 },
  meetingQuorumPercent: { min: 1, max: 100 },
  absencesInRow: { min: 1, max: 50 },
  absencesInYear: { min: 1, max: 100 },
  minutesApprovalDays: { min: 1, max: 60 },
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
  // Tehran's neighborhood-council bylaws: two meetings a month, six members present, a review
  // after three unexcused absences in a row or six in a year.
  meetingsPerMonth: 2,
  meetingQuorumKind: "count",
  meetingQuorum: 6,
  absencesInRow: 3,
  absencesInYear: 6,
  minutesApprovalDays: 7,
  meetingsAdopt: false,
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

export type ApplyBlocker = "council_not_active" | "term_ended" | "already_member" | "already_applied" | "membership_limit";

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

// ---------------------------------------------------------------------------
// Meetings

export interface MeetingRules {
  meetingQuorumKind: "count" | "percent";
  meetingQuorum: number;
}

/**
 * How many members must be present for a meeting to be valid: a fixed number, or a share of the
 * council's active seats rounded up. Integers only, as for votes: 50% of 7 is 4, never 3.5 or 3.
 */
export function meetingQuorumNeeded(rules: MeetingRules, seats: number): number {
  if (rules.meetingQuorumKind === "count") return rules.meetingQuorum;
  return Math.max(1, Math.floor((rules.meetingQuorum * seats + 99) / 100));
}

export type AttendanceMark = "present" | "absent" | "excused" | "late";

/** Present and late members count toward the quorum; absent and excused ones do not. */
export function countsAsPresent(mark: AttendanceMark | null | undefined): boolean {
  return mark === "present" || mark === "late";
}

export interface QuorumState {
  present: number;
  needed: number;
  met: boolean;
}

export function meetingQuorumOf(rules: MeetingRules, seats: number, marks: (AttendanceMark | null | undefined)[]): QuorumState {
  const present = marks.filter(countsAsPresent).length;
  const needed = meetingQuorumNeeded(rules, seats);
  return { present, needed, met: seats > 0 && present >= needed };
}

/**
 * Minutes are approved once more than half of the members who were present approve them.
 * Objections are recorded with their comment; they hold nothing up by themselves, but a draft
 * that cannot win a majority stays unapproved and shows as late to the district.
 */
export function minutesApproved(approvals: number, presentMembers: number): boolean {
  return presentMembers > 0 && approvals * 2 > presentMembers;
}

export interface AbsenceRule {
  absencesInRow: number;
  absencesInYear: number;
}

export type AbsenceCrossing = { kind: "in_row" | "in_year"; count: number } | null;

/**
 * Whether a member's record of closed meetings (oldest first, one Jalali year) crosses the absence
 * rule. Only unexcused absences count; a meeting attended or excused ends a run of absences.
 * A meeting at which the member had no roll-call row counts as nothing.
 */
export function absenceCrossing(rule: AbsenceRule, record: (AttendanceMark | null)[]): AbsenceCrossing {
  let run = 0;
  let longest = 0;
  let total = 0;
  for (const mark of record) {
    if (mark === "absent") {
      run += 1;
      total += 1;
      longest = Math.max(longest, run);
    } else if (mark) {
      run = 0;
    }
  }
  if (longest >= rule.absencesInRow) return { kind: "in_row", count: longest };
  if (total >= rule.absencesInYear) return { kind: "in_year", count: total };
  return null;
}

/**
 * An instant from a Tehran calendar day and a wall-clock time ('18:30'). Iran has kept standard
 * time (UTC+03:30) all year since 2022, so the offset is fixed. Null for a time that is not one.
 */
export function tehranInstant(isoDate: string, time: string): Date | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m || !/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return null;
  const [hours, minutes] = [Number(m[1]), Number(m[2])];
  if (hours > 23 || minutes > 59) return null;
  const at = new Date(`${isoDate}T${String(hours).padStart(2, "0")}:${m[2]}:00+03:30`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** '18:30' in Tehran for an instant: the form people type times in. */
export function tehranClock(at: Date): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}
