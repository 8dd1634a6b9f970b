import type { LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AnalyticsView } from "~/components/analytics-view";
import { neighborhoodChoices, type AnalyticsScope } from "~/domain/analytics/queries.server";
import { getNeighborhood } from "~/domain/councils.server";
import { listDistricts } from "~/domain/districts.server";
import {
  analyticsPage,
  csvHrefs,
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
 * season or year; every table as CSV (`?format=csv&table=…`).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "analytics.view");
  const [t, lang] = await Promise.all([getT(request), getLocale(request)]);
  const asked = readAnalyticsRequest(request);
  const districts = await listDistricts(context.db);
  let problem: string | null = null;
  let district = asked.districtId ? districts.find((d) => d.id === asked.districtId) : undefined;
  if (asked.districtId && !district) problem = "bad_query";
  let neighborhood = asked.neighborhoodId ? await getNeighborhood(context.db, asked.neighborhoodId) : null;
  if (asked.neighborhoodId && !neighborhood) problem = "bad_query";
  if (neighborhood && district && neighborhood.districtId !== district.id) {
    problem = "neighborhood_elsewhere";
    neighborhood = null;
  }
  if (neighborhood && !district) district = districts.find((d) => d.id === neighborhood!.districtId);

  const scope: AnalyticsScope = neighborhood
    ? { kind: "neighborhood", districtId: neighborhood.districtId, neighborhoodId: neighborhood.id }
    : district
      ? { kind: "district", districtId: district.id }
      : { kind: "city" };
  const page = await analyticsPage(context.db, { t, lang, scope, request: asked, filePrefix: "analytics" });
  if ("csv" in page) return page.csv;

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

/** The page's data (the loader answers a CSV download with a Response instead). */
type PageData = SerializeFrom<Exclude<Awaited<ReturnType<typeof loader>>, Response>>;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: (data as PageData | undefined)?.title ?? "" }];

export default function DeputyAnalytics() {
  const { data } = useLoaderData() as PageData;
  return (
    <main className="page">
      <AnalyticsView data={data} />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
