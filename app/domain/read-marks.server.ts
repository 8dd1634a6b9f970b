import { and, eq, inArray, sql } from "drizzle-orm";
import { prepared, type Db } from "../../db/client.server";
import { threadReads } from "../../db/schema";

/**
 * Where each reader stopped in each thread, written off the page request: a page view reads the
 * reader's place (for the "new messages" line) and notes the new one here; the notes are written
 * together, one statement per batch, a moment later. Reading a page therefore never writes, and a
 * thousand readers opening a busy discussion cost one insert, not a thousand.
 * A note not yet written still counts for the next view on this instance. A crash loses at most
 * the last moment's notes: the line then shows a few messages too early, nothing worse.
 * See docs/decisions/012-request-cost-and-load-shedding.md.
 */
export class ReadMarks {
  private pending = new Map<string, { threadId: string; userId: string; seq: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly delayMs = 1000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Where the reader stopped last time (null on a first visit); notes that they have now read up to `seq`. */
  async lastReadAndMark(threadId: string, userId: string, seq: number): Promise<number | null> {
    const key = `${threadId}:${userId}`;
    const query = prepared(this.db, "thread_last_read", (db) =>
      db
        .select({ lastSeq: threadReads.lastSeq })
        .from(threadReads)
        .where(and(eq(threadReads.threadId, sql.placeholder("threadId")), eq(threadReads.userId, sql.placeholder("userId"))))
        .prepare("thread_last_read"),
    );
    const [row] = await query.execute({ threadId, userId });
    const noted = this.pending.get(key)?.seq;
    const before = row || noted !== undefined ? Math.max(row?.lastSeq ?? 0, noted ?? 0) : null;
    if (before === null || before < seq) this.note(key, threadId, userId, seq);
    return before;
  }

  /**
   * Where a reader stopped in each of some threads (absent: never read), without noting a new
   * place: for pages that speak of a thread without showing it (its digest, the deputy's desk).
   */
  async lastReads(userId: string, threadIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!threadIds.length) return out;
    const rows = await this.db
      .select({ threadId: threadReads.threadId, lastSeq: threadReads.lastSeq })
      .from(threadReads)
      .where(and(eq(threadReads.userId, userId), inArray(threadReads.threadId, threadIds)));
    for (const row of rows) out.set(row.threadId, row.lastSeq);
    for (const threadId of threadIds) {
      const noted = this.pending.get(`${threadId}:${userId}`)?.seq;
      if (noted !== undefined) out.set(threadId, Math.max(out.get(threadId) ?? 0, noted));
    }
    return out;
  }

  private note(key: string, threadId: string, userId: string, seq: number) {
    const current = this.pending.get(key);
    if (!current || current.seq < seq) this.pending.set(key, { threadId, userId, seq });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Writes every note now (also on shutdown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      for (let i = 0; i < batch.length; i += 500) {
        await this.db
          .insert(threadReads)
          .values(batch.slice(i, i + 500).map(({ threadId, userId, seq }) => ({ threadId, userId, lastSeq: seq })))
          .onConflictDoUpdate({
            target: [threadReads.threadId, threadReads.userId],
            set: { lastSeq: sql`greatest(${threadReads.lastSeq}, excluded.last_seq)`, readAt: sql`now()` },
          })
          .catch(this.onError);
      }
    });
    return this.flushing;
  }

  /** Notes waiting to be written. */
  get size() {
    return this.pending.size;
  }
}
