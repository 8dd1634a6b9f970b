/**
 * The periods analytics and the monthly report are read over: a Jalali month, a season (فصل: three
 * months, بهار 1–3, تابستان 4–6, پاییز 7–9, زمستان 10–12) or a whole Jalali year, each as the months
 * it spans and the instants (Tehran midnight) it runs between. Browser-safe.
 */
import { jalaliMonthRange, type JalaliMonth } from "../meetings/calendar";

export const PERIOD_KINDS = ["month", "season", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export type Period =
  { kind: "month"; year: number; month: number } | { kind: "season"; year: number; season: number } | { kind: "year"; year: number };

/** Years a period may name: the span the calendar helpers and the database's dates handle well. */
export const PERIOD_YEARS = { min: 1380, max: 1480 } as const;

export const SEASONS = [1, 2, 3, 4] as const;

export function seasonOfMonth(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

/** The months a period spans, in order. */
export function periodMonths(period: Period): JalaliMonth[] {
  const { year } = period;
  if (period.kind === "month") return [{ year, month: period.month }];
  const first = period.kind === "season" ? (period.season - 1) * 3 + 1 : 1;
  const count = period.kind === "season" ? 3 : 12;
  return Array.from({ length: count }, (_, i) => ({ year, month: first + i }));
}

/** From Tehran midnight on the period's first day to Tehran midnight after its last. */
export function periodRange(period: Period): { from: Date; to: Date } {
  const months = periodMonths(period);
  return { from: jalaliMonthRange(months[0]!).from, to: jalaliMonthRange(months[months.length - 1]!).to };
}

/**
 * The month boundaries: n + 1 instants for n months (the first month's start, …, the last month's
 * end), what SQL's `width_bucket` sorts a moment into.
 */
export function monthBounds(period: Period): Date[] {
  const months = periodMonths(period);
  return [...months.map((m) => jalaliMonthRange(m).from), jalaliMonthRange(months[months.length - 1]!).to];
}

/** The period as query parameters carry it. */
export function periodParams(period: Period): Record<string, string> {
  if (period.kind === "month") return { year: String(period.year), month: String(period.month) };
  if (period.kind === "season") return { year: String(period.year), season: String(period.season) };
  return { year: String(period.year) };
}

/** A short name for files and keys: 1405-09, 1405-s3, 1405. */
export function periodSlug(period: Period): string {
  if (period.kind === "month") return `${period.year}-${String(period.month).padStart(2, "0")}`;
  if (period.kind === "season") return `${period.year}-s${period.season}`;
  return String(period.year);
}
