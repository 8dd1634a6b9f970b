import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { MessageView } from "~/domain/thread-view";
import { ReasonForm } from "./thread-form";
import type { Ctx } from "./types";

/** How much of the reported message the dialog quotes. */
const EXCERPT = 160;

/**
 * The thread's one report form, in a modal dialog opened from a message's menu (with JavaScript).
 * Drawn once per thread instead of once per message; without JavaScript the menu's link asks the
 * page for that message's form instead (`?report=`, see message.tsx). Closing returns the focus to
 * the button that opened it (the browser's own dialog behavior).
 */
export function ReportDialog({ ctx, target, onClose }: { ctx: Ctx; target: MessageView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (target && !dialog.open) dialog.showModal();
    if (!target && dialog.open) dialog.close();
  }, [target]);
  useEffect(() => {
    const dialog = ref.current;
    const closed = () => closeRef.current();
    dialog?.addEventListener("close", closed);
    return () => dialog?.removeEventListener("close", closed);
  }, []);
  const titleId = `${ctx.anchor}-report-title`;
  const letters = Array.from(target?.body ?? "");
  return (
    <dialog ref={ref} className="report-dialog" aria-labelledby={titleId}>
      {target ? (
        <div className="stack">
          <h3 id={titleId}>{t("thread.report_title")}</h3>
          <blockquote className="message__quote small">
            <strong dir="auto">{target.authorName ?? t("thread.someone")}</strong>{" "}
            <span dir="auto">{letters.length > EXCERPT ? `${letters.slice(0, EXCERPT).join("")}…` : letters.join("")}</span>
          </blockquote>
          <ReasonForm
            key={target.id}
            ctx={ctx}
            intent="report"
            messageId={target.id}
            onDone={onClose}
            tone="ghost"
            field={t("thread.report_reason")}
            label={t("thread.report")}
          />
          <button type="button" className="button button--ghost button--small report-dialog__close" onClick={onClose}>
            {t("thread.close")}
          </button>
        </div>
      ) : null}
    </dialog>
  );
}
