import { Link } from "@remix-run/react";
import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** One step of the trail: a link, or (the page itself) plain text. `dir="auto"` for names people typed. */
export interface Crumb {
  label: ReactNode;
  to?: string;
  dir?: "auto";
}

/** The trail above a page: home, district, neighborhood… separated by slashes the screen reader skips. */
export function Breadcrumbs({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  return (
    <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
      {trail.map((crumb, i) => (
        <Fragment key={i}>
          {i > 0 ? <span aria-hidden="true"> / </span> : null}
          {crumb.to ? (
            <Link to={crumb.to} dir={crumb.dir}>
              {crumb.label}
            </Link>
          ) : (
            <span dir={crumb.dir}>{crumb.label}</span>
          )}
        </Fragment>
      ))}
    </nav>
  );
}
