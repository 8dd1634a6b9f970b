import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "./relative-time";

export interface ProposalListItem {
  id: string;
  title: string;
  status: string;
  supportCount: number;
  /** Messages in the proposal's discussion. */
  messageCount?: number | null;
  createdAt: string | Date;
}

/** A proposal looks the same in every list: title, status chip, supports, age. */
export function ProposalList({ items, emptyText }: { items: ProposalListItem[]; emptyText: string }) {
  const { t } = useTranslation();
  if (!items.length) return <p className="empty">{emptyText}</p>;
  return (
    <ul className="list">
      {items.map((p) => (
        <li key={p.id} className="list__item">
          <Link to={`/proposals/${p.id}`} className="list__link">
            <strong dir="auto">{p.title}</strong>
            <span className="small">
              <span className={`chip proposal-status proposal-status--${p.status}`}>{t(`proposal.status.${p.status}`)}</span>{" "}
              <span className="muted">
                {t("proposal.support_count_short", { count: p.supportCount })}
                {p.messageCount ? (
                  <>
                    {t("history.separator")}
                    {t("thread.count", { count: p.messageCount })}
                  </>
                ) : null}
                {t("history.separator")}
                <RelativeTime value={p.createdAt} />
              </span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
