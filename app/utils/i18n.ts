import enAnalytics from "../../locales/en/analytics.json";
import enCommon from "../../locales/en/common.json";
import enCouncils from "../../locales/en/councils.json";
import enInbox from "../../locales/en/inbox.json";
import enManage from "../../locales/en/manage.json";
import enMeetings from "../../locales/en/meetings.json";
import enOpenData from "../../locales/en/opendata.json";
import enProposals from "../../locales/en/proposals.json";
import enRecord from "../../locales/en/record.json";
import enThreads from "../../locales/en/threads.json";
import faAnalytics from "../../locales/fa/analytics.json";
import faCommon from "../../locales/fa/common.json";
import faCouncils from "../../locales/fa/councils.json";
import faInbox from "../../locales/fa/inbox.json";
import faManage from "../../locales/fa/manage.json";
import faMeetings from "../../locales/fa/meetings.json";
import faOpenData from "../../locales/fa/opendata.json";
import faProposals from "../../locales/fa/proposals.json";
import faRecord from "../../locales/fa/record.json";
import faThreads from "../../locales/fa/threads.json";
import { formatNumber, toPersianDigits } from "./persian";

export const supportedLngs = ["fa", "en"] as const;
export type Locale = (typeof supportedLngs)[number];
export const fallbackLng: Locale = "fa";
export const defaultNS = "common";

// Each locale is split into files by area (their top-level sections never overlap) and served as
// one namespace. Both languages are small enough to ship in the bundle: no extra request.
const fa = {
  ...faAnalytics,
  ...faCommon,
  ...faCouncils,
  ...faInbox,
  ...faManage,
  ...faMeetings,
  ...faOpenData,
  ...faProposals,
  ...faRecord,
  ...faThreads,
};
const en = {
  ...enAnalytics,
  ...enCommon,
  ...enCouncils,
  ...enInbox,
  ...enManage,
  ...enMeetings,
  ...enOpenData,
  ...enProposals,
  ...enRecord,
  ...enThreads,
};
export const resources = {
  fa: { common: fa },
  en: { common: en },
} as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (supportedLngs as readonly string[]).includes(value);
}

export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  ns: [defaultNS],
  resources,
  interpolation: {
    // React escapes already.
    escapeValue: false,
    // Every number put into a sentence is shown in the sentence's own digits (۱۲ in Persian).
    alwaysFormat: true,
    // `{{year, digits}}`: the sentence's digits without a thousands separator (a year, a number people read out).
    format: (value: unknown, format: string | undefined, lng: string | undefined) =>
      typeof value === "number"
        ? format === "digits"
          ? lng === "en"
            ? String(value)
            : toPersianDigits(String(value))
          : formatNumber(value, lng === "en" ? "en" : "fa")
        : String(value ?? ""),
  },
  react: { useSuspense: false },
} as const;

export function directionOf(locale: Locale): "rtl" | "ltr" {
  return locale === "fa" ? "rtl" : "ltr";
}
