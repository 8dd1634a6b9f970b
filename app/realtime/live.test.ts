import { afterEach, describe, expect, it, vi } from "vitest";
import { ballotDisclosure } from "../domain/ballot-rule";
import { Coalescer } from "./live.server";
import { liveShouldRevalidate, needsReload, type ShownProposal } from "./live";
import type { ProposalLive } from "./events";

describe("Coalescer", () => {
  afterEach(() => vi.useRealTimers());

  it("sends the first change at once, folds a burst into one more send at the window's end, and reads the state when sending", async () => {
    vi.useFakeTimers();
    let state = 0;
    const sent: number[] = [];
    const coalescer = new Coalescer(200, (err) => {
      throw err;
    });
    const publish = () => coalescer.schedule("proposal:1", async () => void sent.push(state));
    state = 1;
    publish();
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([1]);
    for (let i = 2; i <= 50; i++) {
      state = i;
      publish();
      await vi.advanceTimersByTimeAsync(3);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.at(-1)).toBe(50);
    // 50 changes over ~150 ms: the first, then one per window.
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(coalescer.size).toBe(0);
  });

  it("never runs two sends of one key at once, and sends again for a change made during a send", async () => {
    vi.useFakeTimers();
    let running = 0;
    let most = 0;
    let state = 0;
    const sent: number[] = [];
    const coalescer = new Coalescer(50, () => {});
    const run = async () => {
      running++;
      most = Math.max(most, running);
      const read = state;
      await new Promise((r) => setTimeout(r, 30));
      sent.push(read);
      running--;
    };
    state = 1;
    coalescer.schedule("k", run);
    await vi.advanceTimersByTimeAsync(10);
    state = 2; // made after the state was read
    coalescer.schedule("k", run);
    await vi.advanceTimersByTimeAsync(500);
    expect(most).toBe(1);
    expect(sent).toEqual([1, 2]);
  });

  it("keeps keys apart and stops on close", async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const coalescer = new Coalescer(100, () => {});
    coalescer.schedule("a", async () => void sent.push("a"));
    coalescer.schedule("b", async () => void sent.push("b"));
    await vi.advanceTimersByTimeAsync(1);
    coalescer.schedule("a", async () => void sent.push("a2"));
    coalescer.close();
    await vi.advanceTimersByTimeAsync(500);
    expect(sent.sort()).toEqual(["a", "b"]);
  });
});

describe("needsReload", () => {
  const shown: ShownProposal = { status: "voting", events: 3, voteId: "v1", voteStatus: "open" };
  const live = (patch: Partial<ProposalLive>): ProposalLive => ({
    proposalId: "p",
    v: 1,
    status: "voting",
    supportCount: 4,
    messageCount: 2,
    events: 3,
    vote: { id: "v1", status: "open", secret: false, result: null, tally: { for: 1, against: 0, abstain: 0 }, voters: [] },
    ...patch,
  });

  it("patches supports, messages and an open ballot's tally", () => {
    expect(needsReload(shown, live({ supportCount: 9, messageCount: 7 }))).toBe(false);
    expect(needsReload(shown, null)).toBe(false);
  });

  it("reloads for a status change, a new timeline entry, or a vote opened or closed", () => {
    expect(needsReload(shown, live({ status: "adopted" }))).toBe(true);
    expect(needsReload(shown, live({ events: 4 }))).toBe(true);
    expect(
      needsReload(shown, live({ vote: { id: "v1", status: "closed", secret: false, result: "adopted", tally: null, voters: null } })),
    ).toBe(true);
    expect(needsReload({ ...shown, voteId: null, voteStatus: null }, live({}))).toBe(true);
  });
});

describe("liveShouldRevalidate", () => {
  const base = {
    currentUrl: new URL("http://x/proposals/1"),
    currentParams: {},
    nextUrl: new URL("http://x/proposals/1"),
    nextParams: {},
    defaultShouldRevalidate: true,
  };
  const form = (intent: string) => {
    const data = new FormData();
    data.set("intent", intent);
    return data;
  };

  it("skips the loaders after a message posted to a thread, and only then", () => {
    expect(liveShouldRevalidate({ ...base, formMethod: "POST", formAction: "/threads/abc", formData: form("post") })).toBe(false);
    expect(liveShouldRevalidate({ ...base, formMethod: "POST", formAction: "/threads/abc", formData: form("mute") })).toBe(true);
    expect(liveShouldRevalidate({ ...base, formMethod: "POST", formAction: "/proposals/1", formData: form("support") })).toBe(true);
    expect(liveShouldRevalidate(base)).toBe(true);
    expect(liveShouldRevalidate({ ...base, defaultShouldRevalidate: false })).toBe(false);
  });
});

describe("ballotDisclosure", () => {
  it("shows an open ballot whole and live; a secret one nothing while open and totals only after", () => {
    expect(ballotDisclosure("open", "open")).toEqual({ tally: true, roll: true, liveBallots: true });
    expect(ballotDisclosure("secret", "open")).toEqual({ tally: false, roll: false, liveBallots: false });
    expect(ballotDisclosure("secret", "closed")).toEqual({ tally: true, roll: false, liveBallots: false });
  });
});
