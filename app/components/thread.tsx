import { Link, useFetcher, useRevalidator, type FetcherWithComponents } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice } from "./form-field";
import { LinkedText } from "./linked-text";
import { RelativeTime } from "./relative-time";
import { MESSAGE_MAX_LENGTH, REPORT_REASON_MAX, withinEditWindow, type MessageView, type ThreadState } from "~/domain/thread-view";
import { SERVER_EVENTS } from "~/realtime/events";
import { useSocket } from "~/realtime/socket-provider";
import { ThreadFollower } from "~/realtime/thread-sync";
import type { ThreadBundle } from "~/utils/thread.server";
import { formatDate } from "~/utils/persian";

type Bundle = Omit<ThreadBundle, "mutes" | "escalation"> & {
  mutes: { userId: string; name: string; until: string; reason: string }[];
  escalation: {
    id: string;
    state: string;
    urgency: string;
    note: string | null;
    stateNote: string | null;
    stateChangedAt: string | Date;
    escalatedAt: string | Date | null;
    escalatedBy: string | null;
  } | null;
};

/** A refusal from a plain (no JavaScript) submission, shown on the form that sent it. */
export interface ThreadActionResult {
  ok: boolean;
  error?: string;
  intent?: string;
  messageId?: string | null;
  kept?: Record<string, string>;
  max?: number;
  retryAfter?: number;
}

interface Ctx {
  threadId: string;
  action: string;
  returnTo: string;
  hydrated: boolean;
  plainResult: ThreadActionResult | null;
  anchor: string;
}

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * One small form of the thread: posts to the thread's route; with JavaScript through a fetcher
 * (no navigation, the change arrives live), without it as a plain form that comes back here.
 */
function ThreadForm({
  ctx,
  intent,
  messageId,
  children,
  className,
  onDone,
  plainErrors = true,
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  /** Whether a plain submission's refusal is shown here (forms repeated per row show it once, above). */
  plainErrors?: boolean;
  children: (fetcher: FetcherWithComponents<ThreadActionResult>, kept: (name: string) => string | undefined) => ReactNode;
  className?: string;
  onDone?: () => void;
}) {
  const fetcher = useFetcher<ThreadActionResult>();
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) doneRef.current?.();
  }, [fetcher.state, fetcher.data]);
  const plain =
    plainErrors && ctx.plainResult && ctx.plainResult.intent === intent && (ctx.plainResult.messageId ?? undefined) === messageId
      ? ctx.plainResult
      : null;
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : plain;
  const kept = (name: string) => (plain?.kept ? plain.kept[name] : undefined);
  return (
    <fetcher.Form method="post" action={ctx.action} className={className ?? "thread-form"} noValidate>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="returnTo" value={`${ctx.returnTo}#${ctx.anchor}`} />
      {messageId ? <input type="hidden" name="messageId" value={messageId} /> : null}
      {ctx.hydrated ? <input type="hidden" name="_js" value="1" /> : null}
      {failure?.error ? (
        <FormErrors
          errors={[failure.error]}
          params={{
            max: failure.max ?? MESSAGE_MAX_LENGTH,
            seconds: failure.retryAfter ?? 0,
          }}
        />
      ) : null}
      {children(fetcher, kept)}
    </fetcher.Form>
  );
}

type Action = "reply" | null;

function byVersion(into: Map<string, MessageView>, message: MessageView) {
  const current = into.get(message.id);
  if (!current || current.version <= message.version) into.set(message.id, message);
}

/**
 * A discussion thread: the latest page, earlier pages by cursor, live events applied exactly once
 * in order, a marker before what is new, and everything a person may do to it.
 */
