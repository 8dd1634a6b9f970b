import { redirect, type AppLoadContext } from "@remix-run/node";
import { resendCode, type AuthResult } from "~/domain/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { minutesFrom } from "~/utils/request.server";
import type { Refused } from "./intent.server";

/**
 * The sign-in and code pages' refusals as the intent runner answers them: "too many tries" is 429
 * with the minutes to wait, a wrong code says how many tries are left; anything else `otherStatus`.
 */
export function authRefusal(outcome: Exclude<AuthResult<object>, { ok: true }>, otherStatus = 400): Refused {
  const limited = outcome.error === "rate_limited" || outcome.error === "code_locked";
  return {
    ok: false,
    error: outcome.error,
    status: limited ? 429 : otherStatus,
    params: { minutes: minutesFrom(outcome.retryAfterSeconds), count: outcome.attemptsLeft ?? 0 },
  };
}

/** The "resend" button of both code pages: a new code, then back to the same page for the new flow. */
export async function resendFlowCode(request: Request, context: AppLoadContext, flowId: string, purpose: "signup" | "reset") {
  const outcome = await resendCode(context, { flowId, purpose, locale: await getLocale(request), ip: context.clientIp });
  if (!outcome.ok) return authRefusal(outcome);
  const page = purpose === "signup" ? "/verify" : "/reset-password";
  return redirect(`${page}?flow=${outcome.flowId}&resent=1`);
}
