import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getT } from "~/utils/i18n.server";
import { requireAllowed } from "~/server/guards.server";
import { districtsWhere, mayOpenDistrictDesk } from "~/utils/permissions";
import { requireUser } from "~/server/session.server";
import type { loader as layoutLoader } from "./manage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const mine = [...new Set(districtsWhere(user, ["district_manager", "district_staff"]))];
  requireAllowed(mayOpenDistrictDesk(user));
  // Most people run one district: take them straight to it.
  if (mine.length === 1) throw redirect(`/manage/districts/${mine[0]}`);
  const t = await getT(request);
  return { title: t("manage.title") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ManageIndex() {
  const layout = useRouteLoaderData<typeof layoutLoader>("routes/manage");
  const { t } = useTranslation();
  return (
    <section className="stack">
      <h2>{t("manage.choose_district")}</h2>
      <ul className="grid">
        {(layout?.districts ?? []).map((d) => (
          <li key={d.id}>
            <Link to={`/manage/districts/${d.id}`} className="card card--link district-card">
              <span className="district-card__number" aria-hidden="true">
                {t("common.count", { count: d.number })}
              </span>
              <span className="district-card__body">
                <span className="district-card__name" dir="auto">
                  {d.name}
                </span>
                <span className="muted small">{t(d.isManager ? "roles.district_manager" : "roles.district_staff")}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
