import { tehranToday } from "../../app/domain/charter";
import type { CharterInput } from "../../app/domain/councils.server";

/** An ISO date `days` after (or before) another. */
export const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * An ordinary charter whose current term began yesterday (Tehran time) and runs about two years;
 * a test overrides only what it is about.
 */
export function testCharter(overrides: Partial<CharterInput> = {}): CharterInput {
  const today = tehranToday();
  return {
    termStart: addDays(today, -1),
    termEnd: addDays(today, 700),
    quorumPercent: 50,
    votingPeriodDays: 7,
    majorityRule: "simple",
    proposers: "residents",
    supportThreshold: 20,
    ballot: "open",
    reportsToHide: 3,
    ...overrides,
  };
}
