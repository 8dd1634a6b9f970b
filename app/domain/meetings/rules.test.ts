import { describe, expect, it } from "vitest";
import { absenceCrossing, meetingQuorumNeeded, meetingQuorumOf, minutesApproved, tehranClock, tehranInstant } from "../charter";
import { jalaliMonthOf, jalaliMonthRange, parseMonthParam } from "./calendar";

describe("the meeting quorum", () => {
  it("is the charter's number of members, whatever the council's size", () => {
    expect(meetingQuorumNeeded({ meetingQuorumKind: "count", meetingQuorum: 6 }, 11)).toBe(6);
    expect(meetingQuorumNeeded({ meetingQuorumKind: "count", meetingQuorum: 6 }, 4)).toBe(6);
  });

  it("rounds a share of the seats up, in integers", () => {
    const share = (p: number, seats: number) => meetingQuorumNeeded({ meetingQuorumKind: "percent", meetingQuorum: p }, seats);
    expect(share(50, 7)).toBe(4);
    expect(share(50, 8)).toBe(4);
    // 7% of 100 is 7, not 8 (floating point would say 7.000000000000001).
    expect(share(7, 100)).toBe(7);
    expect(share(51, 100)).toBe(51);
    expect(share(67, 9)).toBe(7);
    expect(share(100, 9)).toBe(9);
    expect(share(1, 3)).toBe(1);
  });

  it("counts present and late members, never absent or excused ones", () => {
    const rules = { meetingQuorumKind: "count" as const, meetingQuorum: 3 };
    expect(meetingQuorumOf(rules, 5, ["present", "late", "absent", "excused", null])).toEqual({ present: 2, needed: 3, met: false });
    expect(meetingQuorumOf(rules, 5, ["present", "late", "present", "excused", null])).toEqual({ present: 3, needed: 3, met: true });
    expect(meetingQuorumOf(rules, 0, [])).toEqual({ present: 0, needed: 3, met: false });
  });
});

describe("approving minutes", () => {
  it("takes more than half of the members present", () => {
    expect(minutesApproved(2, 3)).toBe(true);
    expect(minutesApproved(1, 3)).toBe(false);
    expect(minutesApproved(3, 6)).toBe(false);
    expect(minutesApproved(4, 6)).toBe(true);
    expect(minutesApproved(0, 0)).toBe(false);
  });
});

describe("the absence rule", () => {
  const rule = { absencesInRow: 3, absencesInYear: 6 };
  it("is crossed by three unexcused absences in a row", () => {
    expect(absenceCrossing(rule, ["absent", "absent", "absent"])).toEqual({ kind: "in_row", count: 3 });
    expect(absenceCrossing(rule, ["absent", "absent", "present", "absent"])).toBeNull();
  });

  it("does not count excused absences, which also end a run", () => {
    expect(absenceCrossing(rule, ["absent", "excused", "absent", "absent"])).toBeNull();
    expect(absenceCrossing(rule, ["excused", "excused", "excused", "excused"])).toBeNull();
  });

  it("is crossed by six unexcused absences in the year, in no row", () => {
    expect(
      absenceCrossing({ absencesInRow: 3, absencesInYear: 6 }, [
        "absent",
        "absent",
        "present",
        "absent",
        "absent",
        "late",
        "absent",
        "absent",
      ]),
    ).toEqual({
      kind: "in_year",
      count: 6,
    });
  });

  it("ignores meetings with no roll-call row for the member", () => {
    expect(absenceCrossing(rule, ["absent", null, "absent", "absent"])).toEqual({ kind: "in_row", count: 3 });
  });
});

describe("Tehran times and Jalali months", () => {
  it("turns a day and a wall-clock time into the instant in Tehran (UTC+03:30)", () => {
    expect(tehranInstant("2026-12-06", "17:30")!.toISOString()).toBe("2026-12-06T14:00:00.000Z");
    expect(tehranInstant("2026-12-06", "24:00")).toBeNull();
    expect(tehranInstant("2026-12-06", "5pm")).toBeNull();
    expect(tehranClock(new Date("2026-12-06T14:00:00Z"))).toBe("17:30");
  });

  it("gives a Jalali month as Tehran midnights", () => {
    const { from, to } = jalaliMonthRange({ year: 1405, month: 9 });
    expect(from.toISOString()).toBe("2026-11-21T20:30:00.000Z");
    expect(to.toISOString()).toBe("2026-12-21T20:30:00.000Z");
    expect(jalaliMonthOf(new Date("2026-11-21T21:00:00Z"))).toEqual({ year: 1405, month: 9 });
    expect(jalaliMonthOf(new Date("2026-11-21T20:00:00Z"))).toEqual({ year: 1405, month: 8 });
    // Esfand of a leap year has 30 days; of a common one 29.
    expect(
      (jalaliMonthRange({ year: 1403, month: 12 }).to.getTime() - jalaliMonthRange({ year: 1403, month: 12 }).from.getTime()) / 86_400_000,
    ).toBe(30);
    expect(
      (jalaliMonthRange({ year: 1404, month: 12 }).to.getTime() - jalaliMonthRange({ year: 1404, month: 12 }).from.getTime()) / 86_400_000,
    ).toBe(29);
  });

  it("reads a month from a URL only in its one form", () => {
    expect(parseMonthParam("1405-09")).toEqual({ year: 1405, month: 9 });
    expect(parseMonthParam("1405-13")).toBeNull();
    expect(parseMonthParam("۱۴۰۵-۰۹")).toBeNull();
    expect(parseMonthParam(null)).toBeNull();
  });
});
