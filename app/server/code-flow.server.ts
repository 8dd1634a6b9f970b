import { data, redirect, type AppLoadContext } from "@remix-run/node";
import { resendCode } from "~/domain/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { minutesFrom } from "~/utils/request.server";

/** The "resend" button of both code pages: a new code, then back to the same page for the new flow. */
export async function handleResend(request: Request, context: AppLoadContext, flowId: string, purpose: "signup" | "reset") {
  const outcome = await resendCode(context, { flowId, purpose, locale: await getLocale(request), ip: context.clientIp });
  if (!outcome.ok) {
    return data(
      {
        result: { status: "error" as const, error: { "": [outcome.error] } },
        params: { minutes: minutesFrom(outcome.retryAfterSeconds), count: 0 },
      },
      { status: outcome.error === "rate_limited" ? 429 : 400 },
    );
  }
  const page = purpose === "signup" ? "/verify" : "/reset-password";
  return redirect(`${page}?flow=${outcome.flowId}&resent=1`);
}
