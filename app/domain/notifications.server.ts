import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.server";
import {
  notices,
  notificationPreferences,
  notifications,
  notificationSettings,
  proposals,
  threadMessages,
  threads,
  neighborhoods,
  users,
} from "../../db/schema";
import { Refusal, refusalOf } from "./refusal.server";
import { NOTICE_KINDS, isImportantKind, type NoticeKind } from "./notice-kinds";

/**
 * The one module that turns the domain's events into notifications (the inbox, کارتابل).
 *
 * A domain function records a notice in its own transaction (`recordNotice` or one of the named
 * helpers below); the notice is then fanned out by `processNotices`, on whichever instance gets to
 * it first, into one inbox row per person and item — a single INSERT … SELECT however many people
 * hear about it — and into the SMS outbox for those who want it by SMS. Routes never write
 * notifications themselves.
 *
 * For features built later (meetings, policies): call `recordNotice(tx, { kind, itemKey, link,
 * params, audience, actorId })` inside the transaction that makes the change, with a kind listed in
 * notice-kinds.ts and its sentences in locales (`inbox.kind.<kind>` and `inbox.sms.<kind>`).
 */

export { NOTICE_KINDS, isImportantKind, type NoticeKind };

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Writer = Db | Tx;

/** Who hears about a notice. Each is one SELECT of user ids, resolved when the notice fans out. */
export type Audience =
  | { users: string[] }
  /** The active seats of a council (members, chair, secretary). */
  | { councilMembers: string }
  /** A council's chair and secretary. */
  | { councilOfficers: string }
  /** Everyone who has written in a thread. */
  | { threadWriters: string }
  /** The account of a number, if it has one (invitations go to numbers). */
  | { phone: string }
  /** Managers and staff of a district; of every district when `districtId` is null. */
  | { districtOfficers: string | null }
  /** The chairs and secretaries of every active council of a district (every district when null). */
  | { councilChairs: string | null }
  /**
   * Whom a published policy version is addressed to, as `policyRecipientIn` decides it: the
   * managers of its districts and/or the chairs of councils in them (all districts when the
   * version says so). The version never changes, so resolving it at fan-out is exact.
   */
  | { policyVersion: string }
  /** Every active account: city-wide announcements. */
  | { everyone: true };

export interface NoticeInput {
  kind: NoticeKind;
  /** Groups notices into one inbox row per person: the same key again updates the row. */
  itemKey: string;
  /** Where the inbox row leads: a path inside the app. */
  link: string;
  /** Values for the sentence (`inbox.kind.<kind>`): titles, names, counts. */
  params?: Record<string, string | number>;
  audience: Audience;
  /** Who caused it: never told about their own act. */
  actorId?: string | null;
}

/** Records a notice; call it inside the transaction of the change it tells about. */
export async function recordNotice(db: Writer, input: NoticeInput) {
  if (!(NOTICE_KINDS as readonly string[]).includes(input.kind)) throw new Error(`unknown notice kind ${input.kind}`);
  if (!input.link.startsWith("/") || input.link.startsWith("//")) throw new Error("a notice links inside the app");
  await db.insert(notices).values({
    kind: input.kind,
    itemKey: input.itemKey.slice(0, 200),
    link: input.link,
    params: input.params ?? {},
    audience: input.audience as Record<string, unknown>,
    actorId: input.actorId ?? null,
  });
  noticeRecorded();
}

