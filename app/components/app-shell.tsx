import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
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

  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip_to_content")}
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          {/* Its name is what it shows (the app and the city), as a person reading it would say it. */}
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              {t("app.mark")}
            </span>
            <span className="brand__text">
              <span className="brand__name">{t("app.name")}</span>
              <span className="brand__city">{t("app.city_councils", { city: data?.cityName ?? "" })}</span>
            </span>
          </Link>
          <nav className="topnav" aria-label={t("nav.main_menu")}>
            <NavLink to="/" end className="topnav__link">
              {t("nav.home")}
            </NavLink>
            <NavLink to="/record" className="topnav__link">
              {t("record.nav")}
            </NavLink>
            {user ? (
              <NavLink to="/me/councils" className="topnav__link">
                {t("nav.my_councils")}
              </NavLink>
            ) : null}
            {user?.commissionId ? (
              <NavLink to={`/commissions/${user.commissionId}`} className="topnav__link">
                {t("nav.commission")}
              </NavLink>
            ) : null}
            {user?.manages ? (
              <NavLink to="/manage" className="topnav__link">
                {t("nav.manage")}
              </NavLink>
            ) : null}
            {user?.receivesPolicies ? (
              <NavLink to="/policies" className="topnav__link">
                {t("nav.policies")}
              </NavLink>
            ) : null}
            {user?.isDeputy ? (
              <NavLink to="/deputy" className="topnav__link">
                {t("desk.nav")}
              </NavLink>
            ) : null}
            {user?.isAdmin ? (
              <NavLink to="/admin" className="topnav__link">
                {t("nav.admin")}
              </NavLink>
            ) : null}
            {data?.showDevOutbox ? (
              <NavLink to="/dev/outbox" className="topnav__link topnav__link--muted">
                {t("nav.dev_outbox")}
              </NavLink>
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
                <Link to="/account" className="usermenu__name" dir="auto">
                  {user.displayName}
                </Link>
                <Form method="post" action="/logout" noValidate>
                  <button type="submit" className="link-button">
                    {t("nav.sign_out")}
                  </button>
                </Form>
              </div>
            ) : (
              <div className="usermenu">
                <Link to={`/login?redirectTo=${encodeURIComponent(here)}`} className="usermenu__link">
                  {t("nav.sign_in")}
                </Link>
                <Link to="/signup" className="button button--small">
                  {t("nav.sign_up")}
                </Link>
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
      <footer className="sitefooter">
        <Link to="/data" className="sitefooter__link">
          {t("open_data.nav")}
        </Link>
      </footer>
      <nav className="bottomnav" aria-label={t("nav.main_menu")}>
        <NavLink to="/" end className="bottomnav__item">
          <HomeIcon className="bottomnav__icon" />
          {t("nav.home")}
        </NavLink>
        {user ? (
          <NavLink to="/me/councils" className="bottomnav__item">
            <CouncilIcon className="bottomnav__icon" />
            {t("nav.my_councils_short")}
          </NavLink>
        ) : null}
        {user?.commissionId ? (
          <NavLink to={`/commissions/${user.commissionId}`} className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("nav.commission_short")}
          </NavLink>
        ) : null}
        {user?.manages ? (
          <NavLink to="/manage" className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("nav.manage_short")}
          </NavLink>
        ) : null}
        {user?.isDeputy ? (
          <NavLink to="/deputy" className="bottomnav__item">
            <DeskIcon className="bottomnav__icon" />
            {t("desk.nav")}
          </NavLink>
        ) : null}
        {user?.isAdmin ? (
          <NavLink to="/admin" className="bottomnav__item">
            <SettingsIcon className="bottomnav__icon" />
            {t("nav.admin_short")}
          </NavLink>
        ) : null}
        {user ? (
          <NavLink to="/account" className="bottomnav__item">
            <PersonIcon className="bottomnav__icon" />
            {t("nav.account")}
          </NavLink>
        ) : (
          <NavLink to="/login" className="bottomnav__item">
            <PersonIcon className="bottomnav__icon" />
            {t("nav.sign_in")}
          </NavLink>
        )}
      </nav>
    </>
  );
}
