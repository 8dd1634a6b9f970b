import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { recordDeliveryReport } from "~/domain/sms-outbox.server";
import { gatewayFields, requireGateway } from "~/server/sms-webhook.server";

const Report = z.object({ id: z.coerce.string().min(1).max(200), status: z.string().min(1).max(40) });

/** A delivery report from the SMS gateway (POST, bearer token), recorded on the message it names. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireGateway(request, context);
  const parsed = Report.safeParse(await gatewayFields(request));
  if (!parsed.success) return Response.json({ ok: false, error: "bad_request" }, { status: 400 });
  const known = await recordDeliveryReport(context.db, { providerMessageId: parsed.data.id, status: parsed.data.status });
  return Response.json({ ok: true, known });
}
