import type { Db } from "../../db/client.server";

/**
 * Writes that meet on one hot row (the supports of one proposal, the ballots of one vote) each
 * hold that row's lock until their commit is on disk, so one at a time they go no faster than the
 * disk. Here, requests for the same key that arrive while a write for that key is in flight wait
 * for it and then go together in one statement or transaction, each with its own answer. A key
 * with nothing in flight is written at once, alone: an idle proposal waits for nothing.
 *
 * Per database handle and per process; several instances each batch their own, and the database's
 * locks and constraints keep the whole exact.
 */
export function batched<Item, Answer>(lane: Lane<Item, Answer>, db: Db, key: string, item: Item): Promise<Answer> {
  let queues = lane.queues.get(db);
  if (!queues) lane.queues.set(db, (queues = new Map()));
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = { waiting: [], running: false }));
  const answer = new Promise<Answer>((resolve, reject) => queue.waiting.push({ item, resolve, reject }));
  if (!queue.running) void drain(lane, db, key, queues, queue);
  return answer;
}

export interface Lane<Item, Answer> {
  /** Writes the items (in arrival order) together; answers one per item, in the same order. */
  write: (db: Db, key: string, items: Item[]) => Promise<Answer[]>;
  /** Items written together at most: a bound on one statement's size. */
  max: number;
  queues: WeakMap<Db, Map<string, Queue<Item, Answer>>>;
}

interface Queue<Item, Answer> {
  waiting: { item: Item; resolve: (answer: Answer) => void; reject: (error: unknown) => void }[];
  running: boolean;
}

export function lane<Item, Answer>(write: Lane<Item, Answer>["write"], max = 500): Lane<Item, Answer> {
  return { write, max, queues: new WeakMap() };
}

async function drain<Item, Answer>(
  lane: Lane<Item, Answer>,
  db: Db,
  key: string,
  queues: Map<string, Queue<Item, Answer>>,
  queue: Queue<Item, Answer>,
) {
  queue.running = true;
  try {
    while (queue.waiting.length) {
      const batch = queue.waiting.splice(0, lane.max);
      try {
        const answers = await lane.write(
          db,
          key,
          batch.map((w) => w.item),
        );
        batch.forEach((w, i) => w.resolve(answers[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  } finally {
    queue.running = false;
    if (queues.get(key) === queue) queues.delete(key);
  }
}

/** A PostgreSQL array literal, as one text parameter both drivers pass through unchanged. */
export function pgArray(values: string[]) {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}
