import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listCommissions } from "~/domain/commissions.server";
import { listDistricts } from "~/domain/districts.server";
import { listRoleHolders } from "~/domain/roles.server";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const t = await getT(request);
  const [districtList, commissionList, holders] = await Promise.all([
    listDistricts(context.db),
    listCommissions(context.db),
    listRoleHolders(context.db),
  ]);
  return {
    title: t("admin.title"),
    districtCount: districtList.length,
    withoutManager: districtList.filter((d) => !d.managerName).map((d) => ({ id: d.id, name: d.name })),
    commissionCount: commissionList.length,
    emptyCommissions: commissionList.filter((c) => c.memberCount === 0).map((c) => ({ id: c.id, name: c.name })),
    hasDeputy: holders.some((h) => h.role === "deputy"),
    roleHolderCount: holders.length,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminOverview() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div className="stack">
      <div className="stats">
        <Link to="/admin/districts" className="stat">
          <span className="stat__value">{t("common.count", { count: d.districtCount })}</span>
          <span className="stat__label">{t("admin.districts")}</span>
        </Link>
        <Link to="/admin/commissions" className="stat">
          <span className="stat__value">{t("common.count", { count: d.commissionCount })}</span>
          <span className="stat__label">{t("admin.commissions")}</span>
        </Link>
        <Link to="/admin/roles" className="stat">
          <span className="stat__value">{t("common.count", { count: d.roleHolderCount })}</span>
          <span className="stat__label">{t("admin.role_holders")}</span>
        </Link>
      </div>
      <section className="card">
        <h2>{t("admin.todo_title")}</h2>
        <ul className="todo">
          {d.districtCount === 0 ? (
            <li>
              <Link to="/admin/districts">{t("admin.todo_create_districts")}</Link>
            </li>
          ) : null}
          {d.withoutManager.map((x) => (
            <li key={x.id}>
              <Link to={`/admin/districts/${x.id}`}>{t("admin.todo_assign_manager", { name: x.name })}</Link>
            </li>
          ))}
          {!d.hasDeputy ? (
            <li>
              <Link to="/admin/roles">{t("admin.todo_assign_deputy")}</Link>
            </li>
          ) : null}
          {d.commissionCount === 0 ? (
            <li>
              <Link to="/admin/commissions">{t("admin.todo_create_commission")}</Link>
            </li>
          ) : null}
          {d.emptyCommissions.map((x) => (
            <li key={x.id}>
              <Link to={`/admin/commissions/${x.id}`}>{t("admin.todo_add_members", { name: x.name })}</Link>
            </li>
          ))}
        </ul>
        {d.districtCount > 0 && d.withoutManager.length === 0 && d.hasDeputy && d.commissionCount > 0 && d.emptyCommissions.length === 0 ? (
          <p className="empty">{t("admin.todo_none")}</p>
        ) : null}
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
