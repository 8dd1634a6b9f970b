import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { useIntentReply } from "~/components/app-form";
import { Notice } from "~/components/form-field";
import { RelativeTime } from "~/components/relative-time";
import { inboxPage, markAllRead, unreadCount } from "~/domain/notifications.server";
import { InboxItemSchema } from "~/forms/inbox";
import { publishUnreadCount } from "~/server/inbox-worker.server";
import { intent, runIntent } from "~/server/intent.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { useSocket } from "~/realtime/socket-provider";
import { getT } from "~/utils/i18n.server";
import { noticeText } from "~/utils/notice-text";
import { readQuery } from "~/utils/query";
import { requireUser } from "~/server/session.server";

const Query = {
  cursor: z
    .string()
    .max(80)
    .regex(/^\d{1,15}_[0-9a-f-]{36}$/i),
};

/** The person's inbox (کارتابل): one row per item, newest first, a page at a time. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { values, invalid } = readQuery(request, Query);
  const [page, unread, t] = await Promise.all([
    inboxPage(context.db, user.id, { cursor: values.cursor ?? null }),
    unreadCount(context.db, user.id),
    getT(request),
  ]);
  return {
    title: t("inbox.title"),
    items: page.items,
    next: page.next,
    paged: Boolean(values.cursor),
    unread,
    badQuery: invalid.length > 0,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return runIntent(await request.formData(), {
    read_all: intent({
      schema: InboxItemSchema,
      run: async () => {
        await markAllRead(context.db, user.id);
        await publishUnreadCount(context.io, context.db, user.id);
        return { ok: true as const, done: "marked_all" };
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function InboxPage() {
  const { items, next, paged, unread } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const reply = useIntentReply("read_all");
  const { revalidate } = useRevalidator();
  const { socket } = useSocket();
  const busy = useNavigation().state !== "idle";
  // Grouping can change any row: the page reads itself again when something arrives.
  useEffect(() => {
    if (!socket) return;
    const reload = () => revalidate();
    socket.on(SERVER_EVENTS.inboxNotice, reload);
    return () => {
      socket.off(SERVER_EVENTS.inboxNotice, reload);
    };
  }, [socket, revalidate]);

  return (
    <main className="page page--narrow inbox">
      <header className="inbox__head">
        <h1>{t("inbox.title")}</h1>
        <p className="muted">{unread > 0 ? t("inbox.unread_count", { n: unread }) : t("inbox.all_read")}</p>
        <div className="inbox__actions">
          {unread > 0 ? (
            <Form method="post" noValidate>
              <button type="submit" name="intent" value="read_all" className="button button--secondary button--small" disabled={busy}>
                {t("inbox.mark_all_read")}
              </button>
            </Form>
          ) : null}
          <Link to="/inbox/settings" className="inbox__settings">
            {t("inbox.preferences")}
          </Link>
        </div>
      </header>
      {reply?.done === "marked_all" ? <Notice tone="success">{t("inbox.marked_all")}</Notice> : null}
      {items.length === 0 ? (
        <p className="empty">{t("inbox.empty")}</p>
      ) : (
        <ul className="inbox__list">
          {items.map((item) => (
            <li key={item.id} className={`inbox-item${item.readAt ? "" : " inbox-item--unread"}`}>
              <Form method="post" action={`/inbox/${item.id}`} className="inbox-item__open" noValidate>
                <button type="submit" name="intent" value="open" className="inbox-item__text" dir="auto">
                  {item.readAt ? null : <span className="inbox-item__dot">{t("inbox.unread")}</span>}
                  {noticeText(t, item.kind, item.params, item.count)}
                </button>
              </Form>
              <div className="inbox-item__meta">
                <RelativeTime value={item.updatedAt} />
                {item.readAt ? null : (
                  <Form method="post" action={`/inbox/${item.id}`} noValidate>
                    <button type="submit" name="intent" value="read" className="link-button small">
                      {t("inbox.mark_read")}
                    </button>
                  </Form>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <nav className="pager">
        {paged ? <Link to="/inbox">{t("inbox.newer")}</Link> : null}
        {next ? <Link to={`/inbox?cursor=${encodeURIComponent(next)}`}>{t("inbox.older")}</Link> : null}
      </nav>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
