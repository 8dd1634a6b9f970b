import { useTranslation } from "react-i18next";
import { REPORT_REASON_MAX, type MessageView } from "~/domain/thread-view";
import { formatDate } from "~/utils/persian";
import { ButtonForm, ReasonForm, ThreadForm } from "./thread-form";
import type { Bundle, Ctx } from "./types";

/** A moderator's tools on one message: hide or restore, pin, mute its author. */
export function ModeratorMessageTools({
  ctx,
  message,
  pinned,
  mine,
  onDone,
}: {
  ctx: Ctx;
  message: MessageView;
  pinned: boolean;
  mine: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const hidden = message.state === "hidden_moderator" || message.state === "hidden_reports";
  if (message.state === "deleted") return null;
  return (
    <>
      {hidden ? (
        <ButtonForm ctx={ctx} intent="restore" messageId={message.id} onDone={onDone} tone="ghost" label={t("thread.restore")} />
      ) : (
        <ReasonForm
          ctx={ctx}
          intent="hide"
          messageId={message.id}
          onDone={onDone}
          tone="danger"
          field={t("thread.hide_reason")}
          label={t("thread.hide")}
        />
      )}
      {!hidden && !pinned ? (
        <ButtonForm ctx={ctx} intent="pin" messageId={message.id} onDone={onDone} tone="ghost" label={t("thread.pin")} />
      ) : null}
      {message.authorId && !message.official && !mine ? (
        <ThreadForm ctx={ctx} intent="mute" messageId={message.id} onDone={onDone}>
          {(fetcher, kept) => (
            <fieldset className="field">
              <legend className="field__label">{t("thread.mute_title", { name: message.authorName ?? "" })}</legend>
              <input type="hidden" name="userId" value={message.authorId!} />
              <select name="days" className="field__input" defaultValue={kept("days") ?? "1"} aria-label={t("thread.mute_days")}>
                {[1, 3, 7, 30].map((d) => (
                  <option key={d} value={d}>
                    {t("thread.days", { count: d })}
                  </option>
                ))}
              </select>
              <input
                name="reason"
                className="field__input"
                dir="auto"
                maxLength={REPORT_REASON_MAX}
                placeholder={t("thread.mute_reason")}
                aria-label={t("thread.mute_reason")}
                defaultValue={kept("reason")}
              />
              <button type="submit" className="button button--ghost button--small" disabled={fetcher.state !== "idle"}>
                {t("thread.mute")}
              </button>
            </fieldset>
          )}
        </ThreadForm>
      ) : null}
    </>
  );
}

/** A moderator's tools on the whole thread: lock, unpin, the people muted now. */
export function ModeratorPanel({ ctx, locked, pinned, mutes }: { ctx: Ctx; locked: boolean; pinned: boolean; mutes: Bundle["mutes"] }) {
  const { t, i18n } = useTranslation();
  return (
    <details
      className="thread__panel"
      open={Boolean(ctx.plainResult && ["lock", "unlock", "unpin", "unmute"].includes(ctx.plainResult.intent ?? ""))}
    >
      <summary>{t("thread.moderation")}</summary>
      <div className="stack">
        {locked ? (
          <ButtonForm ctx={ctx} intent="unlock" tone="ghost" label={t("thread.unlock")} />
        ) : (
          <ReasonForm ctx={ctx} intent="lock" tone="danger" field={t("thread.lock_reason")} label={t("thread.lock")} />
        )}
        {pinned ? <ButtonForm ctx={ctx} intent="unpin" tone="ghost" label={t("thread.unpin")} /> : null}
        <h3>{t("thread.mutes_title")}</h3>
        {mutes.length ? (
          <ul className="list">
            {mutes.map((m) => (
              <li key={m.userId} className="list__item list__item--row">
                <span>
                  <strong dir="auto">{m.name}</strong>
                  <span className="small muted">
                    {" "}
                    {t("thread.muted_till", {
                      date: formatDate(m.until, i18n.language, "datetime"),
                    })}
                  </span>
                </span>
                <ButtonForm ctx={ctx} intent="unmute" plainErrors={false} tone="ghost" label={t("thread.unmute")}>
                  <input type="hidden" name="userId" value={m.userId} />
                </ButtonForm>
              </li>
            ))}
          </ul>
        ) : (
          <p className="small muted">{t("thread.no_mutes")}</p>
        )}
      </div>
    </details>
  );
}
