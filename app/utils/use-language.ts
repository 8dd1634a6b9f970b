import { useContext } from "react";
import { getI18n, I18nContext } from "react-i18next";

/**
 * The page's language, for components drawn many times per page (a date in each list item):
 * `useTranslation` sets up a translator and its subscriptions in every component that calls it,
 * which adds up over a long list. The language of a page changes only with a full reload (the
 * switch reloads the document), so reading it is enough.
 */
export function useLanguage(): string {
  const context = useContext(I18nContext);
  return (context?.i18n ?? getI18n())?.language ?? "fa";
}
