import { createRequire } from "node:module";
import type * as ECharts from "echarts";
import { formatNumber } from "../utils/persian";

let library: typeof ECharts | undefined;

/**
 * ECharts is loaded when the first chart is drawn, not when the server starts: imported with the
 * app it added about a second and a half to every start (hundreds of modules through the
 * TypeScript loader), for pages only managers and the deputy's office open. Its one-file build,
 * required here, loads in about 0.4 s, once.
 */
function echarts(): typeof ECharts {
  library ??= createRequire(import.meta.url)("echarts") as typeof ECharts;
  return library;
}

/**
 * Charts drawn on the server as SVG with ECharts, inlined in the page (decision 026): they show
 * without JavaScript, print, and cost the phone no chart library. Right-to-left: the category axis
 * runs from the right (`inverse`), the value axis stands on the right, numbers in the page's digits,
 * the app's own Persian font. The text ECharts writes into the SVG is escaped by it; the chart's
 * title and its data table are in the page's HTML beside it.
 */

export type ChartKind = "bar" | "line" | "stacked";

export interface ChartSpec {
  kind: ChartKind;
  /** The element id of the chart's title in the page: the SVG is labelled by it. */
  labelledBy: string;
  /** Category labels (Jalali month names, statuses, topics), right to left. */
  categories: string[];
  series: { name: string; values: number[] }[];
  lang: string;
  width?: number;
  height?: number;
}

/** Colors that keep WCAG AA contrast against white, in the app's palette order. */
const PALETTE = ["#0f6e5c", "#b45309", "#1d4ed8", "#9d174d", "#4b5563"];
const FONT = "Vazirmatn, Tahoma, sans-serif";

export function chartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 280;
  const rtl = spec.lang !== "en";
  const n = (v: number) => formatNumber(v, spec.lang);
  const chart = echarts().init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT, fontSize: 13 },
      grid: { top: spec.series.length > 1 ? 40 : 16, bottom: 8, left: 16, right: 16, containLabel: true },
      legend:
        spec.series.length > 1
          ? { top: 4, right: rtl ? 8 : undefined, left: rtl ? undefined : 8, textStyle: { fontFamily: FONT } }
          : undefined,
      xAxis: {
        type: "category",
        data: spec.categories,
        inverse: rtl,
        axisLabel: { fontFamily: FONT, interval: 0, hideOverlap: true, rotate: spec.categories.length > 6 ? 45 : 0 },
        axisTick: { alignWithLabel: true },
      },
      yAxis: {
        type: "value",
        position: rtl ? "right" : "left",
        minInterval: 1,
        axisLabel: { fontFamily: FONT, formatter: (v: number) => n(v) },
      },
      series: spec.series.map((s) => ({
        name: s.name,
        type: spec.kind === "line" ? "line" : "bar",
        data: s.values,
        stack: spec.kind === "stacked" ? "all" : undefined,
        barMaxWidth: 36,
        symbolSize: 7,
        label:
          spec.kind === "bar" && spec.series.length === 1
            ? { show: true, position: "top", fontFamily: FONT, formatter: (p: { value: number }) => (p.value ? n(p.value) : "") }
            : undefined,
      })),
    });
    return withoutInlineStyles(chart.renderToSVGString()).replace(
      "<svg ",
      `<svg role="img" aria-labelledby="${spec.labelledBy.replace(/[^A-Za-z0-9_-]/g, "")}" focusable="false" `,
    );
  } finally {
    chart.dispose();
  }
}

/**
 * The page's Content-Security-Policy allows no inline `style` attributes, and ECharts writes its
 * text styles as one: each declaration becomes the SVG presentation attribute of the same name.
 */
export function withoutInlineStyles(svg: string): string {
  // Its <style> element only holds hover effects, which a drawing without script never shows.
  return svg.replace(/<style[^>]*>[\s\S]*?<\/style>/g, "").replace(/ style="([^"]*)"/g, (_, css: string) =>
    css
      .split(";")
      .map((declaration) => declaration.trim())
      .filter((declaration) => /^[a-z-]+:[^:]+$/.test(declaration))
      .map((declaration) => {
        const at = declaration.indexOf(":");
        return ` ${declaration.slice(0, at).trim()}="${declaration.slice(at + 1).trim()}"`;
      })
      .join(""),
  );
}
