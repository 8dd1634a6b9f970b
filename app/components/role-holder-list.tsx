import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, formatPhone } from "~/utils/persian";

export interface RoleHolder {
  id: string;
  role: string;
  displayName: string;
  phone: string;
  districtName?: string | null;
  commissionName?: string | null;
  grantedAt: string | Date;
}

/** People holding a role, each with a revoke button that posts `intent=revoke`. */
export function RoleHolderList({
  holders,
  showScope = false,
  emptyText,
}: {
  holders: RoleHolder[];
  showScope?: boolean;
  emptyText: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (!holders.length) return <p className="empty">{emptyText}</p>;
  return (
    <ul className="list">
      {holders.map((h) => (
        <li key={h.id} className="list__item list__item--row">
          <div>
            <strong dir="auto">{h.displayName}</strong> <span className="chip">{t(`roles.${h.role}`)}</span>
            {showScope && (h.districtName || h.commissionName) ? (
              <span className="muted" dir="auto">
                {" "}
                · {h.districtName ?? h.commissionName}
              </span>
            ) : null}
            <div className="muted small">
              <bdi dir="ltr">{formatPhone(h.phone, { digits: lang === "fa" ? "fa" : "latn" })}</bdi> ·{" "}
              {t("admin.granted_on", { date: formatDate(h.grantedAt, lang) })}
            </div>
          </div>
          <Form method="post" noValidate>
            <input type="hidden" name="assignmentId" value={h.id} />
            <button type="submit" name="intent" value="revoke" className="button button--ghost button--small">
              {t("admin.revoke")}
            </button>
          </Form>
        </li>
      ))}
    </ul>
  );
}
