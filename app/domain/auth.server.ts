import crypto from "node:crypto";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { AppLoadContext } from "@remix-run/node";
import { users, verificationCodes } from "../../db/schema";
import { getTForLocale } from "../utils/i18n.server";
import type { Locale } from "../utils/i18n";
import { isUuid } from "../utils/uuid";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../utils/password.server";
import { hitRateLimit, RATE_RULES, resetRateLimit } from "../utils/rate-limit.server";
import { createSession, destroyAllSessions, hashToken } from "./sessions.server";
import { recordAudit } from "./audit.server";
import { findUserByPhone } from "./users.server";
import { refused, type Refused } from "./refusal.server";

export const CODE_TTL_SECONDS = 5 * 60;
export const CODE_MAX_ATTEMPTS = 5;

export type AuthError =
  | "rate_limited"
  | "code_wrong"
  | "code_expired"
  | "code_used"
  | "code_locked"
  | "flow_unknown"
  | "credentials_invalid"
  | "sms_failed"
  | "account_exists";

export type AuthResult<T> = ({ ok: true } & T) | (Refused<AuthError> & { retryAfterSeconds?: number; attemptsLeft?: number });

type Purpose = "signup" | "reset";

type Ctx = Pick<AppLoadContext, "db" | "env" | "logger" | "sms" | "io" | "requestId">;

function codeHash(secret: string, flowId: string, code: string) {
  return crypto.createHmac("sha256", secret).update(`${flowId}:${code}`).digest("hex");
}

