import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { RadioGroupField, SelectField } from "~/components/choice-fields";
import { FormErrors, TextAreaField, TextField } from "~/components/form-field";
import { LinkedText } from "~/components/linked-text";
import { RelativeTime } from "~/components/relative-time";
import { getCouncil, getNeighborhood } from "~/domain/councils.server";
import {
  getProposalScope,
  getProposalView,
  hasSupported,
  proposalTimeline,
  putOnAgenda,
  supportProposal,
  withdrawProposal,
  withdrawSupport,
} from "~/domain/proposals.server";
import { castBallot, openVote, openVoteOf, voteView } from "~/domain/votes.server";
import { decideReferral, defaultCommissionFor, pendingReferral, postProgress, referToCommission, reviewOf } from "~/domain/review.server";
import { listCommissions } from "~/domain/commissions.server";
import { publishProposalState } from "~/realtime/live.server";
import { ballotDisclosure } from "~/domain/ballot-rule";
import { liveShouldRevalidate, useProposalLive, useReloadWhen } from "~/realtime/live";
import { invariantFound, isUuid } from "~/server/guards.server";
import { ballotBlocker, can, mayEditProposal } from "~/utils/permissions";
import {
  BallotSchema,
  DecideSchema,
  NoFieldsSchema,
  OpenVoteSchema,
  PROGRESS_STATUSES,
  ProgressSchema,
  REFERRAL_DECISIONS,
  ReferSchema,
  UNIT_NAME,
} from "~/forms/proposal-page";
import { formErrorsOf } from "~/forms/reply";
import { intent, runIntent } from "~/server/intent.server";
import { formatDate, toPersianDigits } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";
import { Thread } from "~/components/thread";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { threadIdFor } from "~/domain/threads/lookup.server";
import { threadBundle } from "~/server/thread.server";

