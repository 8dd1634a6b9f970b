import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { messageReports } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, DESKTOP, describeBrowser, launchChromium, PHONE, watchContext } from "../support/browser";
import { appFactories, type Person } from "../support/factories";
import { scaled } from "../support/wait";
const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const faThreads = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;

const PASSWORD = "گزارش-کوچه-باغ-۱۴۰۵";

/**
 * Reporting a message: one report form per thread, in a dialog opened from the message's menu with
 * JavaScript, and drawn in the message's menu by the server (`?report=`) without it.
 */
describeBrowser("reporting a message, with and without JavaScript", () => {
  let app: TestApp;
  let browser: Browser;
  let threadId = "";
  let councilId = "";
  let reader: Person;
  const messages: string[] = [];
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const make = appFactories(app, { firstPhone: "+989127000000" });
    const districtId = await make.district({ number: 1, name: "منطقه یک" });
    const manager = await make.user({ name: "مدیر منطقه یک", grants: [{ role: "district_manager", districtId }] });
    const author = await make.user({ name: "حسین مرادی" });
    reader = await make.user({ name: "فاطمه نوری", password: PASSWORD });
    ({ councilId, threadId } = await make.councilThread({ districtId, founderId: manager.id }));
    for (const body of [
      "سلام، کسی می‌داند جلسه شورا این هفته کی است؟",
      "این پیام تبلیغ فروش آپارتمان است؛ برای خرید با شماره زیر تماس بگیرید.",
      "پنجشنبه ساعت شش عصر در سرای محله.",
    ])
      messages.push((await make.message(threadId, author.id, body)).messageId);
  }, scaled(120_000));

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signedIn(js: boolean, viewport = PHONE): Promise<Page> {
    const mobile = viewport.width < 500;
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: "fa-IR", javaScriptEnabled: js });
    contexts.push(context);
    watchContext(context, problems);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name="phone"]', `0${reader.phone.slice(3)}`);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('form#login button[type="submit"]').click()]);
    return page;
  }
  const reportsOf = async (messageId: string) =>
    (
      await app.database.db
        .select({ reason: messageReports.reason })
        .from(messageReports)
        .where(and(eq(messageReports.messageId, messageId), eq(messageReports.reporterId, reader.id)))
    ).map((r) => r.reason);
  /** Problems other than the refusal the tests ask for, and scripts a browser without JavaScript does not load. */
  const unexpected = () =>
    problems.filter((p) => !/^http 400: POST /.test(p) && !/status of 400/.test(p) && !/^failed: GET \S+\.js csp$/.test(p));

  it("opens one dialog from a message's menu, answers a refusal in it, and sends the report", async () => {
    const page = await signedIn(true);
    await page.goto(`${app.baseUrl}/threads/${threadId}`);
    const item = page.locator(`#m-${messages[1]}`);
    await item.locator("summary").click();
    // After hydration the menu holds a button for the dialog, not a link.
    const open = item.getByRole("button", { name: faThreads.thread.report });
    await open.click();
    const dialog = page.getByRole("dialog", { name: faThreads.thread.report_title });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await page.locator("dialog.report-dialog").count()).toBe(1);
    expect(await page.locator('form input[name="intent"][value="report"]').count()).toBe(1);
    expect(await dialog.innerText()).toContain("تبلیغ فروش آپارتمان");
    // The focus is in the dialog.
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog[open]")))).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "report-dialog-390.png") });

    // Too short a reason: refused in the dialog, which stays open with the text.
    await dialog.locator('input[name="reason"]').fill("بد");
    await dialog.getByRole("button", { name: faThreads.thread.report }).click();
    await expect.poll(() => dialog.innerText()).toContain(fa.errors.thread_report_reason_required);
    expect(await dialog.locator('input[name="reason"]').inputValue()).toBe("بد");

    await dialog.locator('input[name="reason"]').fill("تبلیغ تجاری در گفت‌وگوی محله");
    await dialog.getByRole("button", { name: faThreads.thread.report }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await reportsOf(messages[1]!)).toEqual(["تبلیغ تجاری در گفت‌وگوی محله"]);
    // The focus is back on the button that opened it.
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(unexpected()).toEqual([]);
    problems.length = 0;
  });

  it("closes the dialog with Escape, at desktop width, without sending anything", async () => {
    const page = await signedIn(true, DESKTOP);
    await page.goto(`${app.baseUrl}/councils/${councilId}#thread`);
    const item = page.locator(`#m-${messages[2]}`);
    await item.locator("summary").click();
    await item.getByRole("button", { name: faThreads.thread.report }).click();
    const dialog = page.getByRole("dialog", { name: faThreads.thread.report_title });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain("سرای محله");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "report-dialog-1280.png") });
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await reportsOf(messages[2]!)).toEqual([]);
    expect(unexpected()).toEqual([]);
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`without JavaScript, the menu's link draws that message's form and it is sent (${viewport.width} px)`, async () => {
      const page = await signedIn(false, viewport);
      await page.goto(`${app.baseUrl}/threads/${threadId}`);
      expect(await page.locator('form input[name="intent"][value="report"]').count()).toBe(0);
      const target = messages[viewport === PHONE ? 0 : 2]!;
      const item = page.locator(`#m-${target}`);
      await item.locator("summary").click();
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get("report") === target),
        item.getByRole("link", { name: faThreads.thread.report }).click(),
      ]);
      const menu = page.locator(`#m-${target} details#thread-report[open]`);
      expect(await menu.count()).toBe(1);
      expect(await page.locator('form input[name="intent"][value="report"]').count()).toBe(1);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `report-plain-${viewport.width}.png`) });
      await menu.locator('input[name="reason"]').fill("نشانی و شماره تلفن تبلیغاتی");
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/threads/${threadId}` && !u.searchParams.has("report")),
        menu.getByRole("button", { name: faThreads.thread.report }).click(),
      ]);
      expect(await reportsOf(target)).toEqual(["نشانی و شماره تلفن تبلیغاتی"]);
      expect(unexpected()).toEqual([]);
    });
  }
});
