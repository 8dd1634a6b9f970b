import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { RadioGroupField, SelectField } from "~/components/choice-fields";
import { FieldErrors, FormErrors, TextAreaField, TextField } from "~/components/form-field";
import { clockOf, MeetingStatus } from "~/components/meeting-calendar";
import { MinutesBody } from "~/components/minutes-body";
import { getNeighborhood } from "~/domain/councils.server";
import {
  addDecision,
  circulateMinutes,
  minutesOf,
  removeDecision,
  reopenDraft,
  respondToMinutes,
  saveMinutes,
  startCorrection,
  startMinutes,
} from "~/domain/meetings/minutes.server";
import { closeMeeting, markAttendance, openMeeting, rollCallOf } from "~/domain/meetings/roll-call.server";
import { addAgendaItem, agendaCandidates, cancelMeeting, getMeeting, removeAgendaItem } from "~/domain/meetings/schedule.server";
import {
  AgendaAddSchema,
  AgendaRemoveSchema,
  ATTENDANCE,
  CancelSchema,
  DecisionRemoveSchema,
  DecisionSchema,
  MarkSchema,
  MinutesSchema,
  NoFieldsSchema,
  RespondSchema,
  VERDICTS,
} from "~/forms/meetings";
import { formErrorsOf } from "~/forms/reply";
import { SERVER_EVENTS, type RollCallLive } from "~/realtime/events";
import { publishProposalState } from "~/realtime/live.server";
import { notifyMeetingChanged, publishRollCall } from "~/realtime/meetings-notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { intent, runIntent } from "~/server/intent.server";
import { invariantFound, isUuid } from "~/server/guards.server";
import { can, minutesResponseBlocker } from "~/utils/permissions";
import { formatDate, formatNumber } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";

