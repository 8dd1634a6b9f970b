import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../../db/client.server";
import { FUZZY_MIN_LENGTH, searchCompact, searchWords, type SearchKind } from "../../utils/search-text";

/**
 * Keeps `search_entries` in step with what is public. Triggers note every changed row in
 * `search_dirty` (in the writer's own transaction, so nothing is missed); this takes a batch of
 * notes, reads the rows as they are now and rewrites their entries with the app's normalization.
 * Notes are taken with SKIP LOCKED, so several instances share the work and never index a row
 * twice at once; a writer that notes a row while a batch holds it waits for the batch, and its
 * note then stays for the next one. See docs/decisions/023-search-that-reads-persian.md.
 */
export async function indexPending(db: Db, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const taken = await queryRows<{ kind: SearchKind; source_id: string }>(
      tx as unknown as Db,
      sql`delete from search_dirty d
          using (select kind, source_id from search_dirty order by kind, source_id limit ${limit} for update skip locked) s
          where d.kind = s.kind and d.source_id = s.source_id
          returning d.kind, d.source_id`,
    );
    if (!taken.length) return 0;
    const byKind = new Map<SearchKind, string[]>();
    for (const row of taken) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row.source_id]);
    const entries: Entry[] = [];
    for (const [kind, ids] of byKind) entries.push(...(await readSources(tx as unknown as Db, kind, ids)));

    // Whatever is no longer public (hidden, deleted, gone) simply has no entry.
    for (const [kind, ids] of byKind) {
      await tx.execute(sql`delete from search_entries where kind = ${kind} and source_id in ${idList(ids)}`);
    }
    for (let i = 0; i < entries.length; i += 200) {
      const values = entries
        .slice(i, i + 200)
        .map(
          (e) =>
            sql`(${e.kind}, ${e.sourceId}::uuid, ${e.districtId}::uuid, ${e.neighborhoodId}::uuid, ${e.councilId}::uuid, ${e.proposalId}::uuid, ${e.threadId}::uuid, ${e.status}, ${e.title}, ${e.body}, ${e.words}, ${e.compact}, ${e.at.toISOString()}::timestamptz)`,
        );
      await tx.execute(
        sql`insert into search_entries (kind, source_id, district_id, neighborhood_id, council_id, proposal_id, thread_id, status, title, body, words, compact, at)
            values ${sql.join(values, sql`, `)}`,
      );
    }
    // The long words, for the typo pass (sorted: indexers that add the same words take their
    // locks in one order).
    const vocabulary = [...new Set(entries.flatMap((e) => e.words.split(" ").filter((w) => [...w].length >= FUZZY_MIN_LENGTH)))].sort();
    for (let i = 0; i < vocabulary.length; i += 500) {
      const values = vocabulary.slice(i, i + 500).map((w) => sql`(${w})`);
      await tx.execute(sql`insert into search_vocabulary (word) values ${sql.join(values, sql`, `)} on conflict do nothing`);
    }
    return taken.length;
  });
}

/**
 * Indexes until nothing is noted (tests, the bench, and the first run after the migration). A
 * batch that another indexer holds (a running app's, SKIP LOCKED) is waited for: when this returns,
 * every row noted before the call has its entry, whoever wrote it.
 */
