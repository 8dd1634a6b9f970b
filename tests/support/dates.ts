import { tehranToday } from "../../app/domain/charter";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Today's date in Tehran as an ISO date (yyyy-mm-dd), the calendar every charter is written in. */
export const today = () => tehranToday();

/** An ISO date `days` after (or, when negative, before) another. */
export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** The same day of the year `years` later: `addYears("2026-03-01", 2)` → "2028-03-01". */
export const addYears = (iso: string, years: number) => `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;

/** A moment `ms` from now (or ago, when negative). */
export const fromNow = (ms: number) => new Date(Date.now() + ms);
