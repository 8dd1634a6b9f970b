import { useTranslation } from "react-i18next";
import { RelativeTime } from "./relative-time";

/** Another person's text inside a sentence: isolated so a Latin name cannot reorder the Persian. */
export const isolate = (text: string) => `\u2068${text}\u2069`;

// Audit data uses column names; the history shows them by their locale names.
const CHARTER_FIELDS: Record<string, string> = {
  termStart: "term_start",
  termEnd: "term_end",
  quorumPercent: "quorum_percent",
  votingPeriodHours: "voting_period_hours",
  majorityRule: "majority_rule",
  proposers: "proposers",
  supportThreshold: "support_threshold",
  authorMaySupport: "author_may_support",
  ballot: "ballot",
  reportsToHide: "reports_to_hide",
  threadPosters: "thread_posters",
  chairsModerate: "chairs_moderate",
};

/** Only what the public history needs: audit data can hold ids that are not for the page. */
export function publicEntry(row: {
  id: number;
  at: Date;
  action: string;
  actorName: string | null;
  reason: string | null;
  data: Record<string, unknown> | null;
}) {
  const details = row.data ?? {};
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    actorName: row.actorName,
    reason: row.reason,
    name: typeof details.name === "string" ? details.name : null,
    termNumber: typeof details.termNumber === "number" ? details.termNumber : null,
    changed: Array.isArray(details.changed)
      ? details.changed.filter((f): f is string => typeof f === "string" && Object.hasOwn(CHARTER_FIELDS, f))
      : [],
  };
}

export type PublicHistoryEntry = ReturnType<typeof publicEntry>;

/** A council's public history: what happened, to whom, why, by whom and when. */
export function HistoryList({ entries }: { entries: PublicHistoryEntry[] }) {
  const { t } = useTranslation();
  if (!entries.length) return <p className="empty">{t("council.history_empty")}</p>;
  return (
    <ol className="list council-history">
      {entries.map((e) => {
        const fields = e.changed.map((f) => t(`history.field.${CHARTER_FIELDS[f]}`)).join(t("history.separator"));
        const byline =
          e.actorName && e.actorName !== e.name
            ? t("history.by", { name: isolate(e.actorName) })
            : e.action === "council.term_ended"
              ? t("history.system")
              : null;
        return (
          <li key={e.id} className="list__item council-history__item">
            <p className="council-history__what">
              {t(`history.action.${e.action}`, {
                name: isolate(e.name ?? t("history.someone")),
                termNumber: e.termNumber ?? undefined,
                defaultValue: t("history.unknown"),
              })}
            </p>
            {fields ? <p className="small">{t("history.changed", { fields })}</p> : null}
            {e.reason ? (
              <p className="small council-history__reason">
                {t("history.reason")}: <span dir="auto">{e.reason}</span>
              </p>
            ) : null}
            <p className="muted small council-history__meta">
              <RelativeTime value={e.at} />
              {byline ? (
                <>
                  {t("history.separator")}
                  {byline}
                </>
              ) : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
