import { describe, expect, it } from "vitest";
import { chartSvg } from "./charts.server";

describe("server-drawn charts", () => {
  const svg = chartSvg({
    kind: "bar",
    labelledBy: "chart-x",
    categories: ["فروردین", "<script>alert(1)</script>"],
    series: [{ name: "تعداد", values: [1200, 3] }],
    lang: "fa",
  });

  it("is an SVG labelled by its title, right to left, in Persian digits", () => {
    expect(svg).toMatch(/^<svg role="img" aria-labelledby="chart-x" focusable="false"/);
    expect(svg).toContain("۱٬۲۰۰");
    expect(svg).toContain("فروردین");
    expect(svg).toContain('font-family="Vazirmatn, Tahoma, sans-serif"');
  });

  it("escapes label text and writes no inline style (the page's CSP forbids it)", () => {
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).not.toMatch(/ style="/);
    expect(svg).not.toContain("<style");
  });

  it("draws lines and stacks", () => {
    const line = chartSvg({ kind: "line", labelledBy: "l", categories: ["مهر"], series: [{ name: "الف", values: [2] }], lang: "fa" });
    const stacked = chartSvg({
      kind: "stacked",
      labelledBy: "s",
      categories: ["مهر", "آبان"],
      series: [
        { name: "الف", values: [2, 1] },
        { name: "ب", values: [1, 1] },
      ],
      lang: "en",
    });
    expect(line).toContain("<path");
    expect(stacked).toContain("الف");
  });
});
