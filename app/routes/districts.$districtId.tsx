import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listNeighborhoodsWithCouncils } from "~/domain/councils.server";
import { getDistrict } from "~/domain/districts.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid } from "~/server/guards.server";
import { Breadcrumbs } from "~/components/breadcrumbs";

export async function loader({ context, params }: LoaderFunctionArgs) {
  // A visitor without a session may read a replica a moment behind (decision 019).
  const db = context.visitorDb;
  const district = invariantFound(isUuid(params.districtId) ? await getDistrict(db, params.districtId) : null);
  return {
    district: {
      id: district.id,
      number: district.number,
      name: district.name,
      description: district.description,
      managerName: district.managerName,
    },
    // Each card says whether the neighborhood already has a council to join.
    neighborhoods: await listNeighborhoodsWithCouncils(db, district.id),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.district.name }];

export default function DistrictPage() {
  const { district, neighborhoods } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  useRoom("city", { [SERVER_EVENTS.cityChanged]: () => revalidator.revalidate() });
  return (
    <main className="page">
      <Breadcrumbs trail={[{ to: "/", label: t("nav.home") }, { label: district.name }]} />
      <header className="stack">
        <p className="muted">{t("home.district_number", { number: district.number })}</p>
        <h1 dir="auto">{district.name}</h1>
        {district.description ? (
          <p className="prose" dir="auto">
            {district.description}
          </p>
        ) : null}
        <p className="muted small">
          {district.managerName ? (
            <>
              {t("district.manager")}: <span dir="auto">{district.managerName}</span>
            </>
          ) : (
            t("district.no_manager")
          )}
        </p>
      </header>
      <section className="stack" aria-labelledby="hoods-title">
        <h2 id="hoods-title">{t("district.neighborhoods_title")}</h2>
        <p>
          <Link to={`/proposals?district=${district.id}`}>{t("proposal.district_proposals")}</Link>
          {t("history.separator")}
          <Link to={`/record?district=${district.id}`}>{t("record.district_history")}</Link>
        </p>
        {neighborhoods.length === 0 ? (
          <p className="empty">{t("district.neighborhoods_empty")}</p>
        ) : (
          <ul className="grid">
            {neighborhoods.map((n) => (
              <li key={n.id}>
                <Link to={`/neighborhoods/${n.id}`} className="card card--link hood-card">
                  <strong dir="auto">{n.name}</strong>
                  {n.description ? (
                    <span className="muted small hood-card__text" dir="auto">
                      {n.description}
                    </span>
                  ) : null}
                  <span className="hood-card__council">
                    {n.councilStatus ? (
                      <>
                        <span className={`chip status-chip status-chip--${n.councilStatus}`}>{t(`council.status.${n.councilStatus}`)}</span>
                        <span className="muted small">{t("council.member_count", { count: n.memberCount })}</span>
                      </>
                    ) : (
                      <span className="chip">{t("neighborhood.no_council")}</span>
                    )}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
