import { getFormProps } from "@conform-to/react";
import { useIntentForm } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CouncilMeetingsCard } from "~/components/council-meetings-card";
import { councilMeetingsCard } from "~/domain/meetings/council-card.server";
import { Notice, TextAreaField } from "~/components/form-field";
import { applyBlocker, tehranToday, termState } from "~/domain/charter";
import { HistoryList, isolate, publicEntry } from "~/components/council-history";
import { listItemOf, ProposalList } from "~/components/proposal-list";
import { listProposals } from "~/domain/proposals.server";
import { councilHistory, getCouncil, getCouncilPublic } from "~/domain/councils.server";
import { applyToCouncil, leaveCouncil, standingWith, withdrawApplication } from "~/domain/membership.server";
import { ApplySchema, CouncilStandingSchema } from "~/forms/councils";
import type { FormReply } from "~/forms/reply";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyCouncilChanged } from "~/realtime/notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { liveShouldRevalidate } from "~/realtime/live";
import { invariantFound, isUuid } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { can } from "~/utils/permissions";
import { getT } from "~/utils/i18n.server";
import { formatDate } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";
import { Thread } from "~/components/thread";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { threadIdFor } from "~/domain/threads/lookup.server";
import { threadBundle } from "~/server/thread.server";

const DONE = ["applied", "withdrawn", "left"] as const;
type Done = (typeof DONE)[number];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const loadedAt = Date.now();
  const found = invariantFound(isUuid(params.councilId) ? await getCouncilPublic(context.db, params.councilId) : null);
  const { council, neighborhood } = found;
  const [user, t, history] = await Promise.all([getUser(request, context), getT(request), councilHistory(context.db, council.id, 50)]);
  const state = termState(council, tehranToday());
  let standing: { seatRole: "member" | "chair" | "secretary" | null; pending: boolean; blocker: string | null } | null = null;
  if (user) {
    const mine = await standingWith(context.db, user.id, council.id);
    // Said up front so nobody writes a statement only to be told the council is closed.
    const blocker =
      mine.seat || mine.pendingApplicationId
        ? null
        : applyBlocker({
            councilStatus: council.status,
            termState: state,
            isMember: false,
            hasPendingApplication: false,
            activeSeatsElsewhere: user.councilRoles.filter((s) => s.councilId !== council.id).length,
            seatLimit: context.env.COUNCIL_SEATS_PER_PERSON,
          });
    standing = { seatRole: mine.seat?.role ?? null, pending: Boolean(mine.pendingApplicationId), blocker };
  }
  // A term is "past" once a newer one started or it was closed (term end, dissolution).
  const pastTerms = found.terms
    .filter((term) => term.number !== council.termNumber || term.endedAt)
    .map((term) => ({
      number: term.number,
      termStart: term.termStart,
      termEnd: term.termEnd,
      members: found.past
        .filter((s) => s.termNumber === term.number)
        .map((s) => ({ id: s.id, name: s.name, role: s.role, status: s.status })),
    }));
  const meetingsCard = await councilMeetingsCard(context.db, council);
  return {
    meetingsCard,
    title: t("council.title", { name: neighborhood.name }),
    council: {
      id: council.id,
      status: council.status,
      statusReason: council.statusReason,
      termNumber: council.termNumber,
      termStart: council.termStart,
      termEnd: council.termEnd,
      quorumPercent: council.quorumPercent,
      votingPeriodHours: council.votingPeriodHours,
      majorityRule: council.majorityRule,
      proposers: council.proposers,
      supportThreshold: council.supportThreshold,
      authorMaySupport: council.authorMaySupport,
      ballot: council.ballot,
      reportsToHide: council.reportsToHide,
      threadPosters: council.threadPosters,
      chairsModerate: council.chairsModerate,
    },
    termState: state,
    neighborhood: {
      id: neighborhood.id,
      name: neighborhood.name,
      districtId: neighborhood.districtId,
      districtName: neighborhood.districtName,
    },
    members: found.active.map((s) => ({ id: s.id, name: s.name, role: s.role })),
    pendingApplications: found.pendingApplications,
    pastTerms,
    history: history.map(publicEntry),
    proposals: await listProposals(context.db, { councilId: council.id, limit: 5 }).then((page) => ({
      items: page.items.map(listItemOf),
      next: page.next,
    })),
    loadedAt,
    standing,
    thread: await threadBundle(context, request, user, await threadIdFor(context.db, { kind: "council", councilId: council.id })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const council = invariantFound(isUuid(params.councilId) ? await getCouncil(context.db, params.councilId) : null);
  const user = await requireUser(request, context);
  // Who may take part is asked of the permission module; whether this person may join this council
  // now (seats, term, an earlier application) is the domain's answer, refused on the form.
  const guard = () => can(user, "resident.participate");
  const done: Record<string, Done> = { apply: "applied", withdraw: "withdrawn", leave: "left" };
  return runIntent(
    await request.formData(),
    {
      apply: intent({
        schema: ApplySchema,
        guard,
        run: (value) =>
          applyToCouncil(
            context.db,
            { userId: user.id, councilId: council.id, statement: value.statement, seatLimit: context.env.COUNCIL_SEATS_PER_PERSON },
            context.requestId,
          ),
      }),
      withdraw: intent({
        schema: CouncilStandingSchema,
        guard,
        run: async () => {
          // The application is looked up from the person, never taken from the form.
          const { pendingApplicationId } = await standingWith(context.db, user.id, council.id);
          if (!pendingApplicationId) return { ok: false, error: "already_decided" };
          return withdrawApplication(context.db, user.id, pendingApplicationId, context.requestId);
        },
      }),
      leave: intent({ schema: CouncilStandingSchema, guard, run: () => leaveCouncil(context.db, user.id, council.id, context.requestId) }),
    },
    {
      after: (name) => {
        notifyCouncilChanged(context.io, council);
        return redirect(`/councils/${council.id}?done=${done[name]}`);
      },
    },
  );
}

/**
 * Membership changes (council:changed) reload the page: who may do what depends on them. Its
 * proposal list patches itself live, and its thread shows posted messages from their events.
 */
export const shouldRevalidate = liveShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Dates of a term are calendar days in Tehran; noon UTC keeps them on the same day. */
function useDay() {
  const { i18n } = useTranslation();
  return (iso: string) => formatDate(`${iso}T12:00:00Z`, i18n.language);
}

/** Domain errors in the first person where the shared wording speaks of "this person". */
function useOwnError() {
  const { t, i18n } = useTranslation();
  return (code: string) =>
    i18n.exists(`council.own_errors.${code}`)
      ? t(`council.own_errors.${code}`)
      : t(`errors.${code}`, { defaultValue: t("errors.field_invalid") });
}

export default function CouncilPage() {
  const {
    council,
    termState: state,
    neighborhood,
    members,
    pendingApplications,
    pastTerms,
    history,
    standing,
    proposals,
    thread,
    loadedAt,
    meetingsCard,
  } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const day = useDay();
  const revalidator = useRevalidator();
  const [searchParams] = useSearchParams();
  useRoom(`council:${council.id}`, { [SERVER_EVENTS.councilChanged]: () => revalidator.revalidate() });
  const done = DONE.find((d) => d === searchParams.get("done"));
  const chair = members.find((m) => m.role === "chair");
  const secretary = members.find((m) => m.role === "secretary");
  const others = members.filter((m) => m.role === "member");
  const days = council.votingPeriodHours / 24;
  const closed = council.status !== "active" ? "council_not_active" : state === "ended" ? "term_ended" : null;

  return (
    <main className="page council-page">
      <Breadcrumbs
        trail={[
          { to: "/", label: t("nav.home") },
          { to: `/districts/${neighborhood.districtId}`, label: neighborhood.districtName, dir: "auto" },
          { to: `/neighborhoods/${neighborhood.id}`, label: neighborhood.name, dir: "auto" },
        ]}
      />

      <header className="stack council-head">
        <h1>{t("council.title", { name: isolate(neighborhood.name) })}</h1>
        <p className="council-head__meta">
          <StatusChip status={council.status} />
          <span>{t("council.term_number", { number: council.termNumber })}</span>
          <span className="muted">{t("council.term_range", { start: day(council.termStart), end: day(council.termEnd) })}</span>
          {state !== "current" ? <span className="chip">{t(`council.term_state.${state}`)}</span> : null}
        </p>
        {council.status !== "active" ? (
          <div className={`council-notice council-notice--${council.status}`} role="note">
            <p>{t(`council.status_note.${council.status}`)}</p>
            {council.statusReason ? (
              <p>
                {t("council.reason")}: <span dir="auto">{council.statusReason}</span>
              </p>
            ) : null}
          </div>
        ) : state === "ended" ? (
          <p className="council-notice council-notice--suspended">{t("council.term_ended_note")}</p>
        ) : null}
      </header>

      {done ? <Notice tone="success">{t(`council.done.${done}`)}</Notice> : null}

      <StandingCard standing={standing} councilId={council.id} closed={closed} />

      <div className="columns">
        <div className="stack">
          <section className="card stack" aria-labelledby="members-title">
            <div className="council-section__head">
              <h2 id="members-title">{t("council.members_title")}</h2>
              <span className="muted small">{t("council.member_count", { count: members.length })}</span>
            </div>
            <dl className="council-officers">
              <div>
                <dt>{t("council.roles.chair")}</dt>
                <dd dir="auto">{chair?.name ?? <span className="muted">{t("council.officer_vacant")}</span>}</dd>
              </div>
              <div>
                <dt>{t("council.roles.secretary")}</dt>
                <dd dir="auto">{secretary?.name ?? <span className="muted">{t("council.officer_vacant")}</span>}</dd>
              </div>
            </dl>
            {members.length === 0 ? (
              <p className="empty">{t(council.status === "active" ? "council.members_empty" : "council.members_none")}</p>
            ) : others.length ? (
              <ul className="council-people">
                {others.map((m) => (
                  <li key={m.id} dir="auto">
                    {m.name}
                  </li>
                ))}
              </ul>
            ) : null}
            {pendingApplications > 0 ? <p className="muted small">{t("council.pending_count", { count: pendingApplications })}</p> : null}
          </section>

          <CouncilMeetingsCard {...meetingsCard} />
          <section className="card stack" aria-labelledby="proposals-title">
            <h2 id="proposals-title">{t("proposal.list_title")}</h2>
            <ProposalList items={proposals.items} emptyText={t("proposal.list_empty")} loadedAt={loadedAt} />
            <p className="council-proposals__links">
              {council.status === "active" ? (
                <Link to={`/proposals/new?council=${council.id}`} className="button button--small">
                  {t("proposal.new_link")}
                </Link>
              ) : null}{" "}
              {proposals.next ? <Link to={`/proposals?council=${council.id}`}>{t("proposal.show_more")}</Link> : null}
            </p>
          </section>

          <section className="card" aria-labelledby="charter-title">
            <h2 id="charter-title">{t("council.charter_title")}</h2>
            <dl className="council-charter">
              <div>
                <dt>{t("council.charter.quorum_label")}</dt>
                <dd>{t("council.charter.quorum", { percent: council.quorumPercent })}</dd>
              </div>
              <div>
                <dt>{t("council.charter.voting_period_label")}</dt>
                <dd>
                  {Number.isInteger(days)
                    ? t("council.charter.voting_days", { count: days })
                    : t("council.charter.voting_hours", { count: council.votingPeriodHours })}
                </dd>
              </div>
              <div>
                <dt>{t("council.charter.majority_label")}</dt>
                <dd>{t(`council.charter.majority.${council.majorityRule}`)}</dd>
              </div>
              <div>
                <dt>{t("council.charter.proposers_label")}</dt>
                <dd>{t(`council.charter.proposers.${council.proposers}`)}</dd>
              </div>
              <div>
                <dt>{t("council.charter.support_label")}</dt>
                <dd>
                  {t("council.charter.support", { count: council.supportThreshold })}{" "}
                  {council.authorMaySupport ? null : t("council.charter.author_support_not_counted")}
                </dd>
              </div>
              <div>
                <dt>{t("council.charter.ballot_label")}</dt>
                <dd>{t(`council.charter.ballot.${council.ballot}`)}</dd>
              </div>
              <div>
                <dt>{t("council.charter.reports_label")}</dt>
                <dd>{t("council.charter.reports", { count: council.reportsToHide })}</dd>
              </div>
              <div>
                <dt>{t("council.charter.thread_posters_label")}</dt>
                <dd>
                  {t(`council.charter.thread_posters.${council.threadPosters}`)}{" "}
                  {council.chairsModerate ? t("council.charter.chairs_moderate") : null}
                </dd>
              </div>
            </dl>
          </section>

          {pastTerms.length ? (
            <section className="card stack" aria-labelledby="terms-title">
              <h2 id="terms-title">{t("council.terms_title")}</h2>
              <ul className="list">
                {pastTerms.map((term) => (
                  <li key={term.number} className="list__item">
                    <strong>{t("council.term_number", { number: term.number })}</strong>{" "}
                    <span className="muted small">{t("council.term_range", { start: day(term.termStart), end: day(term.termEnd) })}</span>
                    {term.members.length ? (
                      <ul className="council-people council-people--small">
                        {term.members.map((m) => (
                          <li key={m.id}>
                            <span dir="auto">{m.name}</span>
                            {m.role !== "member" ? <span className="chip">{t(`council.roles.${m.role}`)}</span> : null}
                            {m.status === "left" || m.status === "removed" ? (
                              <span className="muted">
                                {t("history.separator")}
                                {t(`council.seat_end.${m.status}`)}
                              </span>
                            ) : null}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="muted small">{t("council.term_members_empty")}</p>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>

        <section className="card stack" id="history" aria-labelledby="history-title">
          <h2 id="history-title">{t("council.history_title")}</h2>
          <p className="muted small">{t("council.history_intro")}</p>
          <HistoryList entries={history} />
          <p className="small">
            <Link to={`/record?district=${neighborhood.districtId}&council=${council.id}`}>{t("record.council_history")}</Link>
          </p>
        </section>
      </div>
      <Thread bundle={thread} returnTo={`/councils/${council.id}`} heading={t("thread.heading.council", { title: neighborhood.name })} />
    </main>
  );
}

function StatusChip({ status }: { status: "active" | "suspended" | "dissolved" }) {
  const { t } = useTranslation();
  return <span className={`chip status-chip status-chip--${status}`}>{t(`council.status.${status}`)}</span>;
}

function StandingCard({
  standing,
  councilId,
  closed,
}: {
  standing: { seatRole: "member" | "chair" | "secretary" | null; pending: boolean; blocker: string | null } | null;
  councilId: string;
  /** Why nobody can apply right now, known without asking who is looking. */
  closed: string | null;
}) {
  const { t } = useTranslation();
  const actionData = useActionData<FormReply>();
  const refusal = actionData?.result.error?.[""]?.[0] ?? null;
  const ownError = useOwnError();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("apply", ApplySchema);

  let body;
  if (!standing && closed) {
    body = <Notice>{ownError(closed)}</Notice>;
  } else if (!standing) {
    const back = encodeURIComponent(`/councils/${councilId}`);
    body = (
      <p>
        <Link to={`/login?redirectTo=${back}`} className="button">
          {t("council.sign_in_to_apply")}
        </Link>{" "}
        <span className="muted small">
          {t("council.no_account")} <Link to="/signup">{t("nav.sign_up")}</Link>
        </span>
      </p>
    );
  } else if (standing.seatRole) {
    body = (
      <>
        <p>{t(`council.standing_seat.${standing.seatRole}`)}</p>
        <details className="council-confirm">
          <summary>{t("council.leave")}</summary>
          <Form method="post" className="form" noValidate>
            <p className="muted small">{t("council.leave_intro")}</p>
            <button type="submit" name="intent" value="leave" className="button button--danger" disabled={busy}>
              {t("council.leave_confirm")}
            </button>
          </Form>
        </details>
      </>
    );
  } else if (standing.pending) {
    body = (
      <>
        <p>{t("council.standing_pending")}</p>
        <Form method="post" noValidate>
          <button type="submit" name="intent" value="withdraw" className="button button--ghost" disabled={busy}>
            {t("council.withdraw")}
          </button>
        </Form>
      </>
    );
  } else if (standing.blocker) {
    // The failed action already says the same thing in red.
    body = refusal === standing.blocker ? null : <Notice>{ownError(standing.blocker)}</Notice>;
  } else {
    body = (
      <Form method="post" {...getFormProps(form)} className="form">
        <p className="muted">{t("council.apply_intro")}</p>
        <TextAreaField field={fields.statement} label={t("council.statement_label")} hint={t("council.statement_hint")} />
        <button type="submit" name="intent" value="apply" className="button" disabled={busy}>
          {busy ? t("common.sending") : t("council.apply_submit")}
        </button>
      </Form>
    );
  }

  return (
    <section className="card stack council-standing" aria-labelledby="standing-title">
      <div className="council-section__head">
        <h2 id="standing-title">{t("council.standing_title")}</h2>
        {standing ? (
          <Link to="/me/councils" className="small">
            {t("council.my_councils")}
          </Link>
        ) : null}
      </div>
      {refusal ? (
        <div className="alert alert--error" role="alert">
          <p>{ownError(refusal)}</p>
        </div>
      ) : null}
      {body}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