// A process-local nudge so the worker on this instance runs soon after a notice is recorded (the
// periodic poll catches notices recorded by other instances, or recorded before the commit).
const listeners = new Set<() => void>();
export function onNoticeRecorded(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function noticeRecorded() {
  for (const listener of listeners) listener();
}

// ---------------------------------------------------------------------------
// What the domain tells, by event. Titles are read in the change's transaction.

async function proposalSubject(db: Writer, proposalId: string) {
  const [row] = await db
    .select({
      id: proposals.id,
      title: proposals.title,
      authorId: proposals.authorId,
      councilId: proposals.councilId,
      number: proposals.number,
    })
    .from(proposals)
    .where(eq(proposals.id, proposalId));
  return row ?? null;
}

/** A thread's name for a sentence: its proposal's title, or its neighborhood's name. */
export async function threadSubject(db: Writer, threadId: string) {
  const [row] = await db
    .select({ id: threads.id, kind: threads.kind, proposalTitle: proposals.title, neighborhood: neighborhoods.name })
    .from(threads)
    .innerJoin(neighborhoods, eq(neighborhoods.id, threads.neighborhoodId))
    .leftJoin(proposals, eq(proposals.id, threads.proposalId))
    .where(eq(threads.id, threadId));
  return row ? { id: row.id, title: row.proposalTitle ?? row.neighborhood } : null;
}

/** A vote opened: every member of the council (the opener excepted). */
export async function noticeVoteOpened(db: Writer, input: { proposalId: string; voteId: string; closesAt: Date; actorId: string }) {
  const p = await proposalSubject(db, input.proposalId);
  if (!p) return;
  await recordNotice(db, {
    kind: "vote_opened",
    itemKey: `vote:${input.voteId}`,
    link: `/proposals/${p.id}`,
    params: { title: p.title, number: p.number, closesAt: input.closesAt.toISOString() },
    audience: { councilMembers: p.councilId },
    actorId: input.actorId,
  });
}

/** Something happened to a proposal its author should know: one inbox row per proposal, latest news first. */
export async function noticeToAuthor(
  db: Writer,
  input: {
    proposalId: string;
    kind: Extract<
      NoticeKind,
      "vote_result" | "support_milestone" | "on_agenda" | "commission_referred" | "commission_decision" | "progress"
    >;
    params?: Record<string, string | number>;
    actorId?: string | null;
  },
) {
  const p = await proposalSubject(db, input.proposalId);
  if (!p?.authorId) return;
  await recordNotice(db, {
    kind: input.kind,
    itemKey: `proposal:${p.id}`,
    link: `/proposals/${p.id}`,
    params: { title: p.title, number: p.number, ...input.params },
    audience: { users: [p.authorId] },
    actorId: input.actorId,
  });
}

/** Support counts at which the author hears from the platform (the agenda threshold is told on its own). */
export const SUPPORT_MILESTONES = [10, 50, 100, 500, 1000, 5000, 10000] as const;
export function milestoneCrossed(before: number, after: number): number | null {
  let crossed: number | null = null;
  for (const m of SUPPORT_MILESTONES) if (before < m && after >= m) crossed = m;
  return crossed;
}

/** A new message in a thread: its writers hear about it, grouped («۱۲ پیام تازه در …»); a reply also tells the one replied to. */
export async function noticeThreadPost(
  db: Writer,
  input: { threadId: string; messageId: string; authorId: string; replyToAuthorId: string | null; official: boolean; body?: string },
) {
  const thread = await threadSubject(db, input.threadId);
  if (!thread) return;
  const link = `/threads/${thread.id}#m-${input.messageId}`;
  const mentioned = input.body?.includes("@") ? await mentionedIn(db, input.threadId, input.body) : [];
  const others = mentioned.filter((m) => m.id !== input.authorId && m.id !== input.replyToAuthorId);
  if (others.length) {
    const [author] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, input.authorId));
    await recordNotice(db, {
      kind: "mention",
      itemKey: `thread:${thread.id}:mentions`,
      link,
      params: { title: thread.title, name: author?.name ?? "" },
      audience: { users: others.map((m) => m.id) },
      actorId: input.authorId,
    });
  }
  if (input.official) {
    await recordNotice(db, {
      kind: "official_answer",
      itemKey: `thread:${thread.id}:official`,
      link,
      params: { title: thread.title },
      audience: { threadWriters: thread.id },
      actorId: input.authorId,
    });
    return;
  }
  if (input.replyToAuthorId && input.replyToAuthorId !== input.authorId) {
    await recordNotice(db, {
      kind: "reply",
      itemKey: `thread:${thread.id}:replies`,
      link,
      params: { title: thread.title },
      audience: { users: [input.replyToAuthorId] },
      actorId: input.authorId,
    });
  }
  await recordNotice(db, {
    kind: "thread_messages",
    itemKey: `thread:${thread.id}`,
    link: `/threads/${thread.id}`,
    params: { title: thread.title },
    audience: { threadWriters: thread.id },
    actorId: input.authorId,
  });
}