async function load(context: LoaderFunctionArgs["context"], id: string | undefined) {
  const proposal = invariantFound(isUuid(id) ? await getProposalView(context.db, id) : null);
  const council = invariantFound(await getCouncil(context.db, proposal.councilId));
  return { proposal, council };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  // Read before anything else: a live state read after this is newer than what the page shows.
  const loadedAt = Date.now();
  const { proposal, council } = await load(context, params.proposalId);
  const user = await getUser(request, context);
  const neighborhood = await getNeighborhood(context.db, council.neighborhoodId);
  const timeline = await proposalTimeline(context.db, proposal.id);
  const scope = { kind: "council" as const, councilId: council.id, districtId: council.districtId };
  const vote = await voteView(context.db, proposal.id, user?.id ?? null);
  const review = await reviewOf(context.db, proposal.id);
  const pending = await pendingReferral(context.db, proposal.id);
  const mayRefer = Boolean(user) && proposal.status === "adopted" && can(user, "council.agenda", scope);
  // The commission's own discussion of the proposal, for its members only (one per commission it went to).
  const reviewCommissions = [...new Set(review.referrals.map((r) => r.commissionId))].filter((commissionId) =>
    can(user, "commission.review", { kind: "commission", commissionId }),
  );
  const reviewThreads = [];
  for (const commissionId of reviewCommissions) {
    const threadId = await threadIdFor(context.db, { kind: "commission", proposalId: proposal.id, commissionId });
    reviewThreads.push({
      commissionName: review.referrals.find((r) => r.commissionId === commissionId)?.commissionName ?? "",
      thread: await threadBundle(context, request, user, threadId),
    });
  }
  return {
    loadedAt,
    thread: await threadBundle(context, request, user, await threadIdFor(context.db, { kind: "proposal", proposalId: proposal.id })),
    reviewThreads,
    proposal,
    review,
    referForm: mayRefer
      ? {
          commissions: (await listCommissions(context.db)).map((c) => ({ id: c.id, name: c.name })),
          defaultId: await defaultCommissionFor(context.db, proposal.id),
        }
      : null,
    mayDecide: Boolean(pending && user && can(user, "commission.decide", { kind: "commission", commissionId: pending.commissionId })),
    mayPostProgress:
      Boolean(user) &&
      ["accepted", "referred_unit", "in_progress"].includes(proposal.status) &&
      can(user, "district.overview", { kind: "district", districtId: council.districtId }),
    council: { id: council.id, supportThreshold: council.supportThreshold, votingDays: Math.round(council.votingPeriodHours / 24) },
    vote,
    neighborhoodName: neighborhood?.name ?? "",
    timeline: timeline.map((e) => ({ id: e.id, at: e.at, kind: e.kind, actorName: e.actorName, data: e.data })),
    me: user
      ? {
          supported: await hasSupported(context.db, proposal.id, user.id),
          isAuthor: mayEditProposal(user, proposal),
          mayPutOnAgenda: can(user, "council.agenda", scope),
          mayOpenVote: can(user, "council.vote.open", scope),
          // "May vote" from the permission module, on this proposal's own vote.
          mayVote:
            vote !== null &&
            ballotBlocker(user, {
              councilId: council.id,
              districtId: council.districtId,
              status: vote.status,
              opensAt: vote.opensAt,
              closesAt: vote.closesAt,
            }) === null,
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // The proposal in the address and where it lives: all an action needs (the page is loaded after).
  const proposal = invariantFound(isUuid(params.proposalId) ? await getProposalScope(context.db, params.proposalId) : null);
  const scope = { kind: "council" as const, councilId: proposal.councilId, districtId: proposal.districtId };
  const db = context.db;
  return runIntent(
    await request.formData(),
    {
      support: intent({ schema: NoFieldsSchema, run: () => supportProposal(db, proposal.id, user.id) }),
      unsupport: intent({ schema: NoFieldsSchema, run: () => withdrawSupport(db, proposal.id, user.id) }),
      withdraw: intent({ schema: NoFieldsSchema, run: () => withdrawProposal(db, proposal.id, user.id) }),
      agenda: intent({
        schema: NoFieldsSchema,
        guard: () => can(user, "council.agenda", scope),
        run: () => putOnAgenda(db, proposal.id, user.id),
      }),
      "open-vote": intent({
        schema: OpenVoteSchema,
        guard: () => can(user, "council.vote.open", scope),
        run: ({ days }) => openVote(db, { proposalId: proposal.id, actorId: user.id, hours: days * 24 }),
      }),
      ballot: intent({
        schema: BallotSchema,
        // The vote is the open vote of the proposal in the address; a vote id in the form means nothing.
        guard: async () => {
          const vote = await openVoteOf(db, proposal.id);
          const blocker = ballotBlocker(user, vote && { ...vote, districtId: proposal.districtId });
          return blocker ? { error: ballotRefusal(blocker), status: 409 } : true;
        },
        run: async ({ choice }) => {
          const cast = await castBallot(db, { proposalId: proposal.id, userId: user.id, choice });
          return cast.ok ? cast : { ok: false, error: ballotRefusal(cast.error) };
        },
      }),
      refer: intent({
        schema: ReferSchema,
        guard: () => can(user, "council.agenda", scope),
        run: ({ commissionId }) => referToCommission(db, { proposalId: proposal.id, commissionId, actorId: user.id }),
      }),
      decide: intent({
        schema: DecideSchema,
        guard: async () => {
          const pending = await pendingReferral(db, proposal.id);
          if (!pending) return { error: "already_decided", status: 409 };
          return can(user, "commission.decide", { kind: "commission", commissionId: pending.commissionId });
        },
        run: async (value) => {
          const pending = await pendingReferral(db, proposal.id);
          if (!pending) return { ok: false, error: "already_decided" };
          return decideReferral(db, { referralId: pending.id, commissionId: pending.commissionId, actorId: user.id, ...value });
        },
      }),
      progress: intent({
        schema: ProgressSchema,
        guard: () => can(user, "district.overview", { kind: "district", districtId: proposal.districtId }),
        run: (value) => postProgress(db, { proposalId: proposal.id, actorId: user.id, ...value }),
      }),
    },
    {
      after: (done) => {
        // Everyone on the page (and on lists showing it) gets the new state. A ballot is announced only
        // where the ballot is open: under a secret ballot even "someone just voted" tells too much.
        if (done !== "ballot" || ballotDisclosure(proposal.ballot, "open").liveBallots) {
          publishProposalState(context.io, db, proposal.id);
        }
        return redirect(`/proposals/${proposal.id}`);
      },
    },
  );
}

/** A refused ballot in the words a member reads beside the vote. */
function ballotRefusal(error: string) {
  return error === "not_a_member" ? "vote_members_only" : error;
}

/** The numbers a timeline entry carries (tallies, supports), for its sentence. */
function eventNumbers(data: unknown) {
  const d = (data ?? {}) as Record<string, unknown>;
  const n = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : 0);
  return { for: n("for"), against: n("against"), abstain: n("abstain"), supportCount: n("supportCount") };
}

/**
 * The page patches supports, message counts and an open ballot's tally from live states, and
 * reloads only for what it cannot patch (needsReload: a status change, a new timeline entry, a
 * vote opened or closed). Its own forms reload it, as any action does; messages posted from its
 * threads do not.
 */
export const shouldRevalidate = liveShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.proposal.title }];

