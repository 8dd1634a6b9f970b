import { getFormProps, getSelectProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CharterFields } from "~/components/charter-fields";
import { FieldErrors, FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { daysBetween, tehranToday } from "~/domain/charter";
import { changeCouncilStatus, getCouncil, getCouncilPublic, getNeighborhood, startNewTerm, updateCharter } from "~/domain/councils.server";
import { appointOfficer, inviteToCouncil, removeMember } from "~/domain/membership.server";
import {
  AppointSchema,
  CouncilCharterSchema,
  CouncilStatusSchema,
  InviteSchema,
  NewTermSchema,
  RemoveMemberSchema,
} from "~/forms/councils";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyAuthChanged, notifyCouncilChanged } from "~/realtime/notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { requireUser } from "~/server/session.server";
import type { FormReply } from "~/forms/reply";
import { textInvitation } from "~/utils/notify-sms.server";
import { getLocale, getT } from "~/utils/i18n.server";
import { can, type Action } from "~/utils/permissions";
import { formatDate, parseJalaliDate, toJalaliInput, toPersianDigits } from "~/utils/persian";

// The next term can be prepared in the last three months of the current one (or once it has ended).
const NEW_TERM_WINDOW_DAYS = 90;

function addDays(isoDate: string, days: number) {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The same day two years on, on the Jalali calendar (Esfand 30 falls back a day when that year has none). */
function twoYearsLater(isoDate: string) {
  const [y, m, d] = toJalaliInput(isoDate, "latn").split("/").map(Number) as [number, number, number];
  const pad = (v: number) => String(v).padStart(2, "0");
  return parseJalaliDate(`${y + 2}/${pad(m)}/${pad(d)}`) ?? parseJalaliDate(`${y + 2}/${pad(m)}/${pad(d - 1)}`)!;
}

async function councilScope(context: LoaderFunctionArgs["context"], councilId: string | undefined) {
  const council = invariantFound(isUuid(councilId) ? await getCouncil(context.db, councilId) : null);
  return { council, scope: { kind: "council", councilId: council.id, districtId: council.districtId } as const };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { scope } = await councilScope(context, params.councilId);
  const user = await requireUserWith(request, context, "district.overview", scope);
  const [view, t, locale] = await Promise.all([getCouncilPublic(context.db, scope.councilId), getT(request), getLocale(request)]);
  const { council, neighborhood, active, pendingApplications } = invariantFound(view);
  const digits = locale === "fa" ? "fa" : "latn";
  const n = (value: number) => (digits === "fa" ? toPersianDigits(value) : String(value));
  const today = tehranToday();
  const nextStart = addDays(council.termEnd, 1);
  const officer = (role: "chair" | "secretary") => {
    const seat = active.find((s) => s.role === role);
    return seat ? { id: seat.id, name: seat.name } : null;
  };
  return {
    title: `${t("manage.council_of", { name: neighborhood.name })} · ${t("manage.title")}`,
    districtId: council.districtId,
    council: {
      id: council.id,
      status: council.status,
      statusReason: council.statusReason,
      termNumber: council.termNumber,
      termStart: council.termStart,
      termEnd: council.termEnd,
    },
    neighborhood: { id: neighborhood.id, name: neighborhood.name },
    seats: active.map((s) => ({ id: s.id, name: s.name, role: s.role, startedAt: s.startedAt })),
    chair: officer("chair"),
    secretary: officer("secretary"),
    pendingApplications,
    charter: {
      termStart: toJalaliInput(council.termStart, digits),
      termEnd: toJalaliInput(council.termEnd, digits),
      quorumPercent: n(council.quorumPercent),
      votingPeriodDays: n(Math.max(1, Math.round(council.votingPeriodHours / 24))),
      majorityRule: council.majorityRule,
      proposers: council.proposers,
      supportThreshold: n(council.supportThreshold),
      authorMaySupport: council.authorMaySupport ? "yes" : "no",
      ballot: council.ballot,
      reportsToHide: n(council.reportsToHide),
      threadPosters: council.threadPosters,
      chairsModerate: council.chairsModerate ? "yes" : "no",
      meetingsPerMonth: n(council.meetingsPerMonth),
      meetingQuorumKind: council.meetingQuorumKind,
      meetingQuorum: n(council.meetingQuorum),
      absencesInRow: n(council.absencesInRow),
      absencesInYear: n(council.absencesInYear),
      minutesApprovalDays: n(council.minutesApprovalDays),
      meetingsAdopt: council.meetingsAdopt ? "yes" : "no",
    },
    newTerm: {
      offered: council.status !== "dissolved" && daysBetween(today, council.termEnd) <= NEW_TERM_WINDOW_DAYS,
      opensOn: addDays(council.termEnd, -NEW_TERM_WINDOW_DAYS),
      termStart: toJalaliInput(nextStart, digits),
      termEnd: toJalaliInput(twoYearsLater(nextStart), digits),
    },
    may: {
      manage: can(user, "council.manage", scope),
      appoint: can(user, "council.officers.appoint", scope),
      decide: can(user, "membership.decide", scope),
      editNeighborhood: can(user, "neighborhood.manage", scope),
    },
  };
}

type Done =
  | "charter_saved"
  | "status_suspended"
  | "status_active"
  | "status_dissolved"
  | "term_started"
  | "appointed_chair"
  | "appointed_secretary"
  | "member_removed"
  | "invited"
  | "invited_waiting";

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { council, scope } = await councilScope(context, params.councilId);
  const user = await requireUser(request, context);
  const db = context.db;
  const may = (action: Action) => () => can(user, action, scope);
  const changed = () => notifyCouncilChanged(context.io, { id: council.id, districtId: council.districtId });
  const seatedNow = async () => (await getCouncilPublic(db, council.id))?.active.map((s) => s.userId) ?? [];
  // `key` tells which of several same-kind forms (one per member, per office, per status change) answered.
  return runIntent<Done>(await request.formData(), {
    charter: intent({
      schema: CouncilCharterSchema,
      guard: may("council.manage"),
      run: async (value) => {
        const outcome = await updateCharter(db, user.id, council.id, value, context.requestId);
        if (!outcome.ok) return outcome;
        changed();
        return { ok: true, done: "charter_saved" as const };
      },
    }),
    status: intent({
      schema: CouncilStatusSchema,
      key: "change",
      guard: may("council.manage"),
      run: async ({ change, reason }) => {
        // Dissolving ends every seat: those people's sessions must learn it.
        const seated = change === "dissolve" ? await seatedNow() : [];
        const outcome = await changeCouncilStatus(db, user.id, council.id, change, reason, context.requestId);
        if (!outcome.ok) return outcome;
        for (const userId of seated) notifyAuthChanged(context.io, userId);
        changed();
        return { ok: true, done: `status_${outcome.status}` as Done, resetForm: true };
      },
    }),
    "new-term": intent({
      schema: NewTermSchema,
      guard: may("council.manage"),
      run: async (value) => {
        const seated = await seatedNow();
        const outcome = await startNewTerm(db, user.id, council.id, value, context.requestId);
        if (!outcome.ok) return outcome;
        for (const userId of seated) notifyAuthChanged(context.io, userId);
        changed();
        return { ok: true, done: "term_started" as const, resetForm: true };
      },
    }),
    appoint: intent({
      schema: AppointSchema,
      key: "office",
      guard: may("council.officers.appoint"),
      run: async (value) => {
        const outcome = await appointOfficer(db, { actorId: user.id, councilId: council.id, ...value }, context.requestId);
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        if (outcome.previousUserId) notifyAuthChanged(context.io, outcome.previousUserId);
        changed();
        return { ok: true, done: `appointed_${value.office}` as Done, resetForm: true };
      },
    }),
    remove: intent({
      schema: RemoveMemberSchema,
      key: "membershipId",
      guard: may("council.manage"),
      run: async (value) => {
        const outcome = await removeMember(db, { actorId: user.id, councilId: council.id, ...value }, context.requestId);
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        changed();
        return { ok: true, done: "member_removed" as const, resetForm: true };
      },
    }),
    invite: intent({
      schema: InviteSchema,
      guard: may("membership.decide"),
      run: async ({ phone }) => {
        const outcome = await inviteToCouncil(db, { actorId: user.id, councilId: council.id, phone }, context.requestId);
        if (!outcome.ok) return outcome;
        const neighborhood = await getNeighborhood(db, council.neighborhoodId);
        await textInvitation(context, phone, neighborhood?.name ?? "", Boolean(outcome.userId));
        return { ok: true, done: outcome.userId ? "invited" : "invited_waiting", resetForm: true };
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type ActionData = FormReply<Done>;

/** The action's answer, only for the form that sent it. */
function useReplyFor(intent: string, key: string | null = null) {
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  if (!actionData || actionData.intent !== intent) return undefined;
  if (key !== null && actionData.key !== key) return undefined;
  return actionData;
}

export default function ManageCouncil() {
  const { districtId, council, neighborhood, seats, chair, secretary, pendingApplications, may } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, i18n } = useTranslation();
  const revalidator = useRevalidator();
  useRoom(`council:${council.id}`, { [SERVER_EVENTS.councilChanged]: () => revalidator.revalidate() });
  const lang = i18n.language;
  const dissolved = council.status === "dissolved";
  // A refusal whose form has gone after the reload (the member was removed meanwhile, the status
  // already changed) is shown at the top instead of disappearing with its form.
  const orphanErrors =
    actionData &&
    !actionData.done &&
    actionData.result.error?.[""]?.length &&
    ((actionData.intent === "remove" && !seats.some((s) => s.id === actionData.key)) ||
      (actionData.intent === "status" && !statusFormShown(council.status, actionData.key)) ||
      (actionData.intent === "appoint" && !seats.length))
      ? actionData.result.error[""]
      : null;

  return (
    <div className="stack">
      <Breadcrumbs
        trail={[
          { to: `/manage/districts/${districtId}`, label: t("manage.tab_overview") },
          { label: t("manage.council_of", { name: neighborhood.name }) },
        ]}
      />
      <header className="council-head">
        <h2>
          {t("manage.council_of", { name: neighborhood.name })}{" "}
          <span className={`chip status-chip status-chip--${council.status}`}>{t(`manage.status_${council.status}`)}</span>
        </h2>
        <p className="muted small">
          {t("manage.term_range", {
            number: council.termNumber,
            start: formatDate(council.termStart, lang),
            end: formatDate(council.termEnd, lang),
          })}
          {" · "}
          {t("manage.members_count", { count: seats.length })}
          {pendingApplications ? (
            <>
              {" · "}
              {may.decide ? (
                <Link to={`/manage/districts/${districtId}/applications`}>{t("manage.pending_count", { count: pendingApplications })}</Link>
              ) : (
                t("manage.pending_count", { count: pendingApplications })
              )}
            </>
          ) : null}
        </p>
        {council.status !== "active" && council.statusReason ? (
          <Notice tone="info">
            {t(`manage.status_reason_${council.status}`)} <span dir="auto">{council.statusReason}</span>
          </Notice>
        ) : null}
        {may.editNeighborhood ? (
          <p className="small">
            <Link to={`/manage/neighborhoods/${neighborhood.id}`}>{t("manage.edit_neighborhood_link")}</Link>
          </p>
        ) : null}
      </header>

      {actionData?.done ? <Notice tone="success">{t(`manage.done_${actionData.done}`)}</Notice> : null}
      <FormErrors errors={orphanErrors} />

      <div className="columns">
        <div className="stack">
          <section className="card stack" aria-labelledby="members-title">
            <h3 id="members-title">{t("manage.members_title")}</h3>
            {seats.length === 0 ? (
              <p className="empty">{dissolved ? t("manage.members_none_dissolved") : t("manage.members_empty")}</p>
            ) : (
              <ul className="list">
                {seats.map((s) => (
                  <li key={s.id} className="list__item member-row">
                    <div className="member-row__main">
                      <span>
                        <strong dir="auto">{s.name}</strong>
                        {s.role !== "member" ? <span className="chip chip--accent">{t(`manage.office_${s.role}`)}</span> : null}
                      </span>
                      <span className="muted small">{t("manage.member_since", { date: formatDate(s.startedAt, lang) })}</span>
                    </div>
                    {may.manage ? <RemoveMemberForm membershipId={s.id} name={s.name} /> : null}
                  </li>
                ))}
              </ul>
            )}
            {may.appoint && seats.length ? (
              <div className="officers">
                <AppointForm office="chair" holder={chair} seats={seats} />
                <AppointForm office="secretary" holder={secretary} seats={seats} />
              </div>
            ) : null}
          </section>

          {may.decide && !dissolved ? (
            <section className="card stack" aria-labelledby="invite-title">
              <h3 id="invite-title">{t("manage.invite_title")}</h3>
              {council.status === "active" ? <InviteForm /> : <p className="muted">{t("manage.invite_not_active")}</p>}
            </section>
          ) : null}
        </div>

        <div className="stack">
          {!dissolved && may.manage ? (
            <>
              <CharterForm />
              <NewTermSection />
              <StatusSection status={council.status} />
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function RemoveMemberForm({ membershipId, name }: { membershipId: string; name: string }) {
  const { t } = useTranslation();
  const reply = useReplyFor("remove", membershipId);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: `remove-${membershipId}`,
    lastResult: reply?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RemoveMemberSchema }),
  });
  return (
    <details className="manage-details member-row__remove" open={reply && !reply.done ? true : undefined}>
      <summary>{t("manage.remove_member")}</summary>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <TextAreaField field={fields.reason} label={t("manage.remove_reason", { name })} hint={t("manage.remove_reason_hint")} rows={2} />
        <button type="submit" name="intent" value="remove" className="button button--danger button--small" disabled={busy}>
          {t("manage.remove_submit")}
        </button>
      </Form>
    </details>
  );
}

function AppointForm({
  office,
  holder,
  seats,
}: {
  office: "chair" | "secretary";
  holder: { id: string; name: string } | null;
  seats: { id: string; name: string; role: string }[];
}) {
  const { t } = useTranslation();
  const reply = useReplyFor("appoint", office);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: `appoint-${office}`,
    lastResult: reply?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AppointSchema }),
  });
  const candidates = seats.filter((s) => s.id !== holder?.id);
  return (
    <Form method="post" {...getFormProps(form)} className="form officer">
      <p className="officer__now">
        <span className="field__label">{t(`manage.office_${office}`)}: </span>
        {holder ? <strong dir="auto">{holder.name}</strong> : <span className="warn">{t("manage.office_empty")}</span>}
      </p>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="office" value={office} />
      {/* What this page saw; the server refuses if the office changed since (another tab, another manager). */}
      <input type="hidden" name="expectedHolder" value={holder?.id ?? "none"} />
      {candidates.length ? (
        <div className="officer__pick">
          <div className="field">
            <label htmlFor={fields.membershipId.id} className="manage-hidden-label">
              {t(`manage.appoint_${office}`)}
            </label>
            <select {...getSelectProps(fields.membershipId)} key={fields.membershipId.key} className="field__input">
              <option value="">{t("manage.pick_member")}</option>
              {candidates.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.role !== "member" ? ` (${t(`manage.office_${s.role}`)})` : ""}
                </option>
              ))}
            </select>
            <FieldErrors id={fields.membershipId.errorId} errors={fields.membershipId.errors} />
          </div>
          <button type="submit" name="intent" value="appoint" className="button button--ghost" disabled={busy}>
            {holder ? t(`manage.replace_${office}`) : t(`manage.appoint_${office}`)}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

function InviteForm() {
  const { t } = useTranslation();
  const reply = useReplyFor("invite");
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "invite",
    lastResult: reply?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
  });
  return (
    <Form method="post" {...getFormProps(form)} className="form">
      <p className="muted small">{t("manage.invite_intro")}</p>
      <FormErrors errors={form.errors} />
      <TextField
        field={fields.phone}
        label={t("manage.invite_phone")}
        type="tel"
        ltr
        inputProps={{ inputMode: "tel", autoComplete: "off", placeholder: t("auth.phone_placeholder") }}
      />
      <button type="submit" name="intent" value="invite" className="button" disabled={busy}>
        {t("manage.invite_submit")}
      </button>
    </Form>
  );
}