/** At most this many people are told about one message's mentions. */
export const MENTIONS_MAX = 10;

/**
 * Who a message mentions. The form is `@` followed by a person's display name exactly as the
 * thread shows it (e.g. «@مریم احمدی»), and only people who have written in the thread can be
 * mentioned (they are the thread's participants). The name must end the word: «@مریم» does not
 * mention «مریم احمدی», and the longest name wins where two start alike. Browser-independent, pure.
 */
export function findMentions(body: string, people: { id: string; name: string }[]): { id: string; name: string }[] {
  const text = body.normalize("NFC");
  const taken: [number, number][] = [];
  const found: { id: string; name: string }[] = [];
  const sorted = people.filter((p) => p.name.trim().length >= 2).sort((a, b) => b.name.length - a.name.length);
  for (const person of sorted) {
    const needle = `@${person.name.normalize("NFC")}`;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      const next = text.charAt(end);
      if (next && /[\p{L}\p{N}\u200c_]/u.test(next)) continue;
      if (taken.some(([s, e]) => at < e && end > s)) continue;
      taken.push([at, end]);
      found.push(person);
      break;
    }
    if (found.length >= MENTIONS_MAX) break;
  }
  return found;
}

async function mentionedIn(db: Writer, threadId: string, body: string) {
  const writers = await db
    .selectDistinct({ id: users.id, name: users.displayName })
    .from(threadMessages)
    .innerJoin(users, eq(users.id, threadMessages.authorId))
    .where(and(eq(threadMessages.threadId, threadId), eq(users.isActive, true)));
  return findMentions(body, writers);
}

// ---------------------------------------------------------------------------
// Fan-out

function audienceSql(audience: Audience): SQL {
  if ("users" in audience) {
    const ids = audience.users.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (!ids.length) return sql`select null::uuid as user_id where false`;
    return sql`select id as user_id from users where id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`;
  }
  if ("councilMembers" in audience)
    return sql`select user_id from memberships where council_id = ${audience.councilMembers}::uuid and status = 'active'`;
  if ("councilOfficers" in audience)
    return sql`select user_id from memberships where council_id = ${audience.councilOfficers}::uuid and status = 'active' and role in ('chair', 'secretary')`;
  if ("threadWriters" in audience)
    return sql`select distinct author_id as user_id from thread_messages where thread_id = ${audience.threadWriters}::uuid and author_id is not null`;
  if ("phone" in audience) return sql`select id as user_id from users where phone = ${audience.phone}`;
  if ("districtOfficers" in audience)
    return audience.districtOfficers
      ? sql`select distinct user_id from role_assignments where revoked_at is null and role in ('district_manager', 'district_staff') and district_id = ${audience.districtOfficers}::uuid`
      : sql`select distinct user_id from role_assignments where revoked_at is null and role in ('district_manager', 'district_staff')`;
  if ("councilChairs" in audience)
    return audience.councilChairs
      ? sql`select distinct m.user_id from memberships m join councils c on c.id = m.council_id
            where m.status = 'active' and m.role in ('chair', 'secretary') and c.status = 'active' and c.district_id = ${audience.councilChairs}::uuid`
      : sql`select distinct m.user_id from memberships m join councils c on c.id = m.council_id
            where m.status = 'active' and m.role in ('chair', 'secretary') and c.status = 'active'`;
  if ("policyVersion" in audience) {
    const version = sql`${audience.policyVersion}::uuid`;
    const inAudience = (district: SQL) =>
      sql`(v.all_districts or exists (select 1 from policy_version_districts d where d.version_id = v.id and d.district_id = ${district}))`;
    return sql`select ra.user_id from role_assignments ra join policy_versions v on v.id = ${version}
               where ra.revoked_at is null and ra.role = 'district_manager' and v.recipients <> 'chairs' and ${inAudience(sql`ra.district_id`)}
               union
               select m.user_id from memberships m join councils c on c.id = m.council_id join policy_versions v on v.id = ${version}
               where m.status = 'active' and m.role = 'chair' and v.recipients <> 'managers' and ${inAudience(sql`c.district_id`)}`;
  }
  if ("everyone" in audience) return sql`select id as user_id from users where is_active`;
  throw new Error("unknown audience");
}

