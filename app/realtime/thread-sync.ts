import type { ThreadEventView } from "../domain/thread-view";
import { CLIENT_EVENTS, SERVER_EVENTS, type JoinAck, type PresencePayload, type SyncAck } from "./events";

/** The part of a socket.io client socket the follower uses (the browser's and a test's alike). */
export interface FollowerSocket {
  connected: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
}

export interface FollowerHandlers {
  /** Called once per event, in number order, never twice for the same number. */
  apply(event: ThreadEventView): void;
  presence?(count: number): void;
  /** The join was refused (the thread is gone or no longer readable). */
  refused?(error: string): void;
}

const RESYNC_DELAY_MS = 150;

/**
 * Follows one thread over a socket so that every event is applied exactly once and in order.
 *
 * socket.io delivers at most once, and a reconnecting client misses what was sent while it was
 * away. So: every event carries its thread's number; after each (re)join is acknowledged the
 * follower asks for everything after the last number it applied; live events that arrive meanwhile
 * are applied when they are the next number, dropped when already applied, and held when they
 * run ahead (a gap means something was missed, and a catch-up is asked for).
 */
export class ThreadFollower {
  private held = new Map<number, ThreadEventView>();
  private syncing = false;
  private syncAgain = false;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Bumped on every disconnect: an answer to a request of an earlier connection is not waited for. */
  private generation = 0;
  private readonly room: string;

  constructor(
    private readonly socket: FollowerSocket,
    private readonly threadId: string,
    public lastSeq: number,
    private readonly handlers: FollowerHandlers,
  ) {
    this.room = `thread:${threadId}`;
  }

  start() {
    this.socket.on("connect", this.join);
    this.socket.on("disconnect", this.onDisconnect);
    this.socket.on(SERVER_EVENTS.threadEvent, this.onEvent);
    this.socket.on(SERVER_EVENTS.threadPresence, this.onPresence);
    this.socket.on(SERVER_EVENTS.threadResync, this.onResync);
    if (this.socket.connected) this.join();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.socket.off("connect", this.join);
    this.socket.off("disconnect", this.onDisconnect);
    this.socket.off(SERVER_EVENTS.threadEvent, this.onEvent);
    this.socket.off(SERVER_EVENTS.threadPresence, this.onPresence);
    this.socket.off(SERVER_EVENTS.threadResync, this.onResync);
    if (this.socket.connected) this.socket.emit(CLIENT_EVENTS.leave, { room: this.room });
  }

  private onDisconnect = () => {
    this.generation++;
    this.syncing = false;
    this.syncAgain = false;
  };

  private join = () => {
    const generation = this.generation;
    this.socket.emit(CLIENT_EVENTS.join, { room: this.room }, (ack: JoinAck) => {
      if (this.stopped || generation !== this.generation) return;
      if (ack?.ok) this.sync();
      else this.handlers.refused?.(ack?.error ?? "unknown");
    });
  };

  private onResync = (payload: { threadId?: unknown }) => {
    if (!this.stopped && payload?.threadId === this.threadId) this.sync();
  };

  private onPresence = (payload: PresencePayload) => {
    if (payload?.threadId === this.threadId && typeof payload.count === "number") this.handlers.presence?.(payload.count);
  };

  private onEvent = (payload: ThreadEventView & { threadId: string }) => {
    if (this.stopped || payload?.threadId !== this.threadId || typeof payload.seq !== "number") return;
    if (payload.seq <= this.lastSeq) return;
    if (payload.seq === this.lastSeq + 1) {
      this.accept(payload);
      this.drain();
      return;
    }
    this.held.set(payload.seq, payload);
    if (!this.resyncTimer) {
      // Events from several instances can arrive a little out of order; give the missing one a moment.
      this.resyncTimer = setTimeout(() => {
        this.resyncTimer = null;
        if (this.held.size) this.sync();
      }, RESYNC_DELAY_MS);
    }
  };

  private retryLater() {
    if (this.resyncTimer || this.stopped) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      this.sync();
    }, RESYNC_DELAY_MS * 2);
  }

  private accept(event: ThreadEventView) {
    this.lastSeq = event.seq;
    const { threadId: _ignored, ...view } = event as ThreadEventView & { threadId?: string };
    this.handlers.apply(view);
  }

  private drain() {
    for (const seq of [...this.held.keys()]) if (seq <= this.lastSeq) this.held.delete(seq);
    let next = this.held.get(this.lastSeq + 1);
    while (next) {
      this.held.delete(next.seq);
      this.accept(next);
      next = this.held.get(this.lastSeq + 1);
    }
  }

  /** Asks for everything after the last applied number, repeating while there is more. */
  sync() {
    if (this.stopped) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    if (!this.socket.connected) return; // the next connect joins and asks
    this.syncing = true;
    const generation = this.generation;
    this.socket.emit(CLIENT_EVENTS.threadSync, { threadId: this.threadId, after: this.lastSeq }, (ack: SyncAck) => {
      if (this.stopped || generation !== this.generation) return;
      this.syncing = false;
      let more = false;
      if (ack?.ok) {
        for (const event of ack.events) {
          if (event.seq === this.lastSeq + 1) this.accept(event);
        }
        this.drain();
        more = ack.more;
      } else if (ack?.error === "forbidden") {
        this.handlers.refused?.("forbidden");
        return;
      } else if (ack?.error !== "not_joined" && !this.syncAgain) {
        // The server could not answer just then: ask again shortly, or nothing would ask again
        // until the next live event, and events already written would wait for it. ("not_joined"
        // needs no retry: the join in progress asks once it is acknowledged.)
        this.retryLater();
        return;
      }
      if (more || this.syncAgain) {
        this.syncAgain = false;
        this.sync();
      }
    });
  }
}
