import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { FilterSelect } from "~/components/choice-fields";
import { FieldErrors, Notice } from "~/components/form-field";
import { PUBLIC_AUDIT_CATEGORIES } from "~/domain/audit-actions";
import { recordSentence, type Translate } from "~/domain/public-record";
import { listPublicRecord, publicRecordPlaces, PUBLIC_RECORD_PAGE } from "~/domain/public-record.server";
import { getT } from "~/utils/i18n.server";
import { formatDate, formatNumber, parseJalaliDate } from "~/utils/persian";
import { queryField, readQuery } from "~/utils/query";

/** Longest date range the record may span, in days (a range over a century is a typing slip). */
const MAX_RANGE_DAYS = 20 * 366;

const RecordQuery = {
  district: queryField.uuid(),
  council: queryField.uuid(),
  kind: queryField.oneOf(PUBLIC_AUDIT_CATEGORIES),
  from: z.string().max(40),
  to: z.string().max(40),
  /** The keyset cursor: the id of the last entry shown (a bigserial). */
  before: queryField.positiveInt(Number.MAX_SAFE_INTEGER),
};

type DateField = "from" | "to";

/** A Jalali day typed in the form → the instant it starts in Tehran, or null. */
function tehranDayStart(input: string): Date | null {
  const iso = parseJalaliDate(input);
  return iso ? new Date(`${iso}T00:00:00+03:30`) : null;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { values, invalid } = readQuery(request, RecordQuery);
  const t = await getT(request);
  const typed = {
    from: (url.searchParams.get("from") ?? "").slice(0, 40),
    to: (url.searchParams.get("to") ?? "").slice(0, 40),
  };
  const errors: Partial<Record<DateField, string>> = {};
  const from = typed.from.trim() ? tehranDayStart(typed.from) : undefined;
  const toStart = typed.to.trim() ? tehranDayStart(typed.to) : undefined;
  if (from === null) errors.from = "date_invalid";
  if (toStart === null) errors.to = "date_invalid";
  const until = toStart ? new Date(toStart.getTime() + 86_400_000 - 1) : undefined;
  if (from && until && until < from) errors.to = "search_range_reversed";
  else if (from && until && (until.getTime() - from.getTime()) / 86_400_000 > MAX_RANGE_DAYS) errors.to = "search_range_too_long";

  // A visitor without a session may read a replica a moment behind (decision 019).
  const db = context.visitorDb;
  const places = await publicRecordPlaces(db, values.district);
  const district = values.district;
  // A council outside the chosen district is dropped like any other value that does not fit.
  const council = values.council && (!district || places.councils.some((c) => c.id === values.council)) ? values.council : undefined;
  const dropped = values.council !== undefined && council === undefined;
  const refused = Object.keys(errors).length > 0;
  const page = refused
    ? { entries: [], next: null, cursorValid: true }
    : await listPublicRecord(db, {
        districtId: district,
        councilId: council,
        category: values.kind,
        from: from ?? undefined,
        until,
        before: values.before,
        limit: PUBLIC_RECORD_PAGE,
      });
  return {
    title: t("record.title"),
    typed,
    errors,
    selected: { district: district ?? "", council: council ?? "", kind: values.kind ?? "" },
    places,
    entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    next: page.next,
    queryInvalid: invalid.some((k) => k !== "from" && k !== "to") || dropped || !page.cursorValid,
    refused,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type Entry = ReturnType<typeof useLoaderData<typeof loader>>["entries"][number];

/** Entries of one Tehran calendar day, in the order they came. */
function byDay(entries: Entry[], lang: string) {
  const days: { label: string; entries: Entry[] }[] = [];
  for (const e of entries) {
    const label = formatDate(e.at, lang, "long");
    const last = days[days.length - 1];
    if (last && last.label === label) last.entries.push(e);
    else days.push({ label, entries: [e] });
  }
  return days;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function timeOf(at: string, lang: string) {
  let format = timeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === "fa" ? "fa-IR" : "en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: "Asia/Tehran",
    });
    timeFormats.set(lang, format);
  }
  return format.format(new Date(at));
}