/** A notice that failed to fan out this many times is left, with its error, for a person to look at. */
export const NOTICE_MAX_ATTEMPTS = 5;

export interface FannedOut {
  noticeId: number;
  kind: NoticeKind;
  itemKey: string;
  link: string;
  params: Record<string, string | number>;
  userIds: string[];
  /** Each recipient's inbox row, in the order of `userIds`. */
  itemIds: string[];
}

/** What the SMS text of a notice says, per language; null when the notice never goes by SMS. */
export type SmsTextOf = (notice: {
  kind: NoticeKind;
  params: Record<string, string | number>;
  link: string;
}) => Promise<{ fa: string; en: string } | null>;

/**
 * Fans out waiting notices: each in its own transaction, taken with `FOR UPDATE SKIP LOCKED` so two
 * instances never fan out the same notice. One INSERT … SELECT writes (or updates) every
 * recipient's inbox row; one more queues the SMS of those who want this kind by SMS, at the first
 * moment their hours allow. Returns who was told, for live delivery after the commit.
 */
export async function processNotices(db: Db, options: { limit?: number; smsText?: SmsTextOf } = {}): Promise<FannedOut[]> {
  const done: FannedOut[] = [];
  for (let i = 0; i < (options.limit ?? 20); i++) {
    let taken: number | null = null;
    const out = await db
      .transaction(async (tx) => {
        const [notice] = await tx
          .select()
          .from(notices)
          .where(and(isNull(notices.processedAt), lt(notices.attempts, NOTICE_MAX_ATTEMPTS)))
          .orderBy(notices.id)
          .limit(1)
          .for("update", { skipLocked: true });
        if (!notice) return null;
        taken = notice.id;
        const kind = notice.kind as NoticeKind;
        const audience = audienceSql(notice.audience as Audience);
        const actor = notice.actorId;
        const rows = await queryRows<{ user_id: string; id: string }>(
          tx as unknown as Db,
          sql`insert into notifications (user_id, kind, item_key, link, params, count, notice_id, created_at, updated_at)
            select distinct r.user_id, ${kind}::text, ${notice.itemKey}::text, ${notice.link}::text, ${JSON.stringify(notice.params)}::jsonb, 1, ${notice.id}::bigint, now(), now()
            from (${audience}) r
            where r.user_id is not null ${actor ? sql`and r.user_id <> ${actor}::uuid` : sql``}
            on conflict (user_id, item_key) do update set
              kind = excluded.kind, link = excluded.link, params = excluded.params, notice_id = excluded.notice_id,
              count = case when notifications.read_at is null then notifications.count + 1 else 1 end,
              updated_at = excluded.updated_at, read_at = null
            returning user_id::text as user_id, id::text as id`,
        );
        const text = options.smsText ? await options.smsText({ kind, params: notice.params, link: notice.link }) : null;
        if (text && rows.length) {
          await tx.execute(sql`
          insert into sms_messages (to_phone, user_id, purpose, dedupe_key, body, next_attempt_at)
          select u.phone, u.id, 'notice', 'notice:' || ${notice.id}::text || ':' || u.id::text,
                 case when u.locale = 'en' then ${text.en} else ${text.fa} end,
                 ${smsNotBefore(sql`s.sms_from_minute`, sql`s.sms_until_minute`)}
          from notifications n
          join users u on u.id = n.user_id
          left join notification_settings s on s.user_id = u.id
          left join notification_preferences p on p.user_id = u.id and p.kind = ${kind}
          where n.notice_id = ${notice.id}::bigint and n.item_key = ${notice.itemKey}::text
            and u.is_active and s.sms_stopped_at is null
            and coalesce(p.sms, coalesce(s.sms_only, false) and ${isImportantKind(kind)}::boolean)
          on conflict (dedupe_key) do nothing`);
        }
        await tx
          .update(notices)
          .set({ processedAt: sql`now()`, recipients: rows.length, attempts: sql`${notices.attempts} + 1` })
          .where(eq(notices.id, notice.id));
        return {
          noticeId: notice.id,
          kind,
          itemKey: notice.itemKey,
          link: notice.link,
          params: notice.params,
          userIds: rows.map((r) => r.user_id),
          itemIds: rows.map((r) => r.id),
        };
      })
      .catch(async (err: unknown) => {
        // A notice that cannot fan out must not hold up the ones after it: counted, kept with its
        // error, tried again on a later run, and left after a few tries.
        if (taken === null) throw err;
        await db
          .update(notices)
          .set({ attempts: sql`${notices.attempts} + 1`, lastError: String(err instanceof Error ? err.message : err).slice(0, 500) })
          .where(eq(notices.id, taken));
        return "failed" as const;
      });
    if (out === "failed") break;
    if (!out) break;
    done.push(out);
  }
  return done;
}

