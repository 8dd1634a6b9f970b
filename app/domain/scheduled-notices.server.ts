import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.server";
import { getTForLocale } from "../utils/i18n.server";
import { noticeText } from "../utils/notice-text";
import { toPersianDigits } from "../utils/persian";
import { recordNotice } from "./notifications.server";
import { enqueueSms, fitSms, SMS_NOTICE_MAX } from "./sms-outbox.server";

/**
 * Notices that come from the clock rather than from a request: "a vote closes soon" and the daily
 * SMS digest. The inbox worker runs both once a minute on every instance; the database's unique
 * keys make two instances (or two runs) harmless.
 */

/** A member who has not voted hears this long before the vote closes. */
export const VOTE_CLOSING_SOON_MS = 6 * 60 * 60_000;

/**
 * Reminds the members of a council who have not voted yet, once per vote per person, when an open
 * vote has less than `withinMs` left. A vote shorter than that in all is not reminded of (the
 * opening notice already said when it closes). The key (`notice_once`: person, `vote_closing:<vote>`)
 * is written first; only those whose row was new are told, so nobody is reminded twice. The
 * reminder updates the vote's inbox row (same item key as the opening).
 */
export async function remindVotesClosingSoon(db: Db, options: { withinMs?: number } = {}): Promise<number> {
  const within = sql`make_interval(secs => ${(options.withinMs ?? VOTE_CLOSING_SOON_MS) / 1000})`;
  const due = await queryRows<{
    id: string;
    proposal_id: string;
    council_id: string;
    closes_at: Date | string;
    title: string;
    number: number;
  }>(
    db,
    sql`select v.id::text as id, v.proposal_id::text as proposal_id, v.council_id::text as council_id, v.closes_at, p.title, p.number
        from votes v join proposals p on p.id = v.proposal_id
        where v.status = 'open' and v.closes_at > now() and v.closes_at <= now() + ${within}
          and v.closes_at - v.opens_at > ${within}
        order by v.closes_at
        limit 100`,
  );
  let told = 0;
  for (const vote of due) {
    told += await db.transaction(async (tx) => {
      const fresh = await queryRows<{ user_id: string }>(
        tx as unknown as Db,
        sql`insert into notice_once (user_id, key)
            select m.user_id, ${`vote_closing:${vote.id}`}::text
            from memberships m
            where m.council_id = ${vote.council_id}::uuid and m.status = 'active'
              and not exists (select 1 from ballots b where b.vote_id = ${vote.id}::uuid and b.user_id = m.user_id)
            on conflict do nothing
            returning user_id::text as user_id`,
      );
      if (!fresh.length) return 0;
      await recordNotice(tx, {
        kind: "vote_closing",
        itemKey: `vote:${vote.id}`,
        link: `/proposals/${vote.proposal_id}`,
        params: { title: vote.title, number: vote.number, closesAt: new Date(vote.closes_at).toISOString() },
        audience: { users: fresh.map((r) => r.user_id) },
      });
      return fresh.length;
    });
  }
  return told;
}

/** Without SMS hours of their own, a person's digest goes in this part of the Tehran evening. */
export const DIGEST_DEFAULT_FROM_MINUTE = 18 * 60;
export const DIGEST_DEFAULT_UNTIL_MINUTE = 21 * 60;

/**
 * The daily SMS digest: one Persian message a day per person who asked for SMS (SMS-only, or SMS
 * on for some kind; not stopped by «لغو»), with how many items are unread, the newest one's
 * sentence and a short link to the inbox. It goes at the first run inside the person's SMS hours
 * (18:00–21:00 Tehran time without hours of their own), only when something unread arrived in the
 * last day, and at most once per Tehran day: the outbox key `digest:<person>:<Tehran date>` is
 * unique. Returns how many digests were queued.
 */
export async function queueDailyDigests(db: Db, options: { origin?: string | null; limit?: number } = {}): Promise<number> {
  const local = sql`(now() at time zone 'Asia/Tehran')`;
  const minute = sql`(extract(hour from ${local}) * 60 + extract(minute from ${local}))::int`;
  const day = sql`to_char(${local}, 'YYYY-MM-DD')`;
  const people = await queryRows<{
    id: string;
    phone: string;
    locale: string | null;
    day: string;
    unread: number;
    kind: string;
    params: Record<string, string | number>;
    count: number;
  }>(
    db,
    sql`select u.id::text as id, u.phone, u.locale, ${day} as day, d.unread::int as unread, d.kind, d.params, d.count::int as count
        from users u
        left join notification_settings s on s.user_id = u.id
        join lateral (
          select count(*) as unread,
                 (array_agg(n.kind order by n.updated_at desc))[1] as kind,
                 (array_agg(n.params order by n.updated_at desc))[1] as params,
                 (array_agg(n.count order by n.updated_at desc))[1] as count,
                 max(n.updated_at) as newest
          from notifications n where n.user_id = u.id and n.read_at is null
        ) d on d.unread > 0 and d.newest > now() - interval '1 day'
        where u.is_active and s.sms_stopped_at is null
          and (coalesce(s.sms_only, false) or exists (select 1 from notification_preferences p where p.user_id = u.id and p.sms))
          and ${minute} >= coalesce(s.sms_from_minute, ${DIGEST_DEFAULT_FROM_MINUTE})
          and ${minute} < coalesce(s.sms_until_minute, ${DIGEST_DEFAULT_UNTIL_MINUTE})
          and not exists (select 1 from sms_messages m where m.dedupe_key = 'digest:' || u.id::text || ':' || ${day})
        limit ${options.limit ?? 500}`,
  );
  let queued = 0;
  for (const person of people) {
    const t = await getTForLocale(person.locale === "en" ? "en" : "fa");
    const head = `${t("inbox.sms.prefix")}\n${t("inbox.digest.count", { n: person.locale === "en" ? String(person.unread) : toPersianDigits(String(person.unread)) })}\n`;
    const tail = options.origin ? t("inbox.sms.link", { link: `${options.origin}/inbox` }) : t("inbox.sms.inbox_hint");
    const room = SMS_NOTICE_MAX - head.length - tail.length - 1;
    const newest = fitSms(noticeText(t, person.kind, person.params ?? {}, person.count), Math.max(30, room));
    const id = await enqueueSms(db, {
      toPhone: person.phone,
      userId: person.id,
      purpose: "digest",
      dedupeKey: `digest:${person.id}:${person.day}`,
      body: `${head}${newest}\n${tail}`,
    });
    if (id) queued++;
  }
  return queued;
}
