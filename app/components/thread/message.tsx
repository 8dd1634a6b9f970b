import { useState } from "react";
import { useTranslation } from "react-i18next";
import { LinkedText } from "../linked-text";
import { RelativeTime } from "../relative-time";
import { withinEditWindow, type MessageView } from "~/domain/thread-view";
import { ModeratorMessageTools } from "./moderation";
import { ButtonForm, ReasonForm, ThreadForm } from "./thread-form";
import type { Bundle, Ctx } from "./types";

/** A message's text, or the trace a deleted or hidden message leaves. */
export function MessageBody({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  if (message.state === "deleted") return <p className="thread__trace">{t("thread.deleted")}</p>;
  if (message.state === "hidden_moderator")
    return <p className="thread__trace">{t("thread.hidden_by_manager", { reason: message.hiddenReason ?? "" })}</p>;
  if (message.state === "hidden_reports") return <p className="thread__trace">{t("thread.hidden_by_reports")}</p>;
  return <LinkedText text={message.body ?? ""} className="prose thread__body" />;
}

/** One message in the list, with the menu of what this person may do to it. */
export function MessageItem({
  message,
  ctx,
  me,
  markerRef,
  pinned,
  edits,
  onReply,
}: {
  message: MessageView;
  ctx: Ctx;
  me: Bundle["me"];
  markerRef?: React.RefObject<HTMLLIElement>;
  pinned: boolean;
  edits?: { previousBody: string; editedAt: string }[];
  onReply: () => void;
}) {
  const { t } = useTranslation();
  const mine = Boolean(me && message.authorId === me.id);
  const visible = message.state === "visible";
  const [menuKey, setMenuKey] = useState(0);
  const closeMenu = () => setMenuKey((k) => k + 1);
  const plainHere = ctx.plainResult && ctx.plainResult.messageId === message.id && !ctx.plainResult.ok;
  // The report form is drawn in this menu only when asked for by the address (no JavaScript) or when
  // a plain report of this message was refused; otherwise the menu holds a link or a button to it.
  const reportHere = ctx.reportId === message.id || Boolean(plainHere && ctx.plainResult?.intent === "report");
  // A refused edit (the window passed meanwhile) still shows its form: the message and the text.
  const editable = mine && visible && (withinEditWindow(message.createdAt) || Boolean(plainHere && ctx.plainResult?.intent === "edit"));
  return (
    <>
      {markerRef ? (
        <li className="thread__marker" ref={markerRef} role="separator">
          <span>{t("thread.new_messages")}</span>
        </li>
      ) : null}
      <li
        className={`message${message.official ? " message--official" : ""}${mine ? " message--mine" : ""}`}
        id={`m-${message.id}`}
        data-seq={message.seq}
      >
        <div className="message__head small">
          <strong dir="auto">{message.authorName ?? t("thread.someone")}</strong>
          {message.official ? <span className="chip message__official">{t("thread.official")}</span> : null}
          {pinned ? <span className="chip">{t("thread.pinned_chip")}</span> : null}
          <span className="muted">
            <RelativeTime value={message.createdAt} />
            {message.editedAt && visible ? `${t("history.separator")}${t("thread.edited")}` : null}
          </span>
        </div>
        {message.replyTo ? (
          <blockquote className="message__quote small">
            <span className="muted">
              {t("thread.in_reply_to", {
                name: message.replyTo.authorName ?? t("thread.someone"),
              })}
            </span>
            <span dir="auto"> {message.replyTo.excerpt ?? t("thread.quote_gone")}</span>
          </blockquote>
        ) : null}
        <MessageBody message={message} />
        {me && (visible || me.mayModerate) ? (
          <div className="message__actions small">
            {visible && !me.postBlocker ? (
              ctx.hydrated ? (
                <button type="button" className="link-button" onClick={onReply}>
                  {t("thread.reply")}
                </button>
              ) : (
                <a
                  href={`${ctx.returnTo.split("#")[0]}${ctx.returnTo.includes("?") ? "&" : "?"}replyTo=${message.id}#${
                    ctx.anchor
                  }-composer`}
                >
                  {t("thread.reply")}
                </a>
              )
            ) : null}
            <details
              key={menuKey}
              className="message__menu"
              open={Boolean(plainHere) || ctx.reportId === message.id}
              id={ctx.reportId === message.id ? `${ctx.anchor}-report` : undefined}
            >
              <summary>{t("thread.more")}</summary>
              <div className="message__menu-body stack">
                {editable ? (
                  <ThreadForm ctx={ctx} intent="edit" messageId={message.id} onDone={closeMenu}>
                    {(fetcher, kept) => (
                      <>
                        <label className="field">
                          <span className="field__label">{t("thread.edit_label")}</span>
                          <textarea
                            name="body"
                            className="field__input field__input--area"
                            dir="auto"
                            rows={3}
                            defaultValue={kept("body") ?? message.body ?? ""}
                          />
                        </label>
                        <button type="submit" className="button button--small" disabled={fetcher.state !== "idle"}>
                          {t("thread.save_edit")}
                        </button>
                      </>
                    )}
                  </ThreadForm>
                ) : null}
                {mine && message.state !== "deleted" ? (
                  <ButtonForm
                    ctx={ctx}
                    intent="delete"
                    messageId={message.id}
                    onDone={closeMenu}
                    tone="danger"
                    label={t("thread.delete")}
                  />
                ) : null}
                {!mine && visible && me.mayReport && !me.mayModerate ? (
                  reportHere ? (
                    <ReasonForm
                      ctx={ctx}
                      intent="report"
                      messageId={message.id}
                      onDone={closeMenu}
                      tone="ghost"
                      field={t("thread.report_reason")}
                      label={t("thread.report")}
                    />
                  ) : ctx.hydrated ? (
                    // The thread's one report dialog (report-dialog.tsx); focus comes back here when it closes.
                    <button type="button" className="link-button" aria-haspopup="dialog" onClick={() => ctx.openReport(message.id)}>
                      {t("thread.report")}
                    </button>
                  ) : (
                    <a href={ctx.plainLink("report", message.id, `${ctx.anchor}-report`)}>{t("thread.report")}</a>
                  )
                ) : null}
                {me.mayModerate && edits?.length ? (
                  <div className="small">
                    <strong>{t("moderation.edits_title")}</strong>
                    {edits.map((e, i) => (
                      <blockquote key={i} className="message__quote" dir="auto">
                        {e.previousBody}
                      </blockquote>
                    ))}
                  </div>
                ) : null}
                {me.mayModerate ? (
                  <ModeratorMessageTools ctx={ctx} message={message} pinned={pinned} mine={mine} onDone={closeMenu} />
                ) : null}
              </div>
            </details>
          </div>
        ) : null}
      </li>
    </>
  );
}
