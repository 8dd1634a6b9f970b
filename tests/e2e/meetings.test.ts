import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { hashPassword } from "../../app/utils/password.server";
import { toJalaliInput } from "../../app/utils/persian";
import { districts, memberships, neighborhoods, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, describeBrowser, launchChromium } from "../support/browser";
import { testCharter } from "../support/fixtures";
import { scaled } from "../support/wait";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });

describeBrowser("a council meeting from schedule to printed minutes, and a policy acknowledged", () => {
  let app: TestApp;
  let browser: Browser;
  let councilId: string;
  let districtId: string;
  const problems: string[] = [];
  const people = {
    secretary: { phone: "+989120000201", name: "مریم احمدی" },
    chair: { phone: "+989120000202", name: "علی رضایی" },
    member: { phone: "+989120000203", name: "سارا موسوی" },
    absentee: { phone: "+989120000204", name: "حسن کاظمی" },
    manager: { phone: "+989120000205", name: "مهدی صالحی" },
    deputy: { phone: "+989120000206", name: "نرگس توکلی" },
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const passwordHash = await hashPassword(PASSWORD);
    const [district] = await db
      .insert(districts)
      .values({ number: 3, name: "منطقه سه", nameKey: "منطقه سه" })
      .returning({ id: districts.id });
    districtId = district!.id;
    for (const [key, p] of Object.entries(people)) {
      const [row] = await db.insert(users).values({ phone: p.phone, displayName: p.name, passwordHash }).returning({ id: users.id });
      ids[key] = row!.id;
    }
    await db.insert(roleAssignments).values([
      { userId: ids.manager!, role: "district_manager", districtId },
      { userId: ids.deputy!, role: "deputy" },
    ]);
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: "کوی فرهنگیان", nameKey: "کوی فرهنگیان" })
      .returning({ id: neighborhoods.id });
    const council = await createCouncil(db, ids.manager!, hood!.id, testCharter({ meetings: { meetingQuorum: 3 } }));
    if (!council.ok) throw new Error(council.error);
    councilId = council.id;
    await db.insert(memberships).values([
      { councilId, userId: ids.secretary!, termNumber: 1, role: "secretary" },
      { councilId, userId: ids.chair!, termNumber: 1, role: "chair" },
      { councilId, userId: ids.member!, termNumber: 1, role: "member" },
      { councilId, userId: ids.absentee!, termNumber: 1, role: "member" },
    ]);
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signedIn(phone: string, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500, locale: "fa-IR" });
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

  it("the secretary schedules, the roll call reaches quorum live, minutes are approved by two and lock, and print", async () => {
    const { page } = await signedIn(people.secretary.phone);
    await page.goto(`${app.baseUrl}/councils/${councilId}/meetings`);
    await shot(page, "meetings-calendar-390");
    // An impossible day is refused beside the field, what was typed kept.
    await page.fill('form#schedule input[name="date"]', "۱۴۰۴/۱۲/۳۰");
    await page.fill('form#schedule input[name="place"]', "سرای محله فرهنگیان");
    await page.locator('form#schedule button[type="submit"]').click();
    await expect.poll(() => page.locator("form#schedule .field__errors").first().textContent()).toContain("۱۴۰۵/۰۹/۰۱");
    expect(await page.inputValue('form#schedule input[name="place"]')).toBe("سرای محله فرهنگیان");
    await shot(page, "meetings-schedule-refused-390");

    const day = toJalaliInput(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    await page.fill('form#schedule input[name="date"]', day);
    await Promise.all([page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/), page.locator('form#schedule button[type="submit"]').click()]);
    const meetingUrl = page.url();

    // A member watches the meeting page while the secretary takes the roll call.
    const watcher = await signedIn(people.member.phone);
    await watcher.page.goto(meetingUrl);

    await Promise.all([page.waitForLoadState("networkidle"), page.locator('button[value="open"]').click()]);
    await page.waitForSelector(".roll-call");
    await watcher.page.reload();
    await watcher.page.waitForSelector(".quorum--short");
    for (const name of [people.secretary.name, people.chair.name, people.member.name]) {
      const form = page.locator(`form[aria-label="حضور و غیاب ${name}"]`);
      await form.locator('select[name="status"]').selectOption("present");
      await Promise.all([page.waitForLoadState("networkidle"), form.locator('button[type="submit"]').click()]);
    }
    await page.waitForSelector(".quorum--met");
    // The watcher's page changed without a reload.
    await watcher.page.waitForSelector(".quorum--met");
    expect(await watcher.page.locator('[data-testid="quorum"]').textContent()).toContain("۳");
    await shot(page, "meetings-roll-call-390");

    await Promise.all([page.waitForLoadState("networkidle"), page.locator('button[value="close"]').click()]);
    await Promise.all([page.waitForLoadState("networkidle"), page.locator('button[value="minutes-start"]').click()]);
    await page.fill('form#minutes-save textarea[name="summary"]', "جلسه با حضور سه عضو در سرای محله برگزار شد و برنامه جشن محله بررسی شد.");
    await Promise.all([page.waitForLoadState("networkidle"), page.locator('form#minutes-save button[type="submit"]').click()]);
    // A decision without text is refused on its form.
    await page.fill('form#decision-add input[name="responsible"]', "کمیته فرهنگی");
    await page.locator('form#decision-add button[type="submit"]').click();
    await page.waitForSelector("form#decision-add .field__errors");
    await page.fill('form#decision-add textarea[name="text"]', "جشن محله در بوستان فرهنگیان برگزار شود");
    await Promise.all([page.waitForLoadState("networkidle"), page.locator('form#decision-add button[type="submit"]').click()]);
    await page.waitForSelector(".decision");
    await Promise.all([page.waitForLoadState("networkidle"), page.locator('button[value="circulate"]').click()]);
    await page.waitForSelector(".minutes-status--circulating");
    await shot(page, "meetings-minutes-circulating-390");

    for (const phone of [people.chair.phone, people.member.phone]) {
      const voter = await signedIn(phone);
      await voter.page.goto(meetingUrl);
      await Promise.all([voter.page.waitForLoadState("networkidle"), voter.page.locator('form#respond button[type="submit"]').click()]);
      await voter.context.close();
    }
    await page.reload();
    await page.waitForSelector(".minutes-status--approved");
    expect(await page.locator("form#decision-add").count()).toBe(0);
    await shot(page, "meetings-minutes-locked-390");

    await page.goto(`${meetingUrl}/print`);
    expect(await page.locator(".print-sheet").textContent()).toContain("مقرر شد");
    await shot(page, "meetings-print-390");
    const desk = await signedIn(people.manager.phone, DESKTOP);
    await desk.page.goto(`${meetingUrl}/print`);
    await shot(desk.page, "meetings-print-1280");
    await desk.page.emulateMedia({ media: "print" });
    await desk.page.pdf?.({ path: path.join(ARTIFACTS_DIR, "meetings-print.pdf"), format: "A4" }).catch(() => {});

    // The manager's month.
    await desk.page.goto(`${app.baseUrl}/manage/districts/${districtId}/meetings`);
    expect(await desk.page.locator("main.page").last().textContent()).toContain("کوی فرهنگیان");
    await desk.page.waitForSelector(".minutes-status--approved");
    await shot(desk.page, "meetings-district-month-1280");
    await desk.context.close();
    await watcher.context.close();
  });

  it("the deputy publishes a policy, a chair acknowledges it, and the deputy's 'not yet' list shrinks live", async () => {
    const deputy = await signedIn(people.deputy.phone);
    await deputy.page.goto(`${app.baseUrl}/deputy/policies`);
    await deputy.page.fill('form#create input[name="title"]', "شیوه‌نامه برگزاری جلسه‌های شورا");
    await deputy.page.fill('form#create textarea[name="body"]', "جلسه‌های شورا هر ماه دست‌کم دو بار و با دعوت از همه اعضا برگزار شود.");
    await Promise.all([
      deputy.page.waitForURL(/\/deputy\/policies\/[0-9a-f-]{36}$/),
      deputy.page.locator('form#create button[type="submit"]').click(),
    ]);
    await Promise.all([deputy.page.waitForLoadState("networkidle"), deputy.page.locator('button[value="publish"]').click()]);
    const chip = deputy.page.locator(`[data-testid="not-yet-${districtId}"]`);
    await expect.poll(() => chip.textContent()).toContain("۲");
    await shot(deputy.page, "policies-not-yet-390");

    const chair = await signedIn(people.chair.phone);
    await chair.page.goto(`${app.baseUrl}/policies`);
    await shot(chair.page, "policies-mine-390");
    await Promise.all([chair.page.waitForLoadState("networkidle"), chair.page.locator('button[value="acknowledge"]').click()]);
    await chair.page.waitForSelector("text=رؤیت شد —");
    // The deputy's page was not reloaded: the count came live.
    await expect.poll(() => chip.textContent(), { timeout: scaled(15_000) }).toContain("۱");
    await shot(deputy.page, "policies-not-yet-after-390");
    await chair.context.close();
    await deputy.context.close();
    expect(problems).toEqual([]);
  });
});
