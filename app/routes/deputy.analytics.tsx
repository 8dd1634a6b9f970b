import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AnalyticsView } from "~/components/analytics-view";
import { neighborhoodChoices } from "~/domain/analytics/queries.server";
import {
  analyticsPage,
  csvHrefs,
  deputyScopeOf,
  headlineOf,
  noticeOf,
  periodLabel,
  readAnalyticsRequest,
  spanOf,
} from "~/server/analytics.server";
import { requireUserWith } from "~/server/guards.server";
import { getLocale, getT } from "~/utils/i18n.server";

/**
 * The deputy's analytics: the whole city, one district or one neighborhood, over a Jalali month,
 * season or year; every table as CSV from its twin, /deputy/analytics.csv.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "analytics.view");
  const [t, lang] = await Promise.all([getT(request), getLocale(request)]);
  const asked = readAnalyticsRequest(request);
  const { scope, districts, district, neighborhood, problem } = await deputyScopeOf(context.db, asked);
  const page = await analyticsPage(context.db, { t, lang, scope, request: asked });

  const scopeName = neighborhood
    ? t("analytics.scope_neighborhood", { name: neighborhood.name, district: neighborhood.districtName })
    : district
      ? district.name
      : t("analytics.scope_city");
  const { period } = page.analytics;
  return {
    title: t("analytics.title"),
    data: {
      heading: t("analytics.heading", { scope: scopeName, period: periodLabel(t, period) }),
      notice: noticeOf(t, asked, problem),
      picker: {
        year: period.kind === "range" ? period.from.year : period.year,
        span: spanOf(period),
        districts: districts.map((d) => ({ id: d.id, name: d.name })),
        districtId: district?.id,
        neighborhoods: district ? await neighborhoodChoices(context.db, district.id) : [],
        neighborhoodId: neighborhood?.id,
      },
      headline: headlineOf(t, page.analytics.total),
      charts: page.charts,
      tables: page.tables,
      csvHref: csvHrefs(new URL(request.url), page.tables),
      reportHref:
        district && period.kind === "month" ? `/manage/districts/${district.id}/report?year=${period.year}&month=${period.month}` : null,
    },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "" }];

export default function DeputyAnalytics() {
  const { data } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <AnalyticsView data={data} />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
