import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { useIntentForm } from "~/components/app-form";
import { FormErrors, TextAreaField } from "~/components/form-field";
import { getDistrict } from "~/domain/districts.server";
import { jalaliMonthOf, monthParam, nextJalaliMonth, parseMonthParam, previousJalaliMonth } from "~/domain/meetings/calendar";
import { keepAfterAbsences, meetingReport } from "~/domain/meetings/district-report.server";
import { KeepSchema } from "~/forms/meetings";
import { intent, runIntent } from "~/server/intent.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { can } from "~/utils/permissions";
import { formatDate, formatNumber } from "~/utils/persian";
import { readQuery } from "~/utils/query";

const QUERY = {
  month: z
    .string()
    .max(10)
    .refine((v) => parseMonthParam(v) !== null),
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const user = await requireUserWith(request, context, "district.meetings.report", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  const { values, invalid } = readQuery(request, QUERY);
  const month = parseMonthParam(values.month) ?? jalaliMonthOf(new Date());
  const report = await meetingReport(context.db, { actor: user, districtId, month });
  if (!report.ok) throw new Response("Forbidden", { status: 403 });
  return {
    district: { id: district.id, name: district.name },
    month,
    previous: monthParam(previousJalaliMonth(month)),
    next: monthParam(nextJalaliMonth(month)),
    councils: report.councils,
    absences: report.absences,
    mayReview: can(user, "district.absence.review", { kind: "district", districtId }),
    badQuery: invalid.length > 0,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const user = await requireUserWith(request, context, "district.meetings.report", { kind: "district", districtId });
  return runIntent(await request.formData(), {
    keep: intent({
      schema: KeepSchema,
      key: "membershipId",
      guard: () => can(user, "district.absence.review", { kind: "district", districtId }),
      run: async ({ membershipId, note }) => {
        const result = await keepAfterAbsences(context.db, { actor: user, membershipId, note }, context.requestId);
        return result.ok ? redirect(new URL(request.url).pathname + new URL(request.url).search) : result;
      },
      fields: { note_required: "note" },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.district.name ?? "" }];

const monthNames = new Map<string, Intl.DateTimeFormat>();
function monthTitle(year: number, month: number, lang: string) {
  let f = monthNames.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR-u-ca-persian" : "en-US-u-ca-persian", {
      timeZone: "Asia/Tehran",
      year: "numeric",
      month: "long",
    });
    monthNames.set(lang, f);
  }
  // The middle of the month is in it on any calendar.
  const approx = new Date(Date.UTC(year + 621, 2, 21 + (month - 1) * 30.4 + 14));
  return f.format(approx);
}

export default function DistrictMeetings() {
  const { district, month, previous, next, councils, absences, mayReview, badQuery } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <main className="page">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to={`/manage/districts/${district.id}`}>{district.name}</Link>
      </nav>
      <h1>{t("meetings.report.title", { month: monthTitle(month.year, month.month, i18n.language) })}</h1>
      {badQuery ? <p className="alert alert--error">{t("meetings.report.bad_month")}</p> : null}
      <nav className="month-nav">
        <Link to={`?month=${previous}`} className="button button--ghost button--small">
          {t("meetings.report.previous")}
        </Link>
        <Link to={`?month=${next}`} className="button button--ghost button--small">
          {t("meetings.report.next")}
        </Link>
      </nav>
      {councils.length === 0 ? <p className="muted">{t("meetings.report.no_councils")}</p> : null}
      <ul className="list stack">
        {councils.map((c) => (
          <li key={c.councilId} className="card stack">
            <h2 className="report-council__title">
              <Link to={`/councils/${c.councilId}/meetings`} dir="auto">
                {c.neighborhoodName}
              </Link>
              <span className={`chip ${c.metMinimum ? "chip--accent" : "chip--warn"}`}>
                {c.metMinimum ? t("meetings.report.met") : t("meetings.report.not_met")}
              </span>
            </h2>
            <p className="small">
              {t("meetings.report.counts", { held: n(c.heldWithQuorum), minimum: n(c.minimum), scheduled: n(c.scheduled) })}
            </p>
            {c.meetings.length ? (
              <ul className="list small">
                {c.meetings.map((m) => (
                  <li key={m.id} className="report-meeting">
                    <Link to={`/meetings/${m.id}`}>{t("meetings.number", { number: n(m.number) })}</Link> ·{" "}
                    {formatDate(m.startsAt, i18n.language)} ·{" "}
                    {m.status === "closed" ? (
                      <>
                        <span className={`chip minutes-status minutes-status--${m.minutes}`}>
                          {t(`meetings.report.minutes.${m.minutes}`)}
                        </span>
                        {m.late ? <span className="chip chip--warn">{t("meetings.report.late")}</span> : null}
                        {m.quorumMet === false ? <span className="chip">{t("meetings.status.closed_no_quorum")}</span> : null}
                      </>
                    ) : (
                      <span className="chip">{t(`meetings.status.${m.status}`)}</span>
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      <section className="card stack" aria-labelledby="absences">
        <h2 id="absences">{t("meetings.report.absences")}</h2>
        {absences.length === 0 ? <p className="muted">{t("meetings.report.no_absences")}</p> : null}
        <ul className="list stack">
          {absences.map((a) => (
            <li key={a.membershipId} className="stack">
              <p>
                <strong dir="auto">{a.name}</strong> · <span dir="auto">{a.neighborhoodName}</span> ·{" "}
                {t(`meetings.report.crossing.${a.crossing.kind}`, { count: a.crossing.count, number: n(a.crossing.count) })}
              </p>
              {mayReview ? <KeepForm membershipId={a.membershipId} councilId={a.councilId} /> : null}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function KeepForm({ membershipId, councilId }: { membershipId: string; councilId: string }) {
  const { t } = useTranslation();
  const [form, fields] = useIntentForm("keep", KeepSchema, { key: membershipId, defaultValue: { membershipId } });
  return (
    <div className="stack">
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="keep" />
        <input type="hidden" name="membershipId" value={membershipId} />
        <TextAreaField field={fields.note} label={t("meetings.report.keep_note")} rows={2} />
        <button type="submit" className="button button--small">
          {t("meetings.report.keep")}
        </button>
      </Form>
      <Link to={`/manage/councils/${councilId}`} className="small">
        {t("meetings.report.remove_via_council")}
      </Link>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
