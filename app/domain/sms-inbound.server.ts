import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { invitations, proposals, smsInbound, users } from "../../db/schema";
import { can } from "../utils/permissions";
import { getTForLocale } from "../utils/i18n.server";
import { foldDigits, normalizePhone, normalizeText } from "../utils/persian";
import { respondToInvitation } from "./membership.server";
import { stopSms } from "./notifications.server";
import { supportProposal } from "./proposals.server";
import { enqueueSms } from "./sms-outbox.server";
import { loadCurrentUser } from "./users.server";

/** What was done with an inbound message (kept on its row; the reply says it in Persian). */
export type InboundOutcome =
  | "received"
  | "unknown_number"
  | "too_long"
  | "stopped"
  | "supported"
  | "already_supported"
  | "proposal_closed"
  | "proposal_unknown"
  | "invitation_accepted"
  | "invitation_declined"
  | "invitation_none"
  | "invitation_many"
  | "not_understood";

export const INBOUND_BODY_KEEP = 1000;
/** Longer than any command: read as not understood, whatever it says. */
const COMMAND_MAX = 160;

export interface InboundInput {
  provider: string;
  providerMessageId: string;
  from: string;
  body: string;
}

const STOP_WORDS = new Set(["لغو", "لغو پیامک", "توقف", "stop", "cancel"]);
const YES_WORDS = new Set(["بله", "قبول", "آری", "yes"]);
const NO_WORDS = new Set(["خیر", "نه", "رد", "no"]);

/** What a text asks for, read the way people type on a basic phone. */
export function readCommand(
  body: string,
): { kind: "stop" } | { kind: "support"; number: number } | { kind: "invitation"; accept: boolean } | { kind: "unknown" } {
  if (body.length > COMMAND_MAX) return { kind: "unknown" };
  const text = foldDigits(normalizeText(body))
    .toLowerCase()
    .replace(/[.!؟?،,«»"']/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (STOP_WORDS.has(text)) return { kind: "stop" };
  if (YES_WORDS.has(text)) return { kind: "invitation", accept: true };
  if (NO_WORDS.has(text)) return { kind: "invitation", accept: false };
  const code = /^(?:حمایت\s*)?(\d{1,9})$/.exec(text);
  if (code) return { kind: "support", number: Number(code[1]) };
  return { kind: "unknown" };
}

/**
 * Takes in one text message from the gateway. Recorded first, keyed by the provider's message id:
 * the same message delivered twice is acted on once (a redelivery of a message whose handling
 * was cut short finishes it; every action is itself idempotent). Only a number that belongs to an
 * account (numbers are verified at sign-up) can act; anything else is recorded and left.
 */
export async function receiveSms(
  db: Db,
  input: InboundInput,
  options: { seatLimit: number },
): Promise<{ id: number; outcome: InboundOutcome; duplicate: boolean; proposalId: string | null }> {
  const providerMessageId = input.providerMessageId.trim().slice(0, 200);
  if (!providerMessageId) throw new Error("an inbound message needs the provider's id");
  const phone = normalizePhone(input.from.slice(0, 40));
  const [person] = phone
    ? await db.select({ id: users.id, isActive: users.isActive, locale: users.locale }).from(users).where(eq(users.phone, phone))
    : [];
  const owner = person?.isActive ? person : null;
  const [inserted] = await db
    .insert(smsInbound)
    .values({
      provider: input.provider.slice(0, 40),
      providerMessageId,
      fromRaw: input.from.slice(0, 40),
      phone,
      userId: owner?.id ?? null,
      body: input.body.slice(0, INBOUND_BODY_KEEP),
      bodyLength: input.body.length,
      outcome: "received",
    })
    .onConflictDoNothing({ target: [smsInbound.provider, smsInbound.providerMessageId] })
    .returning({ id: smsInbound.id });
  let id = inserted?.id;
  if (!id) {
    const [earlier] = await db
      .select({ id: smsInbound.id, outcome: smsInbound.outcome, proposalId: smsInbound.proposalId })
      .from(smsInbound)
      .where(and(eq(smsInbound.provider, input.provider.slice(0, 40)), eq(smsInbound.providerMessageId, providerMessageId)));
    if (earlier!.outcome !== "received") {
      return { id: earlier!.id, outcome: earlier!.outcome as InboundOutcome, duplicate: true, proposalId: earlier!.proposalId };
    }
    id = earlier!.id;
  }

  let outcome: InboundOutcome;
  let proposalId: string | null = null;
  let params: Record<string, string | number> = {};
  if (!owner || !phone) {
    outcome = "unknown_number";
  } else if (input.body.length > COMMAND_MAX) {
    outcome = "too_long";
  } else {
    const command = readCommand(input.body);
    if (command.kind === "stop") {
      await stopSms(db, owner.id);
      outcome = "stopped";
    } else if (command.kind === "support") {
      const [target] = await db
        .select({ id: proposals.id, title: proposals.title })
        .from(proposals)
        .where(eq(proposals.number, command.number));
      const actor = await loadCurrentUser(db, owner.id);
      params = { number: command.number };
      if (!target || !actor || !can(actor, "resident.participate")) {
        outcome = "proposal_unknown";
      } else {
        proposalId = target.id;
        params = { number: command.number, title: target.title };
        const result = await supportProposal(db, target.id, owner.id);
        outcome = result.ok
          ? "supported"
          : result.error === "already_supported"
            ? "already_supported"
            : result.error === "not_found"
              ? "proposal_unknown"
              : "proposal_closed";
      }
    } else if (command.kind === "invitation") {
      const waiting = await db
        .select({ id: invitations.id })
        .from(invitations)
        .where(and(eq(invitations.phone, phone), eq(invitations.status, "pending")));
      if (!waiting.length) outcome = "invitation_none";
      else if (waiting.length > 1) outcome = "invitation_many";
      else {
        const answer = await respondToInvitation(db, {
          userId: owner.id,
          phone,
          invitationId: waiting[0]!.id,
          accept: command.accept,
          seatLimit: options.seatLimit,
        });
        outcome = !answer.ok ? "invitation_none" : command.accept ? "invitation_accepted" : "invitation_declined";
      }
    } else {
      outcome = "not_understood";
    }
  }

  await db.update(smsInbound).set({ outcome, proposalId }).where(eq(smsInbound.id, id));
  // An unknown number gets no answer: the platform does not text numbers nobody verified.
  if (owner && phone) {
    const t = await getTForLocale(owner.locale === "en" ? "en" : "fa");
    await enqueueSms(db, {
      toPhone: phone,
      userId: owner.id,
      purpose: "reply",
      dedupeKey: `reply:${id}`,
      body: t(`inbox.sms_reply.${outcome}`, params),
    });
  }
  return { id, outcome, duplicate: !inserted, proposalId };
}

/** The latest inbound messages, for the development outbox page. */
export async function listInbound(db: Db, limit = 20) {
  return db
    .select({
      id: smsInbound.id,
      fromRaw: smsInbound.fromRaw,
      body: smsInbound.body,
      outcome: smsInbound.outcome,
      receivedAt: smsInbound.receivedAt,
    })
    .from(smsInbound)
    .orderBy(sql`${smsInbound.id} desc`)
    .limit(limit);
}
