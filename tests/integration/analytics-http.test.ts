import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsOf } from "../../app/domain/analytics/queries.server";
import { startTestApp, type TestApp } from "../support/app";
import { fillAnalyticsCity } from "../support/analytics-city";
import { BACKENDS } from "../support/database";
import { factories, sessionClient } from "../support/factories";
import { Browserless, visibleText } from "../support/http";
import { scaled } from "../support/wait";

const latin = (s: string) => s.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).replace(/٬/g, "");

/** Analytics and the monthly report through the real server: who may read them, bad periods, CSV. */
describe.each(BACKENDS)("analytics over HTTP on %s", (backend) => {
  let app: TestApp;
  let city: Awaited<ReturnType<typeof fillAnalyticsCity>>;
  const client: Record<string, Browserless> = {};

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    const make = factories(db, { firstPhone: "+989151200000", firstDistrict: 61 });
    const admin = await make.user({ name: "سازنده" });
    city = await fillAnalyticsCity(db, make, { managerId: admin.id });
    const grants = {
      resident: [],
      managerA: [{ role: "district_manager" as const, districtId: city.districtA }],
      managerB: [{ role: "district_manager" as const, districtId: city.districtB }],
      staffA: [{ role: "district_staff" as const, districtId: city.districtA, powers: ["applications", "moderate", "file_on_behalf"] }],
      deputy: [{ role: "deputy" as const }],
      deputyStaff: [{ role: "deputy_staff" as const }],
    };
    for (const [key, g] of Object.entries(grants)) {
      const person = await make.user({ name: key, grants: g });
      client[key] = await sessionClient(app, person.id);
    }
    client.anonymous = new Browserless(app.baseUrl);
  }, scaled(240_000));
  afterAll(() => app?.close());

  const statusOf = async (who: string, path: string) => (await client[who]!.get(path)).status;

  it("lets the deputy's office read the city, a manager their own district, and nobody else", async () => {
    const A = city.districtA;
    const B = city.districtB;
    const expectations: [string, string, number][] = [
      ["deputy", "/deputy/analytics", 200],
      ["deputyStaff", "/deputy/analytics", 200],
      ["deputy", `/deputy/analytics?district=${B}`, 200],
      ["managerA", "/deputy/analytics", 403],
      ["staffA", "/deputy/analytics", 403],
      ["resident", "/deputy/analytics", 403],
      ["anonymous", "/deputy/analytics", 302],
      ["managerA", `/manage/districts/${A}/analytics`, 200],
      ["managerB", `/manage/districts/${A}/analytics`, 403],
      ["staffA", `/manage/districts/${A}/analytics`, 403],
      ["resident", `/manage/districts/${A}/analytics`, 403],
      ["managerA", `/manage/districts/${A}/report?year=1404&month=7`, 200],
      ["deputy", `/manage/districts/${A}/report?year=1404&month=7`, 200],
      ["managerB", `/manage/districts/${A}/report?year=1404&month=7`, 403],
      ["staffA", `/manage/districts/${A}/report?year=1404&month=7`, 403],
      ["resident", `/manage/districts/${A}/report?year=1404&month=7`, 403],
      ["anonymous", `/manage/districts/${A}/report?year=1404&month=7`, 302],
      // Another district's CSV is refused like its page.
      ["managerB", `/manage/districts/${A}/analytics.csv?table=summary`, 403],
      ["managerA", `/manage/districts/${A}/analytics.csv?table=summary`, 200],
      ["managerA", "/deputy/analytics.csv?table=summary", 403],
      ["anonymous", "/deputy/analytics.csv?table=summary", 302],
    ];
    const seen: string[] = [];
    for (const [who, path, status] of expectations) seen.push(`${who} ${path} → ${await statusOf(who, path)} (want ${status})`);
    expect(seen.filter((line) => !line.endsWith(`(want ${line.match(/→ (\d+)/)![1]})`))).toEqual([]);
  });

  it("shows the city's, a district's and a neighborhood's figures as the query module reads them", async () => {
    const year = await analyticsOf(app.database.db, { kind: "city" }, { kind: "year", year: 1404 });
    const page = await client.deputy!.get("/deputy/analytics?year=1404&span=year");
    const text = latin(visibleText(await page.text()));
    expect(text).toContain("سال 1404");
    expect(text).toContain(`${year.total.proposals}`);
    expect(text).toContain("منطقه شمال");
    // The charts are inline SVG, labelled by their titles, with Persian month names and digits.
    const html = await (await client.deputy!.get("/deputy/analytics?year=1404&span=year")).text();
    expect(html).toMatch(/<svg role="img" aria-labelledby="chart-meetings"/);
    expect(html).toContain("فروردین");
    // Statuses and decisions in words, never as keys.
    expect(html).not.toMatch(/proposals?\.(status|event)\./);
    expect(visibleText(html)).toContain("در بررسی کمیسیون");
    expect(html).not.toContain("<b>پیشاهنگ");
    const hood = await client.deputy!.get(`/deputy/analytics?neighborhood=${city.hoods[0]}&year=1404&span=s3`);
    expect(visibleText(await hood.text())).toContain("اکباتان (منطقه مرکزی)");
  });

  it("turns a bad period or scope into a Persian notice, never an error", async () => {
    const A = city.districtA;
    const cases: [string, string][] = [
      ["/deputy/analytics?year=abc", "درست نبود"],
      ["/deputy/analytics?year=1200", "خارج از بازه"],
      ["/deputy/analytics?year=99999999999999999999", "درست نبود"],
      ["/deputy/analytics?month=13&year=1404", "درست نبود"],
      ["/deputy/analytics?from=1405-05&to=1405-02", "پایان بازه پیش از آغاز"],
      ["/deputy/analytics?from=1380-01&to=1479-12", "بیش از ۲۴ ماه"],
      ["/deputy/analytics?year=1404&month=2&season=3", "هم ماه و هم فصل"],
      ["/deputy/analytics?district=constructor", "درست نبود"],
      ["/deputy/analytics?district=1'%20or%20'1'%3D'1", "درست نبود"],
      ["/deputy/analytics?span=__proto__", "درست نبود"],
      ["/deputy/analytics?district=00000000-0000-4000-8000-000000000000", "درست نبود"],
      [`/deputy/analytics?district=${city.districtB}&neighborhood=${city.hoods[0]}`, "در این منطقه نبود"],
      [`/manage/districts/${A}/analytics?neighborhood=${city.hoods[3]}`, "در این منطقه نبود"],
      [`/manage/districts/${A}/report?year=1404&season=2`, "ماه خواسته‌شده درست نبود"],
      [`/manage/districts/${A}/report?year=1404&month=0`, "درست نبود"],
    ];
    const who = (path: string) => (path.startsWith("/manage") ? "managerA" : "deputy");
    const outcomes: string[] = [];
    for (const [path, notice] of cases) {
      const response = await client[who(path)]!.get(path);
      const text = visibleText(await response.text());
      outcomes.push(`${path}: ${response.status} ${text.includes(notice) ? "notice" : "no notice"}`);
    }
    expect(outcomes).toEqual(cases.map(([path]) => `${path}: 200 notice`));
  });

  it("hands out every table as CSV: BOM, the page's header, the same rows", async () => {
    const response = await client.deputy!.get("/deputy/analytics.csv?year=1404&span=year&table=units");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain("analytics-units-1404.csv");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]!.split(",").slice(0, 3)).toEqual(["منطقه", "شورای فعال", "عضو شورا"]);
    const year = await analyticsOf(app.database.db, { kind: "city" }, { kind: "year", year: 1404 });
    const ours = year.units.filter((u) => u.id === city.districtA || u.id === city.districtB);
    for (const unit of ours) {
      const row = lines.find((l) => l.startsWith(`${unit.name},`))!.split(",");
      expect(row.slice(1, 5).map(Number)).toEqual([
        unit.figures.activeCouncils,
        unit.figures.members,
        unit.figures.meetingsHeld,
        unit.figures.meetingsRequired,
      ]);
    }
    // The page's table holds the same rows (in Persian digits).
    const pageHtml = await (await client.deputy!.get("/deputy/analytics?year=1404&span=year")).text();
    // The page links each table's CSV.
    expect(pageHtml).toContain('href="/deputy/analytics.csv?year=1404&amp;span=year&amp;table=units"');
    const page = latin(visibleText(pageHtml));
    const a = ours.find((u) => u.id === city.districtA)!;
    expect(page).toContain(
      `${a.name} ${a.figures.activeCouncils} ${a.figures.members} ${a.figures.meetingsHeld} ${a.figures.meetingsRequired}`,
    );

    const months = await client.managerA!.get(`/manage/districts/${city.districtA}/analytics.csv?year=1404&span=s3&table=months`);
    const monthLines = (await months.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(monthLines.map((l) => l.split(",")[0])).toEqual(["ماه", "مهر", "آبان", "آذر"]);
  });

  it("prints the month's report with the same figures, the councils' meetings and a print stylesheet", async () => {
    const month = await analyticsOf(
      app.database.db,
      { kind: "district", districtId: city.districtA },
      { kind: "month", year: 1404, month: 7 },
    );
    const html = await (await client.managerA!.get(`/manage/districts/${city.districtA}/report?year=1404&month=7`)).text();
    const text = latin(visibleText(html));
    expect(text).toContain("گزارش ماهانه منطقه مرکزی — مهر 1404");
    expect(text).toContain(`جلسه برگزارشده ${month.total.meetingsHeld}`);
    expect(text).toContain(`حداقل لازم ${month.total.meetingsRequired}`);
    expect(text).toContain(`طرح تازه ${month.total.proposals}`);
    expect(text).toContain("اکباتان");
    expect(html).not.toContain("<b>پیشاهنگ");
    const css = await Promise.all(
      [...html.matchAll(/href="(\/build\/[^"]+\.css)"/g)].map(async (m) => (await client.managerA!.get(m[1]!)).text()),
    );
    expect(css.join("\n")).toMatch(/@page\s*{\s*size:\s*A4/);
  });
});
