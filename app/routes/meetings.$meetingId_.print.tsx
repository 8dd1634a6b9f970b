import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { clockOf } from "~/components/meeting-calendar";
import { MinutesBody } from "~/components/minutes-body";
import { getNeighborhood } from "~/domain/councils.server";
import { minutesOf } from "~/domain/meetings/minutes.server";
import { rollCallOf } from "~/domain/meetings/roll-call.server";
import { getMeeting } from "~/domain/meetings/schedule.server";
import { invariantFound, isUuid } from "~/server/guards.server";
import { formatDate, formatNumber } from "~/utils/persian";

/** The approved minutes on A4, for the paper archive: public, like the minutes themselves. */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const found = invariantFound(isUuid(params.meetingId) ? await getMeeting(context.db, params.meetingId) : null);
  const approved = invariantFound((await minutesOf(context.db, found.meeting.id)).find((v) => v.status === "approved"));
  const neighborhood = invariantFound(await getNeighborhood(context.db, found.council.neighborhoodId));
  const rollCall = invariantFound(await rollCallOf(context.db, found.meeting.id));
  return {
    meeting: { ...found.meeting, chairName: found.chairName },
    agenda: found.agenda,
    neighborhoodName: neighborhood.name,
    districtName: neighborhood.districtName,
    minutes: approved,
    present: rollCall.entries.filter((e) => e.status === "present" || e.status === "late"),
    absent: rollCall.entries.filter((e) => e.status === "absent" || e.status === "excused" || e.status === null),
    quorum: rollCall.quorum,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.neighborhoodName} · ${data.meeting.number}` : "" }];

export default function MinutesPrint() {
  const { meeting, agenda, neighborhoodName, districtName, minutes, present, absent, quorum } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <main className="print-sheet">
      <header className="print-sheet__head">
        <p>{districtName}</p>
        <h1>{t("meetings.print_title", { name: neighborhoodName })}</h1>
        <p>
          {t("meetings.number", { number: n(meeting.number) })} · {t(`meetings.kind.${meeting.kind}`)}
          {minutes.version > 1 ? ` · ${t("meetings.minutes.correction", { version: n(minutes.version) })}` : null}
        </p>
      </header>
      <table className="print-sheet__facts">
        <tbody>
          <tr>
            <th>{t("meetings.date")}</th>
            <td>{formatDate(meeting.startsAt, i18n.language, "long")}</td>
            <th>{t("meetings.time")}</th>
            <td>
              {clockOf(meeting.openedAt ?? meeting.startsAt, i18n.language)}–{clockOf(meeting.closedAt ?? meeting.endsAt, i18n.language)}
            </td>
          </tr>
          <tr>
            <th>{t("meetings.place")}</th>
            <td dir="auto">{meeting.place}</td>
            <th>{t("meetings.chair")}</th>
            <td dir="auto">{meeting.chairName ?? "—"}</td>
          </tr>
          <tr>
            <th>{t("meetings.present")}</th>
            <td colSpan={3}>
              {present.map((p) => p.name).join(t("history.separator"))} (
              {t("meetings.quorum_line", { present: n(quorum.present), needed: n(quorum.needed) })})
            </td>
          </tr>
          <tr>
            <th>{t("meetings.absent")}</th>
            <td colSpan={3}>
              {absent.length
                ? absent
                    .map((p) => `${p.name}${p.status === "excused" ? ` (${t("meetings.attendance.excused")})` : ""}`)
                    .join(t("history.separator"))
                : "—"}
            </td>
          </tr>
          {meeting.invitees ? (
            <tr>
              <th>{t("meetings.invitees")}</th>
              <td colSpan={3} dir="auto">
                {meeting.invitees}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {agenda.length ? (
        <section>
          <h2>{t("meetings.agenda")}</h2>
          <ol>
            {agenda.map((a) => (
              <li key={a.id} dir="auto">
                {a.title}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <MinutesBody minutes={minutes} />
      <footer className="print-sheet__foot">
        <p>{t("meetings.print_approved", { date: formatDate(minutes.approvedAt!, i18n.language, "date") })}</p>
        <ul className="print-sheet__signatures">
          {minutes.responses
            .filter((r) => r.verdict === "approve")
            .map((r) => (
              <li key={r.userId}>
                <span dir="auto">{r.name}</span>
                <span className="print-sheet__line" aria-hidden="true" />
              </li>
            ))}
        </ul>
      </footer>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
