import { z } from "zod";
import type { Db } from "../../db/client.server";
import {
  adoptionRate,
  analyticsOf,
  attendanceRate,
  per1000,
  type Analytics,
  type AnalyticsScope,
  type Figures,
} from "../domain/analytics/queries.server";
import { TABLE_IDS, type Cell, type Chart, type DataTable, type TableId } from "../domain/analytics/table";
import { MAX_RANGE_MONTHS, periodSlug, resolvePeriod, type Period, type PeriodProblem } from "../domain/analytics/period";
import { jalaliMonthOf, parseMonthParam, type JalaliMonth } from "../domain/meetings/calendar";
import type { getT } from "../utils/i18n.server";
import { foldDigits } from "../utils/persian";
import { queryField, readQuery } from "../utils/query";
import { getNeighborhood } from "../domain/councils.server";
import { listDistricts } from "../domain/districts.server";
import { chartSvg } from "./charts.server";
import { csvResponse, type CsvColumn } from "./csv.server";

/**
 * The analytics pages' request handling, shared by the deputy's page (the city, a district, a
 * neighborhood) and the district manager's (their district): the period and scope the address asks
 * for, the tables (the same rows in the page and in their CSV files) and the charts drawn from them.
 */

export type T = Awaited<ReturnType<typeof getT>>;

const monthField = () =>
  z
    .string()
    .max(20)
    .transform((v, ctx) => {
      const month = parseMonthParam(foldDigits(v.trim()));
      if (!month) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "month" });
        return z.NEVER;
      }
      return month;
    });

/** The picker's one choice of span inside a year: the whole year, a season (s1–s4) or a month (m1–m12). */
export const SPANS = ["year", "s1", "s2", "s3", "s4", ...Array.from({ length: 12 }, (_, i) => `m${i + 1}`)] as const;

/** Every parameter an analytics page reads (one schema for both pages). */
export const ANALYTICS_QUERY = {
  year: queryField.positiveInt(9999),
  span: queryField.oneOf(SPANS),
  month: queryField.positiveInt(12),
  season: queryField.positiveInt(4),
  from: monthField(),
  to: monthField(),
  district: queryField.uuid(),
  neighborhood: queryField.uuid(),
  table: queryField.oneOf(TABLE_IDS),
};

export interface AnalyticsRequest {
  period: Period;
  problem: PeriodProblem | null;
  /** Some parameter did not fit its field (dropped). */
  invalid: boolean;
  districtId?: string;
  neighborhoodId?: string;
  /** The table a CSV download asks for. */
  table: TableId;
}

export function readAnalyticsRequest(request: Request, now = new Date()): AnalyticsRequest {
  const { values, invalid } = readQuery(request, ANALYTICS_QUERY);
  const span = values.span ?? "";
  const asked = {
    ...values,
    month: values.month ?? (span.startsWith("m") ? Number(span.slice(1)) : undefined),
    season: values.season ?? (span.startsWith("s") ? Number(span.slice(1)) : undefined),
  };
  const { period, problem } = resolvePeriod(asked, jalaliMonthOf(now));
  return {
    period,
    problem,
    invalid: invalid.length > 0,
    districtId: values.district,
    neighborhoodId: values.neighborhood,
    table: values.table ?? "summary",
  };
}

/** The picker's span for a period (a range shows as its first year's whole year). */
export function spanOf(period: Period): string {
  if (period.kind === "month") return `m${period.month}`;
  if (period.kind === "season") return `s${period.season}`;
  return "year";
}

/** The notice the page shows for what it could not use, if anything. */
export function noticeOf(t: T, request: AnalyticsRequest, extra: string | null = null): string | null {
  if (request.problem) return t(`analytics.notice.${request.problem}`, { max: MAX_RANGE_MONTHS });
  if (extra) return t(`analytics.notice.${extra}`);
  if (request.invalid) return t("analytics.notice.bad_query");
  return null;
}

export const monthName = (t: T, m: JalaliMonth, withYear = false) =>
  withYear ? t("analytics.period_month", { month: t(`analytics.months.${m.month}`), year: m.year }) : t(`analytics.months.${m.month}`);

