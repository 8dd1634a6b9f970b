import { type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUserWith } from "~/server/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  return null;
}

export default function AdminLayout() {
  const { t } = useTranslation();
  return (
    <main className="page">
      <h1 className="page__title">{t("admin.title")}</h1>
      <nav className="tabs" aria-label={t("admin.title")}>
        <NavLink to="/admin" end className="tabs__item">
          {t("admin.overview")}
        </NavLink>
        <NavLink to="/admin/districts" className="tabs__item">
          {t("admin.districts")}
        </NavLink>
        <NavLink to="/admin/commissions" className="tabs__item">
          {t("admin.commissions")}
        </NavLink>
        <NavLink to="/admin/categories" className="tabs__item">
          {t("admin.categories")}
        </NavLink>
        <NavLink to="/admin/roles" className="tabs__item">
          {t("admin.roles")}
        </NavLink>
        <NavLink to="/admin/audit" className="tabs__item">
          {t("admin.audit")}
        </NavLink>
      </nav>
      <Outlet />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
