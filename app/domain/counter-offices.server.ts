import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { counterOffices, counterRequests, proposals, users } from "../../db/schema";
import { can, type Actor } from "../utils/permissions";
import { getTForLocale } from "../utils/i18n.server";
import { isUniqueViolation } from "../utils/db-errors.server";
import { foldDigits } from "../utils/persian";
import { recordAudit } from "./audit.server";
import { supportProposal } from "./proposals.server";
import { Refusal, refusalOf } from "./refusal.server";
import { enqueueSms, fitSms } from "./sms-outbox.server";

/**
 * Counter offices (دفاتر پیشخوان): an operator supports a proposal for a resident who came in
 * person. The resident gets a code by SMS and tells it to the operator (their consent); the support
 * is then given as the resident, the audit log names the office and the operator, and the resident
 * gets a tracking code (کد رهگیری) anyone may look up without signing in.
 */

export type CounterError =
  | "office_not_found"
  | "forbidden"
  | "resident_unknown"
  | "proposal_unknown"
  | "proposal_closed"
  | "request_not_found"
  | "code_wrong"
  | "code_expired"
  | "too_many_attempts"
  | "office_code_taken";

type Fail = { ok: false; error: CounterError };

export const COUNTER_CODE_TTL_MS = 10 * 60_000;
export const COUNTER_CODE_ATTEMPTS = 5;

function codeHash(secret: string, requestId: string, code: string) {
  return crypto.createHmac("sha256", secret).update(`counter:${requestId}:${code}`).digest("hex");
}

/** Ten digits, the first never zero: easy to read out and type on any phone. */
function newTrackingCode() {
  return String(crypto.randomInt(1, 10)) + crypto.randomInt(0, 1_000_000_000).toString().padStart(9, "0");
}

export function normalizeTrackingCode(input: string) {
  const code = foldDigits(String(input ?? "")).replace(/[\s-]/g, "");
  return /^[1-9]\d{9}$/.test(code) ? code : null;
}

export async function createCounterOffice(
  db: Db,
  input: { districtId: string; name: string; code: string },
): Promise<{ ok: true; id: string } | Fail> {
  return refusalOf(
    async () => {
      const [row] = await db.insert(counterOffices).values(input).returning({ id: counterOffices.id });
      return { ok: true as const, id: row!.id };
    },
    (error) => (isUniqueViolation(error, "counter_offices_code_key") ? "office_code_taken" : null),
  );
}

export async function listCounterOffices(db: Db, districtId?: string) {
  return db
    .select()
    .from(counterOffices)
    .where(districtId ? eq(counterOffices.districtId, districtId) : undefined)
    .orderBy(counterOffices.name);
}

/**
 * Starts a support on a resident's behalf: the operator must be allowed to file on behalf in the
 * office's district; the resident's account is found by their verified number; the proposal must
 * be open. The consent code goes to the resident by SMS through the durable outbox.
 */
export async function startCounterSupport(
  db: Db,
  input: { officeId: string; operator: Actor; residentPhone: string; proposalNumber: number; secret: string },
): Promise<{ ok: true; requestId: string } | Fail> {
  return refusalOf(async () => {
    const [office] = await db.select().from(counterOffices).where(eq(counterOffices.id, input.officeId));
    if (!office) throw new Refusal<CounterError>("office_not_found");
    if (!can(input.operator, "district.file_on_behalf", { kind: "district", districtId: office.districtId }))
      throw new Refusal<CounterError>("forbidden");
    const [resident] = await db
      .select()
      .from(users)
      .where(and(eq(users.phone, input.residentPhone), eq(users.isActive, true)));
    if (!resident) throw new Refusal<CounterError>("resident_unknown");
    const [proposal] = await db
      .select({ id: proposals.id, title: proposals.title, status: proposals.status })
      .from(proposals)
      .where(eq(proposals.number, input.proposalNumber));
    if (!proposal) throw new Refusal<CounterError>("proposal_unknown");
    if (proposal.status !== "open") throw new Refusal<CounterError>("proposal_closed");
    const id = crypto.randomUUID();
    const code = crypto.randomInt(0, 1_000_000).toString().padStart(6, "0");
    const t = await getTForLocale(resident.locale === "en" ? "en" : "fa");
    await db.transaction(async (tx) => {
      await tx.insert(counterRequests).values({
        id,
        officeId: office.id,
        operatorId: input.operator.id,
        residentId: resident.id,
        action: "support",
        proposalId: proposal.id,
        codeHash: codeHash(input.secret, id, code),
        expiresAt: new Date(Date.now() + COUNTER_CODE_TTL_MS),
      });
      await enqueueSms(tx, {
        toPhone: resident.phone,
        userId: resident.id,
        purpose: "counter_code",
        dedupeKey: `counter:${id}`,
        body: t("inbox.counter.sms_code", { code, office: office.name, title: fitSms(proposal.title, 60) }),
      });
    });
    return { ok: true as const, requestId: id };
  });
}

/**
 * The operator types the code the resident read out. A right code gives the support as the
 * resident (or the reason it could not be given), with a tracking code either way. Five wrong
 * codes or ten minutes end the request.
 */
