import { and, count, eq, sql } from "drizzle-orm";
import type { Server as SocketServer } from "socket.io";
import type { Db } from "../../db/client.server";
import { councils, proposalEvents, proposals, threads, votes } from "../../db/schema";
import { ballotDisclosure } from "../domain/ballot-rule";
import { rollOf, tallyOf } from "../domain/votes.server";
import { SERVER_EVENTS, type ProposalLive } from "./events";

/** At most one state per room in this window (5 a second), however many changes arrive. */
export const LIVE_WINDOW_MS = 200;

/**
 * Sends the latest state of something at most once per window, per key (a room).
 *
 * The first change is sent at once; changes that arrive while a state is being read or within the
 * window after it was sent are folded into one more send when the window ends. The state is read
 * when it is sent, never when it was asked for, so the last state sent is the one after the last
 * change. Sends of one key never overlap, so they leave in the order they were read.
 */
export class Coalescer {
  private entries = new Map<string, { dirty: boolean; run: () => Promise<void>; timer: ReturnType<typeof setTimeout> | null }>();
  private closed = false;

  constructor(
    private readonly windowMs: number,
    private readonly onError: (err: unknown, key: string) => void,
  ) {}

  schedule(key: string, run: () => Promise<void>) {
    if (this.closed) return;
    const entry = this.entries.get(key);
    if (entry) {
      entry.run = run;
      entry.dirty = true;
      return;
    }
    const fresh = { dirty: false, run, timer: null as ReturnType<typeof setTimeout> | null };
    this.entries.set(key, fresh);
    // Next tick: changes made in the same tick (a burst in one request) leave as one.
    fresh.timer = setTimeout(() => void this.fire(key), 0);
  }

  private async fire(key: string) {
    const entry = this.entries.get(key);
    if (!entry || this.closed) return;
    entry.timer = null;
    entry.dirty = false;
    try {
      await entry.run();
    } catch (err) {
      this.onError(err, key);
    }
    if (this.closed) return;
    // The window: anything that arrived meanwhile goes once at its end; nothing did, the key is free.
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (entry.dirty) void this.fire(key);
      else this.entries.delete(key);
    }, this.windowMs);
  }

  /** How many keys are waiting or cooling (for tests). */
  get size() {
    return this.entries.size;
  }

  close() {
    this.closed = true;
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
  }
}

const coalescers = new WeakMap<SocketServer, Coalescer>();

function coalescerOf(io: SocketServer) {
  let coalescer = coalescers.get(io);
  if (!coalescer) {
    coalescer = new Coalescer(LIVE_WINDOW_MS, () => {});
    coalescers.set(io, coalescer);
  }
  return coalescer;
}

/** Sets where failed reads are reported (the server's logger); called once at start. */
export function attachLive(io: SocketServer, onError: (err: unknown, key: string) => void) {
  coalescers.get(io)?.close();
  coalescers.set(io, new Coalescer(LIVE_WINDOW_MS, onError));
}

/** Stops sending (server shutdown): later changes are not published on the closed server. */
export function closeLive(io: SocketServer) {
  const coalescer = coalescerOf(io);
  coalescer.close();
}

/**
 * Runs `send` for a room at most once per window (the first at once, the rest folded into one at
 * the window's end). For signals whose receivers reload anyway, so only the last one matters.
 */
export function publishCoalesced(io: SocketServer, room: string, send: () => void) {
  coalescerOf(io).schedule(room, async () => send());
}

/**
 * A proposal's live state as anyone may see it: status, supports, messages in its discussion and
 * its vote under the ballot rule (a secret ballot shows no tally and no names while open, and only
 * totals after). `null` when the proposal is gone.
 */
export async function proposalLiveState(db: Db, proposalId: string): Promise<ProposalLive | null> {
  const v = Date.now();
  const [row] = await db
    .select({ status: proposals.status, supportCount: proposals.supportCount, messageCount: threads.messageCount })
    .from(proposals)
    .leftJoin(threads, and(eq(threads.proposalId, proposals.id), eq(threads.kind, "proposal")))
    .where(eq(proposals.id, proposalId));
  if (!row) return null;
  const [vote] = await db
    .select({
      id: votes.id,
      status: votes.status,
      result: votes.result,
      forCount: votes.forCount,
      againstCount: votes.againstCount,
      abstainCount: votes.abstainCount,
      ballot: councils.ballot,
    })
    .from(votes)
    .innerJoin(councils, eq(councils.id, votes.councilId))
    .where(eq(votes.proposalId, proposalId))
    .orderBy(sql`${votes.round} desc`)
    .limit(1);
  const [{ events }] = (await db.select({ events: count() }).from(proposalEvents).where(eq(proposalEvents.proposalId, proposalId))) as [
    { events: number },
  ];
  let shown: ProposalLive["vote"] = null;
  if (vote) {
    const rule = ballotDisclosure(vote.ballot, vote.status);
    shown = {
      id: vote.id,
      status: vote.status,
      secret: vote.ballot === "secret",
      result: vote.result,
      tally: !rule.tally
        ? null
        : vote.status === "closed"
          ? { for: vote.forCount ?? 0, against: vote.againstCount ?? 0, abstain: vote.abstainCount ?? 0 }
          : await tallyOf(db, vote.id),
      voters: rule.roll ? await rollOf(db, vote.id) : null,
    };
  }
  return {
    proposalId,
    v,
    status: row.status,
    supportCount: row.supportCount,
    messageCount: row.messageCount ?? 0,
    events: Number(events),
    vote: shown,
  };
}

/**
 * Something anyone may see about a proposal changed (supports, status, messages, a vote opened,
 * closed or, for an open ballot only, a ballot cast): its room gets the new state, coalesced.
 * One emit per room: socket.io encodes it once for every socket in it, here and, through the
 * adapter, on the other instances.
 */
export function publishProposalState(io: SocketServer, db: Db, proposalId: string) {
  const room = `proposal:${proposalId.toLowerCase()}`;
  coalescerOf(io).schedule(room, async () => {
    const state = await proposalLiveState(db, proposalId);
    if (state) io.to(room).emit(SERVER_EVENTS.proposalState, state);
  });
}
