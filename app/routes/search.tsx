import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FilterSelect } from "~/components/choice-fields";
import { FieldErrors, Notice } from "~/components/form-field";
import { STATUS_GROUPS } from "~/domain/proposal-state";
import { search, searchPlaces, type SearchHit } from "~/domain/search/query.server";
import { getT } from "~/utils/i18n.server";
import { formatDate, parseJalaliDate } from "~/utils/persian";
import { encodeCursor, queryField, readQuery } from "~/utils/query";
import {
  excerpt,
  highlight,
  parseSearchQuery,
  SEARCH_KINDS,
  SEARCH_QUERY_MAX,
  type SearchKind,
  type SearchQuery,
  type Segment,
} from "~/utils/search-text";

/** Longest date range a search may span, in days (a range over a century is a typing slip). */
const MAX_RANGE_DAYS = 20 * 366;

const SearchParams = {
  q: z.string().max(SEARCH_QUERY_MAX * 4),
  kind: queryField.oneOf(SEARCH_KINDS),
  district: queryField.uuid(),
  neighborhood: queryField.uuid(),
  status: queryField.oneOf(Object.keys(STATUS_GROUPS) as (keyof typeof STATUS_GROUPS)[]),
  from: z.string().max(40),
  to: z.string().max(40),
  after: queryField.cursor(),
};

type FieldName = "q" | "from" | "to";

/** A Jalali day typed in the form → the instant it starts in Tehran, or null. */
function tehranDayStart(input: string): Date | null {
  const iso = parseJalaliDate(input);
  return iso ? new Date(`${iso}T00:00:00+03:30`) : null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { values, invalid } = readQuery(request, SearchParams);
  const t = await getT(request);
  const errors: Partial<Record<FieldName, string>> = {};
  // What the person typed goes back into the form as typed, even when it is refused.
  const typed = {
    q: (url.searchParams.get("q") ?? "").slice(0, SEARCH_QUERY_MAX * 4),
    from: (url.searchParams.get("from") ?? "").slice(0, 40),
    to: (url.searchParams.get("to") ?? "").slice(0, 40),
  };

  const parsed = values.q !== undefined ? parseSearchQuery(values.q) : invalid.includes("q") ? { problem: "too_long" as const } : null;
  if (parsed && "problem" in parsed) errors.q = parsed.problem === "too_long" ? "search_too_long" : "search_empty";

  const from = typed.from.trim() ? tehranDayStart(typed.from) : undefined;
  const toStart = typed.to.trim() ? tehranDayStart(typed.to) : undefined;
  if (from === null) errors.from = "date_invalid";
  if (toStart === null) errors.to = "date_invalid";
  const until = toStart ? new Date(toStart.getTime() + 86_400_000 - 1) : undefined;
  if (from && until && until < from) errors.to = "search_range_reversed";
  else if (from && until && (until.getTime() - from.getTime()) / 86_400_000 > MAX_RANGE_DAYS) errors.to = "search_range_too_long";

  const refused = !parsed || "problem" in parsed || Object.keys(errors).length > 0;
  // The filters' places and the hits are read side by side.
  const [places, page] = await Promise.all([
    searchPlaces(context.db, values.district),
    refused
      ? null
      : search(
          context.db,
          parsed as SearchQuery,
          {
            kind: values.kind,
            districtId: values.district,
            neighborhoodId: values.district ? values.neighborhood : undefined,
            statuses: values.status ? STATUS_GROUPS[values.status] : undefined,
            from: from ?? undefined,
            until,
          },
          values.after ?? null,
        ),
  ]);
  const base = {
    title: t("search.title"),
    typed,
    selected: {
      kind: values.kind ?? "",
      district: values.district ?? "",
      neighborhood: values.district ? (values.neighborhood ?? "") : "",
      status: values.status ?? "",
    },
    places,
    errors,
    queryInvalid: invalid.some((k) => k !== "q" && k !== "from" && k !== "to"),
  };
  if (!page || !parsed || "problem" in parsed) {
    return { ...base, asked: false, hits: [] as HitView[], next: null as string | null, approximate: false };
  }

  // The page sends what it shows: the marked title and a window of the text, never a whole body.
  const marking = { approximate: page.approximate, spellings: page.spellings };
  const hits: HitView[] = page.hits.map(({ title, body, ...hit }) => ({
    ...hit,
    at: hit.at.toISOString(),
    link: linkOf({ ...hit, title, body, at: hit.at }),
    titleSegments: highlight(title, parsed, marking),
    bodySegments: excerpt(highlight(body, parsed, marking)),
  }));
  return { ...base, asked: true, hits, next: page.next ? encodeCursor(page.next) : null, approximate: page.approximate };
}

interface HitView extends Omit<SearchHit, "at" | "title" | "body"> {
  at: string;
  link: string;
  titleSegments: Segment[];
  bodySegments: Segment[];
}

function linkOf(hit: SearchHit): string {
  switch (hit.kind) {
    case "proposal":
      return `/proposals/${hit.id}`;
    case "decision":
      return `/proposals/${hit.proposalId}`;
    case "council":
      return `/councils/${hit.id}`;
    case "neighborhood":
      return `/neighborhoods/${hit.id}`;
    case "message":
      return `/threads/${hit.threadId}#m-${hit.id}`;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }, { name: "robots", content: "noindex" }];