export async function indexAll(db: Db, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await indexPending(db, batch);
    total += done;
    if (done > 0) continue;
    const [left] = await queryRows<{ pending: boolean }>(db, sql`select exists (select 1 from search_dirty) as pending`);
    if (!left?.pending) return total;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Entry {
  kind: SearchKind;
  sourceId: string;
  districtId: string | null;
  neighborhoodId: string | null;
  councilId: string | null;
  proposalId: string | null;
  threadId: string | null;
  status: string | null;
  title: string;
  body: string;
  words: string;
  compact: string;
  at: Date;
}

type Row = Record<string, unknown>;

function idList(ids: string[]) {
  return sql`(${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function entry(kind: SearchKind, row: Row, title: string, body: string, matched: string): Entry {
  return {
    kind,
    sourceId: String(row.id),
    districtId: str(row.district_id),
    neighborhoodId: str(row.neighborhood_id),
    councilId: str(row.council_id),
    proposalId: str(row.proposal_id),
    threadId: str(row.thread_id),
    status: str(row.status),
    title,
    body,
    words: searchWords(matched),
    compact: searchCompact(matched),
    at: new Date(row.at as string | Date),
  };
}

async function readSources(db: Db, kind: SearchKind, ids: string[]): Promise<Entry[]> {
  const list = idList(ids);
  switch (kind) {
    case "proposal": {
      const rows = await queryRows<Row>(
        db,
        sql`select p.id, p.district_id, p.neighborhood_id, p.council_id, p.id as proposal_id, null as thread_id,
                   p.status, p.title, p.body, p.place, p.created_at as at
            from proposals p where p.id in ${list}`,
      );
      return rows.map((r) => {
        const body = [r.body, r.place].filter(Boolean).join("\n");
        return entry("proposal", r, String(r.title), body, `${r.title}\n${body}`);
      });
    }
    case "council": {
      const rows = await queryRows<Row>(
        db,
        sql`select c.id, c.district_id, c.neighborhood_id, c.id as council_id, null as proposal_id, null as thread_id,
                   c.status, n.name, d.name as district_name, c.created_at as at
            from councils c join neighborhoods n on n.id = c.neighborhood_id join districts d on d.id = c.district_id
            where c.id in ${list} and c.status <> 'dissolved'`,
      );
      return rows.map((r) => entry("council", r, String(r.name), String(r.district_name), `${r.name} ${r.district_name}`));
    }
    case "neighborhood": {
      const rows = await queryRows<Row>(
        db,
        sql`select n.id, n.district_id, n.id as neighborhood_id, null as council_id, null as proposal_id, null as thread_id,
                   null as status, n.name, n.description, d.name as district_name, n.created_at as at
            from neighborhoods n join districts d on d.id = n.district_id where n.id in ${list}`,
      );
      return rows.map((r) =>
        entry("neighborhood", r, String(r.name), String(r.description ?? ""), `${r.name} ${r.district_name} ${r.description ?? ""}`),
      );
    }
    case "decision": {
      const rows = await queryRows<Row>(
        db,
        sql`select r.id, p.district_id, p.neighborhood_id, p.council_id, p.id as proposal_id, null as thread_id,
                   r.decision as status, p.title, r.rationale, r.unit_name, r.decided_at as at
            from referrals r join proposals p on p.id = r.proposal_id
            where r.id in ${list} and r.decision is not null`,
      );
      return rows.map((r) => {
        const body = [r.rationale, r.unit_name].filter(Boolean).join("\n");
        return entry("decision", r, String(r.title), body, `${r.title}\n${body}`);
      });
    }
    case "message": {
      // Public discussions only: a commission's review thread is never searchable.
      const rows = await queryRows<Row>(
        db,
        sql`select m.id, t.district_id, t.neighborhood_id, t.council_id, t.proposal_id, t.id as thread_id,
                   null as status, coalesce(p.title, n.name) as title, m.body, m.created_at as at
            from thread_messages m
            join threads t on t.id = m.thread_id
            join neighborhoods n on n.id = t.neighborhood_id
            left join proposals p on p.id = t.proposal_id
            where m.id in ${list} and t.kind <> 'commission' and m.deleted_at is null and m.hidden_at is null`,
      );
      return rows.map((r) => entry("message", r, String(r.title), String(r.body), String(r.body)));
    }
  }
}

/**
 * Runs the indexer in the background: soon after start, then every `intervalMs`, and at once
 * again while there is more to do. One batch at a time per instance.
 */
export function startSearchIndexer(db: Db, onError: (err: unknown) => void, intervalMs = 2000) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    timer = null;
    if (running || stopped) return;
    running = (async () => {
      try {
        while (!stopped && (await indexPending(db)) > 0);
      } catch (err) {
        onError(err);
      }
    })().finally(() => {
      running = null;
      schedule(intervalMs);
    });
  };
  const schedule = (ms: number) => {
    if (timer || stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  schedule(200);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
