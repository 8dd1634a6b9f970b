import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AnalyticsView } from "~/components/analytics-view";
import { neighborhoodChoices } from "~/domain/analytics/queries.server";
import { getDistrict } from "~/domain/districts.server";
import {
  analyticsPage,
  csvHrefs,
  districtScopeOf,
  headlineOf,
  noticeOf,
  periodLabel,
  readAnalyticsRequest,
  spanOf,
} from "~/server/analytics.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getLocale, getT } from "~/utils/i18n.server";

/**
 * A district manager's analytics: their district, or one of its neighborhoods, over a Jalali month,
 * season or year; every table as CSV from its twin (analytics.csv, outside the desk's layout).
 * Another district's manager is refused.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  await requireUserWith(request, context, "analytics.view", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  const [t, lang] = await Promise.all([getT(request), getLocale(request)]);
  const asked = readAnalyticsRequest(request);
  const { scope, neighborhood, problem } = await districtScopeOf(context.db, districtId, asked);
  const page = await analyticsPage(context.db, { t, lang, scope, request: asked });
  const { period } = page.analytics;
  return {
    districtId,
    title: t("analytics.title"),
    data: {
      heading: t("analytics.heading", {
        scope: neighborhood ? t("analytics.scope_neighborhood", { name: neighborhood.name, district: district.name }) : district.name,
        period: periodLabel(t, period),
      }),
      notice: noticeOf(t, asked, problem),
      picker: {
        year: period.kind === "range" ? period.from.year : period.year,
        span: spanOf(period),
        neighborhoods: await neighborhoodChoices(context.db, districtId),
        neighborhoodId: neighborhood?.id,
      },
      headline: headlineOf(t, page.analytics.total),
      charts: page.charts,
      tables: page.tables,
      csvHref: csvHrefs(new URL(request.url), page.tables),
      reportHref: `/manage/districts/${districtId}/report${period.kind === "month" ? `?year=${period.year}&month=${period.month}` : ""}`,
    },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "" }];

export default function DistrictAnalytics() {
  const { data } = useLoaderData<typeof loader>();
  return <AnalyticsView data={data} />;
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
