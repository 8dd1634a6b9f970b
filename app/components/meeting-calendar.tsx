import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, formatNumber } from "~/utils/persian";

export interface CalendarMeeting {
  id: string;
  number: number;
  kind: "regular" | "extra";
  status: "scheduled" | "in_session" | "closed" | "cancelled";
  startsAt: string | Date;
  endsAt: string | Date;
  place: string;
  quorumMet?: boolean | null;
}

const monthFormat = new Map<string, Intl.DateTimeFormat>();
function monthOf(at: Date, lang: string) {
  let f = monthFormat.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR-u-ca-persian" : "en-US-u-ca-persian", {
      timeZone: "Asia/Tehran",
      year: "numeric",
      month: "long",
    });
    monthFormat.set(lang, f);
  }
  return f.format(at);
}

const clockFormat = new Map<string, Intl.DateTimeFormat>();
export function clockOf(at: string | Date, lang: string) {
  let f = clockFormat.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR" : "en-GB", {
      timeZone: "Asia/Tehran",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    clockFormat.set(lang, f);
  }
  return f.format(new Date(at));
}

/** A meeting's status as a chip, the same everywhere a meeting shows. */
export function MeetingStatus({ meeting }: { meeting: Pick<CalendarMeeting, "status" | "quorumMet"> }) {
  const { t } = useTranslation();
  const key = meeting.status === "closed" && meeting.quorumMet === false ? "closed_no_quorum" : meeting.status;
  return <span className={`chip meeting-status meeting-status--${key}`}>{t(`meetings.status.${key}`)}</span>;
}

/** A council's meetings grouped by Jalali month: the calendar on the council's and neighborhood's pages. */
export function MeetingCalendar({ meetings, empty }: { meetings: CalendarMeeting[]; empty?: string }) {
  const { t, i18n } = useTranslation();
  if (!meetings.length) return <p className="muted">{empty ?? t("meetings.none")}</p>;
  const months = new Map<string, CalendarMeeting[]>();
  for (const m of meetings) {
    const key = monthOf(new Date(m.startsAt), i18n.language);
    months.set(key, [...(months.get(key) ?? []), m]);
  }
  return (
    <div className="meeting-calendar">
      {[...months].map(([month, list]) => (
        <section key={month} className="meeting-calendar__month">
          <h3 className="meeting-calendar__title">{month}</h3>
          <ul className="list stack">
            {list.map((m) => (
              <li key={m.id}>
                <Link to={`/meetings/${m.id}`} className="card card--link meeting-card">
                  <span className="meeting-card__day">{formatDate(m.startsAt, i18n.language, "long")}</span>
                  <span className="meeting-card__line">
                    {t("meetings.number", { number: formatNumber(m.number, i18n.language) })}
                    {m.kind === "extra" ? <span className="chip chip--warn">{t("meetings.kind.extra")}</span> : null}
                    <MeetingStatus meeting={m} />
                  </span>
                  <span className="muted small">
                    {clockOf(m.startsAt, i18n.language)}–{clockOf(m.endsAt, i18n.language)}
                    {t("history.separator")}
                    <span dir="auto">{m.place}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
