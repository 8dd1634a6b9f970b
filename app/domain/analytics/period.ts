/**
 * The periods analytics and the monthly report are read over: a Jalali month, a season (فصل: three
 * months, بهار 1–3, تابستان 4–6, پاییز 7–9, زمستان 10–12) or a whole Jalali year, each as the months
 * it spans and the instants (Tehran midnight) it runs between. Browser-safe.
 */
import { jalaliMonthRange, nextJalaliMonth, type JalaliMonth } from "../meetings/calendar";

export const PERIOD_KINDS = ["month", "season", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export type Period =
  | { kind: "month"; year: number; month: number }
  | { kind: "season"; year: number; season: number }
  | { kind: "year"; year: number }
  /** Whole months from one to another (inclusive), as an address may ask: at most MAX_RANGE_MONTHS. */
  | { kind: "range"; from: JalaliMonth; to: JalaliMonth };

/** The longest range a page reads in one go (a century is refused, not computed). */
export const MAX_RANGE_MONTHS = 24;

const monthIndex = (m: JalaliMonth) => m.year * 12 + (m.month - 1);

/** Years a period may name: the span the calendar helpers and the database's dates handle well. */
export const PERIOD_YEARS = { min: 1380, max: 1480 } as const;

export const SEASONS = [1, 2, 3, 4] as const;

export function seasonOfMonth(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

/** The months a period spans, in order. */
export function periodMonths(period: Period): JalaliMonth[] {
  if (period.kind === "range") {
    const months = [period.from];
    while (monthIndex(months[months.length - 1]!) < monthIndex(period.to)) months.push(nextJalaliMonth(months[months.length - 1]!));
    return months;
  }
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

export type PeriodProblem = "year_range" | "range_order" | "range_too_long" | "month_and_season";

/**
 * The period an address asks for, from its already-parsed parameters: a range (`from`, `to`), else
 * a year with a month or a season or neither (the whole year); nothing asked is the current month.
 * A range that ends before it starts or runs longer than MAX_RANGE_MONTHS, or a year outside
 * PERIOD_YEARS, is refused: the current month is shown with the problem named.
 */
export function resolvePeriod(
  asked: { year?: number; month?: number; season?: number; from?: JalaliMonth; to?: JalaliMonth },
  current: JalaliMonth,
): { period: Period; problem: PeriodProblem | null } {
  const fallback: Period = { kind: "month", ...current };
  const inYears = (year: number) => year >= PERIOD_YEARS.min && year <= PERIOD_YEARS.max;
  if (asked.from && asked.to) {
    if (!inYears(asked.from.year) || !inYears(asked.to.year)) return { period: fallback, problem: "year_range" };
    const span = monthIndex(asked.to) - monthIndex(asked.from) + 1;
    if (span < 1) return { period: fallback, problem: "range_order" };
    if (span > MAX_RANGE_MONTHS) return { period: fallback, problem: "range_too_long" };
    return { period: { kind: "range", from: asked.from, to: asked.to }, problem: null };
  }
  if (asked.year === undefined) {
    if (asked.month !== undefined) return { period: { kind: "month", year: current.year, month: asked.month }, problem: null };
    if (asked.season !== undefined) return { period: { kind: "season", year: current.year, season: asked.season }, problem: null };
    return { period: fallback, problem: null };
  }
  if (!inYears(asked.year)) return { period: fallback, problem: "year_range" };
  if (asked.month !== undefined)
    return {
      period: { kind: "month", year: asked.year, month: asked.month },
      problem: asked.season !== undefined ? "month_and_season" : null,
    };
  if (asked.season !== undefined) return { period: { kind: "season", year: asked.year, season: asked.season }, problem: null };
  return { period: { kind: "year", year: asked.year }, problem: null };
}

/** The period as query parameters carry it. */
export function periodParams(period: Period): Record<string, string> {
  if (period.kind === "range") return { from: monthKey(period.from), to: monthKey(period.to) };
  if (period.kind === "month") return { year: String(period.year), month: String(period.month) };
  if (period.kind === "season") return { year: String(period.year), season: String(period.season) };
  return { year: String(period.year) };
}

/** A short name for files and keys: 1405-09, 1405-s3, 1405. */
const monthKey = (m: JalaliMonth) => `${m.year}-${String(m.month).padStart(2, "0")}`;

export function periodSlug(period: Period): string {
  if (period.kind === "range") return `${monthKey(period.from)}_${monthKey(period.to)}`;
  if (period.kind === "month") return `${period.year}-${String(period.month).padStart(2, "0")}`;
  if (period.kind === "season") return `${period.year}-s${period.season}`;
  return String(period.year);
}
