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
/** Distinct translations kept per language before the memory starts over (a page uses a few hundred). */
export const TRANSLATIONS_KEPT = 20_000;

const instances = new Map<Locale, i18n>();
const fixedTs = new Map<Locale, TFunction>();
for (const lng of supportedLngs) {
  const instance = createInstance();
  void instance.use(initReactI18next).init({ ...i18nConfig, lng, initImmediate: false });
  rememberTranslations(instance);
  instances.set(lng, instance);
  fixedTs.set(lng, instance.getFixedT(lng, "common"));
}

/**
 * A server instance's translations never change (bundled resources, one language for good), so the
 * same key with the same plain options always gives the same sentence. i18next takes 20–40 µs to
 * work one out (key parsing, plural rules, interpolation): a list page asks for a hundred, several
 * times the rest of its render. Each sentence is worked out once and remembered, keyed by the key
 * and its options; a call with any option that is not a plain value (a Date, an object) or whose
 * answer is not a string goes to i18next every time. Decision 020.
 */
function rememberTranslations(instance: i18n) {
  const translate = instance.t.bind(instance) as (key: unknown, options?: unknown) => unknown;
  const known = new Map<string, string>();
  const keyOf = (key: unknown, options: unknown): string | null => {
    if (typeof key !== "string") return null;
    if (options === undefined) return key;
    if (typeof options !== "object" || options === null) return null;
    let out = key;
    for (const name in options) {
      const value = (options as Record<string, unknown>)[name];
      if (value === undefined) continue;
      // React's `useTranslation` gives every call `lngs: null` (its fixed language is a string):
      // kept apart from a missing option, since i18next may treat the two differently.
      if (value === null) {
        out += `\u0000${name}\u0001null`;
        continue;
      }
      const type = typeof value;
      if (type === "string" || type === "number" || type === "boolean") {
        out += `\u0000${name}\u0001${type[0]}${String(value)}`;
      } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
        out += `\u0000${name}\u0002${value.join("\u0003")}`;
      } else {
        return null;
      }
    }
    return out;
  };
  const t = (key: unknown, options?: unknown, ...rest: unknown[]) => {
    const id = rest.length ? null : keyOf(key, options);
    if (id === null) return translate(key, options, ...(rest as []));
    const kept = known.get(id);
    if (kept !== undefined) return kept;
    const value = translate(key, options);
    if (typeof value === "string") {
      if (known.size >= TRANSLATIONS_KEPT) known.clear();
      known.set(id, value);
    }
    return value;
  };
  (instance as unknown as { t: typeof t }).t = t;

  // React's `useTranslation` asks for a fixed `t` in every component it renders, and i18next's
  // fixed `t` copies the options and fills in the language and namespace on every call before it
  // reaches the memory above. The fixed `t` given here answers a sentence it has seen for the same
  // (language, namespace, prefix) from its own memory, and asks i18next's fixed `t` otherwise.
  const getFixedT = instance.getFixedT.bind(instance) as (...args: unknown[]) => TFunction & Record<string, unknown>;
  const fixedMemory = new Map<string, Map<string, string>>();
  (instance as unknown as { getFixedT: (...args: unknown[]) => unknown }).getFixedT = (...args: unknown[]) => {
    const fixed = getFixedT(...args);
    const [lng, ns, keyPrefix] = args;
    const plain = (v: unknown) => v === undefined || v === null || typeof v === "string";
    if (
      args.length > 3 ||
      !plain(lng) ||
      !plain(keyPrefix) ||
      !(plain(ns) || (Array.isArray(ns) && ns.every((n) => typeof n === "string")))
    ) {
      return fixed;
    }
    const scope = `${String(lng)}\u0000${Array.isArray(ns) ? ns.join("\u0003") : String(ns)}\u0000${String(keyPrefix)}`;
    let memory = fixedMemory.get(scope);
    if (!memory) fixedMemory.set(scope, (memory = new Map()));
    const kept = memory;
    const fast = (key: unknown, options?: unknown, ...rest: unknown[]) => {
      const id = rest.length ? null : keyOf(key, options);
      if (id === null) return (fixed as unknown as (...a: unknown[]) => unknown)(key, options, ...rest);
      const known = kept.get(id);
      if (known !== undefined) return known;
      const value = (fixed as unknown as (...a: unknown[]) => unknown)(key, options);
      if (typeof value === "string") {
        if (kept.size >= TRANSLATIONS_KEPT) kept.clear();
        kept.set(id, value);
      }
      return value;
    };
    // What i18next and react-i18next read off a fixed `t`.
    return Object.assign(fast, { lng: fixed.lng, lngs: fixed.lngs, ns: fixed.ns, keyPrefix: fixed.keyPrefix });
  };
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
