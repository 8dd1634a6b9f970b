import type { LoaderFunctionArgs } from "@remix-run/node";
import { analyticsCsv, deputyScopeOf, readAnalyticsRequest } from "~/server/analytics.server";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

/** A table of the deputy's analytics page as CSV: the same parameters, `table` naming which. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "analytics.view");
  const asked = readAnalyticsRequest(request);
  const { scope } = await deputyScopeOf(context.db, asked);
  return analyticsCsv(context.db, { t: await getT(request), scope, request: asked, filePrefix: "analytics" });
}
