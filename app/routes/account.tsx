import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/form-field";
import { RelativeTime } from "~/components/relative-time";
import { RouteErrorBoundary } from "~/components/route-error";
import { getT } from "~/utils/i18n.server";
import { describeDevice } from "~/utils/device";
import { formatPhone } from "~/utils/persian";
import { destroyAllSessions, listSessions } from "~/domain/sessions.server";
import { getSession, requireUser } from "~/server/session.server";
import { setFlash } from "~/utils/flash.server";
import { can } from "~/utils/permissions";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { sessionHash } = await getSession(request, context);
  const t = await getT(request);
  const sessions = await listSessions(context.db, user.id);
  return {
    title: t("account.title"),
    user: { displayName: user.displayName, phone: user.phone, roles: user.roles },
    isAdmin: can(user, "admin.access"),
    sessions: sessions.map((s) => ({
      current: s.idHash === sessionHash,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      device: describeDevice(s.userAgent),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await request.formData();
  if (form.get("intent") === "sign-out-others") {
    const { sessionHash } = await getSession(request, context);
    const count = await destroyAllSessions(context, user.id, sessionHash ?? undefined);
    return data({ revoked: count });
  }
  return redirect("/account", { headers: { "Set-Cookie": await setFlash("saved") } });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AccountPage() {
  const { user, sessions, isAdmin } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const others = sessions.filter((s) => !s.current).length;
  return (
    <main className="page page--narrow stack">
      <h1>{t("account.title")}</h1>
      <section className="card">
        <h2 dir="auto">{user.displayName}</h2>
        <p>
          {t("auth.phone_label")}: <bdi dir="ltr">{formatPhone(user.phone, { digits: i18n.language === "fa" ? "fa" : "latn" })}</bdi>
        </p>
        <h3>{t("account.roles")}</h3>
        <ul className="chips">
          <li className="chip">{t("roles.resident")}</li>
          {user.roles.map((r, i) => (
            <li key={i} className="chip chip--accent">
              {t(`roles.${r.role}`)}
            </li>
          ))}
        </ul>
        {isAdmin ? (
          <p>
            <Link to="/admin">{t("account.go_admin")}</Link>
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>{t("account.sessions")}</h2>
        {actionData && "revoked" in actionData ? (
          <Notice tone="success">{t("account.sessions_revoked", { count: actionData.revoked })}</Notice>
        ) : null}
        <ul className="list">
          {sessions.map((s, i) => (
            <li key={i} className="list__item">
              <strong>
                {s.device.browser || s.device.os
                  ? t("account.device_name", {
                      browser: t(`account.browser.${s.device.browser ?? "unknown"}`),
                      os: t(`account.os.${s.device.os ?? "unknown"}`),
                    })
                  : t("account.unknown_device")}
              </strong>
              {s.current ? <span className="chip chip--accent">{t("account.this_device")}</span> : null}
              <div className="muted small">
                {t("account.last_seen")} <RelativeTime value={s.lastSeenAt} />
              </div>
            </li>
          ))}
        </ul>
        {others > 0 ? (
          <Form method="post" noValidate>
            <button type="submit" name="intent" value="sign-out-others" className="button button--ghost">
              {t("account.sign_out_others")}
            </button>
          </Form>
        ) : null}
      </section>
      <Form method="post" action="/logout" noValidate>
        <button type="submit" className="button button--danger">
          {t("nav.sign_out")}
        </button>
      </Form>
    </main>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