/**
 * The first moment a message may go given a person's SMS hours (minutes of the Tehran day): now
 * inside the hours, else the next start of them. No hours: now.
 */
export function smsNotBefore(fromMinute: SQL, untilMinute: SQL): SQL {
  const local = sql`(now() at time zone 'Asia/Tehran')`;
  const minute = sql`(extract(hour from ${local}) * 60 + extract(minute from ${local}))::int`;
  return sql`case
    when ${fromMinute} is null then now()
    when ${minute} >= ${fromMinute} and ${minute} < ${untilMinute} then now()
    when ${minute} < ${fromMinute} then (date_trunc('day', ${local}) + make_interval(mins => ${fromMinute})) at time zone 'Asia/Tehran'
    else (date_trunc('day', ${local}) + interval '1 day' + make_interval(mins => ${fromMinute})) at time zone 'Asia/Tehran'
  end`;
}

// ---------------------------------------------------------------------------
// The inbox

export const INBOX_PAGE_SIZE = 20;

export type InboxError = "not_found";

export interface InboxItem {
  id: string;
  kind: NoticeKind;
  itemKey: string;
  link: string;
  params: Record<string, string | number>;
  count: number;
  updatedAt: Date;
  readAt: Date | null;
}

/** A cursor is the last row's time and id: newest first, no row twice or skipped across pages. */
export function encodeInboxCursor(item: { updatedAt: Date; id: string }) {
  return `${item.updatedAt.getTime()}_${item.id}`;
}
function decodeInboxCursor(cursor: string | null | undefined) {
  const m = cursor ? /^(\d{1,15})_([0-9a-f-]{36})$/i.exec(cursor) : null;
  return m ? { at: new Date(Number(m[1])), id: m[2]!.toLowerCase() } : null;
}

