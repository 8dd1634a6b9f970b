import { describe, expect, it } from "vitest";
import { jalaliMonthRange } from "../meetings/calendar";
import { monthBounds, periodMonths, periodRange, resolvePeriod } from "./period";

const NOW = { year: 1405, month: 9 };

describe("analytics periods", () => {
  it("spans a month, a season (three months) and a year on Tehran's calendar", () => {
    expect(periodMonths({ kind: "season", year: 1405, season: 3 }).map((m) => m.month)).toEqual([7, 8, 9]);
    expect(periodMonths({ kind: "season", year: 1405, season: 4 }).map((m) => m.month)).toEqual([10, 11, 12]);
    expect(periodMonths({ kind: "year", year: 1405 })).toHaveLength(12);
    const season = periodRange({ kind: "season", year: 1405, season: 1 });
    expect(season.from).toEqual(jalaliMonthRange({ year: 1405, month: 1 }).from);
    expect(season.to).toEqual(jalaliMonthRange({ year: 1405, month: 3 }).to);
    // Nowruz 1405 at Tehran midnight.
    expect(season.from.toISOString()).toBe("2026-03-20T20:30:00.000Z");
    expect(monthBounds({ kind: "year", year: 1405 })).toHaveLength(13);
  });

  it("runs a range across the new year", () => {
    const months = periodMonths({ kind: "range", from: { year: 1404, month: 11 }, to: { year: 1405, month: 2 } });
    expect(months).toEqual([
      { year: 1404, month: 11 },
      { year: 1404, month: 12 },
      { year: 1405, month: 1 },
      { year: 1405, month: 2 },
    ]);
  });

  it("reads what the address asks, and refuses a range that ends before it starts or spans a century", () => {
    expect(resolvePeriod({}, NOW)).toEqual({ period: { kind: "month", year: 1405, month: 9 }, problem: null });
    expect(resolvePeriod({ year: 1404 }, NOW).period).toEqual({ kind: "year", year: 1404 });
    expect(resolvePeriod({ year: 1404, season: 2 }, NOW).period).toEqual({ kind: "season", year: 1404, season: 2 });
    expect(resolvePeriod({ year: 1404, month: 2, season: 3 }, NOW)).toEqual({
      period: { kind: "month", year: 1404, month: 2 },
      problem: "month_and_season",
    });
    expect(resolvePeriod({ year: 1200 }, NOW).problem).toBe("year_range");
    expect(resolvePeriod({ from: { year: 1405, month: 5 }, to: { year: 1405, month: 2 } }, NOW)).toEqual({
      period: { kind: "month", year: 1405, month: 9 },
      problem: "range_order",
    });
    expect(resolvePeriod({ from: { year: 1380, month: 1 }, to: { year: 1479, month: 12 } }, NOW).problem).toBe("range_too_long");
    expect(resolvePeriod({ from: { year: 1404, month: 1 }, to: { year: 1404, month: 6 } }, NOW).period.kind).toBe("range");
  });
});
