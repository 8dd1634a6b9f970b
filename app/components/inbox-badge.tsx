import { Form, Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { SERVER_EVENTS, type InboxCount, type InboxNotice } from "~/realtime/events";
import { useSocket } from "~/realtime/socket-provider";
import { noticeText } from "~/utils/notice-text";
import { formatNumber } from "~/utils/persian";

/**
 * The person's unread count, from the page's data and then from their own socket room (every
 * instance reaches it): a new notice sets the count it carries, reading elsewhere sets it too.
 */
export function useUnread(initial: number) {
  const { socket } = useSocket();
  const [unread, setUnread] = useState(initial);
  const [latest, setLatest] = useState<InboxNotice["notice"] | null>(null);
  useEffect(() => setUnread(initial), [initial]);
  useEffect(() => {
    if (!socket) return;
    const onNotice = (payload: InboxNotice) => {
      setUnread(payload.unread);
      setLatest(payload.notice);
    };
    const onCount = (payload: InboxCount) => setUnread(payload.unread);
    socket.on(SERVER_EVENTS.inboxNotice, onNotice);
    socket.on(SERVER_EVENTS.inboxCount, onCount);
    return () => {
      socket.off(SERVER_EVENTS.inboxNotice, onNotice);
      socket.off(SERVER_EVENTS.inboxCount, onCount);
    };
  }, [socket]);
  return { unread, latest, dismiss: () => setLatest(null) };
}

/** The header's link to the inbox with its live count. */
export function InboxBadge({ unread }: { unread: number }) {
  const { t, i18n } = useTranslation();
  return (
    <Link to="/inbox" className="inbox-badge" aria-label={t("inbox.badge_label", { n: unread })} data-unread={unread}>
      <svg className="inbox-badge__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M4 4h16v11h-4.5l-1.5 3h-4l-1.5-3H4z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
      </svg>
      <span className="inbox-badge__text">{t("inbox.nav")}</span>
      {unread > 0 ? (
        <span className="inbox-badge__count">
          {formatNumber(Math.min(unread, 99), i18n.language)}
          {unread > 99 ? "+" : ""}
        </span>
      ) : null}
    </Link>
  );
}

/** A notice that just arrived, shown until dismissed or opened; opening it marks it read. */
export function LiveNotice({ notice, onDismiss }: { notice: InboxNotice["notice"] | null; onDismiss: () => void }) {
  const { t } = useTranslation();
  if (!notice) return null;
  const text = noticeText(t, notice.kind, notice.params, notice.count ?? 1);
  return (
    <div className="live-notice" role="status" aria-live="polite">
      <Form method="post" action={`/inbox/${notice.id}`} className="live-notice__open" onSubmit={onDismiss} noValidate>
        <input type="hidden" name="intent" value="open" />
        <button type="submit" className="live-notice__text" dir="auto">
          {t("inbox.live_new", { text })}
        </button>
      </Form>
      <button type="button" className="live-notice__close" onClick={onDismiss} aria-label={t("inbox.dismiss")}>
        ×
      </button>
    </div>
  );
}
