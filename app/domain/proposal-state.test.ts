import { describe, expect, it } from "vitest";
import { PROPOSAL_STATUSES } from "../../db/schema";
import { canMove, isFinal, sourcesOf, STATUS_GROUPS, TRANSITIONS } from "./proposal-state";

describe("the proposal state machine", () => {
  it("knows every status the database allows, and nothing else", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...PROPOSAL_STATUSES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(PROPOSAL_STATUSES).toContain(t);
  });

  it("follows the civic path: supports → agenda → vote → commission → progress", () => {
    const path = ["open", "on_agenda", "voting", "adopted", "in_review", "accepted", "in_progress", "done"] as const;
    for (let i = 1; i < path.length; i++) expect(canMove(path[i - 1]!, path[i]!), `${path[i - 1]} → ${path[i]}`).toBe(true);
  });

  it("refuses shortcuts and going back", () => {
    expect(canMove("open", "voting")).toBe(false);
    expect(canMove("open", "adopted")).toBe(false);
    expect(canMove("voting", "withdrawn")).toBe(false);
    expect(canMove("adopted", "open")).toBe(false);
    expect(canMove("not_adopted", "voting")).toBe(false);
    expect(canMove("done", "in_progress")).toBe(false);
  });

  it("lets a withdrawal happen only before a vote opens", () => {
    expect(sourcesOf("withdrawn").sort()).toEqual(["on_agenda", "open"]);
  });

  it("sends a returned proposal back to the council's agenda", () => {
    expect(canMove("in_review", "returned")).toBe(true);
    expect(canMove("returned", "on_agenda")).toBe(true);
  });

  it("has final statuses with no way out, and every other status reaches a final one", () => {
    expect(["not_adopted", "declined", "done", "withdrawn"].every((s) => isFinal(s as never))).toBe(true);
    for (const start of PROPOSAL_STATUSES) {
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length)
        for (const next of TRANSITIONS[queue.shift()!])
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
      expect(
        [...seen].some((s) => isFinal(s)),
        start,
      ).toBe(true);
    }
  });

  it("puts every status in exactly one list filter", () => {
    const grouped = Object.values(STATUS_GROUPS).flat();
    expect([...grouped].sort()).toEqual([...PROPOSAL_STATUSES].sort());
  });
});
