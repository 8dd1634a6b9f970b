import { useTranslation } from "react-i18next";
import { useDelegatedLinks } from "./delegated-links";
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

/** What a list shows of a proposal, and all a loader sends of it to the page. */
export function listItemOf(p: ProposalListItem): ProposalListItem {
  return {
    id: p.id,
    title: p.title,
    status: p.status,
    supportCount: p.supportCount,
    messageCount: p.messageCount ?? null,
    createdAt: p.createdAt,
  };
}

/**
 * A proposal looks the same in every list: title, status chip, supports, age. Supports, message
 * counts and status follow live (`loadedAt`: when the loader read the items), with no reload.
 */
export function ProposalList({ items, emptyText, loadedAt }: { items: ProposalListItem[]; emptyText: string; loadedAt: number }) {
  const { t } = useTranslation();
  const onClick = useDelegatedLinks();
  const live = useProposalLive(
    items.map((p) => p.id),
    loadedAt,
  );
  if (!items.length) return <p className="empty">{emptyText}</p>;
  return (
    // The items' links are plain links that the list follows without a reload (see useDelegatedLinks).
    <ul className="list" onClick={onClick}>
      {items
        .map((item) => patchListItem(item, live(item.id)))
        .map((p) => (
          <li key={p.id} className="list__item" data-proposal={p.id}>
            <a href={`/proposals/${p.id}`} className="list__link" data-discover="true">
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
            </a>
          </li>
        ))}
    </ul>
  );
}
