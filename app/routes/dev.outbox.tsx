import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "~/components/relative-time";
import { RouteErrorBoundary } from "~/components/route-error";
import { mayReadOutbox } from "~/server/dev-outbox.server";
import { getT } from "~/utils/i18n.server";
import { formatPhone } from "~/utils/persian";
import { listOutbox } from "~/utils/sms.server";

/**
 * Development only: the text messages the local SMS provider would have sent, so a person trying
 * the app can read their verification code. In production this page does not exist; outside
 * production it exists for the machine itself only (loopback clients), since its codes open accounts.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!mayReadOutbox(context.env, context.fromLoopback)) {
    throw new Response("Not Found", { status: 404 });
  }
  const t = await getT(request);
  return { title: t("outbox.title"), messages: await listOutbox(context.db, 30) };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }, { name: "robots", content: "noindex" }];

export default function DevOutbox() {
  const { messages } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { revalidate } = useRevalidator();
  useEffect(() => {
    const timer = setInterval(revalidate, 3000);
    return () => clearInterval(timer);
  }, [revalidate]);
  return (
    <main className="page page--narrow">
      <h1>{t("outbox.title")}</h1>
      <p className="muted">{t("outbox.intro")}</p>
      {messages.length === 0 ? (
        <p className="empty">{t("outbox.empty")}</p>
      ) : (
        <ul className="list">
          {messages.map((m) => (
            <li key={m.id} className="list__item sms">
              <div className="muted small">
                <bdi dir="ltr">{formatPhone(m.toPhone, { digits: i18n.language === "fa" ? "fa" : "latn" })}</bdi> ·{" "}
                <RelativeTime value={m.createdAt} />
              </div>
              <p className="sms__body" dir="auto">
                {m.body}
              </p>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