/** One page of a person's inbox, newest first. */
export async function inboxPage(db: Db, userId: string, options: { cursor?: string | null; limit?: number } = {}) {
  const limit = options.limit ?? INBOX_PAGE_SIZE;
  const after = decodeInboxCursor(options.cursor);
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      itemKey: notifications.itemKey,
      link: notifications.link,
      params: notifications.params,
      count: notifications.count,
      updatedAt: notifications.updatedAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        after
          ? or(lt(notifications.updatedAt, after.at), and(eq(notifications.updatedAt, after.at), lt(notifications.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(notifications.updatedAt), desc(notifications.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit) as InboxItem[];
  return { items, next: rows.length > limit ? encodeInboxCursor(items[items.length - 1]!) : null };
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from notifications where user_id = ${userId}::uuid and read_at is null`,
  );
  return Number(row?.n ?? 0);
}

/** Unread counts of several people at once (live delivery). */
export async function unreadCounts(db: Db, userIds: string[]): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await queryRows<{ user_id: string; n: number }>(
    db,
    sql`select user_id::text as user_id, count(*)::int as n from notifications
        where read_at is null and user_id in (${sql.join(
          userIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        group by user_id`,
  );
  const counts = new Map(userIds.map((id) => [id, 0]));
  for (const r of rows) counts.set(r.user_id, Number(r.n));
  return counts;
}

/**
 * Marks one of the person's own items read and returns where it leads. Another person's item, or
 * one that does not exist, is "not found" alike: nobody learns which ids exist.
 */
export async function markRead(
  db: Db,
  userId: string,
  notificationId: string,
): Promise<{ ok: true; link: string } | { ok: false; error: InboxError }> {
  return refusalOf(async () => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(notificationId)) throw new Refusal<InboxError>("not_found");
    const [row] = await db
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)))
      .returning({ link: notifications.link });
    if (!row) throw new Refusal<InboxError>("not_found");
    return { ok: true as const, link: row.link };
  });
}

export async function markAllRead(db: Db, userId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

// ---------------------------------------------------------------------------
// Preferences

export type PreferenceError = "hours_end_before_start" | "hours_invalid";

export interface Preferences {
  smsOnly: boolean;
  smsStopped: boolean;
  /** Minutes of the Tehran day; null: any time. */
  smsFromMinute: number | null;
  smsUntilMinute: number | null;
  /** For each kind, whether it also goes by SMS (the stored choice, or the kind's default). */
  sms: Record<NoticeKind, boolean>;
}

export async function getPreferences(db: Db, userId: string): Promise<Preferences> {
  const [settings] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, userId));
  const chosen = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  const smsOnly = settings?.smsOnly ?? false;
  const sms = Object.fromEntries(
    NOTICE_KINDS.map((kind) => [kind, chosen.find((c) => c.kind === kind)?.sms ?? (smsOnly && isImportantKind(kind))]),
  ) as Record<NoticeKind, boolean>;
  return {
    smsOnly,
    smsStopped: Boolean(settings?.smsStoppedAt),
    smsFromMinute: settings?.smsFromMinute ?? null,
    smsUntilMinute: settings?.smsUntilMinute ?? null,
    sms,
  };
}

/**
 * Saves a person's choices. SMS hours are a window of the Tehran day (e.g. 08:00–21:00); the quiet
 * hours are the rest. A window that ends before (or when) it starts is refused: the form says so.
 * Saving turns SMS on again after «لغو».
 */
export async function savePreferences(
  db: Db,
  userId: string,
  input: { smsOnly: boolean; smsFromMinute: number | null; smsUntilMinute: number | null; sms: Partial<Record<NoticeKind, boolean>> },
): Promise<{ ok: true } | { ok: false; error: PreferenceError }> {
  return refusalOf(async () => {
    const { smsFromMinute: from, smsUntilMinute: until } = input;
    if ((from === null) !== (until === null)) throw new Refusal<PreferenceError>("hours_invalid");
    if (from !== null && until !== null) {
      if (!Number.isInteger(from) || !Number.isInteger(until) || from < 0 || from > 1439 || until < 1 || until > 1440) {
        throw new Refusal<PreferenceError>("hours_invalid");
      }
      if (until <= from) throw new Refusal<PreferenceError>("hours_end_before_start");
    }
    await db.transaction(async (tx) => {
      await tx
        .insert(notificationSettings)
        .values({ userId, smsOnly: input.smsOnly, smsFromMinute: from, smsUntilMinute: until, smsStoppedAt: null })
        .onConflictDoUpdate({
          target: notificationSettings.userId,
          set: { smsOnly: input.smsOnly, smsFromMinute: from, smsUntilMinute: until, smsStoppedAt: null, updatedAt: sql`now()` },
        });
      const entries = Object.entries(input.sms).filter(([kind]) => (NOTICE_KINDS as readonly string[]).includes(kind));
      for (const [kind, sms] of entries) {
        await tx
          .insert(notificationPreferences)
          .values({ userId, kind, sms: Boolean(sms) })
          .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { sms: Boolean(sms) } });
      }
    });
    return { ok: true as const };
  });
}

/** «لغو» by SMS: no more notices by SMS until the person turns them on again. */
export async function stopSms(db: Writer, userId: string) {
  await db
    .insert(notificationSettings)
    .values({ userId, smsStoppedAt: sql`now()` })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: { smsStoppedAt: sql`now()`, updatedAt: sql`now()` } });
}
