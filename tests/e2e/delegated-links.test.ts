import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { tehranToday } from "../../app/domain/charter";
import { isCurrent } from "../../app/components/app-shell";
import { searchKey } from "../../app/utils/persian";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { districts, neighborhoods, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
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
    const db = app.database.db;
    const [manager] = await db.insert(users).values({ phone: "+989120000901", displayName: "مدیر منطقه", passwordHash: "x" }).returning();
    const [district] = await db
      .insert(districts)
      .values({ number: 3, name: "منطقه سه", nameKey: searchKey("منطقه سه") })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی یاس", nameKey: searchKey("کوی یاس") })
      .returning({ id: neighborhoods.id });
    const today = tehranToday();
    const council = await createCouncil(db, manager!.id, hood!.id, {
      termStart: today,
      termEnd: `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`,
      quorumPercent: 50,
      votingPeriodDays: 7,
      majorityRule: "simple",
      proposers: "residents",
      supportThreshold: 2,
      ballot: "open",
      reportsToHide: 5,
    });
    if (!council.ok) throw new Error(council.error);
    const category = await createCategory(db, "فضای سبز");
    if (!category.ok) throw new Error(category.error);
    for (const title of titles) {
      const filed = await fileProposal(db, {
        councilId: council.id,
        authorId: manager!.id,
        title,
        body: "متن طرح برای آزمودن پیوندها",
        categoryId: category.id,
        place: "کوچه یاس",
      });
      if (!filed.ok) throw new Error(filed.error);
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