export default function ProposalPage() {
  const loaded = useLoaderData<typeof loader>();
  const { council, neighborhoodName, timeline, me, review, referForm, mayDecide, mayPostProgress, thread, reviewThreads } = loaded;
  // Every form answers its own refusals (app/server/intent.server.ts): field messages beside the
  // field, the rest above the form, what was typed kept.
  const buttonsReply = [useIntentReply("support"), useIntentReply("unsupport"), useIntentReply("withdraw"), useIntentReply("agenda")].find(
    Boolean,
  );
  const ballotReply = useIntentReply("ballot");
  const { t, i18n } = useTranslation();
  const [voteForm, voteFields] = useIntentForm("open-vote", OpenVoteSchema, {
    defaultValue: { days: i18n.language === "fa" ? toPersianDigits(council.votingDays) : String(council.votingDays) },
  });
  const [referFormState, referFields] = useIntentForm("refer", ReferSchema, { defaultValue: { commissionId: referForm?.defaultId ?? "" } });
  const [decideForm, decideFields] = useIntentForm("decide", DecideSchema);
  const [progressForm, progressFields] = useIntentForm("progress", ProgressSchema, { defaultValue: { status: "in_progress" } });
  const busy = useNavigation().state === "submitting";
  const revalidator = useRevalidator();
  // Supports, an open ballot's tally and message counts arrive live and are laid over the loader's
  // data; anything else the state tells (a new status, a vote opened or closed) reloads the page.
  const live = useProposalLive([loaded.proposal.id], loaded.loadedAt)(loaded.proposal.id);
  useReloadWhen(
    live,
    { status: loaded.proposal.status, events: timeline.length, voteId: loaded.vote?.id ?? null, voteStatus: loaded.vote?.status ?? null },
    revalidator.revalidate,
  );
  const proposal = live ? { ...loaded.proposal, supportCount: live.supportCount } : loaded.proposal;
  const vote =
    loaded.vote && live?.vote && live.vote.id === loaded.vote.id && live.vote.status === loaded.vote.status
      ? { ...loaded.vote, tally: live.vote.tally, voters: live.vote.voters }
      : loaded.vote;
  const open = proposal.status === "open";
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: `/councils/${council.id}`, label: t("proposal.council_of", { name: neighborhoodName }) }]} />
      <article className="card stack">
        <div>
          <span className={`chip proposal-status proposal-status--${proposal.status}`}>{t(`proposal.status.${proposal.status}`)}</span>
          <span className="chip">{proposal.categoryName}</span>
        </div>
        <h1 dir="auto">{proposal.title}</h1>
        <p className="muted small">
          {proposal.filedByName
            ? t("proposal.filed_on_behalf", { name: proposal.authorName ?? "", staff: proposal.filedByName })
            : t("proposal.filed_by", { name: proposal.authorName ?? t("proposal.someone") })}
          {t("history.separator")}
          <RelativeTime value={proposal.createdAt} />
          {proposal.editedAt ? `${t("history.separator")}${t("proposal.edited")}` : null}
        </p>
        {proposal.place ? (
          <p className="small">
            {t("proposal.place_label")}: <span dir="auto">{proposal.place}</span>
          </p>
        ) : null}
        <LinkedText text={proposal.body} className="prose" />
      </article>

      <section className="card stack" aria-labelledby="support-title">
        <h2 id="support-title">{t("proposal.supports_title")}</h2>
        {/* The threshold matters only while supports can still take the proposal to the agenda. */}
        <p data-live="supports">
          {open
            ? t("proposal.supports_count", { count: proposal.supportCount, threshold: council.supportThreshold })
            : t("proposal.supports_received", { count: proposal.supportCount })}
        </p>
        <FormErrors errors={formErrorsOf(buttonsReply)} />
        {!me ? (
          <Link className="button button--ghost" to={`/login?redirectTo=${encodeURIComponent(`/proposals/${proposal.id}`)}`}>
            {t("proposal.sign_in_to_support")}
          </Link>
        ) : open ? (
          <Form method="post">
            <button
              type="submit"
              name="intent"
              value={me.supported ? "unsupport" : "support"}
              className={me.supported ? "button button--ghost" : "button"}
              disabled={busy}
            >
              {me.supported ? t("proposal.unsupport") : t("proposal.support")}
            </button>
          </Form>
        ) : (
          <p className="muted small">{t("proposal.supports_closed")}</p>
        )}
        {me?.isAuthor && open && proposal.supportCount === 0 ? (
          <Link to={`/proposals/${proposal.id}/edit`} className="button button--ghost button--small">
            {t("proposal.edit")}
          </Link>
        ) : null}
        {me?.isAuthor && (proposal.status === "open" || proposal.status === "on_agenda") ? (
          <Form method="post">
            <button type="submit" name="intent" value="withdraw" className="button button--danger button--small" disabled={busy}>
              {t("proposal.withdraw")}
            </button>
          </Form>
        ) : null}
        {me?.mayPutOnAgenda && open ? (
          <Form method="post">
            <button type="submit" name="intent" value="agenda" className="button button--ghost button--small" disabled={busy}>
              {t("proposal.put_on_agenda")}
            </button>
          </Form>
        ) : null}
      </section>

      {vote || (me?.mayOpenVote && proposal.status === "on_agenda") || ballotReply ? (
        <section className="card stack" aria-labelledby="vote-title">
          <h2 id="vote-title">{t("vote.title")}</h2>
          {vote ? (
            <>
              <p className="small muted">
                {vote.status === "open" ? t("vote.closes", { date: formatDate(vote.closesAt, i18n.language, "datetime") }) : null}
                {vote.status === "closed" && vote.result ? (
                  <strong className={`chip proposal-status proposal-status--${vote.result}`}>{t(`proposal.status.${vote.result}`)}</strong>
                ) : null}
              </p>
              {vote.tally ? (
                <p data-live="tally">
                  {t("vote.tally", { for: vote.tally.for, against: vote.tally.against, abstain: vote.tally.abstain })}
                </p>
              ) : (
                <p className="small muted">{t("vote.secret_sealed")}</p>
              )}
              {vote.status === "closed" && vote.activeMembers !== null ? (
                <p className="small muted">{t("vote.quorum", { members: vote.activeMembers, needed: vote.quorumNeeded ?? 0 })}</p>
              ) : null}
              <FormErrors errors={formErrorsOf(ballotReply)} />
              {me?.mayVote ? (
                <Form method="post" className="vote-buttons">
                  <input type="hidden" name="intent" value="ballot" />
                  {(["for", "against", "abstain"] as const).map((c) => (
                    <button
                      key={c}
                      type="submit"
                      name="choice"
                      value={c}
                      className={vote.myChoice === c ? "button" : "button button--ghost"}
                      aria-pressed={vote.myChoice === c}
                      disabled={busy}
                    >
                      {t(`vote.choice.${c}`)}
                    </button>
                  ))}
                </Form>
              ) : null}
              {vote.myChoice && vote.status === "open" ? (
                <p className="small">{t("vote.you_chose", { choice: t(`vote.choice.${vote.myChoice}`) })}</p>
              ) : null}
              {vote.voters ? <h3>{t("vote.voters_open")}</h3> : null}
              {!vote.voters ? null : vote.voters.length ? (
                <ul className="list">
                  {vote.voters.map((v, i) => (
                    <li key={i} className="list__item">
                      <span dir="auto">{v.name}</span>
                      {v.choice ? <span className="chip">{t(`vote.choice.${v.choice}`)}</span> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="empty">{t("vote.no_ballots")}</p>
              )}
            </>
          ) : !(me?.mayOpenVote && proposal.status === "on_agenda") ? (
            // A ballot refused where no vote is open: said here, where the vote would be.
            <FormErrors errors={formErrorsOf(ballotReply)} />
          ) : (
            <Form method="post" {...getFormProps(voteForm)} className="form">
              <FormErrors errors={voteForm.errors} />
              <TextField field={voteFields.days} label={t("vote.days_label")} ltr inputProps={{ inputMode: "numeric" }} />
              <button type="submit" name="intent" value="open-vote" className="button" disabled={busy}>
                {t("vote.open")}
              </button>
            </Form>
          )}
        </section>
      ) : null}

      {review.referrals.length || referForm ? (
        <section className="card stack" aria-labelledby="review-title">
          <h2 id="review-title">{t("review.title")}</h2>
          {review.referrals.map((r) => (
            <div key={r.id} className="review">
              <p>
                <strong dir="auto">{r.commissionName}</strong>
                {r.overdue ? <span className="chip chip--warn">{t("review.overdue")}</span> : null}
              </p>
              <p className="small muted">
                {t("review.referred_on", { date: formatDate(r.referredAt, i18n.language) })}
                {t("history.separator")}
                {t("review.due_on", { date: formatDate(r.dueAt, i18n.language) })}
              </p>
              {r.decision ? (
                <div className="review__decision">
                  <p>
                    <span className={`chip proposal-status proposal-status--${r.decision}`}>{t(`proposal.status.${r.decision}`)}</span>
                    {r.unitName ? <span dir="auto"> {t("review.unit", { name: r.unitName })}</span> : null}
                  </p>
                  <p className="small">{t("review.rationale")}:</p>
                  <LinkedText text={r.rationale ?? ""} className="prose" />
                  <p className="small muted">
                    {r.decidedByName ? <span dir="auto">{r.decidedByName}</span> : null}
                    {t("history.separator")}
                    {r.decidedAt ? formatDate(r.decidedAt, i18n.language) : null}
                  </p>
                </div>
              ) : (
                <p className="small">{t("review.waiting")}</p>
              )}
            </div>
          ))}
          {review.progress.length ? (
            <>
              <h3>{t("review.progress_title")}</h3>
              <ol className="list">
                {review.progress.map((p) => (
                  <li key={p.id} className="list__item">
                    <span className={`chip proposal-status proposal-status--${p.status}`}>{t(`proposal.status.${p.status}`)}</span>{" "}
                    <span className="small muted">{formatDate(p.postedAt, i18n.language)}</span>
                    <LinkedText text={p.note} className="prose small" />
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {referForm ? (
            <Form method="post" {...getFormProps(referFormState)} className="form">
              <FormErrors errors={referFormState.errors} />
              <SelectField
                field={referFields.commissionId}
                label={t("review.refer_to")}
                options={referForm.commissions.map((c) => ({ value: c.id, label: c.name }))}
              />
              <button type="submit" name="intent" value="refer" className="button" disabled={busy}>
                {t("review.refer")}
              </button>
            </Form>
          ) : null}
          {mayDecide ? (
            <Form method="post" {...getFormProps(decideForm)} className="form">
              <FormErrors errors={decideForm.errors} />
              <RadioGroupField
                field={decideFields.decision}
                legend={t("review.decision")}
                options={REFERRAL_DECISIONS.map((d) => ({ value: d, label: t(`proposal.status.${d}`) }))}
              />
              <TextField field={decideFields.unitName} label={t("review.unit_label")} inputProps={{ maxLength: UNIT_NAME.max }} />
              <TextAreaField field={decideFields.rationale} label={t("review.rationale")} rows={5} />
              <button type="submit" name="intent" value="decide" className="button" disabled={busy}>
                {t("review.publish")}
              </button>
            </Form>
          ) : null}
          {mayPostProgress ? (
            <Form method="post" {...getFormProps(progressForm)} className="form">
              <FormErrors errors={progressForm.errors} />
              <SelectField
                field={progressFields.status}
                label={t("review.progress_status")}
                options={PROGRESS_STATUSES.map((status) => ({ value: status, label: t(`proposal.status.${status}`) }))}
              />
              <TextAreaField field={progressFields.note} label={t("review.progress_note")} rows={3} />
              <button type="submit" name="intent" value="progress" className="button button--ghost" disabled={busy}>
                {t("review.progress_post")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <section className="card stack" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("proposal.timeline_title")}</h2>
        <ol className="list">
          {timeline.map((e) => (
            <li key={e.id} className="list__item">
              <strong>{t(`proposal.event.${e.kind}`, { ...eventNumbers(e.data), defaultValue: t("history.unknown") })}</strong>
              <div className="muted small">
                <RelativeTime value={e.at} />
                {e.actorName ? (
                  <>
                    {t("history.separator")}
                    <span dir="auto">{e.actorName}</span>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      </section>

      {reviewThreads.map((r) => (
        <Thread
          key={r.thread.id}
          bundle={r.thread}
          anchor={`review-${r.thread.id}`}
          returnTo={`/proposals/${proposal.id}`}
          heading={t("thread.heading.commission", { title: r.commissionName })}
        />
      ))}
      <Thread bundle={thread} returnTo={`/proposals/${proposal.id}`} heading={t("thread.heading.proposal", { title: proposal.title })} />
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
