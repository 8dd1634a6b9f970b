import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm } from "~/components/app-form";
import { RadioGroupField } from "~/components/choice-fields";
import { FormErrors, TextAreaField, TextField } from "~/components/form-field";
import { MeetingCalendar } from "~/components/meeting-calendar";
import { getCouncil, getNeighborhood } from "~/domain/councils.server";
import { jalaliMonthOf, jalaliMonthRange, nextJalaliMonth, previousJalaliMonth } from "~/domain/meetings/calendar";
import { meetingsOfCouncil, scheduleMeeting, scheduleYear } from "~/domain/meetings/schedule.server";
import { MEETING_KINDS, ScheduleSchema, ScheduleYearSchema } from "~/forms/meetings";
import { intent, runIntent } from "~/server/intent.server";
import { invariantFound, isUuid } from "~/server/guards.server";
import { can } from "~/utils/permissions";
import { parseJalaliDate, toJalaliInput } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";

async function load(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getCouncil(context.db, id) : null);
}

/** Two suggested days a month (the 1st and the 15th) for the rest of the year, the ones still ahead. */
function suggestedDates(now: Date) {
  const out: string[] = [];
  let month = jalaliMonthOf(now);
  for (let i = 0; i < 12 && month.year === jalaliMonthOf(now).year; i++, month = nextJalaliMonth(month)) {
    for (const day of [1, 15]) {
      const iso = parseJalaliDate(`${month.year}/${month.month}/${day}`)!;
      if (new Date(`${iso}T23:59:00+03:30`) > now) out.push(toJalaliInput(iso));
    }
  }
  return out;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const council = await load(context, params.councilId);
  const user = await getUser(request, context);
  const neighborhood = invariantFound(await getNeighborhood(context.db, council.neighborhoodId));
  const now = new Date();
  const thisMonth = jalaliMonthOf(now);
  // The calendar: last month to a year ahead.
  const from = jalaliMonthRange(previousJalaliMonth(thisMonth)).from;
  let last = thisMonth;
  for (let i = 0; i < 12; i++) last = nextJalaliMonth(last);
  const meetings = await meetingsOfCouncil(context.db, council.id, { from, to: jalaliMonthRange(last).to });
  const mayRun = can(user, "council.meeting.run", { kind: "council", councilId: council.id, districtId: council.districtId });
  return {
    council: { id: council.id, status: council.status, meetingsPerMonth: council.meetingsPerMonth },
    neighborhoodName: neighborhood.name,
    meetings,
    mayRun,
    suggested: mayRun ? suggestedDates(now) : [],
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const council = await load(context, params.councilId);
  const scope = { kind: "council" as const, councilId: council.id, districtId: council.districtId };
  const db = context.db;
  return runIntent(await request.formData(), {
    schedule: intent({
      schema: ScheduleSchema,
      guard: () => can(user, "council.meeting.run", scope),
      run: async (value) => {
        const result = await scheduleMeeting(db, { actor: user, councilId: council.id, ...value }, context.requestId);
        return result.ok ? redirect(`/meetings/${result.meetingId}`) : result;
      },
      fields: { date_invalid: "date", date_past: "date", time_invalid: "start", end_before_start: "end", place_invalid: "place" },
    }),
    "schedule-year": intent({
      schema: ScheduleYearSchema,
      guard: () => can(user, "council.meeting.run", scope),
      run: async ({ dates, ...rest }) => {
        const result = await scheduleYear(db, { actor: user, councilId: council.id, dates: dates.split("\n"), ...rest }, context.requestId);
        return result.ok ? redirect(`/councils/${council.id}/meetings`) : { ok: false as const, error: result.error };
      },
      fields: {
        date_invalid: "dates",
        date_past: "dates",
        schedule_empty: "dates",
        time_invalid: "start",
        end_before_start: "end",
        place_invalid: "place",
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.neighborhoodName}` : "" }];

export default function CouncilMeetings() {
  const { council, neighborhoodName, meetings, mayRun, suggested } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("schedule", ScheduleSchema, { defaultValue: { kind: "regular", start: "17:00", end: "19:00" } });
  const [yearForm, yearFields] = useIntentForm("schedule-year", ScheduleYearSchema, {
    defaultValue: { dates: suggested.join("\n"), start: "17:00", end: "19:00" },
  });
  return (
    <main className="page">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to={`/councils/${council.id}`}>{t("meetings.council_of", { name: neighborhoodName })}</Link>
      </nav>
      <h1>{t("meetings.title")}</h1>
      <p className="muted">{t("meetings.minimum_note", { count: council.meetingsPerMonth })}</p>
      <MeetingCalendar meetings={meetings} />
      {mayRun && council.status === "active" ? (
        <div className="meetings-forms">
          <section className="card stack" aria-labelledby="schedule-one">
            <h2 id="schedule-one">{t("meetings.schedule_one")}</h2>
            <Form method="post" {...getFormProps(form)} className="form">
              <FormErrors errors={form.errors} />
              <input type="hidden" name="intent" value="schedule" />
              <RadioGroupField
                field={fields.kind}
                legend={t("meetings.kind_label")}
                options={MEETING_KINDS.map((k) => ({ value: k, label: t(`meetings.kind.${k}`) }))}
              />
              <TextField
                field={fields.date}
                label={t("meetings.date")}
                hint={t("meetings.date_hint")}
                ltr
                inputProps={{ inputMode: "numeric", placeholder: "۱۴۰۵/۰۹/۱۵" }}
              />
              <div className="field-row">
                <TextField field={fields.start} label={t("meetings.start")} ltr inputProps={{ inputMode: "numeric" }} />
                <TextField field={fields.end} label={t("meetings.end")} ltr inputProps={{ inputMode: "numeric" }} />
              </div>
              <TextField field={fields.place} label={t("meetings.place")} />
              <TextAreaField field={fields.invitees} label={t("meetings.invitees")} rows={2} />
              <button type="submit" className="button" disabled={busy}>
                {t("meetings.schedule")}
              </button>
            </Form>
          </section>
          <section className="card stack" aria-labelledby="schedule-year">
            <h2 id="schedule-year">{t("meetings.schedule_year")}</h2>
            <p className="muted small">{t("meetings.schedule_year_hint")}</p>
            <Form method="post" {...getFormProps(yearForm)} className="form">
              <FormErrors errors={yearForm.errors} />
              <input type="hidden" name="intent" value="schedule-year" />
              <TextAreaField field={yearFields.dates} label={t("meetings.dates")} rows={6} />
              <div className="field-row">
                <TextField field={yearFields.start} label={t("meetings.start")} ltr inputProps={{ inputMode: "numeric" }} />
                <TextField field={yearFields.end} label={t("meetings.end")} ltr inputProps={{ inputMode: "numeric" }} />
              </div>
              <TextField field={yearFields.place} label={t("meetings.place")} />
              <button type="submit" className="button button--ghost" disabled={busy}>
                {t("meetings.schedule_all")}
              </button>
            </Form>
          </section>
        </div>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
