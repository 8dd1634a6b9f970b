import { createCookie } from "@remix-run/node";
import { createInstance, type i18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { fallbackLng, i18nConfig, isLocale, supportedLngs, type Locale } from "./i18n";

export const localeCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/**
 * One i18next instance per language, made once when the server starts: the translations are
 * bundled, so initialization is synchronous, and a request never builds its own instance. The
 * language of an instance never changes, so requests in the same language share it safely (the
 * render gets it through I18nextProvider, loaders get its fixed `t`).
 * See docs/decisions/012-request-cost-and-load-shedding.md.
 */
const instances = new Map<Locale, i18n>();
const fixedTs = new Map<Locale, TFunction>();
for (const lng of supportedLngs) {
  const instance = createInstance();
  void instance.use(initReactI18next).init({ ...i18nConfig, lng, initImmediate: false });
  instances.set(lng, instance);
  fixedTs.set(lng, instance.getFixedT(lng, "common"));
}

/** The shared, initialized instance of a language (for the server render). */
export function i18nInstance(locale: Locale): i18n {
  return instances.get(locale)!;
}

const LNG_COOKIE = /(?:^|;\s*)lng=([^;]*)/;

/**
 * Persian for everyone; the language switch (the `lng` cookie) is the only way out of it. Read
 * without the cookie library: every loader of a page asks, and the answer is one of two words.
 */
export async function getLocale(request: Request): Promise<Locale> {
  return localeFromCookieHeader(request.headers.get("Cookie"));
}

/** The value `localeCookie.serialize` wrote (JSON, base64, URI-encoded), or Persian. */
export function localeFromCookieHeader(header: string | null | undefined): Locale {
  const raw = header ? LNG_COOKIE.exec(header)?.[1] : undefined;
  if (!raw) return fallbackLng;
  try {
    const value: unknown = JSON.parse(decodeURIComponent(escape(atob(decodeURIComponent(raw)))));
    return isLocale(value) ? value : fallbackLng;
  } catch {
    return fallbackLng;
  }
}

export async function getT(request: Request) {
  return fixedTs.get(await getLocale(request))!;
}

export async function getTForLocale(locale: Locale) {
  return fixedTs.get(locale)!;
}
