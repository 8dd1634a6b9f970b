import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

/**
 * A gateway's call (an inbound text, a delivery report) carries `Authorization: Bearer
 * SMS_WEBHOOK_TOKEN`. Without the setting the addresses do not exist (404); a wrong token is 401.
 */
export function requireGateway(request: Request, context: AppLoadContext) {
  const token = context.env.SMS_WEBHOOK_TOKEN;
  if (!token) throw new Response("Not Found", { status: 404 });
  const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(token).digest();
  if (!crypto.timingSafeEqual(a, b)) throw new Response("Unauthorized", { status: 401 });
}

/** The call's fields, sent as JSON or as a form; anything else is empty. */
export async function gatewayFields(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body = (await request.json()) as unknown;
      return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    }
    return Object.fromEntries(await request.formData());
  } catch {
    return {};
  }
}
