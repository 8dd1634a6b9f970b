import { describe, expect, it } from "vitest";
import { applyBlocker, checkTerm, daysBetween, outcomeOf, tehranToday, termState } from "./charter";

describe("termState", () => {
  const term = { termStart: "2026-03-21", termEnd: "2027-03-20" };

  it.each([
    ["2026-03-20", "upcoming"],
    ["2026-03-21", "current"],
    ["2026-09-01", "current"],
    ["2027-03-20", "current"],
    ["2027-03-21", "ended"],
    ["2030-01-01", "ended"],
  ] as const)("on %s the term is %s", (today, state) => {
    expect(termState(term, today)).toBe(state);
  });

  it("compares across month and year boundaries as dates", () => {
    const t = { termStart: "2025-12-31", termEnd: "2026-01-31" };
    expect(termState(t, "2025-12-30")).toBe("upcoming");
    expect(termState(t, "2026-01-09")).toBe("current");
    expect(termState(t, "2026-02-01")).toBe("ended");
  });
});

describe("checkTerm", () => {
  it("refuses an end before or on the start", () => {
    expect(checkTerm("2026-05-10", "2026-05-09")).toBe("term_end_before_start");
    expect(checkTerm("2026-05-10", "2026-05-10")).toBe("term_end_before_start");
    expect(checkTerm("2027-01-01", "2026-01-01")).toBe("term_end_before_start");
  });

  it("needs at least 30 days", () => {
    expect(daysBetween("2026-01-01", "2026-01-30")).toBe(29);
    expect(checkTerm("2026-01-01", "2026-01-30")).toBe("term_too_short");
    expect(checkTerm("2026-01-01", "2026-01-31")).toBeNull();
    expect(checkTerm("2026-01-01", "2026-01-02")).toBe("term_too_short");
  });

  it("allows up to five years and refuses longer", () => {
    expect(checkTerm("2026-01-01", "2031-01-01")).toBeNull();
    expect(checkTerm("2026-01-01", "2030-12-31")).toBeNull();
    // The limit is 5 × 366 = 1830 days.
    expect(daysBetween("2026-01-01", "2031-01-05")).toBe(1830);
    expect(checkTerm("2026-01-01", "2031-01-05")).toBeNull();
    expect(checkTerm("2026-01-01", "2031-01-06")).toBe("term_too_long");
    expect(checkTerm("2026-01-01", "2036-01-01")).toBe("term_too_long");
  });

  it("counts calendar days, leap days included", () => {
    expect(daysBetween("2026-03-01", "2026-04-01")).toBe(31);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
  });
});

describe("applyBlocker", () => {
  const open = {
    councilStatus: "active",
    termState: "current",
    isMember: false,
    hasPendingApplication: false,
    activeSeatsElsewhere: 0,
    seatLimit: 1,
  } as const;

  it("lets a person apply when nothing is in the way, also before the term starts", () => {
    expect(applyBlocker(open)).toBeNull();
    expect(applyBlocker({ ...open, termState: "upcoming" })).toBeNull();
    expect(applyBlocker({ ...open, activeSeatsElsewhere: 1, seatLimit: 2 })).toBeNull();
  });

  it("reports each reason on its own", () => {
    expect(applyBlocker({ ...open, councilStatus: "suspended" })).toBe("council_not_active");
    expect(applyBlocker({ ...open, councilStatus: "dissolved" })).toBe("council_not_active");
    expect(applyBlocker({ ...open, termState: "ended" })).toBe("term_ended");
    expect(applyBlocker({ ...open, isMember: true })).toBe("already_member");
    expect(applyBlocker({ ...open, hasPendingApplication: true })).toBe("already_applied");
    expect(applyBlocker({ ...open, activeSeatsElsewhere: 1 })).toBe("membership_limit");
    expect(applyBlocker({ ...open, activeSeatsElsewhere: 3, seatLimit: 2 })).toBe("membership_limit");
  });

  it("reports the first reason in order: council, term, member, applied, limit", () => {
    const all = {
      councilStatus: "dissolved",
      termState: "ended",
      isMember: true,
      hasPendingApplication: true,
      activeSeatsElsewhere: 5,
      seatLimit: 1,
    } as const;
    expect(applyBlocker(all)).toBe("council_not_active");
    expect(applyBlocker({ ...all, councilStatus: "active" })).toBe("term_ended");
    expect(applyBlocker({ ...all, councilStatus: "active", termState: "current" })).toBe("already_member");
    expect(applyBlocker({ ...all, councilStatus: "active", termState: "current", isMember: false })).toBe("already_applied");
    expect(applyBlocker({ ...all, councilStatus: "active", termState: "current", isMember: false, hasPendingApplication: false })).toBe(
      "membership_limit",
    );
  });
});