export default function PublicRecordPage() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { typed, selected, places, errors } = data;
  const filters = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...selected, ...typed })) if (v) filters.set(k, v);
  const nextQuery = new URLSearchParams(filters);
  if (data.next) nextQuery.set("before", String(data.next));
  const filtered = [...filters.keys()].length > 0;

  return (
    <main className="page record-page">
      <Breadcrumbs trail={[{ to: "/", label: t("nav.home") }, { label: t("record.title") }]} />
      <h1>{t("record.title")}</h1>
      <p className="muted">{t("record.intro")}</p>
      {data.queryInvalid ? <Notice>{t("errors.query_invalid")}</Notice> : null}
      <Form method="get" className="record-filters" noValidate aria-label={t("record.filters")}>
        <div className="filters">
          <FilterSelect
            name="district"
            label={t("record.district_label")}
            anyLabel={t("record.all_districts")}
            value={selected.district}
            options={places.districts}
          />
          {places.councils.length ? (
            <FilterSelect
              name="council"
              label={t("record.council_label")}
              anyLabel={t("record.all_councils")}
              value={selected.council}
              options={places.councils}
            />
          ) : null}
          <FilterSelect
            name="kind"
            label={t("record.category_label")}
            anyLabel={t("record.all_categories")}
            value={selected.kind}
            options={PUBLIC_AUDIT_CATEGORIES.map((c) => ({ id: c, name: t(`record.category.${c}`) }))}
          />
          {(["from", "to"] as const).map((field) => (
            <div key={field} className={`filters__item${errors[field] ? " field--invalid" : ""}`}>
              <label htmlFor={`record-${field}`} className="small muted">
                {t(`record.${field}_label`)}
              </label>
              <input
                id={`record-${field}`}
                name={field}
                className="field__input"
                dir="ltr"
                inputMode="numeric"
                placeholder={t("record.date_placeholder")}
                defaultValue={typed[field]}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={errors[field] ? `record-${field}-error` : undefined}
              />
              <FieldErrors id={`record-${field}-error`} errors={errors[field] ? [errors[field]!] : null} />
            </div>
          ))}
        </div>
        <div className="record-filters__actions">
          <button type="submit" className="button">
            {t("record.apply")}
          </button>
          {filtered ? (
            <Link to="/record" className="button button--ghost">
              {t("record.clear")}
            </Link>
          ) : null}
        </div>
      </Form>

      {data.refused ? null : data.entries.length === 0 ? (
        <p className="empty">{t("record.empty")}</p>
      ) : (
        <div className="record-days">
          {byDay(data.entries, lang).map((day) => (
            <section key={day.label} className="record-day" aria-label={day.label}>
              <h2 className="record-day__title">{day.label}</h2>
              <ol className="record-list">
                {day.entries.map((e) => (
                  <li key={e.id} className="record-entry">
                    <p className="record-entry__what">
                      {e.link ? (
                        <Link to={e.link}>{recordSentence(e, t as unknown as Translate, lang)}</Link>
                      ) : (
                        recordSentence(e, t as unknown as Translate, lang)
                      )}
                    </p>
                    {e.reason ? (
                      <p className="small record-entry__reason" dir="auto">
                        {t(e.action === "proposal.decided" ? "record.rationale" : "record.reason", { reason: e.reason })}
                      </p>
                    ) : null}
                    <p className="muted small record-entry__meta">
                      <time dateTime={e.at} title={formatDate(e.at, lang, "datetime")}>
                        {timeOf(e.at, lang)}
                      </time>
                      <span>{t(`record.category.${e.category}`)}</span>
                      {e.district !== null && e.districtId ? (
                        <Link to={`/districts/${e.districtId}`}>
                          {t("record.district_line", { district: formatNumber(e.district, lang) })}
                        </Link>
                      ) : null}
                    </p>
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}
      {data.next ? (
        <p>
          <Link to={`?${nextQuery.toString()}`} className="button button--ghost">
            {t("record.more")}
          </Link>
        </p>
      ) : null}
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