function sameHash(a: string, b: string) {
  const ab = Buffer.from(a, "hex");
  const bb = Buffer.from(b, "hex");
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

function newCode() {
  return crypto.randomInt(0, 1_000_000).toString().padStart(6, "0");
}

async function checkSendLimits(ctx: Ctx, phone: string, ip: string) {
  for (const [key, rule] of [
    [`code-send:phone:${phone}`, RATE_RULES.sendCodePerPhone],
    [`code-send-day:phone:${phone}`, RATE_RULES.sendCodePerPhoneDaily],
    [`code-send:ip:${ip}`, RATE_RULES.sendCodePerIp],
  ] as const) {
    const result = await hitRateLimit(ctx.db, key, rule);
    if (!result.allowed) return result.retryAfterSeconds;
  }
  return 0;
}

/**
 * Creates a code flow and texts the code. When `deliver` is false (the number is not the one the
 * flow is for, e.g. a reset for an unknown number) the row exists all the same and no message goes
 * out: from outside, both cases look alike.
 */
async function issueCode(
  ctx: Ctx,
  args: {
    purpose: Purpose;
    phone: string;
    locale: Locale;
    payload?: Record<string, string>;
    message: "code" | "already_registered" | null;
  },
) {
  const id = crypto.randomUUID();
  const code = newCode();
  await ctx.db.insert(verificationCodes).values({
    id,
    purpose: args.purpose,
    phone: args.phone,
    codeHash: codeHash(ctx.env.SESSION_SECRET, id, code),
    payload: args.payload ?? null,
    expiresAt: new Date(Date.now() + CODE_TTL_SECONDS * 1000),
  });
  if (args.message) {
    const t = await getTForLocale(args.locale);
    const text =
      args.message === "code" ? t(args.purpose === "signup" ? "sms.signup_code" : "sms.reset_code", { code }) : t("sms.already_registered");
    try {
      await ctx.sms.send(args.phone, text);
    } catch (error) {
      ctx.logger.error({ err: error, requestId: ctx.requestId }, "sending a verification code failed");
      return refused("sms_failed");
    }
  }
  return { ok: true as const, flowId: id };
}

export async function startSignup(
  ctx: Ctx,
  input: { phone: string; displayName: string; password: string; locale: Locale; ip: string },
): Promise<AuthResult<{ flowId: string }>> {
  const retry = await checkSendLimits(ctx, input.phone, input.ip);
  if (retry) return refused("rate_limited", { retryAfterSeconds: retry });
  const existing = await findUserByPhone(ctx.db, input.phone);
  const passwordHash = await hashPassword(input.password);
  // A registered number gets a notice instead of a code, and the page looks the same either way.
  return issueCode(ctx, {
    purpose: "signup",
    phone: input.phone,
    locale: input.locale,
    payload: existing ? {} : { displayName: input.displayName, passwordHash, locale: input.locale },
    message: existing ? "already_registered" : "code",
  });
}

export async function startPasswordReset(
  ctx: Ctx,
  input: { phone: string; locale: Locale; ip: string },
): Promise<AuthResult<{ flowId: string }>> {
  const retry = await checkSendLimits(ctx, input.phone, input.ip);
  if (retry) return refused("rate_limited", { retryAfterSeconds: retry });
  const existing = await findUserByPhone(ctx.db, input.phone);
  return issueCode(ctx, {
    purpose: "reset",
    phone: input.phone,
    locale: input.locale,
    message: existing ? "code" : null,
  });
}

/** A fresh code for the same flow; the old code stops working. */
export async function resendCode(
  ctx: Ctx,
  input: { flowId: string; purpose: Purpose; locale: Locale; ip: string },
): Promise<AuthResult<{ flowId: string }>> {
  const [flow] = await ctx.db
    .select()
    .from(verificationCodes)
    .where(and(eq(verificationCodes.id, input.flowId), eq(verificationCodes.purpose, input.purpose)));
  if (!flow) return refused("flow_unknown");
  const retry = await checkSendLimits(ctx, flow.phone, input.ip);
  if (retry) return refused("rate_limited", { retryAfterSeconds: retry });
  await ctx.db
    .update(verificationCodes)
    .set({ consumedAt: new Date() })
    .where(and(eq(verificationCodes.id, flow.id), isNull(verificationCodes.consumedAt)));
  const existing = await findUserByPhone(ctx.db, flow.phone);
  const payload = (flow.payload ?? {}) as Record<string, string>;
  const deliverable = input.purpose === "signup" ? !existing && Boolean(payload.passwordHash) : Boolean(existing);
  return issueCode(ctx, {
    purpose: input.purpose,
    phone: flow.phone,
    locale: input.locale,
    payload,
    message: deliverable ? "code" : input.purpose === "signup" ? "already_registered" : null,
  });
}

export async function getFlowPhone(ctx: Ctx, flowId: string, purpose: Purpose) {
  if (!isUuid(flowId)) return null;
  const [flow] = await ctx.db
    .select({ phone: verificationCodes.phone, expiresAt: verificationCodes.expiresAt })
    .from(verificationCodes)
    .where(and(eq(verificationCodes.id, flowId), eq(verificationCodes.purpose, purpose)));
  return flow ?? null;
}

/**
 * Checks a code and, only if it is right, marks it used. Wrong tries count on the flow and on the
 * phone number, so neither a new code nor a new flow resets the lock.
 */
async function consumeCode(
  ctx: Ctx,
  input: { flowId: string; purpose: Purpose; code: string },
): Promise<AuthResult<{ phone: string; payload: Record<string, string> }>> {
  if (!isUuid(input.flowId)) return refused("flow_unknown");
  const [flow] = await ctx.db
    .select()
    .from(verificationCodes)
    .where(and(eq(verificationCodes.id, input.flowId), eq(verificationCodes.purpose, input.purpose)));
  if (!flow) return refused("flow_unknown");
  const limit = await hitRateLimit(ctx.db, `code-check:phone:${flow.phone}`, RATE_RULES.checkCodePerPhone);
  if (!limit.allowed) return refused("code_locked", { retryAfterSeconds: limit.retryAfterSeconds });
  if (flow.consumedAt) return refused("code_used");
  if (flow.attempts >= CODE_MAX_ATTEMPTS) return refused("code_locked", { retryAfterSeconds: limit.retryAfterSeconds });
  if (flow.expiresAt <= new Date()) return refused("code_expired");
  if (!sameHash(flow.codeHash, codeHash(ctx.env.SESSION_SECRET, flow.id, input.code))) {
    const [row] = await ctx.db
      .update(verificationCodes)
      .set({ attempts: sql`${verificationCodes.attempts} + 1` })
      .where(and(eq(verificationCodes.id, flow.id), lt(verificationCodes.attempts, CODE_MAX_ATTEMPTS)))
      .returning({ attempts: verificationCodes.attempts });
    const attemptsLeft = Math.max(0, CODE_MAX_ATTEMPTS - (row?.attempts ?? CODE_MAX_ATTEMPTS));
    return refused("code_wrong", { attemptsLeft });
  }
  // Only one request can flip consumed_at: a double submit gets "already used", not two accounts.
  const [consumed] = await ctx.db
    .update(verificationCodes)
    .set({ consumedAt: new Date() })
    .where(and(eq(verificationCodes.id, flow.id), isNull(verificationCodes.consumedAt)))
    .returning({ id: verificationCodes.id });
  if (!consumed) return refused("code_used");
  await resetRateLimit(ctx.db, `code-check:phone:${flow.phone}`);
  return { ok: true, phone: flow.phone, payload: (flow.payload ?? {}) as Record<string, string> };
}

export async function completeSignup(
  ctx: Ctx,
  input: { flowId: string; code: string; ip: string; userAgent: string | null },
): Promise<AuthResult<{ userId: string; sessionToken: string }>> {
  const checked = await consumeCode(ctx, { ...input, purpose: "signup" });
  if (!checked.ok) return checked;
  const { displayName, passwordHash, locale } = checked.payload;
  if (!displayName || !passwordHash) return refused("account_exists");
  const result = await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ phone: checked.phone, displayName, passwordHash, locale: locale === "en" ? "en" : "fa" })
      .onConflictDoNothing({ target: users.phone })
      .returning({ id: users.id });
    if (!user) return null;
    await recordAudit(tx, {
      actorId: user.id,
      action: "user.signed_up",
      subjectType: "user",
      subjectId: user.id,
      requestId: ctx.requestId,
    });
    const sessionToken = await createSession(tx, user.id, { ip: input.ip, userAgent: input.userAgent });
    return { userId: user.id, sessionToken };
  });
  if (!result) return refused("account_exists");
  return { ok: true, ...result };
}