export function periodLabel(t: T, period: Period): string {
  switch (period.kind) {
    case "month":
      return monthName(t, period, true);
    case "season":
      return t("analytics.period_season", { season: t(`analytics.seasons.${period.season}`), year: period.year });
    case "year":
      return t("analytics.period_year", { year: period.year });
    case "range":
      return t("analytics.period_range", { from: monthName(t, period.from, true), to: monthName(t, period.to, true) });
  }
}

function summaryRows(t: T, f: Figures): Cell[][] {
  const label = (key: string) => t(`analytics.figure.${key}`);
  return [
    [label("councils"), f.activeCouncils],
    [label("members"), f.members],
    [t("analytics.table.meetings_held"), f.meetingsHeld],
    [t("analytics.table.meetings_required"), f.meetingsRequired],
    [label("meetings_with_quorum"), f.meetingsWithQuorum],
    [label("attendance"), attendanceRate(f)],
    [label("minutes_submitted"), f.minutesSubmitted],
    [label("minutes_approved"), f.minutesApproved],
    [label("minutes_late"), f.minutesLate],
    [label("proposals"), f.proposals],
    [label("supports"), f.supports],
    [label("votes_closed"), f.votesClosed],
    [label("votes_adopted"), f.votesAdopted],
    [label("adoption"), adoptionRate(f)],
    [label("decisions"), f.decisions],
    [label("median_days"), f.medianDaysToDecision],
    [label("overdue"), f.overdueReviews],
    [label("messages"), f.messages],
    [label("discussants"), f.discussants],
    [label("surfaced"), f.surfaced],
    [label("escalated"), f.escalatedByPeople],
    [label("resolved"), f.resolved],
    [label("median_hours"), f.medianHoursToResolve],
    [label("people"), f.people],
    [label("population"), f.population],
    [label("per_1000"), per1000(f)],
  ];
}

/** Every table of the page, from one reading of the analytics module. */
export function analyticsTables(t: T, a: Analytics): DataTable[] {
  const label = (key: string) => t(`analytics.figure.${key}`);
  const unitHeader = a.scope.kind === "city" ? t("analytics.table.district") : t("analytics.table.neighborhood");
  const tables: DataTable[] = [
    {
      id: "summary",
      title: t("analytics.table.summary"),
      headers: [t("analytics.table.figure"), t("analytics.table.value")],
      rows: summaryRows(t, a.total),
      rowHeaders: true,
    },
    {
      id: "months",
      title: t("analytics.table.months"),
      headers: [
        t("analytics.table.month"),
        t("analytics.table.meetings_held"),
        t("analytics.table.meetings_quorum"),
        t("analytics.table.meetings_required"),
        label("proposals"),
        label("supports"),
        label("votes_adopted"),
        label("decisions"),
        label("messages"),
        label("surfaced"),
        label("resolved"),
      ],
      rows: a.months.map((m) => [
        monthName(t, m, a.period.kind === "range"),
        m.figures.meetingsHeld,
        m.figures.meetingsWithQuorum,
        m.figures.meetingsRequired,
        m.figures.proposals,
        m.figures.supports,
        m.figures.votesAdopted,
        m.figures.decisions,
        m.figures.messages,
        m.figures.surfaced,
        m.figures.resolved,
      ]),
      rowHeaders: true,
    },
  ];
  if (a.scope.kind !== "neighborhood") {
    tables.push({
      id: "units",
      title: a.scope.kind === "city" ? t("analytics.table.units_city") : t("analytics.table.units_district"),
      headers: [
        unitHeader,
        label("councils"),
        label("members"),
        t("analytics.table.meetings_held"),
        t("analytics.table.meetings_required"),
        label("attendance"),
        label("proposals"),
        label("supports"),
        label("adoption"),
        label("overdue"),
        label("messages"),
        label("people"),
        t("analytics.figure.population"),
        label("per_1000"),
      ],
      rows: a.units.map((u) => [
        u.name,
        u.figures.activeCouncils,
        u.figures.members,
        u.figures.meetingsHeld,
        u.figures.meetingsRequired,
        attendanceRate(u.figures),
        u.figures.proposals,
        u.figures.supports,
        adoptionRate(u.figures),
        u.figures.overdueReviews,
        u.figures.messages,
        u.figures.people,
        u.figures.population,
        per1000(u.figures),
      ]),
      rowHeaders: true,
    });
  }
  tables.push(
    {
      id: "status",
      title: t("analytics.table.status"),
      headers: [t("analytics.table.status_col"), t("analytics.table.count")],
      rows: a.byStatus.map((s) => [t(`proposal.status.${s.status}`), s.count]),
      rowHeaders: true,
    },
    {
      id: "topics",
      title: t("analytics.table.topics"),
      headers: [t("analytics.table.topic"), t("analytics.table.count"), t("analytics.table.adopted")],
      rows: a.byTopic.map((s) => [s.name, s.count, s.adopted]),
      rowHeaders: true,
    },
    {
      id: "decisions",
      title: t("analytics.table.decisions"),
      headers: [t("analytics.table.decision"), t("analytics.table.count")],
      rows: a.decisions.map((d) => [t(`proposal.event.decision_${d.decision}`), d.count]),
      rowHeaders: true,
    },
  );
  return tables;
}

