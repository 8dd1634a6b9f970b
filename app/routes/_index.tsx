import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listDistricts } from "~/domain/districts.server";
import { liveliestThreads } from "~/domain/threads/home.server";
import { RelativeTime } from "~/components/relative-time";
import { SERVER_EVENTS } from "~/realtime/events";
import { useRoom } from "~/realtime/socket-provider";
import { getLocale, getT } from "~/utils/i18n.server";
import { useRootData } from "~/components/root-data";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [t, locale] = await Promise.all([getT(request), getLocale(request)]);
  const city = locale === "fa" ? context.env.CITY_NAME_FA : context.env.CITY_NAME_EN;
  return {
    title: t("home.title", { city }),
    description: t("home.meta_description", { city }),
    // A visitor without a session may read a replica a moment behind (decision 019).
    districts: await listDistricts(context.visitorDb),
    discussions: await liveliestThreads(context.visitorDb),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title },
  { name: "description", content: data?.description },
];

export default function Home() {
  const { districts, discussions } = useLoaderData<typeof loader>();
  const root = useRootData();
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  // A district added or renamed by the admin shows up here without a reload.
  useRoom("city", { [SERVER_EVENTS.cityChanged]: () => revalidator.revalidate() });
  const user = root?.user;

  return (
    <main className="page">
      <section className="hero">
        <h1 className="hero__title">{t("home.hero_title", { city: root?.cityName ?? "" })}</h1>
        <p className="hero__lead">{t("home.hero_lead")}</p>
        {user ? null : (
          <div className="hero__actions">
            <Link to="/signup" className="button">
              {t("home.cta_signup")}
            </Link>
            <Link to="/login" className="button button--ghost">
              {t("nav.sign_in")}
            </Link>
          </div>
        )}
      </section>

      {discussions.length ? (
        <section aria-labelledby="discussions-title" className="card stack">
          <h2 id="discussions-title">{t("home.discussions_title")}</h2>
          <ul className="list">
            {discussions.map((d) => (
              <li key={d.id} className="list__item">
                <Link to={d.path} className="list__link">
                  <strong dir="auto">{d.proposalTitle ?? t("desk.council_thread", { name: d.neighborhoodName })}</strong>
                  <span className="small muted">
                    {d.proposalTitle ? (
                      <>
                        <span dir="auto">{d.neighborhoodName}</span>
                        {t("history.separator")}
                      </>
                    ) : null}
                    {t("thread.count", { count: d.messageCount })}
                    {d.lastMessageAt ? (
                      <>
                        {t("history.separator")}
                        <RelativeTime value={d.lastMessageAt} />
                      </>
                    ) : null}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="districts-title" className="stack">
        <h2 id="districts-title">{t("home.districts_title")}</h2>
        <p>
          <Link to="/proposals">{t("proposal.city_proposals")}</Link>
          {t("history.separator")}
          <Link to="/record">{t("record.city_record")}</Link>
        </p>
        {districts.length === 0 ? (
          <p className="empty">{t("home.districts_empty")}</p>
        ) : (
          <ul className="grid">
            {districts.map((d) => (
              <li key={d.id}>
                <Link to={`/districts/${d.id}`} className="card card--link district-card">
                  <span className="district-card__number" aria-hidden="true">
                    {t("common.number", { value: d.number })}
                  </span>
                  <span className="district-card__body">
                    <strong className="district-card__name" dir="auto">
                      {d.name}
                    </strong>
                    <span className="muted small">{t("home.neighborhood_count", { count: d.neighborhoodCount })}</span>
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
