import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors } from "~/components/form-field";
import { LinkedText } from "~/components/linked-text";
import { RelativeTime } from "~/components/relative-time";
import { getCouncil, getNeighborhood } from "~/domain/councils.server";
import {
  getProposalView,
  hasSupported,
  proposalTimeline,
  putOnAgenda,
  supportProposal,
  withdrawProposal,
  withdrawSupport,
} from "~/domain/proposals.server";
import { castBallot, openVote, voteView, type Choice } from "~/domain/votes.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { notifyProposalChanged } from "~/realtime/notify.server";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid } from "~/utils/guards.server";
import { can } from "~/utils/permissions";
import { formatDate } from "~/utils/persian";
import { getUser, requireUser } from "~/utils/session.server";

async function load(context: LoaderFunctionArgs["context"], id: string | undefined) {
  const proposal = invariantFound(isUuid(id) ? await getProposalView(context.db, id) : null);
  const council = invariantFound(await getCouncil(context.db, proposal.councilId));
  return { proposal, council };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { proposal, council } = await load(context, params.proposalId);
  const user = await getUser(request, context);
  const neighborhood = await getNeighborhood(context.db, council.neighborhoodId);
  const timeline = await proposalTimeline(context.db, proposal.id);
  const scope = { kind: "council" as const, councilId: council.id, districtId: council.districtId };
  const vote = await voteView(context.db, proposal.id, user?.id ?? null);
  return {
    proposal,
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
          isMember: user.councilRoles.some((seat) => seat.councilId === council.id),
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { proposal, council } = await load(context, params.proposalId);
  const form = await request.formData();
  const intent = form.get("intent");
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
        throw new Response("Forbidden", { status: 403 });
      }
      outcome = await putOnAgenda(context.db, proposal.id, user.id);
      break;
    case "open-vote": {
      if (!can(user, "council.vote.open", { kind: "council", councilId: council.id, districtId: council.districtId })) {
        throw new Response("Forbidden", { status: 403 });
      }
      const days = Number(String(form.get("days") ?? "").replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))));
      if (!Number.isInteger(days) || days < 1 || days > 60) return data({ error: "voting_period_invalid" }, { status: 400 });
      outcome = await openVote(context.db, { proposalId: proposal.id, actorId: user.id, hours: days * 24 });
      break;
    }
    case "ballot": {
      const choice = form.get("choice");
      const voteId = form.get("voteId");
      if ((choice !== "for" && choice !== "against" && choice !== "abstain") || !isUuid(voteId)) {
        return data({ error: "choice_invalid" }, { status: 400 });
      }
      outcome = await castBallot(context.db, { voteId, userId: user.id, choice: choice as Choice });
      break;
    }
    default:
      throw new Response("Bad Request", { status: 400 });
  }
  if (!outcome.ok) return data({ error: outcome.error }, { status: 409 });
  notifyProposalChanged(context.io, proposal.id);
  return back();
}

/** The numbers a timeline entry carries (tallies, supports), for its sentence. */
function eventNumbers(data: unknown) {
  const d = (data ?? {}) as Record<string, unknown>;
  const n = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : 0);
  return { for: n("for"), against: n("against"), abstain: n("abstain"), supportCount: n("supportCount") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.proposal.title }];

export default function ProposalPage() {
  const { proposal, council, neighborhoodName, timeline, me, vote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const revalidator = useRevalidator();
  // Supports, ballots and the closing of the vote arrive live for everyone on the page.
  useRoom(`proposal:${proposal.id}`, { [SERVER_EVENTS.proposalChanged]: () => revalidator.revalidate() });
  const open = proposal.status === "open";
  return (
    <main className="page page--narrow">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to={`/councils/${council.id}`}>{t("proposal.council_of", { name: neighborhoodName })}</Link>
      </nav>
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
        <p>{t("proposal.supports_count", { count: proposal.supportCount, threshold: council.supportThreshold })}</p>
        {actionData?.error ? <FormErrors errors={[actionData.error]} /> : null}
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

      {vote || (me?.mayOpenVote && proposal.status === "on_agenda") ? (
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
              <p>{t("vote.tally", { for: vote.tally.for, against: vote.tally.against, abstain: vote.tally.abstain })}</p>
              {vote.status === "closed" && vote.activeMembers !== null ? (
                <p className="small muted">{t("vote.quorum", { members: vote.activeMembers, needed: vote.quorumNeeded ?? 0 })}</p>
              ) : null}
              {vote.status === "open" && me?.isMember ? (
                <Form method="post" className="vote-buttons">
                  <input type="hidden" name="voteId" value={vote.id} />
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
              <h3>{vote.secret ? t("vote.voters_secret") : t("vote.voters_open")}</h3>
              {vote.voters.length ? (
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
          ) : (
            <Form method="post" className="form">
              <label className="field">
                <span className="field__label">{t("vote.days_label")}</span>
                <input name="days" defaultValue={String(council.votingDays)} inputMode="numeric" dir="ltr" className="field__input" />
              </label>
              <button type="submit" name="intent" value="open-vote" className="button" disabled={busy}>
                {t("vote.open")}
              </button>
            </Form>
          )}
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
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