/** The page's charts, drawn from the same reading as its tables. */
export function analyticsCharts(t: T, a: Analytics, lang: string): Chart[] {
  const months = a.months.map((m) => monthName(t, m, a.period.kind === "range"));
  const series = (key: string, pick: (f: Figures) => number) => ({
    name: t(`analytics.chart.${key}`),
    values: a.months.map((m) => pick(m.figures)),
  });
  const charts: Chart[] = [
    {
      id: "chart-meetings",
      title: t("analytics.chart.meetings"),
      tableId: "months",
      svg: chartSvg({
        kind: "bar",
        labelledBy: "chart-meetings",
        categories: months,
        series: [series("series_held", (f) => f.meetingsWithQuorum), series("series_required", (f) => f.meetingsRequired)],
        lang,
      }),
    },
    {
      id: "chart-activity",
      title: t("analytics.chart.activity"),
      tableId: "months",
      svg: chartSvg({
        kind: "line",
        labelledBy: "chart-activity",
        categories: months,
        series: [series("series_proposals", (f) => f.proposals), series("series_supports", (f) => f.supports)],
        lang,
      }),
    },
    {
      id: "chart-desk",
      title: t("analytics.chart.desk"),
      tableId: "months",
      svg: chartSvg({
        kind: "stacked",
        labelledBy: "chart-desk",
        categories: months,
        series: [series("series_escalated", (f) => f.escalatedByPeople), series("series_signals", (f) => f.surfaced - f.escalatedByPeople)],
        lang,
      }),
    },
  ];
  if (a.byStatus.length) {
    charts.push({
      id: "chart-status",
      title: t("analytics.chart.status"),
      tableId: "status",
      svg: chartSvg({
        kind: "bar",
        labelledBy: "chart-status",
        categories: a.byStatus.map((s) => t(`proposal.status.${s.status}`)),
        series: [{ name: t("analytics.chart.series_count"), values: a.byStatus.map((s) => s.count) }],
        lang,
      }),
    });
  }
  return charts;
}

/** One table as a CSV download: the same header and rows the page shows. */
export function tableCsv(table: DataTable, filePrefix: string, period: Period): Response {
  const columns: CsvColumn<Cell[]>[] = table.headers.map((header, i) => ({ header, value: (row) => row[i] }));
  return csvResponse(`${filePrefix}-${table.id}-${periodSlug(period)}`, columns, table.rows, { "Cache-Control": "private, no-store" });
}

