import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client.server";
import { smsMessages } from "../../db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What the outbox needs from a gateway (app/utils/sms.server.ts implements it). */
export interface SmsGateway {
  readonly name: string;
  send(
    toPhone: string,
    text: string,
    options?: { reference?: string },
  ): Promise<{ providerMessageId?: string; delivered?: boolean } | void>;
}

/** Persian SMS are 70 characters a part (67 in a multi-part message): notices keep to two parts. */
export const SMS_NOTICE_MAX = 134;
/** Retries stop after this long; the message is kept as failed. */
export const SMS_GIVE_UP_MS = 3 * 24 * 3_600_000;
/** A claimed message not reported sent within this long is claimed again (its instance died). */
export const SMS_LEASE_MS = 60_000;

/** Backoff after the nth failed attempt: 30 s, 1 min, 2 min … at most 30 min, with jitter. */
export function backoffMs(attempts: number, random = Math.random) {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Cuts a text to `max` characters on a word boundary, with an ellipsis. */
export function fitSms(text: string, max = SMS_NOTICE_MAX) {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + "…";
}

/**
 * Queues a message. The key makes it one message however often this is called (a retried
 * request, two instances): the second call is a no-op.
 */
export async function enqueueSms(
  db: Db | Tx,
  input: { toPhone: string; userId?: string | null; purpose: string; dedupeKey: string; body: string; notBefore?: Date },
) {
  const rows = await db
    .insert(smsMessages)
    .values({
      toPhone: input.toPhone,
      userId: input.userId ?? null,
      purpose: input.purpose,
      dedupeKey: input.dedupeKey,
      body: input.body.slice(0, 480),
      nextAttemptAt: input.notBefore ?? sql`now()`,
    })
    .onConflictDoNothing({ target: smsMessages.dedupeKey })
    .returning({ id: smsMessages.id });
  return rows[0]?.id ?? null;
}

type Claimed = {
  id: number;
  to_phone: string;
  body: string;
  attempts: number;
};

/**
 * Sends what is due. Messages are claimed in one statement (`FOR UPDATE SKIP LOCKED`, then a lease),
 * so instances never take the same message; the send happens outside any transaction, so a slow
 * gateway holds no lock and no connection. A failure puts the message back with a later attempt
 * time, and the rest of the batch is put back untouched: a gateway that is down is asked once per
 * round, not once per message.
 */
export async function sendDueSms(db: Db, gateway: SmsGateway, options: { limit?: number; now?: Date } = {}) {
  const claimed = await queryRows<Claimed>(
    db,
    sql`update sms_messages m set status = 'sending', attempts = m.attempts + 1,
          lease_until = now() + make_interval(secs => ${SMS_LEASE_MS / 1000})
        where m.id in (
          select id from sms_messages
          where status in ('pending', 'sending') and next_attempt_at <= now()
            and (status = 'pending' or lease_until < now())
          order by next_attempt_at, id
          limit ${options.limit ?? 20}
          for update skip locked)
        returning m.id, m.to_phone, m.body, m.attempts`,
  );
  claimed.sort((a, b) => Number(a.id) - Number(b.id));
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < claimed.length; i++) {
    const message = claimed[i]!;
    try {
      const answer = await gateway.send(message.to_phone, message.body, { reference: `m${message.id}` });
      const providerMessageId = answer && answer.providerMessageId ? answer.providerMessageId : null;
      await db
        .update(smsMessages)
        .set({
          status: "sent",
          sentAt: sql`now()`,
          leaseUntil: null,
          lastError: null,
          providerMessageId,
          ...(answer && answer.delivered ? { deliveryStatus: "delivered", deliveredAt: sql`now()` } : {}),
        })
        .where(and(eq(smsMessages.id, Number(message.id)), eq(smsMessages.status, "sending")));
      sent++;
    } catch (err) {
      failed++;
      const retryAt = new Date(Date.now() + backoffMs(message.attempts));
      await db.execute(sql`
        update sms_messages set
          status = case when created_at < now() - make_interval(secs => ${SMS_GIVE_UP_MS / 1000}) then 'failed' else 'pending' end,
          next_attempt_at = ${retryAt.toISOString()}::timestamptz, lease_until = null,
          last_error = ${String(err instanceof Error ? err.message : err).slice(0, 300)}
        where id = ${Number(message.id)} and status = 'sending'`);
      // The gateway is failing: the rest wait for the next round, their attempts not counted.
      const rest = claimed.slice(i + 1).map((m) => Number(m.id));
      if (rest.length) {
        await db.execute(sql`
          update sms_messages set status = 'pending', attempts = attempts - 1, lease_until = null,
            next_attempt_at = ${retryAt.toISOString()}::timestamptz
          where id in (${sql.join(
            rest.map((id) => sql`${id}`),
            sql`, `,
          )}) and status = 'sending'`);
      }
      break;
    }
  }
  return { claimed: claimed.length, sent, failed };
}

/** A gateway's delivery report, recorded on the message it names (unknown ids are ignored). */
export async function recordDeliveryReport(db: Db, input: { providerMessageId: string; status: string; at?: Date }) {
  const status = input.status.slice(0, 40);
  const rows = await db
    .update(smsMessages)
    .set({ deliveryStatus: status, deliveredAt: status === "delivered" ? (input.at ?? new Date()) : null })
    .where(eq(smsMessages.providerMessageId, input.providerMessageId.slice(0, 200)))
    .returning({ id: smsMessages.id });
  return rows.length > 0;
}
