import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isPublicAuditAction } from "~/domain/audit-actions";
import { listAudit } from "~/domain/audit.server";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { queryField, readQuery } from "~/utils/query";
import { Notice } from "~/components/form-field";
import { RelativeTime } from "~/components/relative-time";

const PAGE = 50;
/** The log's cursor: entries before this one (a bigserial id). */
const AuditQuery = { before: queryField.positiveInt(Number.MAX_SAFE_INTEGER) };

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "audit.view");
  const t = await getT(request);
  const { values: query, invalid } = readQuery(request, AuditQuery);
  const before = query.before;
  const entries = await listAudit(context.db, { before, limit: PAGE });
  return {
    title: `${t("admin.audit")} · ${t("admin.title")}`,
    entries,
    next: entries.length === PAGE ? entries[entries.length - 1]!.id : null,
    queryInvalid: invalid.length > 0,
  };
}

function auditRole(data: unknown) {
  const value = (data as Record<string, unknown> | null)?.role;
  return typeof value === "string" ? value : null;
}

function auditName(data: unknown) {
  const value = (data as Record<string, unknown> | null)?.name;
  return typeof value === "string" ? value : null;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminAudit() {
  const { entries, next, queryInvalid } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{t("admin.audit")}</h2>
      <p className="muted small">{t("admin.audit_intro")}</p>
      {queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
      {entries.length === 0 ? (
        <p className="empty">{t("admin.audit_empty")}</p>
      ) : (
        <ol className="list audit">
          {entries.map((e) => (
            <li key={e.id} className="list__item">
              <div>
                <strong>
                  {t(`audit.action.${e.action}`, {
                    actor: e.actorName ?? t("audit.system"),
                    defaultValue: t("audit.unknown", { actor: e.actorName ?? t("audit.system") }),
                  })}
                </strong>
                {auditRole(e.data) ? <span className="chip">{t(`roles.${auditRole(e.data)}`)}</span> : null}
                {auditName(e.data) ? <span dir="auto"> {t("common.quoted", { text: auditName(e.data) })}</span> : null}
              </div>
              <div className="muted small audit__meta">
                <RelativeTime value={e.at} />
                <code dir="ltr">{e.action}</code>
                {e.subjectId ? (
                  <code dir="ltr">
                    {e.subjectType}:{e.subjectId}
                  </code>
                ) : null}
                {isPublicAuditAction(e.action) ? (
                  <Link to="/record" className="chip">
                    {t("admin.audit_public")}
                  </Link>
                ) : (
                  <span className="chip">{t("admin.audit_private")}</span>
                )}
              </div>
              {e.reason ? (
                <p className="small" dir="auto">
                  {t("record.reason", { reason: e.reason })}
                </p>
              ) : null}
              {e.data ? (
                <details className="small">
                  <summary>{t("admin.audit_details")}</summary>
                  <pre dir="ltr" className="audit__data">
                    {JSON.stringify(e.data, null, 2)}
                  </pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {next ? (
        <p>
          <Link to={`?before=${next}`} className="button button--ghost">
            {t("common.show_more")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
