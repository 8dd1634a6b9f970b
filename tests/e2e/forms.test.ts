import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory } from "../../app/domain/proposals.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { hashPassword } from "../../app/utils/password.server";
import { searchKey } from "../../app/utils/persian";
import { districts, neighborhoods, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, describeBrowser, launchChromium, PHONE, watchContext } from "../support/browser";
import { testCharter } from "../support/fixtures";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const faThreads = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;

const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const PEOPLE = {
  admin: { phone: "09120000301", name: "مدیر سامانه آزمون" },
  manager: { phone: "09120000302", name: "نرگس یزدانی" },
  resident: { phone: "09120000303", name: "رضا احمدی" },
  candidate: { phone: "09120000304", name: "حمید قاسمی" },
};
type Who = keyof typeof PEOPLE;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });

/**
 * Forms as a new person meets them at phone width, with JavaScript and without: an optional field
 * left empty, a second press after a refusal, and Persian messages beside the field where the
 * browser would otherwise show its own bubble (or nothing).
 */
describeBrowser("forms at phone width", () => {
  let app: TestApp;
  let browser: Browser;
  let districtId = "";
  let councilId = "";
  let councilThreadId = "";
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const passwordHash = await hashPassword(PASSWORD);
    const ids: Partial<Record<Who, string>> = {};
    for (const [key, p] of Object.entries(PEOPLE)) {
      const [row] = await db
        .insert(users)
        .values({ phone: `+98${p.phone.slice(1)}`, displayName: p.name, passwordHash })
        .returning({ id: users.id });
      ids[key as Who] = row!.id;
    }
    const [district] = await db
      .insert(districts)
      .values({ number: 3, name: "منطقه سه شهرداری همدان", nameKey: searchKey("منطقه سه شهرداری همدان") })
      .returning({ id: districts.id });
    districtId = district!.id;
    await db.insert(roleAssignments).values([
      { userId: ids.admin!, role: "admin" },
      { userId: ids.manager!, role: "district_manager", districtId },
    ]);
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: "کوی اعتمادیه", nameKey: searchKey("کوی اعتمادیه") })
      .returning({ id: neighborhoods.id });
    const council = await createCouncil(db, ids.manager!, hood!.id, testCharter({ proposers: "residents" }));
    if (!council.ok) throw new Error(council.error);
    councilId = council.id;
    councilThreadId = await ensureThread(db, { kind: "council", councilId });
    const category = await createCategory(db, "پیاده‌رو و معابر");
    if (!category.ok) throw new Error(category.error);
  }, 120_000);

  // Each test's pages are closed after it, and its problems are its own.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
    problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A phone-sized browser signed in as someone, with or without JavaScript. */
  async function as(who: Who, js: boolean): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR", javaScriptEnabled: js });
    contexts.push(context);
    watchContext(context, problems);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name="phone"]', PEOPLE[who].phone);
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('form#login button[type="submit"]').click()]);
    return page;
  }

  /**
   * Problems other than the refusals a test asked for (a 400/409 answering a refused form is
   * expected), and other than scripts a browser without JavaScript does not load.
   */
  const unexpected = () =>
    problems.filter((p) => !/^http (400|409): POST /.test(p) && !/status of (400|409)/.test(p) && !/^failed: GET \S+\.js csp$/.test(p));

  /** Every tab of the page's tab bar, the current one included, lies within the phone's width. */
  async function tabsInSight(page: Page) {
    const boxes = await page.locator(".tabs .tabs__item").evaluateAll((tabs) =>
      tabs.map((tab) => {
        const r = tab.getBoundingClientRect();
        return { text: tab.textContent ?? "", left: r.left, right: r.right, active: tab.classList.contains("active") };
      }),
    );
    expect(boxes.length).toBeGreaterThan(2);
    expect(boxes.some((b) => b.active)).toBe(true);
    for (const b of boxes) {
      expect(b.left, b.text).toBeGreaterThanOrEqual(0);
      expect(b.right, b.text).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  }

  for (const js of [true, false]) {
    const mode = js ? "with JavaScript" : "without JavaScript";

    it(`files a proposal with the optional place left empty, ${mode}`, async () => {
      const page = await as("resident", js);
      await page.goto(`${app.baseUrl}/proposals/new?council=${councilId}`);
      await page.fill('input[name="title"]', `پیاده‌رو خیابان اکباتان ${js ? "یک" : "دو"}`);
      await page.fill('textarea[name="body"]', "پیاده‌روی ضلع شمالی خیابان شکسته است و سالمندان زمین می‌خورند.");
      await page.selectOption('select[name="categoryId"]', { label: "پیاده‌رو و معابر" });
      expect(await page.inputValue('input[name="place"]')).toBe("");
      await page.locator('form#new-proposal button[type="submit"]').click();
      await page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/, { timeout: 30_000 });
      expect(await page.locator("body").innerText()).not.toContain(fa.errors.place_too_long);
      await shot(page, `forms-proposal-no-place-${js ? "js" : "nojs"}-390`);
      expect(unexpected()).toEqual([]);
    });

    it(`shows the Persian message beside an empty required field, never the browser's bubble, ${mode}`, async () => {
      const page = await as("resident", js);
      await page.goto(`${app.baseUrl}/proposals/new?council=${councilId}`);
      // Nothing on the page asks the browser to check the form itself.
      expect(await page.evaluate(() => [...document.forms].filter((f) => !f.noValidate && f.querySelector(":invalid")).length)).toBe(0);
      await page.locator('form#new-proposal button[type="submit"]').click();
      const titleError = page.locator("#new-proposal-title-error");
      await titleError.waitFor({ timeout: 30_000 });
      expect(await titleError.innerText()).toBe(fa.errors.title_required);
      expect(await page.locator("#new-proposal-categoryId-error").innerText()).toBe(fa.errors.category_required);
      await shot(page, `forms-proposal-empty-${js ? "js" : "nojs"}-390`);
      expect(unexpected()).toEqual([]);
    });

    it(`answers a too-short escalation note with its Persian message on the form, ${mode}`, async () => {
      const page = await as("manager", js);
      await page.goto(`${app.baseUrl}/threads/${councilThreadId}`);
      const escalate = page.locator('form:has(input[name="intent"][value="escalate"])');
      await page.locator("summary", { hasText: faThreads.thread.escalate }).first().click();
      await escalate.locator('textarea[name="note"]').fill("کوتاه");
      await escalate.locator('button[type="submit"]').click();
      await page.getByText(fa.errors.thread_escalation_note_required).first().waitFor({ timeout: 30_000 });
      // Nothing went to the deputy's desk, and the note typed is still there to be finished.
      expect(await page.locator('form:has(input[name="intent"][value="escalate"]) textarea[name="note"]').inputValue()).toBe("کوتاه");
      await shot(page, `forms-escalation-short-${js ? "js" : "nojs"}-390`);
      expect(unexpected()).toEqual([]);
    });
  }

  it("sends a new neighborhood on the second press, after fixing the refused name", async () => {
    const page = await as("manager", true);
    await page.goto(`${app.baseUrl}/manage/districts/${districtId}/moderation`);
    await tabsInSight(page);
    await page.goto(`${app.baseUrl}/manage/districts/${districtId}/neighborhoods/new`);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    const button = page.locator("form#new-neighborhood button[type=submit]");
    await page.fill('input[name="name"]', "ک");
    await button.click();
    await page.locator("#new-neighborhood-name-error").waitFor();
    expect(await page.locator("#new-neighborhood-name-error").innerText()).toBe(fa.errors.name_too_short);
    // The person fixes the name and presses the same button once.
    await page.fill('input[name="name"]', "کوی فرهنگیان تازه");
    await button.click();
    await page.waitForURL(/\/manage\/neighborhoods\/[0-9a-f-]{36}/, { timeout: 30_000 });
    expect(posts.length).toBe(1);
    expect(unexpected()).toEqual([]);
  });

  it("assigns a district manager on the press after a refusal, client-side or from the server", async () => {
    const page = await as("admin", true);
    await page.goto(`${app.baseUrl}/admin/audit`);
    await tabsInSight(page);
    await page.goto(`${app.baseUrl}/admin/districts/${districtId}`);
    const form = page.locator("form#assign-manager");
    const button = form.locator("button[type=submit]");
    await form.locator('input[name="phone"]').fill("0912");
    await button.click();
    await page.locator("#assign-manager-phone-error").waitFor();
    expect(await page.locator("#assign-manager-phone-error").innerText()).toBe(fa.errors.phone_invalid);
    // A well-formed number nobody signed up with: refused by the server, on the form.
    await form.locator('input[name="phone"]').fill("09127777777");
    await button.click();
    await form.getByText(fa.errors.user_not_found).waitFor({ timeout: 30_000 });
    // Fixed: one more press does it.
    await form.locator('input[name="phone"]').fill(PEOPLE.candidate.phone);
    await button.click();
    await page.getByText(fa.admin.done_manager_assigned).waitFor({ timeout: 30_000 });
    await form.page().getByText(PEOPLE.candidate.name).first().waitFor({ timeout: 30_000 });
    await shot(page, "forms-assign-manager-390");
    expect(unexpected()).toEqual([]);
  });
});
