import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice } from "../form-field";
import { MESSAGE_MAX_LENGTH } from "~/domain/thread-view";
import { formatDate } from "~/utils/persian";
import { Composer } from "./composer";
import { ThreadDigest } from "./digest";
import { EscalationPanel } from "./escalation-panel";
import { useThreadLive } from "./live";
import { MessageBody, MessageItem } from "./message";
import { ModeratorPanel } from "./moderation";
import { orphanRefusal } from "./orphan-refusal";
import { ReportDialog } from "./report-dialog";
import { useThreadState } from "./state";
import { useHydrated } from "./thread-form";
import type { FormReply } from "~/forms/reply";
import { threadResultOf, type Bundle, type Ctx } from "./types";

/**
 * A discussion thread: the latest page, earlier pages by cursor, live events applied exactly once
 * in order, a marker before what is new, and everything a person may do to it.
 */
export function Thread({
  bundle,
  returnTo,
  plainResult: reply = null,
  heading,
  anchor = "thread",
}: {
  bundle: Bundle;
  returnTo: string;
  /** The thread action's reply to a plain (no JavaScript) form, shown on the form that sent it. */
  plainResult?: FormReply | null;
  heading?: string;
  /** The section's id; the page's main thread is "thread", where plain forms come back to. */
  anchor?: string;
}) {
  const { t, i18n } = useTranslation();
  const hydrated = useHydrated();
  const plainResult = threadResultOf(reply);
  const [reporting, setReporting] = useState<string | null>(null);
  const ctx: Ctx = {
    threadId: bundle.id,
    action: `/threads/${bundle.id}`,
    returnTo,
    hydrated,
    plainResult,
    anchor,
    plainLink: (name, value, fragment) => {
      // This page of the thread (an earlier page stays that page), with one more parameter.
      const [path, query = ""] = returnTo.split("#")[0]!.split("?");
      const params = new URLSearchParams(query);
      if (bundle.before) params.set("before", String(bundle.before));
      params.set(name, value);
      return `${path}?${params.toString()}#${fragment}`;
    },
    reportId: bundle.reportId,
    openReport: setReporting,
  };
  const { messages, ordered, state, pinned, count, liveNew, clearLiveNew, merge, apply } = useThreadState(bundle);
  const presence = useThreadLive(bundle.id, bundle.lastSeq, apply);
  const [earlier, setEarlier] = useState({
    hasEarlier: bundle.hasEarlier,
    earliestSeq: bundle.earliestSeq,
  });
  // A refused reply keeps what it answered (the form sent it back).
  const keptReply = plainResult && !plainResult.ok && plainResult.intent === "post" ? plainResult.kept?.replyTo || null : null;
  const [replyTo, setReplyTo] = useState<string | null>(keptReply ?? bundle.replyToId);
  // Where the "new messages" line goes: after what the reader had read last time, or after what
  // was there when the page opened.
  const [markerSeq] = useState(() =>
    bundle.lastReadSeq !== null && bundle.lastReadSeq < bundle.lastSeq ? bundle.lastReadSeq : bundle.lastSeq,
  );
  const meId = bundle.me?.id ?? null;

  // "Load earlier": the thread route's loader answers with the page before the earliest shown.
  const earlierFetcher = useFetcher<{ thread: Bundle }>();
  useEffect(() => {
    const page = earlierFetcher.data?.thread;
    if (!page) return;
    merge(page.messages);
    setEarlier({ hasEarlier: page.hasEarlier, earliestSeq: page.earliestSeq });
  }, [earlierFetcher.data, merge]);

  const firstNew = ordered.find((m) => m.seq > markerSeq && m.authorId !== meId);
  const me = bundle.me;
  const blocked = me?.postBlocker ?? (me ? null : "sign_in");
  const markerRef = useRef<HTMLLIElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const replyTarget = replyTo ? (messages.get(replyTo) ?? null) : null;
  // A post refused without JavaScript comes back with its text, even if the thread was locked or the
  // author muted meanwhile: the message says why, and the text can still be copied.
  const refusedPost = Boolean(plainResult && !plainResult.ok && plainResult.intent === "post");
  const orphanError = plainResult && !plainResult.ok ? orphanRefusal(plainResult, ordered, state, meId) : null;

  return (
    <section className="card stack thread" id={anchor} aria-labelledby={`thread-title-${bundle.id}`}>
      <header className="thread__head">
        <h2 id={`thread-title-${bundle.id}`}>{heading ?? t("thread.title")}</h2>
        <p className="small muted thread__meta" aria-live="polite">
          <span>{t("thread.count", { count })}</span>
          {presence !== null ? (
            <>
              {t("history.separator")}
              <span data-presence={presence}>{t("thread.here_now", { count: presence })}</span>
            </>
          ) : null}
        </p>
        {bundle.queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
        {liveNew > 0 && firstNew ? (
          <button
            type="button"
            className="chip chip--accent thread__new"
            onClick={() => {
              markerRef.current?.scrollIntoView({
                behavior: "smooth",
                block: "center",
              });
              clearLiveNew();
            }}
          >
            {t("thread.new_count", { count: liveNew })}
          </button>
        ) : null}
      </header>

      {bundle.digest ? <ThreadDigest digest={bundle.digest} /> : null}

      {orphanError ? (
        <FormErrors
          errors={[orphanError.error!]}
          params={{
            max: orphanError.max ?? MESSAGE_MAX_LENGTH,
            seconds: orphanError.retryAfter ?? 0,
          }}
        />
      ) : null}

      {state.locked ? (
        <p className="alert alert--info thread__locked" role="status">
          {t("thread.locked", { reason: state.lockReason ?? "" })}
        </p>
      ) : null}

      {pinned ? (
        <div className="thread__pinned">
          <p className="small muted">{t("thread.pinned")}</p>
          <MessageBody message={pinned} />
        </div>
      ) : null}

      {earlier.hasEarlier && earlier.earliestSeq ? (
        hydrated ? (
          <button
            type="button"
            className="button button--ghost button--small"
            disabled={earlierFetcher.state !== "idle"}
            onClick={() => earlierFetcher.load(`/threads/${bundle.id}?before=${earlier.earliestSeq}`)}
          >
            {t("thread.load_earlier")}
          </button>
        ) : (
          <Link className="button button--ghost button--small" to={`/threads/${bundle.id}?before=${earlier.earliestSeq}`}>
            {t("thread.load_earlier")}
          </Link>
        )
      ) : null}

      {ordered.length ? (
        // The live region wraps the list: a role on the <ol> itself would take its list semantics away.
        <div role="log" aria-label={t("thread.messages")} aria-live="polite" aria-relevant="additions">
          <ol className="thread__list">
            {ordered.map((m) => (
              <MessageItem
                key={m.id}
                message={m}
                ctx={ctx}
                me={me}
                markerRef={firstNew?.id === m.id ? markerRef : undefined}
                pinned={state.pinnedMessageId === m.id}
                edits={bundle.edits[m.id]}
                onReply={() => {
                  setReplyTo(m.id);
                  composerRef.current?.focus();
                }}
              />
            ))}
          </ol>
        </div>
      ) : (
        <p className="empty">{t("thread.empty")}</p>
      )}

      <div id={`${anchor}-composer`}>
        {blocked === "sign_in" ? (
          <Link className="button button--ghost" to={`/login?redirectTo=${encodeURIComponent(returnTo)}`}>
            {t("thread.sign_in_to_post")}
          </Link>
        ) : blocked ? (
          <p className="muted small">{t(`thread.blocked.${blocked}`)}</p>
        ) : (
          <>
            {me?.mutedUntil ? (
              <p className="alert alert--info">
                {t("thread.muted_until", {
                  date: formatDate(me.mutedUntil, i18n.language, "datetime"),
                })}
              </p>
            ) : null}
            {(me?.mutedUntil || (state.locked && !me?.mayAnswer)) && !refusedPost ? null : (
              <Composer
                ctx={ctx}
                clientKey={bundle.clientKey}
                mayAnswer={Boolean(me?.mayAnswer)}
                replyTarget={replyTarget}
                replyToId={replyTo}
                clearReply={() => setReplyTo(null)}
                textareaRef={composerRef}
              />
            )}
          </>
        )}
      </div>

      {hydrated && me?.mayReport && !me.mayModerate ? (
        <ReportDialog ctx={ctx} target={reporting ? (messages.get(reporting) ?? null) : null} onClose={() => setReporting(null)} />
      ) : null}
      {me?.mayModerate ? (
        <ModeratorPanel ctx={ctx} locked={state.locked} pinned={Boolean(state.pinnedMessageId)} mutes={bundle.mutes} />
      ) : null}
      {me?.mayEscalate || bundle.escalation ? (
        <EscalationPanel ctx={ctx} escalation={bundle.escalation} mayEscalate={Boolean(me?.mayEscalate)} />
      ) : null}
    </section>
  );
}
