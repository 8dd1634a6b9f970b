import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { toPersianDigits } from "~/utils/persian";

export function errorKind(error: unknown) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "not_found" : status === 403 ? "forbidden" : status === 400 ? "bad_request" : "server_error";
  return { status, key };
}

/** What every route shows when something goes wrong: in the person's language, with a way on. */
export function ErrorPanel({ status, kind }: { status: number; kind: string }) {
  const { t, i18n } = useTranslation();
  return (
    <main className="page page--narrow error-page">
      <p className="error-page__code" aria-hidden="true">
        {i18n.language === "fa" ? toPersianDigits(status) : status}
      </p>
      <h1>{t(`errors.${kind}_title`)}</h1>
      <p>{t(`errors.${kind}_body`)}</p>
      <p>
        <Link className="button" to="/">
          {t("nav.back_home")}
        </Link>
      </p>
    </main>
  );
}

export function RouteErrorBoundary() {
  const error = useRouteError();
  const { status, key } = errorKind(error);
  return <ErrorPanel status={status} kind={key} />;
}
