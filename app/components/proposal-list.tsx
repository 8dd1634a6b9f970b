import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "./relative-time";
import { patchListItem, useProposalLive } from "~/realtime/live";

export interface ProposalListItem {
  id: string;
  title: string;
  status: string;
  supportCount: number;
  /** Messages in the proposal's discussion. */
  messageCount?: number | null;
  createdAt: string | Date;
}

/**
 * A proposal looks the same in every list: title, status chip, supports, age. Supports, message
 * counts and status follow live (`loadedAt`: when the loader read the items), with no reload.
 */
export function ProposalList({ items, emptyText, loadedAt }: { items: ProposalListItem[]; emptyText: string; loadedAt: number }) {
  const { t } = useTranslation();
  const live = useProposalLive(
    items.map((p) => p.id),
    loadedAt,
  );
  if (!items.length) return <p className="empty">{emptyText}</p>;
  return (
    <ul className="list">
      {items
        .map((item) => patchListItem(item, live(item.id)))
        .map((p) => (
          <li key={p.id} className="list__item" data-proposal={p.id}>
            <Link to={`/proposals/${p.id}`} className="list__link">
              <strong dir="auto">{p.title}</strong>
              <span className="small">
                <span className={`chip proposal-status proposal-status--${p.status}`}>{t(`proposal.status.${p.status}`)}</span>{" "}
                <span className="muted">
                  <span data-live="supports">{t("proposal.support_count_short", { count: p.supportCount })}</span>
                  {p.messageCount ? (
                    <>
                      {t("history.separator")}
                      <span data-live="messages">{t("thread.count", { count: p.messageCount })}</span>
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