export async function confirmCounterRequest(
  db: Db,
  input: { requestId: string; operator: Actor; code: string; secret: string; auditRequestId?: string | null },
): Promise<{ ok: true; trackingCode: string; outcome: string } | Fail> {
  return refusalOf(async () => {
    const code = foldDigits(String(input.code ?? "")).trim();
    const checked = await db.transaction(async (tx) => {
      const [request] = await tx.select().from(counterRequests).where(eq(counterRequests.id, input.requestId)).for("update");
      if (!request) throw new Refusal<CounterError>("request_not_found");
      const [office] = await tx.select().from(counterOffices).where(eq(counterOffices.id, request.officeId));
      if (!can(input.operator, "district.file_on_behalf", { kind: "district", districtId: office!.districtId }))
        throw new Refusal<CounterError>("forbidden");
      if (request.status === "done" || request.status === "refused") return { request, office: office!, already: true };
      if (request.status === "expired" || request.expiresAt.getTime() < Date.now()) {
        await tx.update(counterRequests).set({ status: "expired" }).where(eq(counterRequests.id, request.id));
        return { expired: true as const };
      }
      if (request.attempts >= COUNTER_CODE_ATTEMPTS) return { tooMany: true as const };
      const expected = Buffer.from(request.codeHash, "hex");
      const given = Buffer.from(codeHash(input.secret, request.id, code), "hex");
      if (!/^\d{6}$/.test(code) || !crypto.timingSafeEqual(expected, given)) {
        await tx
          .update(counterRequests)
          .set({ attempts: sql`${counterRequests.attempts} + 1` })
          .where(eq(counterRequests.id, request.id));
        return { wrong: true as const };
      }
      return { request, office: office!, already: false };
    });
    if ("expired" in checked) throw new Refusal<CounterError>("code_expired");
    if ("tooMany" in checked) throw new Refusal<CounterError>("too_many_attempts");
    if ("wrong" in checked) throw new Refusal<CounterError>("code_wrong");
    const { request, office } = checked;
    if (checked.already) return { ok: true as const, trackingCode: request.trackingCode!, outcome: request.outcome ?? request.status };

    // The support itself (idempotent: a retry after a cut-off finds it already given).
    const support = await supportProposal(db, request.proposalId, request.residentId);
    const outcome = support.ok || support.error === "already_supported" ? "supported" : support.error;
    const status = outcome === "supported" ? "done" : "refused";
    const trackingCode = newTrackingCode();
    const [resident] = await db.select({ phone: users.phone, locale: users.locale }).from(users).where(eq(users.id, request.residentId));
    const t = await getTForLocale(resident?.locale === "en" ? "en" : "fa");
    const finished = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(counterRequests)
        .set({ status, outcome, trackingCode, confirmedAt: sql`now()` })
        .where(and(eq(counterRequests.id, request.id), eq(counterRequests.status, "pending")))
        .returning({ trackingCode: counterRequests.trackingCode });
      if (!row) {
        const [other] = await tx.select().from(counterRequests).where(eq(counterRequests.id, request.id));
        return { trackingCode: other!.trackingCode!, outcome: other!.outcome ?? other!.status };
      }
      await recordAudit(tx as unknown as Db, {
        actorId: input.operator.id,
        action: "counter.support",
        subjectType: "proposal",
        subjectId: request.proposalId,
        districtId: office.districtId,
        data: {
          officeId: office.id,
          officeName: office.name,
          officeCode: office.code,
          operatorId: input.operator.id,
          residentId: request.residentId,
          outcome,
          trackingCode,
        },
        requestId: input.auditRequestId ?? null,
      });
      if (resident) {
        await enqueueSms(tx, {
          toPhone: resident.phone,
          userId: request.residentId,
          purpose: "counter_tracking",
          dedupeKey: `counter-done:${request.id}`,
          body: t(status === "done" ? "inbox.counter.sms_done" : "inbox.counter.sms_refused", {
            tracking: trackingCode,
            office: office.name,
          }),
        });
      }
      return { trackingCode, outcome };
    });
    return { ok: true as const, ...finished };
  });
}

/** What anyone holding a tracking code may see: the act, the proposal, the office, the time. No names, no numbers. */
export async function trackCounterRequest(db: Db, trackingCode: string) {
  const code = normalizeTrackingCode(trackingCode);
  if (!code) return null;
  const [row] = await db
    .select({
      status: counterRequests.status,
      outcome: counterRequests.outcome,
      action: counterRequests.action,
      confirmedAt: counterRequests.confirmedAt,
      officeName: counterOffices.name,
      proposalId: proposals.id,
      proposalTitle: proposals.title,
      proposalNumber: proposals.number,
      proposalStatus: proposals.status,
      supportCount: proposals.supportCount,
    })
    .from(counterRequests)
    .innerJoin(counterOffices, eq(counterOffices.id, counterRequests.officeId))
    .innerJoin(proposals, eq(proposals.id, counterRequests.proposalId))
    .where(eq(counterRequests.trackingCode, code));
  return row ?? null;
}

/**
 * A request as its district's operators see it on the counter page: only when its office is in
 * that district (a request of another district is "not found" alike).
 */
export async function counterRequestInDistrict(db: Db, requestId: string, districtId: string) {
  const [row] = await db
    .select({
      id: counterRequests.id,
      officeId: counterRequests.officeId,
      status: counterRequests.status,
      outcome: counterRequests.outcome,
      trackingCode: counterRequests.trackingCode,
      expiresAt: counterRequests.expiresAt,
      officeName: counterOffices.name,
      proposalNumber: proposals.number,
      proposalTitle: proposals.title,
    })
    .from(counterRequests)
    .innerJoin(counterOffices, eq(counterOffices.id, counterRequests.officeId))
    .innerJoin(proposals, eq(proposals.id, counterRequests.proposalId))
    .where(and(eq(counterRequests.id, requestId), eq(counterOffices.districtId, districtId)));
  return row ?? null;
}