export function Thread({
  bundle,
  returnTo,
  plainResult = null,
  heading,
  anchor = "thread",
}: {
  bundle: Bundle;
  returnTo: string;
  plainResult?: ThreadActionResult | null;
  heading?: string;
  /** The section's id; the page's main thread is "thread", where plain forms come back to. */
  anchor?: string;
}) {
  const { t, i18n } = useTranslation();
  const hydrated = useHydrated();
  const { socket } = useSocket();
  const revalidator = useRevalidator();
  const ctx: Ctx = {
    threadId: bundle.id,
    action: `/threads/${bundle.id}`,
    returnTo,
    hydrated,
    plainResult,
    anchor,
  };

  const [messages, setMessages] = useState(() => {
    const map = new Map<string, MessageView>();
    for (const m of bundle.messages) byVersion(map, m);
    return map;
  });
  const [state, setState] = useState<ThreadState>({
    locked: bundle.locked,
    lockReason: bundle.lockReason,
    pinnedMessageId: bundle.pinnedMessageId,
  });
  const [pinned, setPinned] = useState<MessageView | null>(bundle.pinned);
  const [presence, setPresence] = useState<number | null>(null);
  const [earlier, setEarlier] = useState({
    hasEarlier: bundle.hasEarlier,
    earliestSeq: bundle.earliestSeq,
  });
  const [liveNew, setLiveNew] = useState(0);
  const [count, setCount] = useState(bundle.messageCount);
  // A refused reply keeps what it answered (the form sent it back).
  const keptReply = plainResult && !plainResult.ok && plainResult.intent === "post" ? plainResult.kept?.replyTo || null : null;
  const [replyTo, setReplyTo] = useState<string | null>(keptReply ?? bundle.replyToId);
  const knownSeq = useRef(bundle.lastSeq);
  // Where the "new messages" line goes: after what the reader had read last time, or after what
  // was there when the page opened.
  const [markerSeq] = useState(() =>
    bundle.lastReadSeq !== null && bundle.lastReadSeq < bundle.lastSeq ? bundle.lastReadSeq : bundle.lastSeq
  );
  const meId = bundle.me?.id ?? null;

  // Fresh loader data (after an action, or a reload) is merged, never allowed to go backwards.
  useEffect(() => {
    setMessages((prev) => {
      const next = new Map(prev);
      for (const m of bundle.messages) byVersion(next, m);
      return next;
    });
    if (bundle.lastSeq >= knownSeq.current) {
      knownSeq.current = bundle.lastSeq;
      setCount(bundle.messageCount);
      setState({
        locked: bundle.locked,
        lockReason: bundle.lockReason,
        pinnedMessageId: bundle.pinnedMessageId,
      });
      setPinned(bundle.pinned);
    }
  }, [bundle]);

  useEffect(() => {
    if (!socket) return;
    const follower = new ThreadFollower(socket, bundle.id, bundle.lastSeq, {
      apply(event) {
        knownSeq.current = Math.max(knownSeq.current, event.seq);
        if (event.message) {
          const message = event.message;
          setMessages((prev) => {
            const next = new Map(prev);
            byVersion(next, message);
            return next;
          });
          setPinned((p) => (p && p.id === message.id ? (message.state === "visible" ? message : null) : p));
          if (event.kind === "posted") {
            setCount((n) => n + 1);
            if (message.authorId !== meId) setLiveNew((n) => n + 1);
          }
        }
        if (event.thread) {
          const threadState = event.thread;
          setState(threadState);
          if (event.kind === "pinned" && event.message) setPinned(event.message);
          if (event.kind === "unpinned" || !threadState.pinnedMessageId) setPinned(null);
        }
      },
      presence: setPresence,
    }).start();
    const standing = (payload: { threadId?: string }) => {
      if (payload?.threadId === bundle.id) revalidator.revalidate();
    };
    socket.on(SERVER_EVENTS.threadStanding, standing);
    socket.on(SERVER_EVENTS.escalationChanged, standing);
    return () => {
      follower.stop();
      socket.off(SERVER_EVENTS.threadStanding, standing);
      socket.off(SERVER_EVENTS.escalationChanged, standing);
    };
    // The follower lives as long as the page shows this thread; later loader data is merged above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [socket, bundle.id]);

  // "Load earlier": the thread route's loader answers with the page before the earliest shown.
  const earlierFetcher = useFetcher<{ thread: Bundle }>();
  useEffect(() => {
    const page = earlierFetcher.data?.thread;
    if (!page) return;
    setMessages((prev) => {
      const next = new Map(prev);
      for (const m of page.messages) byVersion(next, m);
      return next;
    });
    setEarlier({ hasEarlier: page.hasEarlier, earliestSeq: page.earliestSeq });
  }, [earlierFetcher.data]);

  const ordered = useMemo(() => [...messages.values()].sort((a, b) => a.seq - b.seq), [messages]);
  const firstNew = ordered.find((m) => m.seq > markerSeq && m.authorId !== meId);
  const me = bundle.me;
  const blocked = me?.postBlocker ?? (me ? null : "sign_in");
  const markerRef = useRef<HTMLLIElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const replyTarget = replyTo ? messages.get(replyTo) ?? null : null;
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
              setLiveNew(0);
            }}
          >
            {t("thread.new_count", { count: liveNew })}
          </button>
        ) : null}
      </header>

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

      {me?.mayModerate ? (
        <ModeratorPanel ctx={ctx} locked={state.locked} pinned={Boolean(state.pinnedMessageId)} mutes={bundle.mutes} />
      ) : null}
      {me?.mayEscalate || bundle.escalation ? (
        <EscalationPanel ctx={ctx} escalation={bundle.escalation} mayEscalate={Boolean(me?.mayEscalate)} />
      ) : null}
    </section>
  );
}