export async function signIn(
  ctx: Ctx,
  input: { phone: string; password: string; ip: string; userAgent: string | null },
): Promise<AuthResult<{ userId: string; sessionToken: string }>> {
  for (const [key, rule] of [
    [`sign-in:phone:${input.phone}`, RATE_RULES.signInPerPhone],
    [`sign-in:ip:${input.ip}`, RATE_RULES.signInPerIp],
  ] as const) {
    const limit = await hitRateLimit(ctx.db, key, rule);
    if (!limit.allowed) return refused("rate_limited", { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const user = await findUserByPhone(ctx.db, input.phone);
  const valid = user && user.isActive ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !valid) return refused("credentials_invalid");
  await resetRateLimit(ctx.db, `sign-in:phone:${input.phone}`);
  const sessionToken = await createSession(ctx.db, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { ok: true, userId: user.id, sessionToken };
}

export async function completePasswordReset(
  ctx: Ctx,
  input: { flowId: string; code: string; password: string; ip: string; userAgent: string | null },
): Promise<AuthResult<{ userId: string; sessionToken: string }>> {
  const checked = await consumeCode(ctx, { flowId: input.flowId, code: input.code, purpose: "reset" });
  if (!checked.ok) return checked;
  const user = await findUserByPhone(ctx.db, checked.phone);
  if (!user) return refused("code_wrong", { attemptsLeft: 0 });
  const passwordHash = await hashPassword(input.password);
  const sessionToken = await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, passwordChangedAt: new Date() }).where(eq(users.id, user.id));
    await recordAudit(tx, {
      actorId: user.id,
      action: "user.password_reset",
      subjectType: "user",
      subjectId: user.id,
      requestId: ctx.requestId,
    });
    return createSession(tx, user.id, { ip: input.ip, userAgent: input.userAgent });
  });
  // Whoever knew the old password is signed out everywhere.
  await destroyAllSessions(ctx, user.id, hashToken(sessionToken));
  return { ok: true, userId: user.id, sessionToken };
}
