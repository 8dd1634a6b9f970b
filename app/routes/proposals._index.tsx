import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ProposalList } from "~/components/proposal-list";
import { listCategories, listProposals } from "~/domain/proposals.server";
import { STATUS_GROUPS } from "~/domain/proposal-state";
import { isUuid } from "~/utils/guards.server";
import { getT } from "~/utils/i18n.server";
import { liveShouldRevalidate } from "~/realtime/live";

/** Proposals of a council, neighborhood, district or the whole city, filterable, newest first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  // Read before the items: a live state read later than this is newer than what the list shows.
  const loadedAt = Date.now();
  const url = new URL(request.url);
  const pick = (name: string) => {
    const value = url.searchParams.get(name);
    return isUuid(value) ? value : undefined;
  };
  const group = url.searchParams.get("status");
  const statuses = group && group in STATUS_GROUPS ? [...STATUS_GROUPS[group as keyof typeof STATUS_GROUPS]] : undefined;
  const filter = {
    councilId: pick("council"),
    neighborhoodId: pick("neighborhood"),
    districtId: pick("district"),
    categoryId: pick("category"),
    statuses,
  };
  const page = await listProposals(context.db, { ...filter, after: url.searchParams.get("after"), limit: 20 });
  const t = await getT(request);
  const keep = new URLSearchParams(
    Object.entries({ council: filter.councilId, neighborhood: filter.neighborhoodId, district: filter.districtId }).filter(
      (entry): entry is [string, string] => Boolean(entry[1]),
    ),
  ).toString();
  return {
    title: t("proposal.list_title"),
    items: page.items,
    next: page.next,
    categories: (await listCategories(context.db)).map((c) => ({ id: c.id, name: c.name })),
    selected: { status: group ?? "", category: filter.categoryId ?? "" },
    keep,
    councilId: filter.councilId ?? null,
    loadedAt,
  };
}

/** The list patches supports, messages and status live; it never reloads for them. */
export const shouldRevalidate = liveShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function ProposalsIndex() {
  const { items, next, categories, selected, keep, councilId, loadedAt } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const nextQuery = new URLSearchParams(keep);
  if (selected.status) nextQuery.set("status", selected.status);
  if (selected.category) nextQuery.set("category", selected.category);
  if (next) nextQuery.set("after", next);
  return (
    <main className="page">
      <h1>{t("proposal.list_title")}</h1>
      <Form method="get" className="filters">
        {new URLSearchParams(keep).toString()
          ? [...new URLSearchParams(keep)].map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)
          : null}
        <label className="filters__item">
          <span className="small muted">{t("proposal.filter_status")}</span>
        <select name="status" defaultValue={selected.status} className="field__input">
          <option value="">{t("proposal.all")}</option>
          {Object.keys(STATUS_GROUPS).map((g) => (
            <option key={g} value={g}>
              {t(`proposal.group.${g}`)}
            </option>
          ))}
        </select>
        </label>
        <label className="filters__item">
          <span className="small muted">{t("proposal.category_label")}</span>
        <select name="category" defaultValue={selected.category} className="field__input">
          <option value="">{t("proposal.all")}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        </label>
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
