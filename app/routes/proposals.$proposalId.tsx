import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
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
import { invariantFound, isUuid } from "~/utils/guards.server";
import { can } from "~/utils/permissions";
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
  return {
    proposal,
    council: { id: council.id, supportThreshold: council.supportThreshold },
    neighborhoodName: neighborhood?.name ?? "",
    timeline: timeline.map((e) => ({ id: e.id, at: e.at, kind: e.kind, actorName: e.actorName })),
    me: user
      ? {
          supported: await hasSupported(context.db, proposal.id, user.id),
          isAuthor: proposal.authorId === user.id,
          mayPutOnAgenda: can(user, "council.agenda", scope),
        }
      : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { proposal, council } = await load(context, params.proposalId);
  const intent = (await request.formData()).get("intent");
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
    default:
      throw new Response("Bad Request", { status: 400 });
  }
  if (!outcome.ok) return data({ error: outcome.error }, { status: 409 });
  return back();
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.proposal.title }];

export default function ProposalPage() {
  const { proposal, council, neighborhoodName, timeline, me } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
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

      <section className="card stack" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("proposal.timeline_title")}</h2>
        <ol className="list">
          {timeline.map((e) => (
            <li key={e.id} className="list__item">
              <strong>{t(`proposal.event.${e.kind}`, { defaultValue: t("history.unknown") })}</strong>
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
