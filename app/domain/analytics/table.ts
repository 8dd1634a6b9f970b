/** The shapes analytics hands to pages (browser-safe): tables whose rows are also their CSV, and charts. */

export const TABLE_IDS = ["summary", "months", "units", "status", "topics", "decisions"] as const;
export type TableId = (typeof TABLE_IDS)[number];

/** A table's cell: text, a number (shown in the page's digits; written as is in CSV), or nothing. */
export type Cell = string | number | null;

export interface DataTable {
  id: TableId;
  title: string;
  headers: string[];
  rows: Cell[][];
  /** The first column names the row (a month, a district): a row header in the page. */
  rowHeaders: boolean;
}

export interface Chart {
  id: string;
  title: string;
  /** SVG drawn on the server from numbers and the app's own labels. */
  svg: string;
  /** The table that holds the chart's numbers. */
  tableId: TableId;
}
