import { Form, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useDelegatedLinks } from "./delegated-links";
import { useTranslation } from "react-i18next";
import { useRootData } from "./root-data";
import { SEARCH_QUERY_MAX } from "~/utils/search-text";
import { ConnectionIndicator } from "./connection-indicator";
import { InboxBadge, LiveNotice, useUnread } from "./inbox-badge";
import { CouncilIcon, DeskIcon, HomeIcon, PersonIcon, SettingsIcon } from "./icons";

/** The frame of every page: who is signed in, where to go, which language, whether live updates work. */
export function AppShell({ children }: { children: ReactNode }) {
  const data = useRootData();
  const { t } = useTranslation();
  const location = useLocation();
  const here = location.pathname + location.search;
  const user = data?.user ?? null;
  const inbox = useUnread(data?.unread ?? 0);
  const follow = useDelegatedLinks();

  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip_to_content")}
      </a>
      <header className="topbar" onClick={follow}>
        <div className="topbar__inner">
          {/* Its name is what it shows (the app and the city), as a person reading it would say it. */}
          <ShellLink to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              {t("app.mark")}
            </span>
            <span className="brand__text">
              <span className="brand__name">{t("app.name")}</span>
              <span className="brand__city">{t("app.city_councils", { city: data?.cityName ?? "" })}</span>
            </span>
          </ShellLink>
          <nav className="topnav" aria-label={t("nav.main_menu")}>
            <ShellLink here={location.pathname} to="/" end className="topnav__link">
              {t("nav.home")}
            </ShellLink>
            <ShellLink here={location.pathname} to="/record" className="topnav__link">
              {t("record.nav")}
            </ShellLink>
            {user ? (
              <ShellLink here={location.pathname} to="/me/councils" className="topnav__link">
                {t("nav.my_councils")}
              </ShellLink>
            ) : null}
            {user?.commissionId ? (
              <ShellLink here={location.pathname} to={`/commissions/${user.commissionId}`} className="topnav__link">
                {t("nav.commission")}
              </ShellLink>
            ) : null}
            {user?.manages ? (
              <ShellLink here={location.pathname} to="/manage" className="topnav__link">
                {t("nav.manage")}
              </ShellLink>
            ) : null}
            {user?.receivesPolicies ? (
              <ShellLink here={location.pathname} to="/policies" className="topnav__link">
                {t("nav.policies")}
              </ShellLink>
            ) : null}
            {user?.isDeputy ? (
              <ShellLink here={location.pathname} to="/deputy" className="topnav__link">
                {t("desk.nav")}
              </ShellLink>
            ) : null}
            {user?.isAdmin ? (
              <ShellLink here={location.pathname} to="/admin" className="topnav__link">
                {t("nav.admin")}
              </ShellLink>
            ) : null}
            {data?.showDevOutbox ? (
              <ShellLink here={location.pathname} to="/dev/outbox" className="topnav__link topnav__link--muted">
                {t("nav.dev_outbox")}
              </ShellLink>
            ) : null}
          </nav>
          <div className="topbar__end">
            {/* The search page has its own, larger box. */}
            {location.pathname === "/search" ? null : (
              <Form method="get" action="/search" className="topsearch" role="search" noValidate>
                <label htmlFor="topsearch-q" className="visually-hidden">
                  {t("search.box_label")}
                </label>
                <input
                  id="topsearch-q"
                  name="q"
                  type="search"
                  className="topsearch__input"
                  dir="auto"
                  maxLength={SEARCH_QUERY_MAX}
                  placeholder={t("search.box_placeholder")}
                />
              </Form>
            )}
            <ConnectionIndicator />
            {user ? <InboxBadge unread={inbox.unread} /> : null}
            <Form method="post" action="/set-language" className="lang-switch" reloadDocument noValidate>
              <input type="hidden" name="redirectTo" value={here} />
              <input type="hidden" name="lng" value={data?.locale === "fa" ? "en" : "fa"} />
              <button type="submit" className="lang-switch__button" lang={data?.locale === "fa" ? "en" : "fa"}>
                {data?.locale === "fa" ? t("language.en") : t("language.fa")}
              </button>
            </Form>
            {user ? (
              <div className="usermenu">
                <ShellLink to="/account" className="usermenu__name" dir="auto">
                  {user.displayName}
                </ShellLink>
                <Form method="post" action="/logout" noValidate>
                  <button type="submit" className="link-button">
                    {t("nav.sign_out")}
                  </button>
                </Form>
              </div>
            ) : (
              <div className="usermenu">
                <ShellLink to={`/login?redirectTo=${encodeURIComponent(here)}`} className="usermenu__link">
                  {t("nav.sign_in")}
                </ShellLink>
                <ShellLink to="/signup" className="button button--small">
                  {t("nav.sign_up")}
                </ShellLink>
              </div>
            )}
          </div>
        </div>
      </header>
      <div className="content" id="main">
        {data?.flash ? (
          <div className="flash" role="status">
            {t(`flash.${data.flash}`, { name: user?.displayName ?? "" })}
          </div>
        ) : null}
        {user ? <LiveNotice notice={inbox.latest} onDismiss={inbox.dismiss} /> : null}
        {children}
      </div>
      <footer className="sitefooter" onClick={follow}>
        <ShellLink to="/data" className="sitefooter__link">
          {t("open_data.nav")}
        </ShellLink>
      </footer>
      <nav className="bottomnav" aria-label={t("nav.main_menu")} onClick={follow}>
        <ShellLink here={location.pathname} to="/" end className="bottomnav__item">
          <HomeIcon className="bottomnav__icon" />
          {t("nav.home")}
        </ShellLink>
        {user ? (
          <ShellLink here={location.pathname} to="/me/councils" className="bottomnav__item">
            <CouncilIcon className="bottomnav__icon" />
            {t("nav.my_councils_short")}
          </ShellLink>
        ) : null}
        {user?.commissionId ? (
          <ShellLink here={location.pathname} to={`/commissions/${user.commissionId}`} className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("nav.commission_short")}
          </ShellLink>
        ) : null}
        {user?.manages ? (
          <ShellLink here={location.pathname} to="/manage" className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("nav.manage_short")}
          </ShellLink>
        ) : null}
        {user?.isDeputy ? (
          <ShellLink here={location.pathname} to="/deputy" className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("desk.nav")}
          </ShellLink>
        ) : null}
        {user?.isAdmin ? (
          <ShellLink here={location.pathname} to="/admin" className="bottomnav__item">
            <SettingsIcon className="bottomnav__icon" />
            {t("nav.admin_short")}
          </ShellLink>
        ) : null}
        {user ? (
          <ShellLink here={location.pathname} to="/account" className="bottomnav__item">
            <PersonIcon className="bottomnav__icon" />
            {t("nav.account")}
          </ShellLink>
        ) : (
          <ShellLink here={location.pathname} to="/login" className="bottomnav__item">
            <PersonIcon className="bottomnav__icon" />
            {t("nav.sign_in")}
          </ShellLink>
        )}
      </nav>
    </>
  );
}

/**
 * A link of the frame: a plain link that the frame's one delegated handler follows without a
 * reload (the frame is on every page: a `<NavLink>` each cost a noticeable part of every render).
 * Given `here` (the current path), it is marked as the current page the way `<NavLink>` marks it:
 * the same path, or below it unless `end`, letters' case aside.
 */
function ShellLink({
  to,
  here,
  end = false,
  className,
  children,
  dir,
}: {
  to: string;
  here?: string;
  end?: boolean;
  className: string;
  children: ReactNode;
  dir?: "auto";
}) {
  const active = here !== undefined && isCurrent(here, to, end);
  return (
    <a
      href={to}
      className={active ? `${className} active` : className}
      aria-current={active ? "page" : undefined}
      dir={dir}
      data-discover="true"
    >
      {children}
    </a>
  );
}

export function isCurrent(here: string, to: string, end: boolean): boolean {
  const path = here.toLowerCase();
  const target = to.toLowerCase();
  if (path === target) return true;
  if (end) return path === `${target}/`;
  const base = target.endsWith("/") ? target.slice(0, -1) : target;
  return path.startsWith(base) && path.charAt(base.length) === "/";
}
