import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DATASETS } from "~/domain/open-data/catalog.server";
import { describeDatasets, MAX_RANGE_DAYS, OPEN_DATA_PAGE } from "~/server/open-data.server";
import { getT } from "~/utils/i18n.server";
import { formatNumber } from "~/utils/persian";

/** The open data page: every dataset, its columns in Persian, its filters and sorts, and where to get it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const t = await getT(request);
  return {
    title: t("open_data.title"),
    datasets: describeDatasets(DATASETS, t),
    paging: OPEN_DATA_PAGE,
    years: Math.floor(MAX_RANGE_DAYS / 366),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type DatasetView = ReturnType<typeof useLoaderData<typeof loader>>["datasets"][number];

/** A request worth trying, built from the dataset's own first filter and sort. */
function exampleOf(dataset: DatasetView): string {
  const params = new URLSearchParams({ per_page: "10", sort: dataset.default_sort });
  const words = dataset.filters.find((f) => f.values);
  if (words?.values?.[0]) params.set(words.name, words.values[0]);
  return `${dataset.url}?${params.toString()}`;
}

export default function OpenDataPage() {
  const { datasets, paging, years } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  return (
    <main className="page open-data">
      <h1 className="page__title">{t("open_data.title")}</h1>
      <p className="open-data__lead">{t("open_data.intro")}</p>
      <section className="card stack" aria-labelledby="od-how">
        <h2 id="od-how" className="open-data__h2">
          {t("open_data.how_title")}
        </h2>
        <p>{t("open_data.how_paging", { max: paging.json.max, default: paging.json.default })}</p>
        <p>{t("open_data.how_csv", { max: paging.csv.max })}</p>
        <p>
          {t("open_data.how_filters", { years })}{" "}
          <code dir="ltr" className="open-data__example">
            ?from=1405-01-01&amp;to=2026-03-21&amp;sort=-created
          </code>
        </p>
        <p>
          {t("open_data.how_errors")}{" "}
          <code dir="ltr" className="open-data__example">
            {'{"error": {"code": "sort_invalid", "message": "…"}}'}
          </code>
        </p>
        <p>
          <a href="/api/v1" className="open-data__link">
            {t("open_data.api_index")}
          </a>{" "}
          <code dir="ltr">/api/v1</code>
        </p>
      </section>
      <section className="card stack" aria-labelledby="od-never">
        <h2 id="od-never" className="open-data__h2">
          {t("open_data.never_title")}
        </h2>
        <p>{t("open_data.never")}</p>
      </section>
      {datasets.map((dataset) => (
        <section key={dataset.name} className="card stack open-data__set" aria-labelledby={`od-${dataset.name}`}>
          <h2 id={`od-${dataset.name}`} className="open-data__h2">
            {dataset.title} <code dir="ltr">{dataset.name}</code>
          </h2>
          <p className="muted">{dataset.description}</p>
          <p className="open-data__actions">
            <a className="button button--small" href={dataset.csv_url} download>
              {t("open_data.csv_link")}
            </a>
            <a className="button button--small button--ghost" href={dataset.url}>
              {t("open_data.json_link")}
            </a>
          </p>
          <p className="small">
            {t("open_data.examples")}:{" "}
            <a href={exampleOf(dataset)} dir="ltr" className="open-data__url open-data__example">
              {exampleOf(dataset)}
            </a>
          </p>
          <div className="small">
            <strong>{t("open_data.filters")}:</strong>{" "}
            {dataset.filters.length || dataset.date_field ? (
              <ul className="open-data__filters">
                {dataset.filters.map((filter) => (
                  <li key={filter.name}>
                    <code dir="ltr">{filter.name}</code>:{" "}
                    {filter.values ? (
                      <span dir="ltr" className="open-data__values">
                        {filter.values.join(" | ")}
                      </span>
                    ) : (
                      t("open_data.filter_uuid")
                    )}
                  </li>
                ))}
                {dataset.date_field ? (
                  <li>
                    <code dir="ltr">from</code>، <code dir="ltr">to</code>:{" "}
                    {t("open_data.date_filter", {
                      field: dataset.fields.find((f) => f.key === dataset.date_field)?.label ?? dataset.date_field,
                    })}
                  </li>
                ) : null}
              </ul>
            ) : (
              t("open_data.no_filters")
            )}
          </div>
          <p className="small">
            <strong>{t("open_data.sorts")}:</strong>{" "}
            {dataset.sorts.map((sort) => (
              <code key={sort} dir="ltr" className="open-data__sort">
                {sort} · -{sort}
              </code>
            ))}{" "}
            — {t("open_data.default_sort")} <code dir="ltr">{dataset.default_sort}</code>
          </p>
          <details className="open-data__fields">
            <summary>
              {t("open_data.fields_title")} ({formatNumber(dataset.fields.length, i18n.language)})
            </summary>
            <ul className="open-data__field-list">
              {dataset.fields.map((field) => (
                <li key={field.key} className="open-data__field">
                  <div className="open-data__field-head">
                    <strong>{field.label}</strong>
                    <code dir="ltr">{field.key}</code>
                    <span className="chip">{t(`open_data.types.${field.type}`)}</span>
                  </div>
                  <p className="small muted">{field.description}</p>
                </li>
              ))}
            </ul>
          </details>
        </section>
      ))}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