function CharterForm() {
  const { charter } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const reply = useReplyFor("charter");
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "charter",
    lastResult: reply?.result,
    defaultValue: charter,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CouncilCharterSchema }),
  });
  return (
    <section className="card stack" aria-labelledby="charter-title">
      <h3 id="charter-title">{t("manage.charter_title")}</h3>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} />
        <CharterFields fields={fields} meetings={fields} />
        <button type="submit" name="intent" value="charter" className="button" disabled={busy}>
          {t("manage.charter_save")}
        </button>
      </Form>
    </section>
  );
}

function NewTermSection() {
  const { council, newTerm } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const reply = useReplyFor("new-term");
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "new-term",
    lastResult: reply?.result,
    defaultValue: { termStart: newTerm.termStart, termEnd: newTerm.termEnd },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewTermSchema }),
  });
  return (
    <section className="card stack" aria-labelledby="term-title">
      <h3 id="term-title">{t("manage.new_term_title")}</h3>
      {newTerm.offered ? (
        <Form method="post" {...getFormProps(form)} className="form">
          <p className="muted small">{t("manage.new_term_intro", { number: council.termNumber + 1 })}</p>
          <FormErrors errors={form.errors} />
          <div className="charter-pair">
            <TextField
              field={fields.termStart}
              label={t("manage.term_start")}
              hint={t("manage.date_hint")}
              ltr
              inputProps={{ autoComplete: "off", maxLength: 12 }}
            />
            <TextField field={fields.termEnd} label={t("manage.term_end")} ltr inputProps={{ autoComplete: "off", maxLength: 12 }} />
          </div>
          <button type="submit" name="intent" value="new-term" className="button" disabled={busy}>
            {t("manage.new_term_submit", { number: council.termNumber + 1 })}
          </button>
        </Form>
      ) : (
        <p className="muted">{t("manage.new_term_later", { date: formatDate(newTerm.opensOn, i18n.language) })}</p>
      )}
    </section>
  );
}

