import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RelativeTime } from "~/components/relative-time";
import { deskItems } from "~/domain/escalations.server";
import { moderationQueue } from "~/domain/threads/queue.server";
import { getDistrict } from "~/domain/districts.server";
import { REPORT_REASON_MAX } from "~/domain/thread-view";
import { SERVER_EVENTS } from "~/realtime/events";
import { useRoom } from "~/realtime/socket-provider";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

/**
 * The district's moderation queue: reported messages and those hidden by reports, with the text
 * (moderators must read it), who reported and why, and earlier versions; plus the district's
 * referrals to the deputy and where they stand.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  await requireUserWith(request, context, "district.moderate", { kind: "district", districtId });
  const district = invariantFound(await getDistrict(context.db, districtId));
  const [queue, referrals, t] = await Promise.all([
    moderationQueue(context.db, districtId),
    deskItems(context.db, { districtId }, 50),
    getT(request),
  ]);
  return {
    title: `${t("moderation.title")} · ${district.name}`,
    districtId,
    queue: queue.map((m) => ({
      id: m.id,
      threadId: m.threadId,
      body: m.body,
      authorName: m.authorName,
      createdAt: m.createdAt,
      hiddenByReports: m.hiddenKind === "reports",
      hiddenByModerator: m.hiddenKind === "moderator",
      reportCount: m.reportCount,
      where: m.proposalTitle
        ? t("moderation.in_proposal_thread", { title: m.proposalTitle })
        : t("moderation.in_council_thread", { name: m.neighborhoodName }),
      path: m.proposalId ? `/proposals/${m.proposalId}` : `/councils/${m.councilId}`,
      reports: m.reports.map((r) => ({ reason: r.reason, at: r.at, reporterName: r.reporterName })),
      edits: m.edits.map((e) => ({ previousBody: e.previousBody, editedAt: e.editedAt })),
    })),
    referrals: referrals.map((r) => ({
      id: r.id,
      state: r.state,
      urgency: r.urgency,
      stateNote: r.stateNote,
      updatedAt: r.updatedAt,
      title: r.proposalTitle ?? t("desk.council_thread", { name: r.neighborhoodName }),
      path: r.proposalId ? `/proposals/${r.proposalId}` : `/councils/${r.councilId}`,
    })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ModerationQueue() {
  const { districtId, queue, referrals } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  const returnTo = `/manage/districts/${districtId}/moderation`;
  useRoom(`district-staff:${districtId}`, {
    [SERVER_EVENTS.escalationChanged]: () => revalidator.revalidate(),
    [SERVER_EVENTS.districtChanged]: () => revalidator.revalidate(),
  });
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="queue-title">
        <h2 id="queue-title">{t("moderation.title")}</h2>
        <p className="muted small">{t("moderation.intro")}</p>
        {queue.length ? (
          <ul className="list">
            {queue.map((m) => (
              <li key={m.id} className="list__item moderation-item stack">
                <p className="small">
                  <strong dir="auto">{m.authorName ?? t("thread.someone")}</strong>{" "}
                  <span className="chip chip--warn">{t("moderation.reports", { count: m.reportCount })}</span>
                  {m.hiddenByReports ? <span className="chip">{t("moderation.hidden_pending")}</span> : null}{" "}
                  <span className="muted">
                    <RelativeTime value={m.createdAt} />
                    {t("history.separator")}
                    <Link to={`${m.path}#m-${m.id}`}>{m.where}</Link>
                  </span>
                </p>
                <blockquote dir="auto">{m.body}</blockquote>
                {m.edits.length ? (
                  <details>
                    <summary className="small">{t("moderation.edits_title")}</summary>
                    {m.edits.map((e, i) => (
                      <blockquote key={i} dir="auto" className="small">
                        {e.previousBody}
                      </blockquote>
                    ))}
                  </details>
                ) : null}
                <h3 className="small">{t("moderation.reports_title")}</h3>
                <ul className="small">
                  {m.reports.map((r, i) => (
                    <li key={i}>
                      <span dir="auto">{r.reporterName}</span>
                      {t("history.separator")}
                      <span dir="auto">{r.reason}</span>{" "}
                      <span className="muted">
                        (<RelativeTime value={r.at} />)
                      </span>
                    </li>
                  ))}
                </ul>
                <div className="desk-item__tools">
                  <Form method="post" action={`/threads/${m.threadId}`} className="thread-form" noValidate>
                    <input type="hidden" name="intent" value="hide" />
                    <input type="hidden" name="messageId" value={m.id} />
                    <input type="hidden" name="returnTo" value={returnTo} />
                    <label className="field">
                      <span className="field__label">{t("thread.hide_reason")}</span>
                      <input name="reason" className="field__input" dir="auto" maxLength={REPORT_REASON_MAX} />
                    </label>
                    <button type="submit" className="button button--danger button--small">
                      {t("moderation.hide")}
                    </button>
                  </Form>
                  <Form method="post" action={`/threads/${m.threadId}`} className="thread-form" noValidate>
                    <input type="hidden" name="intent" value="restore" />
                    <input type="hidden" name="messageId" value={m.id} />
                    <input type="hidden" name="returnTo" value={returnTo} />
                    <button type="submit" className="button button--ghost button--small">
                      {m.hiddenByReports ? t("moderation.restore") : t("moderation.dismiss")}
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("moderation.empty")}</p>
        )}
      </section>

      <section className="card stack" aria-labelledby="referrals-title">
        <h2 id="referrals-title">{t("desk.district_title")}</h2>
        {referrals.length ? (
          <ul className="list">
            {referrals.map((r) => (
              <li key={r.id} className="list__item">
                <Link to={`${r.path}#thread`} dir="auto">
                  {r.title}
                </Link>{" "}
                <span className={`chip desk-state desk-state--${r.state}`} data-escalation-state={r.state}>
                  {t(`desk.state.${r.state}`)}
                </span>{" "}
                <span className={`chip urgency--${r.urgency}`}>{t(`desk.urgency.${r.urgency}`)}</span>
                {r.stateNote ? (
                  <p className="small" dir="auto">
                    {r.stateNote}
                  </p>
                ) : null}
                <p className="small muted">
                  <RelativeTime value={r.updatedAt} />
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">{t("desk.district_empty")}</p>
        )}
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
