import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FilterSelect } from "~/components/choice-fields";
import { listItemOf, ProposalList } from "~/components/proposal-list";
import { Notice } from "~/components/form-field";
import { listCategories, listProposals } from "~/domain/proposals.server";
import { STATUS_GROUPS } from "~/domain/proposal-state";
import { getT } from "~/utils/i18n.server";
import { liveShouldRevalidate } from "~/realtime/live";
import { queryField, readQuery } from "~/utils/query";

/** What the list reads from its address: the scope, the filters and the cursor, by one schema. */
const ListQuery = {
  council: queryField.uuid(),
  neighborhood: queryField.uuid(),
  district: queryField.uuid(),
  category: queryField.uuid(),
  status: queryField.oneOf(Object.keys(STATUS_GROUPS) as (keyof typeof STATUS_GROUPS)[]),
  after: queryField.cursor(),
};

/** How far behind the primary a read replica is allowed to be for the list's live patches. */
const REPLICA_LAG_ALLOWANCE_MS = 5000;

/** Proposals of a council, neighborhood, district or the whole city, filterable, newest first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  // A visitor without a session may read a replica a moment behind (decision 019).
  const db = context.visitorDb;
  // Read before the items: a live state read later than this is newer than what the list shows.
  // From a replica the items may be older than the moment they were asked for: live states of the
  // last seconds then still apply (each carries the whole state, so an older one is soon replaced).
  const loadedAt = Date.now() - (db === context.db ? 0 : REPLICA_LAG_ALLOWANCE_MS);
  const { values: query, invalid } = readQuery(request, ListQuery);
  const group = query.status;
  const statuses = group ? [...STATUS_GROUPS[group]] : undefined;
  const filter = {
    councilId: query.council,
    neighborhoodId: query.neighborhood,
    districtId: query.district,
    categoryId: query.category,
    statuses,
  };
  const page = await listProposals(db, { ...filter, after: query.after ?? null, limit: 20 });
  const t = await getT(request);
  const keep = new URLSearchParams(
    Object.entries({ council: filter.councilId, neighborhood: filter.neighborhoodId, district: filter.districtId }).filter(
      (entry): entry is [string, string] => Boolean(entry[1]),
    ),
  ).toString();
  return {
    title: t("proposal.list_title"),
    items: page.items.map(listItemOf),
    next: page.next,
    categories: (await listCategories(db)).map((c) => ({ id: c.id, name: c.name })),
    selected: { status: group ?? "", category: filter.categoryId ?? "" },
    keep,
    councilId: filter.councilId ?? null,
    queryInvalid: invalid.length > 0,
    loadedAt,
  };
}

/** The list patches supports, messages and status live; it never reloads for them. */
export const shouldRevalidate = liveShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ProposalsIndex() {
  const { items, next, categories, selected, keep, councilId, queryInvalid, loadedAt } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const nextQuery = new URLSearchParams(keep);
  if (selected.status) nextQuery.set("status", selected.status);
  if (selected.category) nextQuery.set("category", selected.category);
  if (next) nextQuery.set("after", next);
  return (
    <main className="page">
      <h1>{t("proposal.list_title")}</h1>
      {queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
      <Form method="get" className="filters" noValidate>
        {new URLSearchParams(keep).toString()
          ? [...new URLSearchParams(keep)].map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)
          : null}
        <FilterSelect
          name="status"
          label={t("proposal.filter_status")}
          anyLabel={t("proposal.all")}
          value={selected.status}
          options={Object.keys(STATUS_GROUPS).map((g) => ({ id: g, name: t(`proposal.group.${g}`) }))}
        />
        <FilterSelect
          name="category"
          label={t("proposal.category_label")}
          anyLabel={t("proposal.all")}
          value={selected.category}
          options={categories}
        />
        <button type="submit" className="button button--ghost">
          {t("proposal.filter")}
        </button>
      </Form>
      {councilId ? (
        <p>
          <Link to={`/proposals/new?council=${councilId}`} className="button">
            {t("proposal.new_link")}
          </Link>
        </p>
      ) : null}
      <ProposalList items={items} emptyText={t("proposal.list_empty")} loadedAt={loadedAt} />
      {next ? (
        <p>
          <Link to={`?${nextQuery.toString()}`} className="button button--ghost">
            {t("proposal.show_more")}
          </Link>
        </p>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