async function load(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getMeeting(context.db, id) : null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { meeting, council, chairName, agenda } = await load(context, params.meetingId);
  const user = await getUser(request, context);
  const db = context.db;
  const neighborhood = invariantFound(await getNeighborhood(db, council.neighborhoodId));
  const scope = { kind: "council" as const, councilId: council.id, districtId: council.districtId };
  const mayRun = can(user, "council.meeting.run", scope);
  const [rollCall, versions, candidates] = await Promise.all([
    rollCallOf(db, meeting.id),
    minutesOf(db, meeting.id),
    mayRun && meeting.status === "scheduled" ? agendaCandidates(db, meeting.id, council.id) : Promise.resolve([]),
  ]);
  const current = versions[0] ?? null;
  const myMark = user ? rollCall?.entries.find((e) => e.userId === user.id)?.status : null;
  // Drafts are the secretary's work in progress: only officers and those asked to approve see them.
  const attended = myMark === "present" || myMark === "late";
  const showDraft = mayRun || (attended && current?.status === "circulating");
  const respondBlocker =
    current && user ? minutesResponseBlocker(user, scope, { attended, circulating: current.status === "circulating" }) : "sign_in";
  return {
    meeting: { ...meeting, chairName },
    council: { id: council.id, meetingsAdopt: council.meetingsAdopt, minutesApprovalDays: council.minutesApprovalDays },
    neighborhoodName: neighborhood.name,
    agenda,
    candidates,
    rollCall,
    minutes: current && (current.status === "approved" || showDraft) ? current : null,
    approvedBefore: versions.filter((v) => v.status === "approved" && v.id !== current?.id),
    hasApproved: versions.some((v) => v.status === "approved"),
    mayRun,
    mayRespond: respondBlocker === null,
    myResponse: current?.responses.find((r) => r.userId === user?.id) ?? null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { meeting, council } = await load(context, params.meetingId);
  const scope = { kind: "council" as const, councilId: council.id, districtId: council.districtId };
  const db = context.db;
  const run = () => can(user, "council.meeting.run", scope);
  const id = meeting.id;
  const currentMinutes = async () => (await minutesOf(db, id))[0] ?? null;
  /** The minutes in the address's meeting, never an id from the form. */
  const withMinutes = async <T,>(work: (minutesId: string) => Promise<T>) => {
    const current = await currentMinutes();
    return current ? work(current.id) : { ok: false as const, error: "not_found" };
  };
  return runIntent(
    await request.formData(),
    {
      "agenda-add": intent({
        schema: AgendaAddSchema,
        guard: run,
        run: ({ proposalId, title }) => addAgendaItem(db, { actor: user, meetingId: id, proposalId: proposalId || null, title }),
        fields: { agenda_title_invalid: "title", proposal_not_on_agenda: "proposalId", agenda_item_exists: "proposalId" },
      }),
      "agenda-remove": intent({
        schema: AgendaRemoveSchema,
        key: "itemId",
        guard: run,
        run: ({ itemId }) => removeAgendaItem(db, { actor: user, meetingId: id, itemId }),
      }),
      open: intent({ schema: NoFieldsSchema, guard: run, run: () => openMeeting(db, { actor: user, meetingId: id }, context.requestId) }),
      close: intent({ schema: NoFieldsSchema, guard: run, run: () => closeMeeting(db, { actor: user, meetingId: id }, context.requestId) }),
      cancel: intent({
        schema: CancelSchema,
        guard: run,
        run: ({ reason }) => cancelMeeting(db, { actor: user, meetingId: id, reason }, context.requestId),
        fields: { note_required: "reason" },
      }),
      mark: intent({
        schema: MarkSchema,
        key: "userId",
        guard: run,
        run: (value) => markAttendance(db, { actor: user, meetingId: id, ...value }),
        fields: { late_time_required: "arrivedAt", time_invalid: "arrivedAt" },
      }),
      "minutes-start": intent({ schema: NoFieldsSchema, guard: run, run: () => startMinutes(db, { actor: user, meetingId: id }) }),
      "minutes-save": intent({
        schema: MinutesSchema,
        guard: run,
        run: ({ summary, items }) =>
          withMinutes((minutesId) =>
            saveMinutes(db, {
              actor: user,
              minutesId,
              summary,
              items: items.map((i) => ({ agendaItemId: i.agendaItemId || null, title: i.title, summary: i.summary })),
            }),
          ),
      }),
      "decision-add": intent({
        schema: DecisionSchema,
        guard: run,
        run: ({ proposalId, ...value }) =>
          withMinutes((minutesId) => addDecision(db, { actor: user, minutesId, ...value, proposalId: proposalId || null })),
        fields: {
          decision_text_required: "text",
          responsible_required: "responsible",
          due_invalid: "dueOn",
          proposal_not_on_agenda: "proposalId",
        },
      }),
      "decision-remove": intent({
        schema: DecisionRemoveSchema,
        key: "decisionId",
        guard: run,
        run: ({ decisionId }) => withMinutes((minutesId) => removeDecision(db, { actor: user, minutesId, decisionId })),
      }),
      circulate: intent({
        schema: NoFieldsSchema,
        guard: run,
        run: () => withMinutes((minutesId) => circulateMinutes(db, { actor: user, minutesId }, context.requestId)),
      }),
      reopen: intent({
        schema: NoFieldsSchema,
        guard: run,
        run: () => withMinutes((minutesId) => reopenDraft(db, { actor: user, minutesId })),
      }),
      correct: intent({
        schema: NoFieldsSchema,
        guard: run,
        run: () => withMinutes((minutesId) => startCorrection(db, { actor: user, minutesId }, context.requestId)),
      }),
      respond: intent({
        schema: RespondSchema,
        // Who may answer is decided with the attendance record (minutesResponseBlocker, in the domain call).
        guard: () => can(user, "council.minutes.respond", scope),
        run: async ({ verdict, comment }) => {
          const outcome = await withMinutes((minutesId) =>
            respondToMinutes(db, { actor: user, minutesId, verdict, comment }, context.requestId),
          );
          // Approval may adopt proposals by show of hands: their open pages get the new state.
          if (outcome.ok) for (const proposalId of outcome.adopted) publishProposalState(context.io, db, proposalId);
          return outcome;
        },
        fields: { comment_required: "comment" },
      }),
    },
    {
      after: async (done) => {
        // Persist first, then tell the meeting's page: a mark carries the roll call, the rest reloads it.
        if (done === "mark") {
          const call = await rollCallOf(db, id);
          if (call) publishRollCall(context.io, call);
        } else {
          notifyMeetingChanged(context.io, id);
        }
        return redirect(`/meetings/${id}${done === "mark" ? "#roll-call" : ""}`);
      },
    },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.neighborhoodName} · ${data.meeting.number}` : "" }];

export default function MeetingPage() {
  const data = useLoaderData<typeof loader>();
  const { meeting, council, neighborhoodName, agenda, mayRun, minutes } = data;
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const revalidator = useRevalidator();
  const [live, setLive] = useState<RollCallLive | null>(null);
  useRoom(`meeting:${meeting.id}`, {
    [SERVER_EVENTS.meetingRollCall]: (payload) => setLive(payload as RollCallLive),
    [SERVER_EVENTS.meetingChanged]: () => revalidator.revalidate(),
  });
  const rollCall = live && live.meetingId === meeting.id && meeting.status === "in_session" ? live : data.rollCall;
  const buttons = formErrorsOf(
    [
      useIntentReply("open"),
      useIntentReply("close"),
      useIntentReply("minutes-start"),
      useIntentReply("circulate"),
      useIntentReply("reopen"),
      useIntentReply("correct"),
    ].find(Boolean),
  );
  // A draft's forms are gone once the minutes lock; a late save or decision (another tab) is answered here.
  const lateDraft = formErrorsOf(
    [useIntentReply("minutes-save"), useIntentReply("decision-add"), useIntentReply("decision-remove"), useIntentReply("respond")].find(
      (r) => r && minutes?.status !== "draft" && !(r.intent === "respond" && data.mayRespond),
    ),
  );
  return (
    <main className="page meeting-page">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to={`/councils/${council.id}`}>{t("meetings.council_of", { name: neighborhoodName })}</Link>
        <span aria-hidden="true"> / </span>
        <Link to={`/councils/${council.id}/meetings`}>{t("meetings.title")}</Link>
      </nav>
      <header className="card stack">
        <p className="meeting-head__chips">
          <MeetingStatus meeting={meeting} />
          {meeting.kind === "extra" ? (
            <span className="chip chip--warn">{t("meetings.kind.extra")}</span>
          ) : (
            <span className="chip">{t("meetings.kind.regular")}</span>
          )}
        </p>
        <h1>{t("meetings.number", { number: n(meeting.number) })}</h1>
        <dl className="meeting-facts">
          <dt>{t("meetings.date")}</dt>
          <dd>{formatDate(meeting.startsAt, i18n.language, "long")}</dd>
          <dt>{t("meetings.time")}</dt>
          <dd>
            {clockOf(meeting.startsAt, i18n.language)}–{clockOf(meeting.endsAt, i18n.language)}
          </dd>
          <dt>{t("meetings.place")}</dt>
          <dd dir="auto">{meeting.place}</dd>
          {meeting.chairName ? (
            <>
              <dt>{t("meetings.chair")}</dt>
              <dd dir="auto">{meeting.chairName}</dd>
            </>
          ) : null}
          {meeting.invitees ? (
            <>
              <dt>{t("meetings.invitees")}</dt>
              <dd dir="auto">{meeting.invitees}</dd>
            </>
          ) : null}
        </dl>
        {meeting.status === "cancelled" ? (
          <p className="alert alert--error">{t("meetings.cancelled_because", { reason: meeting.cancelReason ?? "" })}</p>
        ) : null}
        {data.hasApproved ? (
          <Link to={`/meetings/${meeting.id}/print`} className="button button--ghost">
            {t("meetings.print")}
          </Link>
        ) : null}
        <FormErrors errors={[...buttons, ...lateDraft]} />
        {mayRun ? <MeetingControls status={meeting.status} /> : null}
      </header>

      <section className="card stack" aria-labelledby="agenda">
        <h2 id="agenda">{t("meetings.agenda")}</h2>
        {agenda.length ? (
          <ol className="agenda">
            {agenda.map((item) => (
              <li key={item.id}>
                {item.proposalId ? (
                  <Link to={`/proposals/${item.proposalId}`} dir="auto">
                    {item.title}
                  </Link>
                ) : (
                  <span dir="auto">{item.title}</span>
                )}
                {mayRun && meeting.status === "scheduled" ? <AgendaRemove itemId={item.id} /> : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("meetings.agenda_empty")}</p>
        )}
        {mayRun && meeting.status === "scheduled" ? <AgendaAdd candidates={data.candidates} /> : null}
      </section>

      {rollCall && meeting.status !== "scheduled" && meeting.status !== "cancelled" ? (
        <section className="card stack" aria-labelledby="roll-call" id="roll-call">
          <h2 id="roll-call-title">{t("meetings.roll_call")}</h2>
          <p
            className={`quorum ${rollCall.quorum.met ? "quorum--met" : "quorum--short"}`}
            role="status"
            aria-live="polite"
            data-testid="quorum"
          >
            {rollCall.quorum.met
              ? t("meetings.quorum_met", {
                  present: n(rollCall.quorum.present),
                  needed: n(rollCall.quorum.needed),
                  seats: n(rollCall.seats),
                })
              : t("meetings.quorum_short", {
                  present: n(rollCall.quorum.present),
                  needed: n(rollCall.quorum.needed),
                  seats: n(rollCall.seats),
                })}
          </p>
          <ul className="list roll-call">
            {rollCall.entries.map((e) => (
              <li key={e.userId} className="roll-call__row">
                <span dir="auto" className="roll-call__name">
                  {e.name}
                </span>
                <span className={`chip attendance attendance--${e.status ?? "unmarked"}`}>
                  {t(`meetings.attendance.${e.status ?? "unmarked"}`)}
                  {e.status === "late" && e.arrivedAt ? ` ${clockOf(e.arrivedAt, i18n.language)}` : null}
                </span>
                {mayRun && meeting.status === "in_session" ? <MarkForm userId={e.userId} name={e.name} status={e.status} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {meeting.status === "closed" ? <MinutesSection /> : null}
    </main>
  );
}

function MeetingControls({ status }: { status: string }) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("cancel", CancelSchema);
  if (status === "scheduled") {
    return (
      <div className="stack">
        <Form method="post" noValidate>
          <button type="submit" name="intent" value="open" className="button" disabled={busy}>
            {t("meetings.open")}
          </button>
        </Form>
        <details>
          <summary>{t("meetings.cancel")}</summary>
          <Form method="post" {...getFormProps(form)} className="form">
            <FormErrors errors={form.errors} />
            <input type="hidden" name="intent" value="cancel" />
            <TextAreaField field={fields.reason} label={t("meetings.cancel_reason")} rows={2} />
            <button type="submit" className="button button--danger" disabled={busy}>
              {t("meetings.cancel")}
            </button>
          </Form>
        </details>
      </div>
    );
  }
  if (status === "in_session") {
    return (
      <Form method="post" noValidate>
        <p className="muted small">{t("meetings.close_hint")}</p>
        <button type="submit" name="intent" value="close" className="button" disabled={busy}>
          {t("meetings.close")}
        </button>
      </Form>
    );
  }
  return null;
}

function AgendaRemove({ itemId }: { itemId: string }) {
  const { t } = useTranslation();
  const errors = formErrorsOf(useIntentReply("agenda-remove", itemId));
  return (
    <Form method="post" noValidate className="inline-form">
      <input type="hidden" name="itemId" value={itemId} />
      <button type="submit" name="intent" value="agenda-remove" className="button button--small button--ghost">
        {t("meetings.agenda_remove")}
      </button>
      <FormErrors errors={errors} />
    </Form>
  );
}

function AgendaAdd({ candidates }: { candidates: { id: string; title: string }[] }) {
  const { t } = useTranslation();
  const [form, fields] = useIntentForm("agenda-add", AgendaAddSchema);
  return (
    <Form method="post" {...getFormProps(form)} className="form">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="agenda-add" />
      {candidates.length ? (
        <SelectField
          field={fields.proposalId}
          label={t("meetings.agenda_proposal")}
          options={[{ value: "", label: t("meetings.agenda_free") }, ...candidates.map((c) => ({ value: c.id, label: c.title }))]}
        />
      ) : null}
      <TextField
        field={fields.title}
        label={t("meetings.agenda_title")}
        hint={candidates.length ? t("meetings.agenda_title_hint") : undefined}
      />
      <button type="submit" className="button button--ghost">
        {t("meetings.agenda_add")}
      </button>
    </Form>
  );
}

function MarkForm({ userId, name, status }: { userId: string; name: string; status: string | null }) {
  const { t } = useTranslation();
  const [form, fields] = useIntentForm("mark", MarkSchema, {
    key: userId,
    defaultValue: { userId, status: (status as (typeof ATTENDANCE)[number]) ?? "present" },
  });
  return (
    <Form method="post" {...getFormProps(form)} className="mark-form" aria-label={t("meetings.mark_for", { name })}>
      <input type="hidden" name="intent" value="mark" />
      <input type="hidden" name="userId" value={userId} />
      <FormErrors errors={form.errors} />
      <SelectField
        field={fields.status}
        label={t("meetings.mark_status")}
        options={ATTENDANCE.map((a) => ({ value: a, label: t(`meetings.attendance.${a}`) }))}
      />
      <TextField
        field={fields.arrivedAt}
        label={t("meetings.arrived_at")}
        ltr
        inputProps={{ inputMode: "numeric", placeholder: t("meetings.time_placeholder") }}
      />
      <button type="submit" className="button button--small">
        {t("meetings.mark")}
      </button>
    </Form>
  );
}

function MinutesSection() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { minutes, mayRun, agenda } = data;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card stack" aria-labelledby="minutes">
      <h2 id="minutes">{t("meetings.minutes.title")}</h2>
      {!data.meeting.quorumMet ? <p className="alert alert--error">{t("meetings.no_quorum_record")}</p> : null}
      {!minutes ? (
        mayRun ? (
          <Form method="post" noValidate>
            <button type="submit" name="intent" value="minutes-start" className="button" disabled={busy}>
              {t("meetings.minutes.start")}
            </button>
          </Form>
        ) : (
          <p className="muted">{t("meetings.minutes.not_yet")}</p>
        )
      ) : (
        <>
          <p>
            <span className={`chip minutes-status minutes-status--${minutes.status}`}>
              {t(`meetings.minutes.status.${minutes.status}`)}
            </span>
            {minutes.version > 1 ? (
              <span className="chip">{t("meetings.minutes.correction", { version: formatNumber(minutes.version, i18n.language) })}</span>
            ) : null}
          </p>
          {minutes.status === "approved" ? (
            <p className="alert alert--success">
              {t("meetings.minutes.locked", { date: formatDate(minutes.approvedAt!, i18n.language, "date") })}
            </p>
          ) : null}
          {minutes.status === "circulating" ? (
            <p className="muted small">
              {t("meetings.minutes.respond_by", { date: formatDate(minutes.respondBy!, i18n.language, "datetime") })}
            </p>
          ) : null}
          {minutes.status === "draft" && mayRun ? <DraftEditor /> : <MinutesBody minutes={minutes} />}
          {minutes.status !== "draft" && minutes.responses.length ? (
            <section>
              <h3>{t("meetings.minutes.answers")}</h3>
              <ul className="list stack">
                {minutes.responses.map((r) => (
                  <li key={r.userId} className="small">
                    <span dir="auto">{r.name}</span>: {t(`meetings.minutes.verdict.${r.verdict}`)}
                    {r.comment ? (
                      <>
                        {" — "}
                        <span dir="auto">{r.comment}</span>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {data.mayRespond ? <RespondForm /> : null}
          {mayRun && minutes.status === "circulating" ? (
            <Form method="post" noValidate>
              <button type="submit" name="intent" value="reopen" className="button button--ghost" disabled={busy}>
                {t("meetings.minutes.reopen")}
              </button>
            </Form>
          ) : null}
          {mayRun && minutes.status === "approved" ? (
            <Form method="post" noValidate>
              <button type="submit" name="intent" value="correct" className="button button--ghost" disabled={busy}>
                {t("meetings.minutes.start_correction")}
              </button>
            </Form>
          ) : null}
        </>
      )}
      {data.approvedBefore.length ? (
        <details>
          <summary>{t("meetings.minutes.earlier")}</summary>
          {data.approvedBefore.map((v) => (
            <div key={v.id} className="stack">
              <h3>{t("meetings.minutes.version", { version: formatNumber(v.version, i18n.language) })}</h3>
              <MinutesBody minutes={v} />
            </div>
          ))}
        </details>
      ) : null}
      {agenda.length === 0 && minutes?.status === "draft" && mayRun ? (
        <p className="muted small">{t("meetings.minutes.no_agenda")}</p>
      ) : null}
    </section>
  );
}

function DraftEditor() {
  const data = useLoaderData<typeof loader>();
  const minutes = data.minutes!;
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const saved = new Map(minutes.items.map((i) => [i.agendaItemId ?? `free-${i.position}`, i]));
  const [form, fields] = useIntentForm("minutes-save", MinutesSchema, {
    defaultValue: {
      summary: minutes.summary,
      items: data.agenda.map((a) => ({ agendaItemId: a.id, title: a.title, summary: saved.get(a.id)?.summary ?? "" })),
    },
  });
  const items = fields.items.getFieldList();
  const agendaProposals = data.agenda.filter((a) => a.proposalId);
  const [decisionForm, decisionFields] = useIntentForm("decision-add", DecisionSchema);
  return (
    <div className="stack">
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="minutes-save" />
        <TextAreaField field={fields.summary} label={t("meetings.minutes.summary")} rows={4} />
        {items.map((item, i) => {
          const f = item.getFieldset();
          return (
            <div key={item.key}>
              <input type="hidden" name={f.agendaItemId.name} value={data.agenda[i]?.id ?? ""} />
              <input type="hidden" name={f.title.name} value={data.agenda[i]?.title ?? ""} />
              <TextAreaField
                field={f.summary}
                label={t("meetings.minutes.item_summary", { title: data.agenda[i]?.title ?? "" })}
                rows={3}
              />
            </div>
          );
        })}
        <button type="submit" className="button button--ghost" disabled={busy}>
          {t("meetings.minutes.save")}
        </button>
      </Form>
      <MinutesBody minutes={minutes}>{(decisionId) => <DecisionRemove decisionId={decisionId} />}</MinutesBody>
      {data.meeting.quorumMet ? (
        <Form method="post" {...getFormProps(decisionForm)} className="form card card--inset">
          <h3>{t("meetings.minutes.add_decision")}</h3>
          <FormErrors errors={decisionForm.errors} />
          <input type="hidden" name="intent" value="decision-add" />
          <TextAreaField
            field={decisionFields.text}
            label={t("meetings.minutes.decision_text")}
            hint={t("meetings.minutes.decision_hint")}
            rows={3}
          />
          <TextField field={decisionFields.responsible} label={t("meetings.minutes.responsible")} />
          <TextField
            field={decisionFields.dueOn}
            label={t("meetings.minutes.due")}
            hint={t("meetings.date_hint")}
            ltr
            inputProps={{ inputMode: "numeric" }}
          />
          {agendaProposals.length ? (
            <SelectField
              field={decisionFields.proposalId}
              label={t("meetings.minutes.linked_proposal")}
              options={[
                { value: "", label: t("meetings.minutes.no_proposal") },
                ...agendaProposals.map((a) => ({ value: a.proposalId!, label: a.title })),
              ]}
            />
          ) : null}
          <button type="submit" className="button button--ghost" disabled={busy}>
            {t("meetings.minutes.add_decision")}
          </button>
        </Form>
      ) : null}
      <Form method="post" noValidate>
        <p className="muted small">{t("meetings.minutes.circulate_hint", { days: formatNumber(data.council.minutesApprovalDays) })}</p>
        <button type="submit" name="intent" value="circulate" className="button" disabled={busy}>
          {t("meetings.minutes.circulate")}
        </button>
      </Form>
    </div>
  );
}

function DecisionRemove({ decisionId }: { decisionId: string }) {
  const { t } = useTranslation();
  const errors = formErrorsOf(useIntentReply("decision-remove", decisionId));
  return (
    <Form method="post" noValidate className="inline-form">
      <input type="hidden" name="decisionId" value={decisionId} />
      <button type="submit" name="intent" value="decision-remove" className="button button--small button--ghost">
        {t("meetings.minutes.remove_decision")}
      </button>
      <FieldErrors errors={errors} />
    </Form>
  );
}

function RespondForm() {
  const { myResponse } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("respond", RespondSchema, {
    defaultValue: { verdict: myResponse?.verdict ?? "approve", comment: myResponse?.comment ?? "" },
  });
  return (
    <Form method="post" {...getFormProps(form)} className="form card card--inset">
      <h3>{t("meetings.minutes.your_answer")}</h3>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="respond" />
      <RadioGroupField
        field={fields.verdict}
        legend={t("meetings.minutes.verdict_label")}
        options={VERDICTS.map((v) => ({ value: v, label: t(`meetings.minutes.verdict.${v}`) }))}
      />
      <TextAreaField field={fields.comment} label={t("meetings.minutes.comment")} rows={2} />
      <button type="submit" className="button" disabled={busy}>
        {t("meetings.minutes.send_answer")}
      </button>
    </Form>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
