import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDistrict } from "~/domain/districts.server";
import { analyticsCsv, districtScopeOf, readAnalyticsRequest } from "~/server/analytics.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

/** A table of a district's analytics page as CSV: the same parameters, `table` naming which. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  await requireUserWith(request, context, "analytics.view", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  const asked = readAnalyticsRequest(request);
  const { scope } = await districtScopeOf(context.db, districtId, asked);
  return analyticsCsv(context.db, { t: await getT(request), scope, request: asked, filePrefix: `district-${district.number}` });
}
