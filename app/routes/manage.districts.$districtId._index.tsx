import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listDistrictCouncils, listNeighborhoodsWithCouncils } from "~/domain/councils.server";
import { getDistrict } from "~/domain/districts.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { can } from "~/utils/permissions";
import { formatDate } from "~/utils/persian";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const scope = { kind: "district", districtId } as const;
  const user = await requireUserWith(request, context, "district.overview", scope);
  const district = invariantFound(await getDistrict(context.db, districtId));
  const [councils, neighborhoods, t] = await Promise.all([
    listDistrictCouncils(context.db, districtId),
    listNeighborhoodsWithCouncils(context.db, districtId),
    getT(request),
  ]);
  return {
    title: `${t("manage.tab_overview")} · ${district.name}`,
    districtId,
    councils,
    withoutCouncil: neighborhoods.filter((n) => !n.councilId).map((n) => ({ id: n.id, name: n.name })),
    counts: {
      neighborhoods: neighborhoods.length,
      councils: councils.length,
      members: councils.reduce((sum, c) => sum + c.memberCount, 0),
      pending: councils.reduce((sum, c) => sum + c.pendingCount, 0),
    },
    may: {
      manage: can(user, "neighborhood.manage", scope),
      decide: can(user, "membership.decide", scope),
      analytics: can(user, "analytics.view", scope),
    },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function DistrictOverview() {
  const { districtId, councils, withoutCouncil, counts, may } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const revalidator = useRevalidator();
  // Another manager, a staff member or a resident's application changes these numbers.
  useRoom(`district-staff:${districtId}`, { [SERVER_EVENTS.districtChanged]: () => revalidator.revalidate() });
  const base = `/manage/districts/${districtId}`;

  return (
    <div className="stack">
      <div className="stats manage-stats">
        <div className="stat">
          <span className="stat__value">{t("common.count", { count: counts.neighborhoods })}</span>
          <span className="stat__label">{t("manage.count_neighborhoods")}</span>
        </div>
        <div className="stat">
          <span className="stat__value">{t("common.count", { count: counts.councils })}</span>
          <span className="stat__label">{t("manage.count_councils")}</span>
        </div>
        <div className="stat">
          <span className="stat__value">{t("common.count", { count: counts.members })}</span>
          <span className="stat__label">{t("manage.count_members")}</span>
        </div>
        {may.decide ? (
          <Link to={`${base}/applications`} className={`stat${counts.pending ? " stat--attention" : ""}`}>
            <span className="stat__value">{t("common.count", { count: counts.pending })}</span>
            <span className="stat__label">{t("manage.count_pending")}</span>
          </Link>
        ) : (
          <div className="stat">
            <span className="stat__value">{t("common.count", { count: counts.pending })}</span>
            <span className="stat__label">{t("manage.count_pending")}</span>
          </div>
        )}
      </div>
      <p className="small">
        <Link to={`${base}/meetings`}>{t("meetings.report.link")}</Link>
        {" · "}
        {may.analytics ? (
          <>
            <Link to={`${base}/analytics`}>{t("analytics.analytics_link")}</Link>
            {" · "}
            <Link to={`${base}/report`}>{t("analytics.report_link")}</Link>
            {" · "}
          </>
        ) : null}
        <Link to="/policies">{t("policies.mine")}</Link>
      </p>

      <div className="columns">
        <section className="card stack" aria-labelledby="councils-title">
          <h2 id="councils-title">{t("manage.councils_title")}</h2>
          {councils.length === 0 ? (
            <p className="empty">{may.manage ? t("manage.councils_empty_manager") : t("manage.councils_empty")}</p>
          ) : (
            <ul className="list">
              {councils.map((c) => (
                <li key={c.id} className="list__item">
                  <Link to={`/manage/councils/${c.id}`} className="list__link council-row">
                    <span className="council-row__head">
                      <strong>{t("manage.council_of", { name: c.neighborhoodName })}</strong>
                      <span className={`chip status-chip status-chip--${c.status}`}>{t(`manage.status_${c.status}`)}</span>
                    </span>
                    <span className="muted small">
                      {t("manage.members_count", { count: c.memberCount })}
                      {" · "}
                      {t("manage.term_until", { number: c.termNumber, date: formatDate(c.termEnd, i18n.language) })}
                    </span>
                    {c.pendingCount || !c.hasChair || !c.hasSecretary ? (
                      <span className="chips council-row__flags">
                        {c.pendingCount ? (
                          <span className="chip chip--accent">{t("manage.pending_count", { count: c.pendingCount })}</span>
                        ) : null}
                        {!c.hasChair ? <span className="chip chip--warn">{t("manage.no_chair")}</span> : null}
                        {!c.hasSecretary ? <span className="chip chip--warn">{t("manage.no_secretary")}</span> : null}
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card stack" aria-labelledby="hoods-title">
          <h2 id="hoods-title">{t("manage.without_council_title")}</h2>
          {withoutCouncil.length === 0 ? (
            <p className="empty">{t("manage.without_council_empty")}</p>
          ) : (
            <ul className="list">
              {withoutCouncil.map((n) => (
                <li key={n.id} className="list__item list__item--row">
                  <span dir="auto">{n.name}</span>
                  {may.manage ? (
                    <Link to={`/manage/neighborhoods/${n.id}#new-council`} className="button button--ghost button--small">
                      {t("manage.form_council")}
                    </Link>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {may.manage ? (
            <p className="manage-actions">
              <Link to={`${base}/neighborhoods/new`} className="button">
                {t("manage.new_neighborhood")}
              </Link>
            </p>
          ) : null}
        </section>
      </div>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
