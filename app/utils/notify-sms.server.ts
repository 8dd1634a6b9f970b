import type { AppLoadContext } from "@remix-run/node";
import { getTForLocale } from "./i18n.server";

/**
 * Tells an invited number about its invitation. The invitation is already stored; a gateway that
 * is down only costs the text, never the invitation (it waits in the person's «شوراهای من»).
 */
export async function textInvitation(
  context: Pick<AppLoadContext, "sms" | "logger" | "requestId">,
  phone: string,
  neighborhoodName: string,
  hasAccount: boolean,
) {
  const t = await getTForLocale("fa");
  const text = t(hasAccount ? "sms.invitation" : "sms.invitation_sign_up", { neighborhood: neighborhoodName });
  try {
    await context.sms.send(phone, text);
  } catch (err) {
    context.logger.warn({ err, requestId: context.requestId }, "invitation text not sent");
  }
}
