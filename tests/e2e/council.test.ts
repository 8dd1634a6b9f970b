import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashPassword } from "../../app/utils/password.server";
import { districts, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, describeBrowser, launchChromium } from "../support/browser";
import { scaled } from "../support/wait";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });

describeBrowser("a council from set-up to its public page", () => {
  let app: TestApp;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const [district] = await app.database.db
      .insert(districts)
      .values({ number: 1, name: "منطقه یک شهرداری همدان", nameKey: "منطقه یک شهرداری همدان" })
      .returning({ id: districts.id });
    const passwordHash = await hashPassword(PASSWORD);
    const [manager] = await app.database.db
      .insert(users)
      .values({ phone: "+989120000101", displayName: "مهدی صالحی", passwordHash })
      .returning({ id: users.id });
    await app.database.db.insert(roleAssignments).values({ userId: manager!.id, role: "district_manager", districtId: district!.id });
    await app.database.db.insert(users).values({ phone: "+989120000102", displayName: "زهرا کریمی", passwordHash });
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signedIn(phone: string, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500, locale: "fa-IR" });
    context.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    context.on("request", (r) => {
      const url = new URL(r.url());
      if (!["data:", "blob:"].includes(url.protocol) && url.hostname !== "127.0.0.1") problems.push(`off-host: ${r.url()}`);
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name="phone"]', phone);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('form#login button[type="submit"]').click()]);
    return { context, page };
  }

  it("a manager sets up a council, a resident applies, the manager approves and appoints the chair", async () => {
    // The manager: from the district desk to a new neighborhood and its council.
    const manager = await signedIn("09120000101");
    await manager.page.goto(`${app.baseUrl}/manage`);
    await manager.page.waitForURL(/\/manage\/districts\//);
    const districtPath = new URL(manager.page.url()).pathname;
    await manager.page.goto(`${app.baseUrl}${districtPath}/neighborhoods/new`);
    await manager.page.fill('input[name="name"]', "کوی فرهنگیان");
    await manager.page.fill('textarea[name="description"]', "محله‌ای آرام با مدرسه و بوستان محله‌ای.");
    await Promise.all([
      manager.page.waitForURL(/\/manage\/neighborhoods\//),
      manager.page.locator('form:has(input[name="name"]) button[type="submit"]').first().click(),
    ]);
    await manager.page.locator('button[name="intent"][value="create-council"]').waitFor();
    await shot(manager.page, "council-create-390");
    await manager.page.locator('button[name="intent"][value="create-council"]').click();
    await manager.page.waitForURL(/\/manage\/councils\//);
    const councilId = manager.page.url().split("/manage/councils/")[1]!.split(/[?#]/)[0]!;

    // The resident applies on the public council page.
    const resident = await signedIn("09120000102");
    await resident.page.goto(`${app.baseUrl}/councils/${councilId}`);
    await resident.page.fill('textarea[name="statement"]', "بیست سال است ساکن این محله‌ام و در بوستان داوطلبم.");
    await resident.page.locator('button[name="intent"][value="apply"]').click();
    await resident.page.waitForLoadState("networkidle");
    await shot(resident.page, "council-applied-390");

    // The manager approves from the district's queue, then appoints the new member chair.
    await manager.page.goto(`${app.baseUrl}${districtPath}/applications`);
    await expect.poll(() => manager.page.locator("text=زهرا کریمی").count()).toBeGreaterThan(0);
    await shot(manager.page, "council-queue-390");
    await manager.page.locator('button[name="decision"][value="approve"]').first().click();
    await expect.poll(() => manager.page.locator("text=زهرا کریمی").count()).toBe(0);
    await manager.page.goto(`${app.baseUrl}/manage/councils/${councilId}`);
    const appointForm = manager.page.locator('form:has(button[name="intent"][value="appoint"])').first();
    await appointForm.locator('select[name="membershipId"], input[name="membershipId"]').first().waitFor();
    const select = appointForm.locator('select[name="membershipId"]');
    if (await select.count()) await select.selectOption({ label: "زهرا کریمی" });
    const office = appointForm.locator('select[name="office"]');
    if (await office.count()) await office.selectOption("chair");
    await appointForm.locator('button[name="intent"][value="appoint"]').click();
    await manager.page.waitForLoadState("networkidle");
    await shot(manager.page, "council-manage-390");

    // Anyone sees the chair on the public page, without a phone number.
    const visitor = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await visitor.newPage();
    await page.goto(`${app.baseUrl}/councils/${councilId}`);
    const text = await page.locator("main").innerText();
    expect(text).toContain("زهرا کریمی");
    expect(text).toContain("رئیس");
    expect(text).not.toMatch(/0912|۰۹۱۲|\+98/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, "council-public-390");
    const desktop = await browser.newContext({ viewport: DESKTOP });
    const wide = await desktop.newPage();
    await wide.goto(`${app.baseUrl}/councils/${councilId}`);
    await shot(wide, "council-public-1280");
    const managerDesktop = await signedIn("09120000101", DESKTOP);
    await managerDesktop.page.goto(`${app.baseUrl}/manage/councils/${councilId}`);
    await shot(managerDesktop.page, "council-manage-1280");

    expect(problems).toEqual([]);
    await Promise.all([
      manager.context.close(),
      resident.context.close(),
      visitor.close(),
      desktop.close(),
      managerDesktop.context.close(),
    ]);
  });
});
