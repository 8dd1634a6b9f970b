import { useState } from "react";
import { useTranslation } from "react-i18next";
import { MESSAGE_MAX_LENGTH, type MessageView } from "~/domain/thread-view";
import { ThreadForm } from "./thread-form";
import type { Ctx } from "./types";

/** The box a message is written in: its own key per message, a reply line, the official-answer box. */
export function Composer({
  ctx,
  clientKey,
  mayAnswer,
  replyTarget,
  replyToId,
  clearReply,
  textareaRef,
}: {
  ctx: Ctx;
  clientKey: string;
  mayAnswer: boolean;
  replyTarget: MessageView | null;
  replyToId: string | null;
  clearReply: () => void;
  textareaRef: React.RefObject<HTMLTextAreaElement>;
}) {
  const { t } = useTranslation();
  const plainKept = ctx.plainResult?.intent === "post" ? ctx.plainResult.kept : undefined;
  const [body, setBody] = useState(plainKept?.body ?? "");
  // A new key for each message: a retried send of the same message is recognised and kept once.
  const [key, setKey] = useState(plainKept?.clientKey || clientKey);
  const length = [...body].length;
  return (
    <ThreadForm
      ctx={ctx}
      intent="post"
      className="thread-form thread__composer"
      onDone={() => {
        setBody("");
        clearReply();
        setKey(
          typeof crypto !== "undefined" && "randomUUID" in crypto
            ? crypto.randomUUID()
            : `${Date.now()}-${Math.random().toString(36).slice(2)}`,
        );
      }}
    >
      {(fetcher) => (
        <>
          <input type="hidden" name="clientKey" value={key} />
          {replyToId ? <input type="hidden" name="replyTo" value={replyToId} /> : null}
          {replyToId ? (
            <div className="thread__replying small">
              <span>
                {t("thread.replying_to", {
                  name: replyTarget?.authorName ?? t("thread.someone"),
                })}
              </span>
              {ctx.hydrated ? (
                <button type="button" className="button button--ghost button--small" onClick={clearReply}>
                  {t("thread.cancel_reply")}
                </button>
              ) : null}
            </div>
          ) : null}
          <label className="field">
            <span className="field__label">{t("thread.your_message")}</span>
            <textarea
              ref={textareaRef}
              name="body"
              className="field__input field__input--area"
              dir="auto"
              rows={3}
              value={body}
              onChange={(e) => setBody(e.target.value)}
            />
            <span className={`field__hint${length > MESSAGE_MAX_LENGTH ? " field__hint--over" : ""}`} aria-live="polite">
              {t("thread.chars_left", { count: MESSAGE_MAX_LENGTH - length })}
            </span>
          </label>
          {mayAnswer ? (
            <label className="decision-option">
              <input type="checkbox" name="official" value="1" defaultChecked={plainKept?.official === "1"} /> {t("thread.post_official")}
            </label>
          ) : null}
          <button type="submit" className="button" disabled={fetcher.state !== "idle"}>
            {t("thread.send")}
          </button>
        </>
      )}
    </ThreadForm>
  );
}
