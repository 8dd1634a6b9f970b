import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, FormErrors } from "~/components/form-field";
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
import { castBallot, openVote, openVoteOf, voteView, type Choice } from "~/domain/votes.server";
import { decideReferral, defaultCommissionFor, pendingReferral, postProgress, referToCommission, reviewOf } from "~/domain/review.server";
import { listCommissions } from "~/domain/commissions.server";
import { publishProposalState } from "~/realtime/live.server";
import { ballotDisclosure } from "~/domain/ballot-rule";
import { liveShouldRevalidate, useProposalLive, useReloadWhen } from "~/realtime/live";
import { invariantFound, isUuid } from "~/server/guards.server";
import { ballotBlocker, can } from "~/utils/permissions";
import { formatDate, normalizeText, toPersianDigits } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";
import { Thread } from "~/components/thread";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { threadIdFor } from "~/domain/threads/lookup.server";
import { threadBundle } from "~/utils/thread.server";

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
          isAuthor: proposal.authorId === user.id,
          mayPutOnAgenda: can(user, "council.agenda", scope),
          mayOpenVote: can(user, "council.vote.open", scope),
          // "May vote" from the permission module, on this proposal's own vote.
          mayVote:
            vote !== null &&
            ballotBlocker(user, { councilId: council.id, districtId: council.districtId, status: vote.status, opensAt: vote.opensAt, closesAt: vote.closesAt }) === null,
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  // The proposal in the address and where it lives: all an action needs (the page is loaded after).
  const proposal = invariantFound(isUuid(params.proposalId) ? await getProposalScope(context.db, params.proposalId) : null);
  const council = { id: proposal.councilId, districtId: proposal.districtId, ballot: proposal.ballot };
  const form = await request.formData();
  const intent = form.get("intent");
  // What the person typed comes back with a refusal, so the form that sent it keeps it.
  const kept = Object.fromEntries(
    ["days", "decision", "rationale", "unitName", "status", "note", "commissionId"].map((k) => [k, String(form.get(k) ?? "")]),
  );
  const fail = (error: string, status: number) => data({ error, intent: String(intent ?? ""), kept }, { status });
  const back = () => redirect(`/proposals/${proposal.id}`);
  let outcome: { ok: true } | { ok: false; error: string };
  switch (intent) {
    case "support":
      outcome = await supportProposal(context.db, proposal.id, user.id);
      break;
    case "unsupport":
      outcome = await withdrawSupport(context.db, proposal.id, user.id);
      break;
    case "withdraw":
      outcome = await withdrawProposal(context.db, proposal.id, user.id);
      break;
    case "agenda":
      if (!can(user, "council.agenda", { kind: "council", councilId: council.id, districtId: council.districtId })) {
        return fail("action_forbidden", 403);
      }
      outcome = await putOnAgenda(context.db, proposal.id, user.id);
      break;
    case "open-vote": {
      if (!can(user, "council.vote.open", { kind: "council", councilId: council.id, districtId: council.districtId })) {
        return fail("action_forbidden", 403);
      }
      const days = Number(String(form.get("days") ?? "").replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))));
      if (!Number.isInteger(days) || days < 1 || days > 60) return fail("voting_period_invalid", 400);
      outcome = await openVote(context.db, { proposalId: proposal.id, actorId: user.id, hours: days * 24 });
      break;
    }
    case "ballot": {
      const choice = form.get("choice");
      if (choice !== "for" && choice !== "against" && choice !== "abstain") return fail("choice_invalid", 400);
      // The vote is the open vote of the proposal in the address; a vote id in the form means nothing.
      const vote = await openVoteOf(context.db, proposal.id);
      const blocker = ballotBlocker(user, vote && { ...vote, districtId: council.districtId });
      if (blocker) return fail(ballotRefusal(blocker), 409);
      const cast = await castBallot(context.db, { proposalId: proposal.id, userId: user.id, choice: choice as Choice });
      outcome = cast.ok ? cast : { ok: false, error: ballotRefusal(cast.error) };
      break;
    }
    case "refer": {
      if (!can(user, "council.agenda", { kind: "council", councilId: council.id, districtId: council.districtId })) {
        return fail("action_forbidden", 403);
      }
      const commissionId = form.get("commissionId");
      if (!isUuid(commissionId)) return fail("commission_unknown", 400);
      outcome = await referToCommission(context.db, { proposalId: proposal.id, commissionId, actorId: user.id });
      break;
    }
    case "decide": {
      const pending = await pendingReferral(context.db, proposal.id);
      if (!pending) return fail("already_decided", 409);
      if (!can(user, "commission.decide", { kind: "commission", commissionId: pending.commissionId })) {
        return fail("action_forbidden", 403);
      }
      const decision = String(form.get("decision") ?? "");
      const rationale = normalizeText(String(form.get("rationale") ?? ""), { multiline: true });
      const unitName = normalizeText(String(form.get("unitName") ?? ""));
      if (!["accepted", "declined", "returned", "referred_unit"].includes(decision)) return fail("choice_invalid", 400);
      if (rationale.length < 10 || rationale.length > 4000) return fail("rationale_required", 400);
      if (decision === "referred_unit" && (unitName.length < 2 || unitName.length > 200)) return fail("unit_required", 400);
      outcome = await decideReferral(context.db, {
        referralId: pending.id,
        commissionId: pending.commissionId,
        actorId: user.id,
        decision: decision as "accepted",
        rationale,
        unitName,
      });
      break;
    }
    case "progress": {
      if (!can(user, "district.overview", { kind: "district", districtId: council.districtId })) {
        return fail("action_forbidden", 403);
      }
      const status = form.get("status");
      const note = normalizeText(String(form.get("note") ?? ""), { multiline: true });
      if (status !== "in_progress" && status !== "done") return fail("choice_invalid", 400);
      if (note.length < 5 || note.length > 2000) return fail("progress_note_required", 400);
      outcome = await postProgress(context.db, { proposalId: proposal.id, actorId: user.id, status, note });
      break;
    }
    default:
      throw new Response("Bad Request", { status: 400 });
  }
  if (!outcome.ok) return fail(outcome.error, 409);
  // Everyone on the page (and on lists showing it) gets the new state. A ballot is announced only
  // where the ballot is open: under a secret ballot even "someone just voted" tells too much.
  if (intent !== "ballot" || ballotDisclosure(council.ballot, "open").liveBallots) {
    publishProposalState(context.io, context.db, proposal.id);
  }
  return back();
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
  const actionData = useActionData<typeof action>();
  // A refusal is shown on the form that caused it, with what was typed.
  const errorFor = (...intents: string[]) =>
    actionData?.error && intents.includes(actionData.intent) ? <FormErrors errors={[actionData.error]} /> : null;
  const kept = (field: string) => (actionData?.kept as Record<string, string> | undefined)?.[field] || undefined;
  // A refusal about one field is shown beside that field; any other above its form.
  const refusedField = (intent: string, error: string) => actionData?.intent === intent && actionData.error === error;
  const fieldError = (intent: string, error: string) => (refusedField(intent, error) ? <FieldErrors errors={[error]} /> : null);
  const formError = (intent: string, ...fieldErrors: string[]) =>
    actionData?.intent === intent && !fieldErrors.includes(actionData.error) ? errorFor(intent) : null;
  const { t, i18n } = useTranslation();
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
        {errorFor("support", "unsupport", "withdraw", "agenda")}
        {!me ? (
          <Link className="button button--ghost" to={`/login?redirectTo=${encodeURIComponent(`/proposals/${proposal.id}`)}`}>
            {t("proposal.sign_in_to_support")}
          </Link>
        ) : open ? (
          <Form method="post">
            <button type="submit" name="intent" value={me.supported ? "unsupport" : "support"} className={me.supported ? "button button--ghost" : "button"} disabled={busy}>
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

      {vote || (me?.mayOpenVote && proposal.status === "on_agenda") || actionData?.intent === "ballot" ? (
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
                <p data-live="tally">{t("vote.tally", { for: vote.tally.for, against: vote.tally.against, abstain: vote.tally.abstain })}</p>
              ) : (
                <p className="small muted">{t("vote.secret_sealed")}</p>
              )}
              {vote.status === "closed" && vote.activeMembers !== null ? (
                <p className="small muted">{t("vote.quorum", { members: vote.activeMembers, needed: vote.quorumNeeded ?? 0 })}</p>
              ) : null}
              {errorFor("ballot")}
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
              {vote.myChoice && vote.status === "open" ? <p className="small">{t("vote.you_chose", { choice: t(`vote.choice.${vote.myChoice}`) })}</p> : null}
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
            errorFor("ballot")
          ) : (
            <Form method="post" className="form" noValidate>
              {errorFor("open-vote")}
              <label className="field">
                <span className="field__label">{t("vote.days_label")}</span>
                <input name="days" defaultValue={kept("days") ?? (i18n.language === "fa" ? toPersianDigits(council.votingDays) : String(council.votingDays))} inputMode="numeric" dir="ltr" className="field__input" />
              </label>
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
            <Form method="post" className="form" noValidate>
              {errorFor("refer")}
              <label className="field">
                <span className="field__label">{t("review.refer_to")}</span>
                <select name="commissionId" defaultValue={kept("commissionId") ?? referForm.defaultId ?? ""} className="field__input">
                  {referForm.commissions.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" name="intent" value="refer" className="button" disabled={busy}>
                {t("review.refer")}
              </button>
            </Form>
          ) : null}
          {mayDecide ? (
            <Form method="post" className="form" noValidate>
              {formError("decide", "choice_invalid", "unit_required", "rationale_required")}
              <fieldset className="field">
                <legend className="field__label">{t("review.decision")}</legend>
                {(["accepted", "declined", "returned", "referred_unit"] as const).map((d) => (
                  <label key={d} className="decision-option">
                    <input type="radio" name="decision" value={d} defaultChecked={kept("decision") === d} /> {t(`proposal.status.${d}`)}
                  </label>
                ))}
                {fieldError("decide", "choice_invalid")}
              </fieldset>
              <label className="field">
                <span className="field__label">{t("review.unit_label")}</span>
                <input name="unitName" className="field__input" dir="auto" maxLength={200} defaultValue={kept("unitName")} aria-invalid={refusedField("decide", "unit_required") || undefined} />
                {fieldError("decide", "unit_required")}
              </label>
              <label className="field">
                <span className="field__label">{t("review.rationale")}</span>
                <textarea name="rationale" className="field__input field__input--area" dir="auto" rows={5} defaultValue={kept("rationale")} aria-invalid={refusedField("decide", "rationale_required") || undefined} />
                {fieldError("decide", "rationale_required")}
              </label>
              <button type="submit" name="intent" value="decide" className="button" disabled={busy}>
                {t("review.publish")}
              </button>
            </Form>
          ) : null}
          {mayPostProgress ? (
            <Form method="post" className="form" noValidate>
              {formError("progress", "progress_note_required")}
              <label className="field">
                <span className="field__label">{t("review.progress_status")}</span>
                <select name="status" className="field__input" defaultValue={kept("status") ?? "in_progress"}>
                  <option value="in_progress">{t("proposal.status.in_progress")}</option>
                  <option value="done">{t("proposal.status.done")}</option>
                </select>
              </label>
              <label className="field">
                <span className="field__label">{t("review.progress_note")}</span>
                <textarea name="note" className="field__input field__input--area" dir="auto" rows={3} defaultValue={kept("note")} aria-invalid={refusedField("progress", "progress_note_required") || undefined} />
                {fieldError("progress", "progress_note_required")}
              </label>
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
