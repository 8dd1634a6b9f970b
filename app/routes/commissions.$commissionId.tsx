import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, NavLink, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCommission } from "~/domain/commissions.server";
import { commissionQueue } from "~/domain/review.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { commissionsWhere } from "~/utils/permissions";
import { formatDate } from "~/utils/persian";

/** A commission's review queue: what waits for a decision (overdue first), then what was decided. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const commission = invariantFound(isUuid(params.commissionId) ? await getCommission(context.db, params.commissionId) : null);
  const user = await requireUserWith(request, context, "commission.review", { kind: "commission", commissionId: commission.id });
  const queue = await commissionQueue(context.db, commission.id);
  // A member of several commissions reaches each one's queue from here (the menu opens the first).
  const mine = [];
  for (const id of commissionsWhere(user)) {
    const other = id === commission.id ? commission : await getCommission(context.db, id);
    if (other) mine.push({ id: other.id, name: other.name });
  }
  return {
    commission: { id: commission.id, name: commission.name },
    mine: mine.length > 1 ? mine : [],
    waiting: queue.filter((r) => !r.decidedAt),
    decided: queue.filter((r) => r.decidedAt),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.commission.name }];

export default function CommissionQueue() {
  const { commission, mine, waiting, decided } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const row = (r: (typeof waiting)[number]) => (
    <li key={r.id} className="list__item">
      <Link to={`/proposals/${r.proposalId}`} className="list__link">
        <strong dir="auto">{r.title}</strong>
        <span className="small muted">
          <span dir="auto">{r.neighborhoodName}</span>
          {t("history.separator")}
          {t("review.due_on", { date: formatDate(r.dueAt, i18n.language) })}
          {r.overdue ? <span className="chip chip--warn">{t("review.overdue")}</span> : null}
          {r.decision ? (
            <span className={`chip proposal-status proposal-status--${r.decision}`}>{t(`proposal.status.${r.decision}`)}</span>
          ) : null}
        </span>
      </Link>
    </li>
  );
  return (
    <main className="page">
      {mine.length ? (
        <nav className="tabs" aria-label={t("review.my_commissions")}>
          {mine.map((c) => (
            <NavLink key={c.id} to={`/commissions/${c.id}`} className="tabs__item" dir="auto">
              {c.name}
            </NavLink>
          ))}
        </nav>
      ) : null}
      <h1 dir="auto">{commission.name}</h1>
      <section className="card stack">
        <h2>{t("review.queue_waiting")}</h2>
        {waiting.length ? <ul className="list">{waiting.map(row)}</ul> : <p className="empty">{t("review.queue_empty")}</p>}
      </section>
      {decided.length ? (
        <section className="card stack">
          <h2>{t("review.queue_decided")}</h2>
          <ul className="list">{decided.map(row)}</ul>
        </section>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
