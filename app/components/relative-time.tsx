import { useTranslation } from "react-i18next";
import { formatDate, formatRelative } from "~/utils/persian";

/** "۵ دقیقه پیش", with the full Jalali date and time on hover or long-press. */
export function RelativeTime({ value }: { value: string | Date }) {
  const { i18n } = useTranslation();
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={formatDate(date, i18n.language, "datetime")} suppressHydrationWarning>
      {formatRelative(date, new Date(), i18n.language)}
    </time>
  );
}
