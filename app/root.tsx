import "@fontsource/vazirmatn/400.css";
import "@fontsource/vazirmatn/500.css";
import "@fontsource/vazirmatn/700.css";
import "./styles/app.css";
import "./styles/analytics.css";
import "./styles/councils.css";
import "./styles/open-data.css";
import "./styles/inbox.css";
import "./styles/manage.css";
import "./styles/meetings.css";
import "./styles/record.css";
import "./styles/threads.css";
import { cssBundleHref } from "@remix-run/css-bundle";
import { data, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
} from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { AppShell } from "./components/app-shell";
import { useRootData, type RootData } from "./components/root-data";
import { SocketProvider } from "./realtime/socket-provider";
import { liveShouldRevalidate } from "./realtime/live";
import { directionOf, type Locale } from "./utils/i18n";
import { getLocale } from "./utils/i18n.server";
import { useNonce } from "./utils/nonce";
import { toPersianDigits } from "./utils/persian";
import { can, mayReceivePolicies } from "./utils/permissions";
import { mayReadOutbox } from "./server/dev-outbox.server";
import { readFlash } from "./utils/flash.server";
import { clearSessionCookie, getSession } from "./server/session.server";
import { unreadCount } from "./domain/notifications.server";

export const links: LinksFunction = () => [
  ...(cssBundleHref ? [{ rel: "stylesheet", href: cssBundleHref }] : []),
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** A message posted from a page's thread needs no loader run (see liveShouldRevalidate). */
export const shouldRevalidate = liveShouldRevalidate;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, session, { flash, clear }] = await Promise.all([getLocale(request), getSession(request, context), readFlash(request)]);
  const { user } = session;
  const env = context.env;
  const unread = user ? await unreadCount(context.db, user.id) : 0;
  const headers = new Headers();
  // A forged, expired or revoked cookie is removed instead of being sent again and again.
  if (session.stale) headers.append("Set-Cookie", await clearSessionCookie(context));
  if (clear) headers.append("Set-Cookie", clear);
  return data(
    {
      locale,
      cityName: locale === "fa" ? env.CITY_NAME_FA : env.CITY_NAME_EN,
      user: user
        ? {
            id: user.id,
            displayName: user.displayName,
            roles: user.roles,
            isAdmin: can(user, "admin.access"),
            isDeputy: can(user, "deputy.dashboard"),
            // Districts whose work screens this person may open (managers and their staff).
            commissionId: user.roles.find((r) => r.role === "commission_member")?.commissionId ?? null,
            manages: user.roles.filter((r) => r.districtId && (r.role === "district_manager" || r.role === "district_staff")).length > 0,
            // Managers and chairs: the policies addressed to them (/policies).
            receivesPolicies: mayReceivePolicies(user),
          }
        : null,
      showDevOutbox: mayReadOutbox(env, context.fromLoopback),
      /** Unread inbox items; the header's badge keeps it live. */
      unread,
      flash,
    } satisfies RootData,
    { headers },
  );
}

function Document({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang={locale} dir={directionOf(locale)}>
      <head>
        <meta charSet="utf-8" />
        {/* Here rather than in a meta export: a route's own meta replaces its parents'. */}
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#0f5f5a" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        {/* Renders only in `npm run dev`: reloads the page after each rebuild. */}
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  const { i18n } = useTranslation();
  // The server picked the language; keep the browser's i18next in step after a switch.
  useEffect(() => {
    if (i18n.language !== data.locale) void i18n.changeLanguage(data.locale);
  }, [data.locale, i18n]);
  return (
    <Document locale={data.locale}>
      <SocketProvider identity={data.user?.id ?? null}>
        <AppShell>
          <Outlet />
        </AppShell>
      </SocketProvider>
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRootData();
  const { t } = useTranslation();
  const locale = data?.locale ?? "fa";
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? "not_found" : status === 403 ? "forbidden" : "server_error";
  return (
    <Document locale={locale}>
      <main className="page page--narrow error-page" id="main">
        <p className="error-page__code" aria-hidden="true">
          {locale === "fa" ? toPersianDigits(status) : status}
        </p>
        <h1>{t(`errors.${key}_title`)}</h1>
        <p>{t(`errors.${key}_body`)}</p>
        <p>
          <a className="button" href="/">
            {t("nav.back_home")}
          </a>
        </p>
      </main>
    </Document>
  );
}
