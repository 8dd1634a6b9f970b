import { useTranslation } from "react-i18next";
import { formatNumber, toJalaliInput } from "~/utils/persian";

export interface MinutesContent {
  version: number;
  summary: string;
  items: { position: number; title: string; summary: string }[];
  decisions: {
    id: string;
    number: number;
    text: string;
    responsible: string;
    dueOn: string | null;
    proposalId: string | null;
    tallyFor: number | null;
    tallyAgainst: number | null;
    tallyAbstain: number | null;
  }[];
}

/** What the minutes say: the summary, what was said per agenda item, and the numbered decisions. */
export function MinutesBody({ minutes, children }: { minutes: MinutesContent; children?: (decisionId: string) => React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <div className="minutes-body stack">
      {minutes.summary ? (
        <p className="minutes-body__summary" dir="auto">
          {minutes.summary}
        </p>
      ) : null}
      {minutes.items.length ? (
        <section>
          <h3>{t("meetings.minutes.items")}</h3>
          <ol className="minutes-body__items">
            {minutes.items.map((item) => (
              <li key={item.position}>
                <strong dir="auto">{item.title}</strong>
                <p dir="auto">{item.summary}</p>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <section>
        <h3>{t("meetings.minutes.decisions")}</h3>
        {minutes.decisions.length ? (
          <ol className="minutes-body__decisions list stack">
            {minutes.decisions.map((d) => (
              <li key={d.id} className="decision">
                <p>
                  <strong>{t("meetings.minutes.decision_number", { number: n(d.number) })}</strong> {t("meetings.minutes.resolved")}{" "}
                  <span dir="auto">{d.text}</span>
                </p>
                <p className="small muted">
                  {t("meetings.minutes.responsible")}: <span dir="auto">{d.responsible}</span>
                  {d.dueOn ? (
                    <>
                      {t("history.separator")}
                      {t("meetings.minutes.due")}: {i18n.language === "fa" ? toJalaliInput(d.dueOn) : toJalaliInput(d.dueOn, "latn")}
                    </>
                  ) : null}
                  {d.tallyFor != null ? (
                    <>
                      {t("history.separator")}
                      {t("meetings.minutes.tally", {
                        for: n(d.tallyFor),
                        against: n(d.tallyAgainst ?? 0),
                        abstain: n(d.tallyAbstain ?? 0),
                      })}
                    </>
                  ) : null}
                </p>
                {children?.(d.id)}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted small">{t("meetings.minutes.no_decisions")}</p>
        )}
      </section>
    </div>
  );
}
