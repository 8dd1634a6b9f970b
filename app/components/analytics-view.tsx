import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Cell, Chart, DataTable } from "~/domain/analytics/table";
import { formatNumber, toPersianDigits } from "~/utils/persian";
import { FilterSelect } from "./choice-fields";
import { Notice } from "./form-field";

/**
 * The analytics page as the deputy and a district manager see it: the period and scope picker (a
 * plain GET form), the headline figures, each chart beside the table that holds its numbers, and
 * every table with its CSV download. The charts arrive as SVG drawn on the server from numbers and
 * the app's own labels (charts.server.ts), so nothing here needs JavaScript.
 */

export interface PickerOption {
  id: string;
  name: string;
}

export interface AnalyticsViewData {
  heading: string;
  notice: string | null;
  picker: {
    year: number;
    span: string;
    districts?: PickerOption[];
    districtId?: string;
    neighborhoods?: PickerOption[];
    neighborhoodId?: string;
  };
  headline: { label: string; value: Cell; of?: Cell }[];
  charts: Chart[];
  tables: DataTable[];
  /** The address of each table's CSV download. */
  csvHref: Record<string, string>;
  reportHref: string | null;
}

export function CellText({ value }: { value: Cell }) {
  const { t, i18n } = useTranslation();
  if (value === null) return <>{t("analytics.not_applicable")}</>;
  if (typeof value === "number") return <>{formatNumber(value, i18n.language)}</>;
  return <span dir="auto">{value}</span>;
}

export function DataTableView({ table, csvHref, caption = true }: { table: DataTable; csvHref?: string; caption?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="data-table">
      {/* A wide table scrolls sideways on a phone: a labelled stop in the tab order, so a keyboard can scroll it too. */}
      <div className="data-table__scroll" role="region" aria-label={table.title} tabIndex={0}>
        <table>
          {caption ? <caption>{table.title}</caption> : null}
          <thead>
            <tr>
              {table.headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.length === 0 ? (
              <tr>
                <td colSpan={table.headers.length} className="muted">
                  {t("analytics.table.empty")}
                </td>
              </tr>
            ) : (
              table.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) =>
                    j === 0 && table.rowHeaders ? (
                      <th key={j} scope="row">
                        <CellText value={cell} />
                      </th>
                    ) : (
                      <td key={j}>
                        <CellText value={cell} />
                      </td>
                    ),
                  )}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {csvHref ? (
        <p className="small data-table__csv">
          <a href={csvHref} download>
            {t("analytics.csv_named", { table: table.title })}
          </a>
        </p>
      ) : null}
    </div>
  );
}

export function ChartFigure({ chart }: { chart: Chart }) {
  return (
    <figure className="chart">
      <figcaption id={chart.id} className="chart__title">
        {chart.title}
      </figcaption>
      {/* Drawn on the server from numbers and our own labels; ECharts escapes every text it writes. */}
      <div className="chart__svg" dangerouslySetInnerHTML={{ __html: chart.svg }} />
    </figure>
  );
}

export function AnalyticsView({ data }: { data: AnalyticsViewData }) {
  const { t } = useTranslation();
  const { picker } = data;
  const tableOf = (id: string) => data.tables.find((x) => x.id === id);
  return (
    <div className="analytics stack">
      <h1 className="page__title">{data.heading}</h1>
      <p className="muted">{t("analytics.intro")}</p>
      {data.notice ? <Notice tone="error">{data.notice}</Notice> : null}

      <Form method="get" className="card analytics-picker" aria-label={t("analytics.picker.legend")}>
        {picker.districts ? (
          <FilterSelect
            name="district"
            label={t("analytics.picker.district")}
            anyLabel={t("analytics.picker.all_districts")}
            value={picker.districtId}
            options={picker.districts}
            layout="card"
          />
        ) : null}
        {picker.neighborhoods && picker.neighborhoods.length ? (
          <FilterSelect
            name="neighborhood"
            label={t("analytics.picker.neighborhood")}
            anyLabel={t("analytics.picker.all_neighborhoods")}
            value={picker.neighborhoodId}
            options={picker.neighborhoods}
            layout="card"
          />
        ) : null}
        <label className="field">
          <span className="field__label">{t("analytics.picker.year")}</span>
          <input
            name="year"
            className="field__input"
            inputMode="numeric"
            dir="ltr"
            defaultValue={toPersianDigits(String(picker.year))}
            size={6}
          />
        </label>
        <label className="field">
          <span className="field__label">{t("analytics.picker.kind")}</span>
          <select name="span" className="field__input" defaultValue={picker.span}>
            <option value="year">{t("analytics.picker.kind_year")}</option>
            <optgroup label={t("analytics.picker.season")}>
              {[1, 2, 3, 4].map((s) => (
                <option key={s} value={`s${s}`}>
                  {t(`analytics.seasons.${s}`)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t("analytics.picker.month")}>
              {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
                <option key={m} value={`m${m}`}>
                  {t(`analytics.months.${m}`)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <button type="submit" className="button">
          {t("analytics.picker.show")}
        </button>
      </Form>

      {data.reportHref ? (
        <p className="small">
          <Link to={data.reportHref}>{t("analytics.report_link")}</Link>
        </p>
      ) : null}

      <ul className="stats analytics-stats">
        {data.headline.map((h) => (
          <li key={h.label} className="stat">
            <span className="stat__value">
              <CellText value={h.value} />
              {h.of !== undefined ? (
                <>
                  {" / "}
                  <CellText value={h.of} />
                </>
              ) : null}
            </span>
            <span className="stat__label">{h.label}</span>
          </li>
        ))}
      </ul>

      <div className="analytics-charts">
        {data.charts.map((chart) => (
          <section key={chart.id} className="card stack analytics-chart">
            <ChartFigure chart={chart} />
            <p className="small">
              <a href={`#table-${chart.tableId}`}>{t("analytics.chart_data", { table: tableOf(chart.tableId)?.title ?? "" })}</a>
            </p>
          </section>
        ))}
      </div>

      {data.tables.map((table) => (
        <section key={table.id} className="card stack" aria-labelledby={`table-${table.id}`}>
          <h2 id={`table-${table.id}`}>{table.title}</h2>
          <DataTableView table={tableOf(table.id)!} csvHref={data.csvHref[table.id]} caption={false} />
        </section>
      ))}
    </div>
  );
}
