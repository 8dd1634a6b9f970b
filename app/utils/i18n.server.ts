import { createCookie } from "@remix-run/node";
import { RemixI18Next } from "remix-i18next/server";
import { fallbackLng, i18nConfig, isLocale, supportedLngs, type Locale } from "./i18n";

export const localeCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLngs],
    fallbackLanguage: fallbackLng,
    cookie: localeCookie,
    // Persian is the default for everyone; the language switch (cookie) is the only way out of it.
    order: ["cookie"],
  },
  i18next: { ...i18nConfig },
});

export async function getLocale(request: Request): Promise<Locale> {
  const locale = await i18nServer.getLocale(request);
  return isLocale(locale) ? locale : fallbackLng;
}

export async function getT(request: Request) {
  const locale = await getLocale(request);
  return i18nServer.getFixedT(locale, "common");
}

export async function getTForLocale(locale: Locale) {
  return i18nServer.getFixedT(locale, "common");
}