function statusFormShown(status: string, change: string | null) {
  if (change === "suspend") return status === "active";
  if (change === "resume") return status === "suspended";
  return status !== "dissolved";
}

function StatusSection({ status }: { status: "active" | "suspended" | "dissolved" }) {
  const { t } = useTranslation();
  return (
    <section className="card stack" aria-labelledby="status-title">
      <h3 id="status-title">{t("manage.status_title")}</h3>
      {status === "active" ? <StatusForm change="suspend" /> : null}
      {status === "suspended" ? <StatusForm change="resume" /> : null}
      <StatusForm change="dissolve" />
    </section>
  );
}

function StatusForm({ change }: { change: "suspend" | "resume" | "dissolve" }) {
  const { t } = useTranslation();
  const reply = useReplyFor("status", change);
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: `status-${change}`,
    lastResult: reply?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CouncilStatusSchema }),
  });
  const body = (
    <Form method="post" {...getFormProps(form)} className="form">
      <p className="muted small">{t(`manage.${change}_explain`)}</p>
      <FormErrors errors={form.errors} />
      <input type="hidden" name="change" value={change} />
      <TextAreaField field={fields.reason} label={t(`manage.${change}_reason`)} hint={t("manage.reason_public_hint")} rows={2} />
      <button
        type="submit"
        name="intent"
        value="status"
        className={change === "resume" ? "button" : "button button--danger"}
        disabled={busy}
      >
        {t(`manage.${change}_submit`)}
      </button>
    </Form>
  );
  // Dissolving cannot be undone: it sits behind one more, deliberate step.
  if (change === "dissolve") {
    return (
      <details className="manage-details manage-details--danger" open={reply && !reply.done ? true : undefined}>
        <summary>{t("manage.dissolve_open")}</summary>
        {body}
      </details>
    );
  }
  return body;
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
