import { URGENCIES } from "~/domain/thread-view";
import { useTranslation } from "react-i18next";
import { ThreadForm } from "./thread-form";
import type { Bundle, Ctx } from "./types";

/** Where the thread stands with the district's deputy, and the form that sends it there. */
export function EscalationPanel({ ctx, escalation, mayEscalate }: { ctx: Ctx; escalation: Bundle["escalation"]; mayEscalate: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="thread__escalation stack">
      <h3>{t("thread.escalation_title")}</h3>
      {escalation ? (
        <p className="small" data-escalation-state={escalation.state}>
          <span className={`chip desk-state desk-state--${escalation.state}`}>{t(`desk.state.${escalation.state}`)}</span>{" "}
          <span className="chip">{t(`desk.urgency.${escalation.urgency}`)}</span>
          {escalation.stateNote ? (
            <>
              <br />
              <span dir="auto">{escalation.stateNote}</span>
            </>
          ) : null}
        </p>
      ) : (
        <p className="small muted">{t("thread.not_escalated")}</p>
      )}
      {mayEscalate ? (
        <details open={Boolean(ctx.plainResult?.intent === "escalate")}>
          <summary>{escalation ? t("thread.escalate_again") : t("thread.escalate")}</summary>
          <ThreadForm ctx={ctx} intent="escalate">
            {(fetcher, kept) => (
              <>
                <label className="field">
                  <span className="field__label">{t("thread.escalation_note")}</span>
                  <textarea name="note" className="field__input field__input--area" dir="auto" rows={3} defaultValue={kept("note")} />
                </label>
                <label className="field">
                  <span className="field__label">{t("thread.urgency")}</span>
                  <select name="urgency" className="field__input" defaultValue={kept("urgency") ?? "normal"}>
                    {URGENCIES.map((u) => (
                      <option key={u} value={u}>
                        {t(`desk.urgency.${u}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" className="button button--small" disabled={fetcher.state !== "idle"}>
                  {t("thread.escalate_send")}
                </button>
              </>
            )}
          </ThreadForm>
        </details>
      ) : null}
    </div>
  );
}
