/**
 * The digest of a long discussion: who took part, since when, the pace, the most replied and most
 * reported messages, its key terms, its moderation and its place on the deputy's desk, and what
 * changed since the reader's last visit. Computed here from the thread's own rows, never by an
 * outside service, and never from the text of a hidden or deleted message.
 *
 * The counts read a thread's messages once each (by the thread's indexes); the key terms read
 * only the latest KEY_TERM_SAMPLE visible messages. The result is kept in memory per thread (a
 * small LRU) and served again while the thread has only gained messages, computed again behind the
 * request once it is older than FRESH_MS; a hidden or deleted message makes it be computed again
 * before it is served. What changed since the last visit is read per person, by bounded ranges of
 * the thread's numbers. See docs/decisions/027-discussion-digest.md.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../../db/client.server";
import { can, mayEscalateThread, mayModerateThread, mayReadThread, type Actor } from "../../utils/permissions";
import { escalationOfThread } from "../escalations.server";
import { refused, type Refused } from "../refusal.server";
import { DIGEST_MIN_MESSAGES, RECENT_DAYS, paceOf, type DigestMessage, type SinceVisit, type ThreadDigestView } from "./digest-view";
import { KeyTermCounter } from "./key-terms";
import { getThread, type ThreadInfo } from "./lookup.server";

export { DIGEST_MIN_MESSAGES };

/** Latest visible messages the key terms are counted over. */
export const KEY_TERM_SAMPLE = 3000;
export const KEY_TERMS_SHOWN = 12;
export const TOP_PARTICIPANTS = 5;
export const TOP_MESSAGES = 3;
/** Characters of a message's start shown in the digest. */
const EXCERPT = 160;
/** "What changed since" counts up to this many new messages, and looks this far in the thread's events. */
const SINCE_BOUND = 10_000;
const EVENTS_BOUND = 20_000;
/** A kept digest older than this is computed again (behind the request that finds it). */
const FRESH_MS = 60_000;
/** Threads whose digest is kept. */
const CACHE_SIZE = 200;
/**
 * A thread's page waits this long at most for a digest that must be computed first, when the
 * thread is longer than PAGE_WAITS_UP_TO messages (a million messages take over a second to count);
 * past it the page opens without its digest, and the computation goes on for the next reader.
 * Shorter threads are counted in well under it, and their page waits for the digest as before.
 */
export const PAGE_DIGEST_WAIT_MS = 250;
export const PAGE_WAITS_UP_TO = 10_000;

/** The digest as computed, before it is cut to what one reader may see. */
interface Computed {
  lastSeq: number;
  at: number;
  view: Omit<ThreadDigestView, "escalation" | "sinceVisit">;
  /** Each author's first message number: who is new since a visit. Never sent to a page. */
  firstSeqOf: Map<string, number>;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);
const iso = (v: unknown) => (v == null ? null : new Date(v as string | Date).toISOString());

/** A small LRU: a Map keeps insertion order, and a hit is moved to the end. */
const cache = new Map<string, Computed>();
const computing = new Map<string, Promise<Computed>>();

function remember(threadId: string, computed: Computed) {
  cache.delete(threadId);
  cache.set(threadId, computed);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

/** Forgets every kept digest (tests, and a process that wants the memory back). */
export function clearDigestCache() {
  cache.clear();
}

function excerptOf(body: string) {
  const chars = [...body];
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join("")}…` : body;
}

async function messagesById(db: Db, ids: string[], counts: Map<string, number>): Promise<DigestMessage[]> {
  if (!ids.length) return [];
  const rows = await queryRows<Row>(
    db,
    sql`select m.id, m.seq, m.body, m.deleted_at, m.hidden_kind, m.created_at, u.display_name
        from thread_messages m left join users u on u.id = m.author_id
        where m.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const state = r.deleted_at ? ("deleted" as const) : r.hidden_kind ? ("hidden" as const) : ("visible" as const);
    return [
      {
        id,
        seq: num(r.seq),
        authorName: (r.display_name as string | null) ?? null,
        excerpt: state === "visible" ? excerptOf(String(r.body)) : null,
        state,
        count: counts.get(id) ?? 0,
        createdAt: iso(r.created_at)!,
      },
    ];
  });
}