function Highlighted({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : s.text))}</>;
}

export default function SearchPage() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { typed, selected, places, errors } = data;
  const nextQuery = new URLSearchParams();
  for (const [k, v] of Object.entries({ q: typed.q, from: typed.from, to: typed.to, ...selected })) if (v) nextQuery.set(k, v);
  if (data.next) nextQuery.set("after", data.next);

  return (
    <main className="page search-page">
      <h1>{t("search.title")}</h1>
      {data.queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
      <Form method="get" className="search-form" noValidate role="search">
        <div className={`field${errors.q ? " field--invalid" : ""}`}>
          <label htmlFor="search-q" className="field__label">
            {t("search.query_label")}
          </label>
          <input
            id="search-q"
            name="q"
            type="search"
            className="field__input"
            dir="auto"
            defaultValue={typed.q}
            maxLength={SEARCH_QUERY_MAX}
            aria-invalid={errors.q ? true : undefined}
            aria-describedby={errors.q ? "search-q-error" : "search-q-hint"}
          />
          <p className="field__hint" id="search-q-hint">
            {t("search.query_hint")}
          </p>
          <FieldErrors id="search-q-error" errors={errors.q ? [errors.q] : null} params={{ max: SEARCH_QUERY_MAX }} />
        </div>
        <div className="filters">
          <FilterSelect
            name="kind"
            label={t("search.kind_label")}
            anyLabel={t("search.kind_all")}
            value={selected.kind}
            options={SEARCH_KINDS.map((k) => ({ id: k, name: t(`search.kind.${k}`) }))}
          />
          <FilterSelect
            name="district"
            label={t("search.district_label")}
            anyLabel={t("search.all_districts")}
            value={selected.district}
            options={places.districts}
          />
          {places.neighborhoods.length ? (
            <FilterSelect
              name="neighborhood"
              label={t("search.neighborhood_label")}
              anyLabel={t("search.all_neighborhoods")}
              value={selected.neighborhood}
              options={places.neighborhoods}
            />
          ) : null}
          <FilterSelect
            name="status"
            label={t("search.status_label")}
            anyLabel={t("search.status_any")}
            value={selected.status}
            options={Object.keys(STATUS_GROUPS).map((g) => ({ id: g, name: t(`proposal.group.${g}`) }))}
            wide
          />
          <div className={`filters__item${errors.from ? " field--invalid" : ""}`}>
            <label htmlFor="search-from" className="small muted">
              {t("search.from_label")}
            </label>
            <input
              id="search-from"
              name="from"
              className="field__input"
              dir="ltr"
              inputMode="numeric"
              placeholder={t("search.date_placeholder")}
              defaultValue={typed.from}
              aria-invalid={errors.from ? true : undefined}
              aria-describedby={errors.from ? "search-from-error" : undefined}
            />
            <FieldErrors id="search-from-error" errors={errors.from ? [errors.from] : null} />
          </div>
          <div className={`filters__item${errors.to ? " field--invalid" : ""}`}>
            <label htmlFor="search-to" className="small muted">
              {t("search.to_label")}
            </label>
            <input
              id="search-to"
              name="to"
              className="field__input"
              dir="ltr"
              inputMode="numeric"
              placeholder={t("search.date_placeholder")}
              defaultValue={typed.to}
              aria-invalid={errors.to ? true : undefined}
              aria-describedby={errors.to ? "search-to-error" : undefined}
            />
            <FieldErrors id="search-to-error" errors={errors.to ? [errors.to] : null} />
          </div>
        </div>
        <button type="submit" className="button">
          {t("search.submit")}
        </button>
      </Form>

      {data.asked ? (
        <section aria-live="polite" className="search-results">
          {data.approximate && data.hits.length ? <Notice>{t("search.approximate")}</Notice> : null}
          {data.hits.length ? (
            <ol className="search-results__list">
              {data.hits.map((hit) => (
                <li key={`${hit.kind}:${hit.id}`} className="search-hit">
                  <p className="search-hit__meta small muted">
                    <span className="search-hit__kind">{t(`search.kind.${hit.kind as SearchKind}`)}</span>
                    {hit.neighborhoodName ? <span>{hit.neighborhoodName}</span> : null}
                    {hit.districtName ? <span>{hit.districtName}</span> : null}
                    <time dateTime={hit.at}>{formatDate(hit.at, i18n.language)}</time>
                    {hit.kind === "proposal" && hit.status ? <span>{t(`proposal.status.${hit.status}`)}</span> : null}
                    {hit.kind === "decision" && hit.status ? <span>{t(`search.decision.${hit.status}`)}</span> : null}
                  </p>
                  <h2 className="search-hit__title">
                    <Link to={hit.link} dir="auto">
                      {hit.kind === "council" ? t("search.council_prefix") : null}
                      <Highlighted segments={hit.titleSegments} />
                    </Link>
                  </h2>
                  {hit.bodySegments.length ? (
                    <p className="search-hit__body" dir="auto">
                      <Highlighted segments={hit.bodySegments} />
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t("search.none", { query: typed.q })}</p>
          )}
          {data.next ? (
            <p>
              <Link to={`?${nextQuery.toString()}`} className="button button--ghost">
                {t("search.more")}
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
