import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tehranToday } from "../../app/domain/charter";
import { createCouncil } from "../../app/domain/councils.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { postMessage } from "../../app/domain/threads/write.server";
import { hashPassword } from "../../app/utils/password.server";
import { searchKey } from "../../app/utils/persian";
import { districts, memberships, neighborhoods, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, DESKTOP, describeBrowser, latin, launchChromium, PHONE, signInContext, watchContext } from "../support/browser";
import { testCharter } from "../support/fixtures";
import { scaled } from "../support/wait";

const PASSWORD = "کوچه-باغ-اکباتان-۱۴۰۵";
const shot = async (page: Page, name: string, selector?: string) => {
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path: file });
  else {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
  }
};

const PEOPLE = {
  resident: { phone: "09120000301", name: "زهرا کریمی" },
  neighbor: { phone: "09120000302", name: "محمد صادقی" },
  manager: { phone: "09120000303", name: "نرگس یزدانی" },
  deputy: { phone: "09120000304", name: "دکتر حمید افشار" },
};

describeBrowser("a heated thread reaches the deputy and gets an official answer", () => {
  let app: TestApp;
  let browser: Browser;
  let councilId = "";
  let districtId = "";
  const ids: Record<string, string> = {};
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const passwordHash = await hashPassword(PASSWORD);
    for (const [key, p] of Object.entries(PEOPLE)) {
      const [row] = await db
        .insert(users)
        .values({ phone: `+98${p.phone.slice(1)}`, displayName: p.name, passwordHash })
        .returning({ id: users.id });
      ids[key] = row!.id;
    }
    const [district] = await db
      .insert(districts)
      .values({ number: 1, name: "منطقه یک شهرداری همدان", nameKey: searchKey("منطقه یک شهرداری همدان") })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "اکباتان", nameKey: searchKey("اکباتان") })
      .returning({ id: neighborhoods.id });
    const today = tehranToday();
    const council = await createCouncil(db, ids.manager!, hood!.id, {
      termStart: today,
      termEnd: `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`,
      quorumPercent: 50,
      votingPeriodDays: 7,
      majorityRule: "simple",
      proposers: "residents",
      supportThreshold: 5,
      ballot: "open",
      reportsToHide: 3,
    });
    if (!council.ok) throw new Error(council.error);
    councilId = council.id;
    districtId = district!.id;
    await db.insert(memberships).values({ councilId, userId: ids.resident!, termNumber: 1 });
    await db.insert(roleAssignments).values([
      { userId: ids.manager!, role: "district_manager", districtId: district!.id },
      { userId: ids.deputy!, role: "deputy" },
    ]);
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const signedIn = (phone: string, viewport = PHONE) =>
    signInContext(browser, { baseUrl: app.baseUrl, phone, password: PASSWORD, problems, viewport });

  /** Waits for a part of the page to show a text by itself, without a reload. */
  const live = (page: Page, selector: string, pattern: RegExp, timeout = 10_000) =>
    expect.poll(async () => latin(await page.locator(selector).first().innerText()), { timeout, interval: 200 }).toMatch(pattern);

  /** The page has joined its live rooms (the connection indicator says so). */
  const online = (page: Page) =>
    expect
      .poll(() => page.locator("[data-connection]").first().getAttribute("data-connection"), { timeout: scaled(10_000) })
      .toBe("online");

  it(
    "goes from a resident's message to the deputy's desk and back, live",
    async () => {
      const started = Date.now();
      const councilUrl = `${app.baseUrl}/councils/${councilId}`;

      const resident = await signedIn(PEOPLE.resident.phone);
      await resident.page.goto(`${councilUrl}#thread`);
      await online(resident.page);
      const neighbor = await signedIn(PEOPLE.neighbor.phone);
      await neighbor.page.goto(`${councilUrl}#thread`);
      await online(neighbor.page);
      // Two people have the thread open.
      await live(resident.page, "#thread .thread__meta", /2 نفر اکنون اینجا هستند/);

      // The resident posts; it shows for both without a reload.
      const composer = resident.page.locator("#thread .thread__composer textarea[name=body]");
      await composer.fill("آب لوله‌کشی کوچه باغ سه روز است قطع است و کسی پاسخ نمی‌دهد.\nلطفاً پیگیری کنید: https://example.org/ab");
      await resident.page.locator("#thread .thread__composer button[type=submit]").click();
      await live(neighbor.page, "#thread .thread__list", /سه روز است قطع است/);
      await live(resident.page, "#thread .thread__list", /سه روز است قطع است/);
      await expect.poll(() => composer.inputValue()).toBe("");
      expect(await neighbor.page.locator('#thread .thread__body a[href="https://example.org/ab"]').count()).toBe(1);

      // The neighbor replies to it, quoting.
      await neighbor.page.locator("#thread .message").first().getByRole("button", { name: "پاسخ" }).click();
      await neighbor.page.locator("#thread .thread__composer textarea[name=body]").fill("در کوچه ما هم همین‌طور است.");
      await neighbor.page.locator("#thread .thread__composer button[type=submit]").click();
      await live(resident.page, "#thread .thread__list", /در پاسخ به زهرا کریمی/);
      await live(resident.page, "#thread .thread__head", /1 پیام تازه/);
      await shot(resident.page, "thread-resident-390", "#thread");

      // The district manager escalates the thread to the deputy.
      const deputy = await signedIn(PEOPLE.deputy.phone, DESKTOP);
      await deputy.page.goto(`${app.baseUrl}/deputy`);
      await online(deputy.page);
      expect(latin(await deputy.page.locator("main").innerText())).toContain("موردی با این پالایش نیست");
      const manager = await signedIn(PEOPLE.manager.phone, DESKTOP);
      await manager.page.goto(`${councilUrl}#thread`);
      await online(manager.page);
      await manager.page.locator("#thread .thread__escalation summary").click();
      await manager.page.fill("#thread textarea[name=note]", "قطعی آب در چند کوچه؛ ساکنان نگران‌اند و پاسخی نگرفته‌اند.");
      await manager.page.selectOption("#thread select[name=urgency]", "urgent");
      await manager.page.locator("#thread .thread__escalation button[type=submit]").click();
      await live(manager.page, "#thread .thread__escalation", /تازه/);

      // The deputy's desk shows it without a reload, with a count in the tab title.
      await live(deputy.page, "main", /قطعی آب در چند کوچه/);
      await expect.poll(() => deputy.page.title().then(latin), { timeout: scaled(10_000) }).toMatch(/^\(1\) میز معاونت فرهنگی اجتماعی/);
      expect(latin(await deputy.page.locator(".desk-item").first().innerText())).toMatch(/فوری/);
      await shot(deputy.page, "thread-desk-1280");

      // The deputy marks it as being followed up; the manager sees the state change live.
      const item = deputy.page.locator(".desk-item").first();
      await item.locator("select[name=state]").selectOption("following");
      await item.locator("textarea[name=note]").fill("با شرکت آب و فاضلاب تماس گرفتیم؛ تیم فنی امروز اعزام می‌شود.");
      await Promise.all([deputy.page.waitForURL(/\/deputy/), item.locator("button", { hasText: "ثبت وضعیت" }).click()]);
      await live(manager.page, "#thread .thread__escalation", /در حال پیگیری/);
      await live(deputy.page, ".desk-item", /در حال پیگیری/);

      // The deputy answers in the thread; the resident sees the official answer arrive.
      await deputy.page.goto(`${councilUrl}#thread`);
      await online(deputy.page);
      await deputy.page
        .locator("#thread .thread__composer textarea[name=body]")
        .fill("تیم فنی آب و فاضلاب امروز عصر به محله می‌رسد. از صبوری ساکنان سپاسگزاریم.");
      await deputy.page.locator("#thread input[name=official]").check();
      await deputy.page.locator("#thread .thread__composer button[type=submit]").click();
      await live(resident.page, "#thread .message--official", /پاسخ رسمی معاونت فرهنگی اجتماعی/);
      await live(resident.page, "#thread .message--official", /تیم فنی آب و فاضلاب امروز عصر/);
      await shot(resident.page, "thread-official-answer-390", "#thread");
      await shot(deputy.page, "thread-official-answer-1280", "#thread");

      // The desk on a phone.
      const deputyPhone = await browser.newContext({
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
        locale: "fa-IR",
        storageState: await deputy.context.storageState(),
      });
      watchContext(deputyPhone, problems);
      const small = await deputyPhone.newPage();
      await small.goto(`${app.baseUrl}/deputy`);
      await shot(small, "thread-desk-390");
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);

      expect(problems).toEqual([]);
      console.info(`thread journey: ${Date.now() - started} ms`);
      await Promise.all([resident, neighbor, manager, deputy].map((s) => s.context.close()).concat(deputyPhone.close()));
    },
    scaled(180_000),
  );

  it(
    "opens a long thread on its latest page and brings earlier messages on request",
    async () => {
      const db = app.database.db;
      const [hood] = await db
        .insert(neighborhoods)
        .values({ districtId, name: "کبابیان", nameKey: searchKey("کبابیان") })
        .returning({ id: neighborhoods.id });
      const council = await createCouncil(db, ids.manager!, hood!.id, testCharter());
      if (!council.ok) throw new Error(council.error);
      const threadId = await ensureThread(db, { kind: "council", councilId: council.id });
      for (let i = 1; i <= 60; i++) {
        const posted = await postMessage(db, {
          threadId,
          authorId: i % 2 ? ids.resident! : ids.neighbor!,
          body: `پیام شماره ${i} درباره پارک محله`,
        });
        if (!posted.ok) throw new Error(posted.error);
      }
      const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR" });
      watchContext(context, problems);
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/councils/${council.id}#thread`);
      await online(page);
      const messages = page.locator("#thread .thread__list .message");
      expect(await messages.count()).toBe(40);
      expect(latin(await messages.first().innerText())).toContain("پیام شماره 21 ");
      await page.getByRole("button", { name: "پیام‌های پیشین" }).click();
      await expect.poll(() => messages.count(), { timeout: scaled(8_000) }).toBe(60);
      expect(latin(await messages.first().innerText())).toContain("پیام شماره 1 ");
      expect(await page.getByRole("button", { name: "پیام‌های پیشین" }).count()).toBe(0);
      // In order, each once.
      const seqs = await messages.evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-seq"))));
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(problems).toEqual([]);
      await context.close();
    },
    scaled(120_000),
  );
});