function Composer({
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
            : `${Date.now()}-${Math.random().toString(36).slice(2)}`
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

function MessageBody({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  if (message.state === "deleted") return <p className="thread__trace">{t("thread.deleted")}</p>;
  if (message.state === "hidden_moderator")
    return <p className="thread__trace">{t("thread.hidden_by_manager", { reason: message.hiddenReason ?? "" })}</p>;
  if (message.state === "hidden_reports") return <p className="thread__trace">{t("thread.hidden_by_reports")}</p>;
  return <LinkedText text={message.body ?? ""} className="prose thread__body" />;
}

function MessageItem({
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
            <details key={menuKey} className="message__menu" open={Boolean(plainHere)}>
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
                  <ReasonForm
                    ctx={ctx}
                    intent="report"
                    messageId={message.id}
                    onDone={closeMenu}
                    tone="ghost"
                    field={t("thread.report_reason")}
                    label={t("thread.report")}
                  />
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

function ModeratorMessageTools({
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

function ModeratorPanel({ ctx, locked, pinned, mutes }: { ctx: Ctx; locked: boolean; pinned: boolean; mutes: Bundle["mutes"] }) {
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

function EscalationPanel({ ctx, escalation, mayEscalate }: { ctx: Ctx; escalation: Bundle["escalation"]; mayEscalate: boolean }) {
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
                  <textarea
                    name="note"
                    className="field__input field__input--area"
                    dir="auto"
                    rows={3}
                    defaultValue={kept("note")}
                  />
                </label>
                <label className="field">
                  <span className="field__label">{t("thread.urgency")}</span>
                  <select name="urgency" className="field__input" defaultValue={kept("urgency") ?? "normal"}>
                    {(["normal", "high", "urgent"] as const).map((u) => (
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

/**
 * A refusal that has no form on the page to be shown on (the form is gone because the thread or the
 * message changed meanwhile, or the request named something that is not here): shown at the top.
 */
function orphanRefusal(
  result: ThreadActionResult,
  messages: MessageView[],
  state: ThreadState,
  meId: string | null
): ThreadActionResult | null {
  const intent = result.intent ?? "";
  // A tool this person is not offered has no form here to answer on (the composer shows its own).
  if (result.error === "thread_forbidden" && intent !== "post") return result;
  if (["post", "escalate"].includes(intent)) return null;
  if (intent === "lock") return state.locked ? result : null;
  if (intent === "unlock") return state.locked ? null : result;
  if (intent === "unpin") return state.pinnedMessageId ? null : result;
  if (intent === "unmute") return result;
  const message = result.messageId ? messages.find((m) => m.id === result.messageId) : undefined;
  if (!message) return result;
  // The message is here; its menu opens with the refusal unless the form for it is not drawn.
  if (intent === "report") return message.state === "visible" && message.authorId !== meId ? null : result;
  if (intent === "pin" || intent === "hide") return message.state === "visible" ? null : result;
  if (intent === "restore") return message.state === "visible" ? result : null;
  if (intent === "delete") return message.state === "deleted" ? result : null;
  return null;
}

/** A thread form that is one button (delete, restore, pin, unpin, unlock…). */
function ButtonForm({
  label,
  tone,
  children,
  ...form
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  onDone?: () => void;
  plainErrors?: boolean;
  label: string;
  tone: "ghost" | "danger";
  children?: ReactNode;
}) {
  return (
    <ThreadForm {...form}>
      {(fetcher) => (
        <>
          {children}
          <button type="submit" className={`button button--${tone} button--small`} disabled={fetcher.state !== "idle"}>
            {label}
          </button>
        </>
      )}
    </ThreadForm>
  );
}

/** A thread form that asks for a reason (report, hide, lock) and sends it with one button. */
function ReasonForm({
  field,
  label,
  tone,
  ...form
}: {
  ctx: Ctx;
  intent: string;
  messageId?: string;
  onDone?: () => void;
  field: string;
  label: string;
  tone: "ghost" | "danger";
}) {
  return (
    <ThreadForm {...form}>
      {(fetcher, kept) => (
        <>
          <label className="field">
            <span className="field__label">{field}</span>
            <input
              name="reason"
              className="field__input"
              dir="auto"
              maxLength={REPORT_REASON_MAX}
              defaultValue={kept("reason")}
            />
          </label>
          <button type="submit" className={`button button--${tone} button--small`} disabled={fetcher.state !== "idle"}>
            {label}
          </button>
        </>
      )}
    </ThreadForm>
  );
}
