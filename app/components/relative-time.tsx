import { formatDate, formatRelative } from "~/utils/persian";
import { useLanguage } from "~/utils/use-language";

/** "۵ دقیقه پیش", with the full Jalali date and time on hover or long-press. */
export function RelativeTime({ value }: { value: string | Date }) {
  const language = useLanguage();
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={formatDate(date, language, "datetime")} suppressHydrationWarning>
      {formatRelative(date, new Date(), language)}
    </time>
  );
}