/** Everything of the digest that is the same for every reader, from the database. */
async function compute(db: Db, threadId: string, lastSeq: number, now: Date): Promise<Computed> {
  const [totals] = await queryRows<Row>(
    db,
    sql`select
          count(*) filter (where deleted_at is null)::int as messages,
          count(*) filter (where deleted_at is null and created_at > ${now.toISOString()}::timestamptz - make_interval(days => ${RECENT_DAYS}))::int as recent,
          min(created_at) filter (where deleted_at is null) as first_at,
          max(created_at) filter (where deleted_at is null) as last_at,
          count(*) filter (where deleted_at is null and hidden_kind = 'reports')::int as hidden_by_reports,
          count(*) filter (where deleted_at is null and hidden_kind = 'moderator')::int as hidden_by_moderator,
          count(*) filter (where deleted_at is not null)::int as deleted,
          count(*) filter (where deleted_at is null and official)::int as official
        from thread_messages where thread_id = ${threadId}`,
  );
  const authors = await queryRows<Row>(
    db,
    sql`select author_id, min(seq)::int as first_seq, count(*)::int as n
        from thread_messages where thread_id = ${threadId} and deleted_at is null and author_id is not null
        group by author_id`,
  );
  const [busiest] = await queryRows<Row>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, n from (
          select (created_at at time zone 'Asia/Tehran')::date as day, count(*)::int as n
          from thread_messages where thread_id = ${threadId} and deleted_at is null
          group by 1 order by n desc, 1 desc limit 1) busiest`,
  );
  const replied = await queryRows<Row>(
    db,
    sql`select reply_to_id as id, count(*)::int as n
        from thread_messages where thread_id = ${threadId} and reply_to_id is not null and deleted_at is null
        group by reply_to_id order by n desc, reply_to_id limit ${TOP_MESSAGES}`,
  );
  const reported = await queryRows<Row>(
    db,
    sql`select r.message_id as id, count(*)::int as n, count(*) filter (where r.resolved_at is null)::int as open
        from message_reports r join thread_messages m on m.id = r.message_id
        where m.thread_id = ${threadId}
        group by r.message_id`,
  );
  const sample = await queryRows<{ body: string }>(
    db,
    sql`select body from thread_messages
        where thread_id = ${threadId} and deleted_at is null and hidden_at is null
        order by seq desc limit ${KEY_TERM_SAMPLE}`,
  );

  const firstSeqOf = new Map<string, number>();
  for (const a of authors) firstSeqOf.set(String(a.author_id), num(a.first_seq));
  const top = [...authors].sort((a, b) => num(b.n) - num(a.n) || num(a.first_seq) - num(b.first_seq)).slice(0, TOP_PARTICIPANTS);
  const names = top.length
    ? await queryRows<Row>(
        db,
        sql`select id, display_name from users where id in (${sql.join(
          top.map((a) => sql`${String(a.author_id)}::uuid`),
          sql`, `,
        )})`,
      )
    : [];
  const nameOf = new Map(names.map((n) => [String(n.id), (n.display_name as string | null) ?? null]));

  const terms = new KeyTermCounter();
  for (const { body } of sample) terms.add(body);

  const messages = num(totals?.messages);
  const firstAt = iso(totals?.first_at);
  const days = firstAt ? Math.max(1, (now.getTime() - Date.parse(firstAt)) / 86_400_000) : 1;
  const perDay = messages / days;
  const recentPerDay = num(totals?.recent) / Math.min(RECENT_DAYS, days);
  const topReported = [...reported].sort((a, b) => num(b.n) - num(a.n) || String(a.id).localeCompare(String(b.id))).slice(0, TOP_MESSAGES);

  return {
    lastSeq,
    at: now.getTime(),
    firstSeqOf,
    view: {
      threadId,
      computedAt: now.toISOString(),
      messages,
      participants: authors.length,
      topParticipants: top.map((a) => ({ name: nameOf.get(String(a.author_id)) ?? null, count: num(a.n) })),
      firstAt,
      lastAt: iso(totals?.last_at),
      perDay: Math.round(perDay * 10) / 10,
      recentPerDay: Math.round(recentPerDay * 10) / 10,
      pace: paceOf(recentPerDay, perDay),
      busiestDay: busiest ? { day: String(busiest.day), count: num(busiest.n) } : null,
      mostReplied: await messagesById(
        db,
        replied.map((r) => String(r.id)),
        new Map(replied.map((r) => [String(r.id), num(r.n)])),
      ),
      mostReported: await messagesById(
        db,
        topReported.map((r) => String(r.id)),
        new Map(topReported.map((r) => [String(r.id), num(r.n)])),
      ),
      keyTerms: terms.top(KEY_TERMS_SHOWN),
      keyTermSample: sample.length,
      moderation: {
        hiddenByReports: num(totals?.hidden_by_reports),
        hiddenByModerator: num(totals?.hidden_by_moderator),
        deleted: num(totals?.deleted),
        official: num(totals?.official),
        reports: reported.reduce((n, r) => n + num(r.n), 0),
        openReports: reported.reduce((n, r) => n + num(r.open), 0),
      },
    },
  };
}

/**
 * The thread's digest, from memory when it may be. A kept digest is served while the thread has
 * only gained messages (or had messages edited that the digest does not quote); once it is older
 * than FRESH_MS it is still served, and computed again behind the request. A message hidden or
 * deleted since (or an edit of a message it quotes) makes it be computed again before it is served,
 * so no text a reader may no longer see stays in it.
 */
async function digestOf(db: Db, threadId: string, lastSeq: number, now: Date): Promise<Computed> {
  const kept = cache.get(threadId);
  if (kept && kept.lastSeq <= lastSeq) {
    const quoted = [...kept.view.mostReplied, ...(kept.view.mostReported ?? [])].map((m) => m.id);
    const spoiled =
      kept.lastSeq === lastSeq
        ? []
        : await queryRows<Row>(
            db,
            sql`select 1 from thread_events where thread_id = ${threadId} and seq > ${kept.lastSeq}
                and (kind in ('hidden', 'deleted')
                     or (kind = 'edited' and message_id in (${sql.join(
                       [...quoted, "00000000-0000-0000-0000-000000000000"].map((id) => sql`${id}::uuid`),
                       sql`, `,
                     )})))
                limit 1`,
          );
    if (!spoiled.length) {
      remember(threadId, kept);
      if (kept.lastSeq < lastSeq && now.getTime() - kept.at >= FRESH_MS) {
        // Served as it is; the next reader gets the new one.
        computeOnce(db, threadId, lastSeq, now).catch(() => {});
      }
      return kept;
    }
  }
  return computeOnce(db, threadId, lastSeq, now);
}

/** One computation per thread and number at a time, however many readers ask at once. */
function computeOnce(db: Db, threadId: string, lastSeq: number, now: Date): Promise<Computed> {
  const key = `${threadId}:${lastSeq}`;
  let running = computing.get(key);
  if (!running) {
    running = compute(db, threadId, lastSeq, now)
      .then((computed) => {
        remember(threadId, computed);
        return computed;
      })
      .finally(() => computing.delete(key));
    computing.set(key, running);
  }
  return running;
}

/** What changed since the reader's last visit (`lastReadSeq`): read by bounded ranges, per reader. */
async function sinceVisitOf(db: Db, thread: ThreadInfo, computed: Computed, lastReadSeq: number, seesDesk: boolean): Promise<SinceVisit> {
  const [fresh] = await queryRows<Row>(
    db,
    sql`select count(*)::int as n from (
          select 1 from thread_messages where thread_id = ${thread.id} and seq > ${lastReadSeq} and deleted_at is null
          order by seq limit ${SINCE_BOUND + 1}) s`,
  );
  // Authors since the digest was taken are read here; the digest knows everyone before.
  const later = await queryRows<Row>(
    db,
    sql`select distinct author_id from thread_messages
        where thread_id = ${thread.id} and seq > ${Math.max(lastReadSeq, computed.lastSeq)} and deleted_at is null and author_id is not null`,
  );
  let newParticipants = 0;
  for (const first of computed.firstSeqOf.values()) if (first > lastReadSeq) newParticipants++;
  for (const a of later) if (!computed.firstSeqOf.has(String(a.author_id))) newParticipants++;

  const changes = await queryRows<Row>(
    db,
    sql`select kind, count(*)::int as n from thread_events
        where thread_id = ${thread.id} and seq > ${lastReadSeq} and seq <= ${lastReadSeq + EVENTS_BOUND}
          and kind in ('hidden', 'restored', 'locked', 'unlocked', 'pinned', 'unpinned')
        group by kind order by kind`,
  );
  const [mark] = await queryRows<Row>(db, sql`select at from thread_events where thread_id = ${thread.id} and seq = ${lastReadSeq}`);
  const since = iso(mark?.at);
  let statusChanges = 0;
  let status: string | null = null;
  if (thread.proposalId && since) {
    const [row] = await queryRows<Row>(
      db,
      sql`select p.status, (select count(*)::int from proposal_events e
            where e.proposal_id = p.id and e.at > ${since}::timestamptz and e.kind not in ('filed', 'edited')) as n
          from proposals p where p.id = ${thread.proposalId}`,
    );
    statusChanges = num(row?.n);
    status = (row?.status as string | undefined) ?? null;
  }
  let deskChanges: number | null = null;
  if (seesDesk && since) {
    const [row] = await queryRows<Row>(
      db,
      sql`select count(*)::int as n from escalation_events e join escalations x on x.id = e.escalation_id
          where x.thread_id = ${thread.id} and e.at > ${since}::timestamptz`,
    );
    deskChanges = num(row?.n);
  }
  const n = num(fresh?.n);
  return {
    since,
    newMessages: Math.min(n, SINCE_BOUND),
    newMessagesCapped: n > SINCE_BOUND,
    newParticipants,
    threadChanges: changes.map((c) => ({ kind: String(c.kind), count: num(c.n) })),
    statusChanges,
    status,
    deskChanges,
  };
}

export interface DigestOptions {
  /** Where the reader stopped last time (null or absent: no "since your last visit"). */
  lastReadSeq?: number | null;
  now?: Date;
}

/**
 * The digest of a thread as this reader may see it: refused as not found when they may not read
 * the thread (a commission's review thread for anyone outside the commission). Reports are shown
 * to the thread's moderators and the deputy's office; the desk's item to those who may escalate
 * or follow the desk, as on the thread itself.
 */
export async function threadDigest(
  db: Db,
  viewer: Actor | null,
  threadOrId: string | ThreadInfo,
  options: DigestOptions = {},
): Promise<{ ok: true; digest: ThreadDigestView } | Refused<"not_found">> {
  const thread = typeof threadOrId === "string" ? await getThread(db, threadOrId) : threadOrId;
  if (!thread || !mayReadThread(viewer, thread)) return refused("not_found");
  const now = options.now ?? new Date();
  const computed = await digestOf(db, thread.id, thread.lastSeq, now);
  return { ok: true, digest: await readerView(db, viewer, thread, computed, options.lastReadSeq) };
}

/**
 * The digest at the top of a thread's page: as `threadDigest`, but a long thread's page does not
 * wait more than PAGE_DIGEST_WAIT_MS for a digest that must be computed first (null: the page
 * opens without it). Null too for a reader who may not read the thread.
 */
export async function pageDigest(
  db: Db,
  viewer: Actor | null,
  thread: ThreadInfo,
  options: DigestOptions = {},
): Promise<ThreadDigestView | null> {
  if (!mayReadThread(viewer, thread)) return null;
  const pending = digestOf(db, thread.id, thread.lastSeq, options.now ?? new Date());
  const computed = thread.messageCount <= PAGE_WAITS_UP_TO ? await pending : await within(pending, PAGE_DIGEST_WAIT_MS);
  return computed ? readerView(db, viewer, thread, computed, options.lastReadSeq) : null;
}

/** The promise's value if it settles within `ms`, else null; a later failure is left to its other readers. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A computed digest cut to what this reader may see, with what changed since their last visit. */
async function readerView(
  db: Db,
  viewer: Actor | null,
  thread: ThreadInfo,
  computed: Computed,
  lastRead: number | null | undefined,
): Promise<ThreadDigestView> {
  const deputy = can(viewer, "deputy.dashboard");
  const seesReports = deputy || mayModerateThread(viewer, thread);
  const seesDesk = deputy || mayEscalateThread(viewer, thread);
  const item = seesDesk ? await escalationOfThread(db, thread.id) : null;
  const sinceVisit =
    viewer && lastRead != null && lastRead < thread.lastSeq ? await sinceVisitOf(db, thread, computed, lastRead, seesDesk) : null;
  const { view } = computed;
  const digest: ThreadDigestView = {
    ...view,
    mostReported: seesReports ? view.mostReported : null,
    moderation: {
      ...view.moderation,
      reports: seesReports ? view.moderation.reports : null,
      openReports: seesReports ? view.moderation.openReports : null,
    },
    escalation: item
      ? {
          state: item.state,
          urgency: item.urgency,
          escalated: Boolean(item.escalatedAt),
          surfaced: Array.isArray(item.signals) && item.signals.length > 0,
          stateChangedAt: new Date(item.stateChangedAt).toISOString(),
        }
      : null,
    sinceVisit,
  };
  return digest;
}

/** Whether a thread is long enough for its digest at the top. */
export function wantsDigest(thread: { messageCount: number }) {
  return thread.messageCount > DIGEST_MIN_MESSAGES;
}

/**
 * The digests of several threads for one reader (the deputy's desk), a few at a time; a thread
 * the reader may not read is left out, and so is a very long one whose digest is not ready in
 * time (as on its page: `pageDigest`). `lastReads` is where the reader stopped in each.
 */
export async function threadDigests(
  db: Db,
  viewer: Actor | null,
  threadIds: string[],
  lastReads: Map<string, number> = new Map(),
): Promise<Map<string, ThreadDigestView>> {
  const out = new Map<string, ThreadDigestView>();
  const queue = [...new Set(threadIds)];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const thread = await getThread(db, id);
      const digest = thread ? await pageDigest(db, viewer, thread, { lastReadSeq: lastReads.get(id) ?? null }) : null;
      if (digest) out.set(id, digest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(3, queue.length) }, worker));
  return out;
}
