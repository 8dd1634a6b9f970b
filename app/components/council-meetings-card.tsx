import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MeetingCalendar, type CalendarMeeting } from "./meeting-calendar";

/** A council's coming meetings and the policies in force for it: on the council's and neighborhood's pages. */
export function CouncilMeetingsCard({
  councilId,
  upcoming,
  policies,
}: {
  councilId: string;
  upcoming: CalendarMeeting[];
  policies: { id: string; title: string }[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <section className="card stack" aria-labelledby="meetings-title">
        <div className="council-section__head">
          <h2 id="meetings-title">{t("meetings.upcoming")}</h2>
          <Link to={`/councils/${councilId}/meetings`} className="small">
            {t("meetings.all")}
          </Link>
        </div>
        <MeetingCalendar meetings={upcoming} empty={t("meetings.none_upcoming")} />
      </section>
      {policies.length ? (
        <section className="card stack" aria-labelledby="policies-title">
          <h2 id="policies-title">{t("policies.in_force")}</h2>
          <ul className="list stack small">
            {policies.map((p) => (
              <li key={p.id} dir="auto">
                {p.title}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
