import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData, useMatches, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listDistricts } from "~/domain/districts.server";
import { getT } from "~/utils/i18n.server";
import { requireAllowed } from "~/server/guards.server";
import { can, districtsWhere, mayEnterManage } from "~/utils/permissions";
import { requireUser } from "~/server/session.server";

/** The section an address under /manage/districts/<id>/ names («meetings» for the month report). */
function sectionOf(request: Request): string | null {
  return /^\/manage\/districts\/[^/]+\/([^/]+)/.exec(new URL(request.url).pathname)?.[1] ?? null;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const mine = districtsWhere(user, ["district_manager", "district_staff"]);
  const page = { districtId: params.districtId ?? null, section: sectionOf(request) };
  requireAllowed(mayEnterManage(user, page));
  const [all, t] = await Promise.all([listDistricts(context.db), getT(request)]);
  // The deputy's office, let in to read a district's month report, sees that district only.
  if (!mine.length && page.districtId) mine.push(page.districtId);
  return {
    title: t("manage.title"),
    districts: all
      .filter((d) => mine.includes(d.id))
      .map((d) => {
        const scope = { kind: "district", districtId: d.id } as const;
        return {
          id: d.id,
          number: d.number,
          name: d.name,
          isManager: can(user, "district.staff.assign", scope),
          mayDecide: can(user, "membership.decide", scope),
          mayModerate: can(user, "district.moderate", scope),
          mayFileOnBehalf: can(user, "district.file_on_behalf", scope),
          mayReport: can(user, "district.meetings.report", scope),
          mayAnalyze: can(user, "analytics.view", scope),
          onDesk: districtsWhere(user, ["district_manager", "district_staff"]).includes(d.id),
        };
      }),
  };
}

/** Pages below name their district in `districtId` (council and neighborhood pages have it only in their data). */
function useCurrentDistrictId() {
  const params = useParams();
  const matches = useMatches();
  for (const match of [...matches].reverse()) {
    const id = (match.data as { districtId?: unknown } | undefined)?.districtId;
    if (typeof id === "string") return id;
  }
  return params.districtId ?? null;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ManageLayout() {
  const { districts } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const currentId = useCurrentDistrictId();
  const current = districts.find((d) => d.id === currentId) ?? null;
  const base = current ? `/manage/districts/${current.id}` : null;

  return (
    <main className="page manage">
      <header className="manage-head">
        <h1 className="page__title">{t("manage.title")}</h1>
        {current ? (
          <p className="manage-head__district">
            <span dir="auto">{current.name}</span>
          </p>
        ) : null}
        {districts.length > 1 ? (
          <nav className="manage-switch" aria-label={t("manage.your_districts")}>
            {districts.map((d) => (
              <NavLink key={d.id} to={`/manage/districts/${d.id}`} className="chip manage-switch__item">
                {t("manage.district_number", { number: d.number })}
              </NavLink>
            ))}
          </nav>
        ) : null}
      </header>
      {current && base ? (
        <nav className="tabs" aria-label={t("manage.sections")}>
          {current.onDesk ? (
            <NavLink to={base} end className="tabs__item">
              {t("manage.tab_overview")}
            </NavLink>
          ) : null}
          {current.mayReport ? (
            <NavLink to={`${base}/meetings`} className="tabs__item">
              {t("manage.tab_meetings")}
            </NavLink>
          ) : null}
          {current.mayAnalyze && current.onDesk ? (
            <NavLink to={`${base}/analytics`} className="tabs__item">
              {t("analytics.title")}
            </NavLink>
          ) : null}
          {current.mayDecide ? (
            <NavLink to={`${base}/applications`} className="tabs__item">
              {t("manage.tab_applications")}
            </NavLink>
          ) : null}
          {current.mayModerate ? (
            <NavLink to={`${base}/moderation`} className="tabs__item">
              {t("moderation.nav")}
            </NavLink>
          ) : null}
          {current.mayFileOnBehalf ? (
            <NavLink to={`${base}/counter`} className="tabs__item">
              {t("inbox.counter.page.nav")}
            </NavLink>
          ) : null}
          {current.isManager ? (
            <NavLink to={`${base}/staff`} className="tabs__item">
              {t("manage.tab_staff")}
            </NavLink>
          ) : null}
        </nav>
      ) : null}
      <Outlet />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
