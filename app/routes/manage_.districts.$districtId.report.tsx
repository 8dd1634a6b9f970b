import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ChartFigure, DataTableView } from "~/components/analytics-view";
import { overdueReviewList } from "~/domain/analytics/queries.server";
import { getDistrict } from "~/domain/districts.server";
import { jalaliMonthOf } from "~/domain/meetings/calendar";
import { districtMonth } from "~/domain/meetings/district-report.server";
import { analyticsPage, monthName, noticeOf, readAnalyticsRequest } from "~/server/analytics.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getLocale, getT } from "~/utils/i18n.server";
import { formatDate, formatNumber } from "~/utils/persian";

/**
 * The monthly district report on A4: what a manager sends to the deputy's office. Its figures are
 * the analytics module's for the district and the month (the same numbers as the charts and the
 * CSV files), with the month's meetings council by council and the overdue items by name.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  await requireUserWith(request, context, "analytics.view", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  const [t, lang] = await Promise.all([getT(request), getLocale(request)]);
  const now = new Date();
  let asked = readAnalyticsRequest(request, now);
  let notice = noticeOf(t, asked);
  if (asked.period.kind !== "month") {
    // One month per report: a season or year asked of it shows the current month.
    asked = { ...asked, period: { kind: "month", ...jalaliMonthOf(now) } };
    notice = t("analytics.report.bad_month");
  }
  const period = asked.period as { kind: "month"; year: number; month: number };
  const scope = { kind: "district", districtId } as const;
  const page = await analyticsPage(context.db, { t, lang, scope, request: asked, now });
  const [councilsOfMonth, overdue] = await Promise.all([
    districtMonth(context.db, districtId, period, now),
    overdueReviewList(context.db, scope, page.analytics.asOf),
  ]);
  const table = (id: string) => page.tables.find((x) => x.id === id)!;
  return {
    districtId,
    title: t("analytics.report.title", { district: district.name, month: monthName(t, period, true) }),
    districtName: district.name,
    notice,
    preparedAt: now.toISOString(),
    analyticsHref: `/manage/districts/${districtId}/analytics?year=${period.year}&span=m${period.month}`,
    summary: table("summary"),
    status: table("status"),
    topics: table("topics"),
    decisions: table("decisions"),
    statusChart: page.charts.find((c) => c.id === "chart-status") ?? null,
    councils: councilsOfMonth.map((c) => ({
      id: c.councilId,
      name: c.neighborhoodName,
      held: c.held,
      withQuorum: c.heldWithQuorum,
      minimum: c.minimum,
      metMinimum: c.metMinimum,
      submitted: c.meetings.filter((m) => m.minutes === "approved" || m.minutes === "circulating").length,
      approved: c.meetings.filter((m) => m.minutes === "approved").length,
      late: c.meetings.filter((m) => m.late).map((m) => ({ number: m.number, startsAt: m.startsAt.toISOString() })),
    })),
    overdue: overdue.map((o) => ({ ...o, dueAt: o.dueAt.toISOString() })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "" }];

export default function DistrictReport() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const late = data.councils.flatMap((c) => c.late.map((m) => ({ ...m, council: c.name })));
  return (
    <main className="print-sheet report-sheet">
      <p className="report-sheet__tools no-print">
        <Link to={data.analyticsHref}>{t("analytics.analytics_link")}</Link>
      </p>
      {data.notice ? (
        <div className="alert alert--error no-print" role="status">
          {data.notice}
        </div>
      ) : null}
      <header className="print-sheet__head">
        <p>{t("analytics.report.subtitle")}</p>
        <h1>{data.title}</h1>
        <p className="small">{t("analytics.report.prepared", { date: formatDate(data.preparedAt, i18n.language, "datetime") })}</p>
      </header>

      <section className="report-sheet__section">
        <h2>{t("analytics.report.summary")}</h2>
        <DataTableView table={data.summary} caption={false} />
      </section>

      <section className="report-sheet__section">
        <h2 id="report-meetings">{t("analytics.report.meetings")}</h2>
        <div className="data-table">
          <div className="data-table__scroll" role="region" aria-labelledby="report-meetings" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("analytics.report.council")}</th>
                  <th scope="col">{t("analytics.report.held")}</th>
                  <th scope="col">{t("analytics.report.with_quorum")}</th>
                  <th scope="col">{t("analytics.report.minimum")}</th>
                  <th scope="col">{t("analytics.report.submitted")}</th>
                  <th scope="col">{t("analytics.report.approved")}</th>
                  <th scope="col">{t("analytics.report.late")}</th>
                </tr>
              </thead>
              <tbody>
                {data.councils.length === 0 ? (
                  <tr>
                    <td colSpan={7}>{t("analytics.report.none")}</td>
                  </tr>
                ) : (
                  data.councils.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        <span dir="auto">{c.name}</span>
                        <span className={`chip ${c.metMinimum ? "" : "chip--warn"} report-sheet__met`}>
                          {c.metMinimum ? t("analytics.report.met") : t("analytics.report.not_met")}
                        </span>
                      </th>
                      <td>{n(c.held)}</td>
                      <td>{n(c.withQuorum)}</td>
                      <td>{n(c.minimum)}</td>
                      <td>{n(c.submitted)}</td>
                      <td>{n(c.approved)}</td>
                      <td>{n(c.late.length)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </div>
      </section>

      <section className="report-sheet__section">
        <h2>{t("analytics.report.proposals")}</h2>
        <div className="report-sheet__pair">
          <DataTableView table={data.status} />
          <DataTableView table={data.topics} />
        </div>
        {data.statusChart ? <ChartFigure chart={data.statusChart} /> : null}
      </section>

      <section className="report-sheet__section">
        <h2>{t("analytics.report.decisions")}</h2>
        <DataTableView table={data.decisions} caption={false} />
      </section>

      <section className="report-sheet__section">
        <h2>{t("analytics.report.overdue")}</h2>
        <h3>{t("analytics.report.overdue_reviews")}</h3>
        {data.overdue.length === 0 ? (
          <p>{t("analytics.report.none")}</p>
        ) : (
          <ul className="report-sheet__list">
            {data.overdue.map((o) => (
              <li key={o.number}>
                {t("analytics.report.proposal")} {n(o.number)}: <span dir="auto">{o.title}</span> — <span dir="auto">{o.neighborhood}</span>{" "}
                · <span dir="auto">{o.commission}</span> · {t("analytics.report.due")} {formatDate(o.dueAt, i18n.language)}
              </li>
            ))}
          </ul>
        )}
        <h3>{t("analytics.figure.minutes_late")}</h3>
        {late.length === 0 ? (
          <p>{t("analytics.report.none")}</p>
        ) : (
          <ul className="report-sheet__list">
            {late.map((m) => (
              <li key={`${m.council}-${m.number}`}>
                <span dir="auto">{m.council}</span> — {t("meetings.number", { number: n(m.number) })} ·{" "}
                {formatDate(m.startsAt, i18n.language)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <footer className="print-sheet__foot report-sheet__foot">
        <p>{t("analytics.report.signature")}</p>
        <span className="print-sheet__line" aria-hidden="true" />
      </footer>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
