import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { ThreadEventView } from "../domain/thread-view";
import { CLIENT_EVENTS, SERVER_EVENTS, type SyncAck } from "./events";
import { holdsFor, waitFor } from "../../tests/support/wait";
import { ThreadFollower, type FollowerSocket } from "./thread-sync";

const THREAD = "00000000-0000-4000-8000-000000000001";
const event = (seq: number): ThreadEventView => ({ seq, kind: "posted", message: null, thread: null });

/** A socket whose server is a script: joins succeed, catch-ups answer from `log` (or fail when told). */
class ScriptedSocket extends EventEmitter implements FollowerSocket {
  connected = true;
  log: number[] = [];
  failSyncs = 0;
  syncs = 0;
  emit(name: string, ...args: any[]): boolean {
    const ack = args.at(-1) as (reply: unknown) => void;
    if (name === CLIENT_EVENTS.join) setImmediate(() => ack({ ok: true, room: `thread:${THREAD}` }));
    if (name === CLIENT_EVENTS.threadSync) {
      this.syncs++;
      const after = (args[0] as { after: number }).after;
      const reply: SyncAck =
        this.failSyncs-- > 0
          ? { ok: false, error: "bad_request" }
          : { ok: true, events: this.log.filter((s) => s > after).map(event), more: false, lastSeq: this.log.length };
      setImmediate(() => ack(reply));
    }
    return true;
  }
  live(seq: number) {
    super.emit(SERVER_EVENTS.threadEvent, { threadId: THREAD, ...event(seq) });
  }
}

describe("ThreadFollower", () => {
  it("asks again when a catch-up fails, instead of waiting for a next live event that may never come", async () => {
    const socket = new ScriptedSocket();
    socket.log = [1, 2, 3, 4, 5, 6];
    socket.failSyncs = 2;
    const applied: number[] = [];
    const follower = new ThreadFollower(socket, THREAD, 0, { apply: (e) => applied.push(e.seq) }).start();
    await waitFor(() => follower.lastSeq === 6, 5000, "the follower to catch up after two failed answers");
    expect(applied).toEqual([1, 2, 3, 4, 5, 6]);
    expect(socket.syncs).toBe(3);
    follower.stop();
  });

  it("fills a gap in live events from the catch-up, each event once and in order", async () => {
    const socket = new ScriptedSocket();
    const applied: number[] = [];
    const follower = new ThreadFollower(socket, THREAD, 0, { apply: (e) => applied.push(e.seq) }).start();
    await waitFor(() => socket.syncs === 1, 5000, "the first catch-up");
    socket.log = [1, 2, 3, 4];
    socket.live(1);
    socket.live(3); // 2 was missed
    socket.live(4);
    await waitFor(() => follower.lastSeq === 4, 5000, "the gap to be filled");
    socket.live(2);
    socket.live(4);
    expect(applied).toEqual([1, 2, 3, 4]);
    follower.stop();
  });

  it("tells its owner when reading is no longer allowed, and stops asking", async () => {
    const socket = new ScriptedSocket();
    const refusals: string[] = [];
    const follower = new ThreadFollower(socket, THREAD, 0, { apply: () => {}, refused: (e) => refusals.push(e) });
    socket.emit = function (name: string, ...args: any[]) {
      const ack = args.at(-1) as (reply: unknown) => void;
      if (name === CLIENT_EVENTS.join) setImmediate(() => ack({ ok: true, room: `thread:${THREAD}` }));
      if (name === CLIENT_EVENTS.threadSync) {
        this.syncs++;
        setImmediate(() => ack({ ok: false, error: "forbidden" }));
      }
      return true;
    };
    follower.start();
    await waitFor(() => refusals.length === 1, 5000, "the refusal");
    await holdsFor(() => socket.syncs === 1, 400, "no catch-up asked after a refusal");
    follower.stop();
  });
});
