import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isCurrent } from "../../app/components/app-shell";
import { startTestApp, type TestApp } from "../support/app";
import { factories } from "../support/factories";
import { describeBrowser, launchChromium, PHONE, watchContext } from "../support/browser";
import { scaled } from "../support/wait";

/**
 * The frame's and the lists' links are plain links followed by one handler (decision 031): a click
 * goes to the page without a reload, as a `<Link>` did; a click with a modifier key, a link to
 * another site and a place on the same page are the browser's; the current page is marked.
 */
describeBrowser("plain links followed by one handler", () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];
  const titles = ["روشنایی کوچه یاس", "نیمکت پارک بهار"];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const make = factories(app.database.db, { firstPhone: "+989120000901" });
    const founder = await make.user({ name: "مدیر منطقه" });
    const council = await make.council({ founderId: founder.id, neighborhood: "کوی یاس" });
    const categoryId = await make.category("فضای سبز");
    for (const title of titles) {
      await make.proposal({ councilId: council.id, authorId: founder.id, categoryId, title, body: "متن طرح برای آزمودن پیوندها" });
    }
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR" });
    watchContext(context, problems);
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Marks the page's window: the mark survives a client-side navigation, not a reload. */
  const mark = (page: Page) => page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 42));
  const marked = (page: Page) => page.evaluate(() => (window as unknown as { __mark?: number }).__mark === 42);

  it(
    "follows a list item's link and the frame's links without a reload, and leaves modified clicks to the browser",
    async () => {
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      await page.goto(`${app.baseUrl}/proposals`);
      // The handler is React's: wait for Remix's router in the page, then for its modules.
      await page.waitForFunction(() => Boolean((window as { __remixRouter?: unknown }).__remixRouter));
      await page.waitForLoadState("networkidle");
      await mark(page);

      const item = page.locator(".list__link", { hasText: titles[0]! });
      expect(await item.getAttribute("data-discover")).toBe("true");
      await Promise.all([page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/), item.click()]);
      await expect.poll(() => page.locator("h1").first().innerText()).toContain(titles[0]);
      expect(await marked(page), "the list's link was followed without a reload").toBe(true);

      // The frame: home, marked current, again without a reload.
      const home = page.locator(".bottomnav__item", { hasText: "خانه" });
      await Promise.all([page.waitForURL(`${app.baseUrl}/`), home.click()]);
      expect(await marked(page), "the frame's link was followed without a reload").toBe(true);
      expect(await home.getAttribute("aria-current")).toBe("page");
      expect(await home.getAttribute("class")).toContain("active");

      // A click with a modifier key is the browser's: a new page opens, this one stays.
      await page.goto(`${app.baseUrl}/proposals`);
      await page.waitForFunction(() => Boolean((window as { __remixRouter?: unknown }).__remixRouter));
      await page.waitForLoadState("networkidle");
      const opened = context.waitForEvent("page", { timeout: scaled(10_000) });
      await page.locator(".list__link", { hasText: titles[1]! }).click({ modifiers: ["Control"] });
      const other = await opened;
      await other.waitForLoadState();
      expect(other.url()).toMatch(/\/proposals\/[0-9a-f-]{36}$/);
      expect(page.url()).toBe(`${app.baseUrl}/proposals`);
      await other.close();
      expect(problems).toEqual([]);
    },
    scaled(120_000),
  );

  it("marks the current page as NavLink did", () => {
    expect(isCurrent("/", "/", true)).toBe(true);
    expect(isCurrent("/proposals", "/", true)).toBe(false);
    expect(isCurrent("/me/councils", "/me/councils", false)).toBe(true);
    expect(isCurrent("/me/councils/", "/me/councils", false)).toBe(true);
    expect(isCurrent("/manage/districts/1", "/manage", false)).toBe(true);
    expect(isCurrent("/managers", "/manage", false)).toBe(false);
    expect(isCurrent("/Record", "/record", false)).toBe(true);
    expect(isCurrent("/record", "/", true)).toBe(false);
  });
});
