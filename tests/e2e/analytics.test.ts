import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { fillAnalyticsCity } from "../support/analytics-city";
import { ARTIFACTS_DIR, DESKTOP, PHONE, describeBrowser, launchChromium, latin, signInContext } from "../support/browser";
import { factories } from "../support/factories";
import { scaled } from "../support/wait";

const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const shotDir = process.env.SCREENSHOT_DIR ?? ARTIFACTS_DIR;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });

describeBrowser("analytics and the monthly district report in Chromium", () => {
  let app: TestApp;
  let browser: Browser;
  let city: Awaited<ReturnType<typeof fillAnalyticsCity>>;
  const problems: string[] = [];
  const phones = { deputy: "", manager: "" };

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const make = factories(app.database.db, { firstPhone: "+989151300000", firstDistrict: 71 });
    const founder = await make.user({ name: "سازنده" });
    city = await fillAnalyticsCity(app.database.db, make, { managerId: founder.id });
    phones.deputy = (await make.user({ name: "نرگس توکلی", password: PASSWORD, grants: [{ role: "deputy" }] })).phone;
    phones.manager = (
      await make.user({ name: "مهدی صالحی", password: PASSWORD, grants: [{ role: "district_manager", districtId: city.districtA }] })
    ).phone;
  }, scaled(240_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the deputy the city's year as charts and tables, without JavaScript errors, at 390 px and on a desktop", async () => {
    for (const [label, viewport] of [
      ["phone", PHONE],
      ["desktop", DESKTOP],
    ] as const) {
      const { context, page } = await signInContext(browser, {
        baseUrl: app.baseUrl,
        phone: phones.deputy,
        password: PASSWORD,
        problems,
        viewport,
      });
      await page.goto(`${app.baseUrl}/deputy/analytics?year=1404&span=year`);
      await expect.poll(() => page.locator("svg[role=img]").count()).toBe(4);
      const title = latin((await page.locator("h1").last().textContent()) ?? "");
      expect(title).toContain("سال 1404");
      // The charts carry Persian month names and Persian digits, nothing Latin.
      const svgText = await page.locator(".chart__svg").first().textContent();
      expect(svgText).toContain("فروردین");
      expect(svgText).not.toMatch(/[0-9]/);
      // Nothing wider than the screen but the tables' own scrollers.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, `analytics-deputy-${label}`);
      // The period picker is a plain GET form.
      await page.selectOption("select[name=district]", city.districtA);
      await page.selectOption("select[name=span]", "s3");
      await Promise.all([page.waitForURL(/span=s3/), page.getByRole("button", { name: "نمایش" }).click()]);
      await expect.poll(async () => latin((await page.locator("h1").last().textContent()) ?? "")).toContain("پاییز 1404");
      await shot(page, `analytics-district-season-${label}`);
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it("prints the manager's monthly report on A4 and shows it on a phone", async () => {
    for (const [label, viewport] of [
      ["phone", PHONE],
      ["desktop", DESKTOP],
    ] as const) {
      const { context, page } = await signInContext(browser, {
        baseUrl: app.baseUrl,
        phone: phones.manager,
        password: PASSWORD,
        problems,
        viewport,
      });
      await page.goto(`${app.baseUrl}/manage/districts/${city.districtA}`);
      await Promise.all([page.waitForURL(/\/report/), page.getByRole("link", { name: "گزارش ماهانه منطقه برای چاپ" }).click()]);
      await page.goto(`${app.baseUrl}/manage/districts/${city.districtA}/report?year=1404&month=7`);
      expect(latin((await page.locator("h1").textContent()) ?? "")).toContain("مهر 1404");
      await shot(page, `report-${label}`);
      if (label === "desktop") {
        await page.emulateMedia({ media: "print" });
        await shot(page, "report-print");
        const pdf = await page.pdf({ format: "A4", printBackground: true });
        expect(pdf.length).toBeGreaterThan(1000);
      }
      await page.goto(`${app.baseUrl}/manage/districts/${city.districtA}/analytics?year=1404&span=m7`);
      await expect.poll(() => page.locator("svg[role=img]").count()).toBeGreaterThan(2);
      await shot(page, `analytics-manager-${label}`);
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
