import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveSms } from "~/domain/sms-inbound.server";
import { publishProposalState } from "~/realtime/live.server";
import { gatewayFields, requireGateway } from "~/server/sms-webhook.server";

const Inbound = z.object({
  id: z.coerce.string().min(1).max(200),
  from: z.string().min(1).max(40),
  text: z.string().max(20_000),
});

/** A text a resident sent, as the SMS gateway hands it over (POST, bearer token). */
export async function action({ request, context }: ActionFunctionArgs) {
  requireGateway(request, context);
  const parsed = Inbound.safeParse(await gatewayFields(request));
  if (!parsed.success) return Response.json({ ok: false, error: "bad_request" }, { status: 400 });
  const received = await receiveSms(
    context.db,
    { provider: context.sms.name, providerMessageId: parsed.data.id, from: parsed.data.from, body: parsed.data.text },
    { seatLimit: context.env.COUNCIL_SEATS_PER_PERSON },
  );
  if (received.proposalId) publishProposalState(context.io, context.db, received.proposalId);
  return Response.json({ ok: true, outcome: received.outcome, duplicate: received.duplicate });
}