describe("tehranToday", () => {
  it("turns the date at midnight in Tehran (UTC+3:30), not in UTC", () => {
    expect(tehranToday(new Date("2026-11-21T20:29:00Z"))).toBe("2026-11-21");
    expect(tehranToday(new Date("2026-11-21T20:29:59.999Z"))).toBe("2026-11-21");
    expect(tehranToday(new Date("2026-11-21T20:30:00Z"))).toBe("2026-11-22");
    expect(tehranToday(new Date("2026-11-21T20:31:00Z"))).toBe("2026-11-22");
  });

  it("keeps UTC+3:30 in summer too (no clock change)", () => {
    expect(tehranToday(new Date("2026-06-30T20:29:00Z"))).toBe("2026-06-30");
    expect(tehranToday(new Date("2026-06-30T20:31:00Z"))).toBe("2026-07-01");
  });

  it("crosses the year in Tehran before it does in UTC", () => {
    expect(tehranToday(new Date("2026-12-31T20:31:00Z"))).toBe("2027-01-01");
    expect(tehranToday(new Date("2027-01-01T00:00:00Z"))).toBe("2027-01-01");
  });

  it("answers in ISO form with Latin digits", () => {
    expect(tehranToday()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe("outcomeOf: what a council vote decides", () => {
  const simple = { quorumPercent: 50, majorityRule: "simple" as const };
  it("needs the quorum: half of 10 members is 5 ballots, abstentions included", () => {
    expect(outcomeOf({ for: 3, against: 1, abstain: 0 }, simple, 10)).toMatchObject({ result: "not_adopted", quorumMet: false, needed: 5 });
    expect(outcomeOf({ for: 3, against: 1, abstain: 1 }, simple, 10)).toMatchObject({ result: "adopted", quorumMet: true });
  });
  it("rounds the quorum up and never below one ballot", () => {
    expect(outcomeOf({ for: 2, against: 0, abstain: 0 }, simple, 5).needed).toBe(3);
    expect(outcomeOf({ for: 0, against: 0, abstain: 0 }, { quorumPercent: 1, majorityRule: "simple" }, 3).needed).toBe(1);
  });
  it("treats a tie as not adopted and ignores abstentions under the simple rule", () => {
    expect(outcomeOf({ for: 3, against: 3, abstain: 4 }, simple, 10).result).toBe("not_adopted");
    expect(outcomeOf({ for: 2, against: 1, abstain: 7 }, simple, 10).result).toBe("adopted");
  });
  it("counts every member under the absolute rule", () => {
    const absolute = { quorumPercent: 50, majorityRule: "absolute" as const };
    expect(outcomeOf({ for: 5, against: 0, abstain: 0 }, absolute, 10).result).toBe("not_adopted");
    expect(outcomeOf({ for: 6, against: 0, abstain: 0 }, absolute, 10).result).toBe("adopted");
  });
  it("needs two thirds of the votes for and against under the two-thirds rule", () => {
    const twoThirds = { quorumPercent: 50, majorityRule: "two_thirds" as const };
    expect(outcomeOf({ for: 4, against: 2, abstain: 0 }, twoThirds, 10).result).toBe("adopted");
    expect(outcomeOf({ for: 3, against: 2, abstain: 3 }, twoThirds, 10).result).toBe("not_adopted");
    expect(outcomeOf({ for: 0, against: 0, abstain: 6 }, twoThirds, 10).result).toBe("not_adopted");
  });
  it("adopts nothing in a council without members", () => {
    expect(outcomeOf({ for: 0, against: 0, abstain: 0 }, simple, 0)).toMatchObject({ result: "not_adopted", quorumMet: false });
  });
});

describe("outcomeOf quorum arithmetic", () => {
  it("needs exactly the share of members, without floating-point drift", () => {
    const at = (percent: number, members: number) =>
      outcomeOf({ for: 0, against: 0, abstain: 0 }, { quorumPercent: percent, majorityRule: "simple" }, members).needed;
    expect(at(7, 100)).toBe(7);
    expect(at(55, 200)).toBe(110);
    expect(at(14, 50)).toBe(7);
    expect(at(28, 100)).toBe(28);
    expect(at(56, 50)).toBe(28);
    for (let p = 1; p <= 100; p++) for (const m of [50, 100, 200]) expect(at(p, m)).toBe(Math.max(1, Math.ceil((p * m) / 100)));
  });
});
