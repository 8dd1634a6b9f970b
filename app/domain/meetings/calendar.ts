/**
 * Jalali months and years as ranges of instants in Tehran, for calendars and the district's
 * monthly report. Browser-safe.
 */
import { jalaliOf, parseJalaliDate } from "../../utils/persian";
import { tehranInstant, tehranToday } from "../charter";

export interface JalaliMonth {
  year: number;
  month: number;
}

/** The Jalali month a moment falls in, on Tehran's calendar. */
export function jalaliMonthOf(at: Date): JalaliMonth {
  const { year, month } = jalaliOf(new Date(`${tehranToday(at)}T00:00:00Z`));
  return { year, month };
}

export function nextJalaliMonth({ year, month }: JalaliMonth): JalaliMonth {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

export function previousJalaliMonth({ year, month }: JalaliMonth): JalaliMonth {
  return month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
}

/** From Tehran midnight on the month's first day to Tehran midnight on the next month's. */
export function jalaliMonthRange(m: JalaliMonth): { from: Date; to: Date } {
  const next = nextJalaliMonth(m);
  const from = tehranInstant(parseJalaliDate(`${m.year}/${m.month}/1`)!, "00:00")!;
  const to = tehranInstant(parseJalaliDate(`${next.year}/${next.month}/1`)!, "00:00")!;
  return { from, to };
}

export function jalaliYearRange(year: number): { from: Date; to: Date } {
  return { from: jalaliMonthRange({ year, month: 1 }).from, to: jalaliMonthRange({ year, month: 12 }).to };
}

/** 'YYYY-MM' (Jalali, Latin digits) as used in URLs: '1405-09'. Null for anything else. */
export function parseMonthParam(value: string | null | undefined): JalaliMonth | null {
  const m = /^(\d{4})-(\d{1,2})$/.exec(value ?? "");
  if (!m) return null;
  const [year, month] = [Number(m[1]), Number(m[2])];
  if (year < 1300 || year > 1500 || month < 1 || month > 12) return null;
  return { year, month };
}

export const monthParam = (m: JalaliMonth) => `${m.year}-${String(m.month).padStart(2, "0")}`;