/** The headline figures above the charts. */
export function headlineOf(t: T, f: Figures): { label: string; value: Cell; of?: Cell }[] {
  const label = (key: string) => t(`analytics.figure.${key}`);
  return [
    { label: label("councils"), value: f.activeCouncils },
    { label: label("members"), value: f.members },
    { label: label("meetings"), value: f.meetingsHeld, of: f.meetingsRequired },
    { label: label("attendance"), value: attendanceRate(f) },
    { label: label("proposals"), value: f.proposals },
    { label: label("supports"), value: f.supports },
    { label: label("adoption"), value: adoptionRate(f) },
    { label: label("median_days"), value: f.medianDaysToDecision },
    { label: label("overdue"), value: f.overdueReviews },
    { label: label("messages"), value: f.messages },
    { label: label("surfaced"), value: f.surfaced },
    { label: label("median_hours"), value: f.medianHoursToResolve },
    { label: label("people"), value: f.people },
    { label: label("per_1000"), value: per1000(f) },
  ];
}

/** Each table's CSV address: the page's resource twin (`….csv`) with the page's own parameters and the table. */
export function csvHrefs(url: URL, tables: DataTable[]): Record<string, string> {
  return Object.fromEntries(
    tables.map((table) => {
      const params = new URLSearchParams(url.search);
      params.delete("format");
      params.set("table", table.id);
      return [table.id, `${url.pathname.replace(/\/$/, "")}.csv?${params.toString()}`];
    }),
  );
}

/**
 * The deputy's scope from the address: the city, a district, or a neighborhood (whose district
 * follows from it). An unknown id, or a neighborhood outside the district chosen, is dropped with
 * the problem named.
 */
export async function deputyScopeOf(db: Db, asked: AnalyticsRequest) {
  const districts = await listDistricts(db);
  let problem: string | null = null;
  let district = asked.districtId ? districts.find((d) => d.id === asked.districtId) : undefined;
  if (asked.districtId && !district) problem = "bad_query";
  let neighborhood = asked.neighborhoodId ? await getNeighborhood(db, asked.neighborhoodId) : null;
  if (asked.neighborhoodId && !neighborhood) problem = "bad_query";
  if (neighborhood && district && neighborhood.districtId !== district.id) {
    problem = "neighborhood_elsewhere";
    neighborhood = null;
  }
  if (neighborhood && !district) district = districts.find((d) => d.id === neighborhood!.districtId);
  const scope: AnalyticsScope = neighborhood
    ? { kind: "neighborhood", districtId: neighborhood.districtId, neighborhoodId: neighborhood.id }
    : district
      ? { kind: "district", districtId: district.id }
      : { kind: "city" };
  return { scope, districts, district, neighborhood, problem };
}

/** A manager's scope from the address: their district, or one of its neighborhoods. */
export async function districtScopeOf(db: Db, districtId: string, asked: AnalyticsRequest) {
  let problem: string | null = null;
  let neighborhood = asked.neighborhoodId ? await getNeighborhood(db, asked.neighborhoodId) : null;
  if (asked.neighborhoodId && !neighborhood) problem = "bad_query";
  if (neighborhood && neighborhood.districtId !== districtId) {
    problem = "neighborhood_elsewhere";
    neighborhood = null;
  }
  const scope: AnalyticsScope = neighborhood
    ? { kind: "neighborhood", districtId, neighborhoodId: neighborhood.id }
    : { kind: "district", districtId };
  return { scope, neighborhood, problem };
}

/** The page's data: one reading of the analytics module, its tables and its charts. */
export async function analyticsPage(
  db: Db,
  input: { t: T; lang: string; scope: AnalyticsScope; request: AnalyticsRequest; now?: Date },
): Promise<{ analytics: Analytics; tables: DataTable[]; charts: Chart[] }> {
  const analytics = await analyticsOf(db, input.scope, input.request.period, input.now);
  const tables = analyticsTables(input.t, analytics);
  return { analytics, tables, charts: analyticsCharts(input.t, analytics, input.lang) };
}

/** One table of the same reading as a CSV download (the page's `….csv` twin). */
export async function analyticsCsv(
  db: Db,
  input: { t: T; scope: AnalyticsScope; request: AnalyticsRequest; filePrefix: string; now?: Date },
): Promise<Response> {
  const analytics = await analyticsOf(db, input.scope, input.request.period, input.now);
  const tables = analyticsTables(input.t, analytics);
  const table = tables.find((x) => x.id === input.request.table) ?? tables[0]!;
  return tableCsv(table, input.filePrefix, input.request.period);
}
