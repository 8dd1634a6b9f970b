import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tehranToday } from "../../app/domain/charter";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory } from "../../app/domain/proposals.server";
import { closeDueVotes } from "../../app/domain/votes.server";
import { publishProposalState } from "../../app/realtime/live.server";
import { hashPassword } from "../../app/utils/password.server";
import { searchKey } from "../../app/utils/persian";
import { commissions, districts, memberships, neighborhoods, roleAssignments, users, votes } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, DESKTOP, describeBrowser, latin, launchChromium, PHONE, signInContext, watchContext } from "../support/browser";
import { scaled, waitFor } from "../support/wait";

const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
};

const PEOPLE = {
  author: { phone: "09120000201", name: "رضا احمدی" },
  neighborA: { phone: "09120000202", name: "مریم حسینی" },
  neighborB: { phone: "09120000203", name: "علی رضایی" },
  chair: { phone: "09120000204", name: "فاطمه موسوی" },
  memberA: { phone: "09120000205", name: "حسن نوری" },
  memberB: { phone: "09120000206", name: "سارا جعفری" },
  commissioner: { phone: "09120000207", name: "امیر کاظمی" },
  manager: { phone: "09120000208", name: "نرگس یزدانی" },
};

describeBrowser("a proposal from filing to execution", () => {
  let app: TestApp;
  let browser: Browser;
  let councilId = "";
  const problems: string[] = [];
  const notes: string[] = [];

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const passwordHash = await hashPassword(PASSWORD);
    const ids: Record<string, string> = {};
    for (const [key, p] of Object.entries(PEOPLE)) {
      const [row] = await db
        .insert(users)
        .values({ phone: `+98${p.phone.slice(1)}`, displayName: p.name, passwordHash })
        .returning({ id: users.id });
      ids[key] = row!.id;
    }
    const [district] = await db
      .insert(districts)
      .values({ number: 2, name: "منطقه دو شهرداری همدان", nameKey: searchKey("منطقه دو شهرداری همدان") })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی مدرس", nameKey: searchKey("کوی مدرس") })
      .returning({ id: neighborhoods.id });
    const today = tehranToday();
    const termEnd = `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`;
    const council = await createCouncil(db, ids.manager!, hood!.id, {
      termStart: today,
      termEnd,
      quorumPercent: 50,
      votingPeriodDays: 7,
      majorityRule: "simple",
      proposers: "residents",
      supportThreshold: 2,
      ballot: "open",
      reportsToHide: 5,
    });
    if (!council.ok) throw new Error(council.error);
    councilId = council.id;
    await db.insert(memberships).values([
      { councilId, userId: ids.chair!, termNumber: 1, role: "chair" },
      { councilId, userId: ids.memberA!, termNumber: 1, role: "member" },
      { councilId, userId: ids.memberB!, termNumber: 1, role: "member" },
    ]);
    const [commission] = await db
      .insert(commissions)
      .values({ name: "کمیسیون عمران و شهرسازی", nameKey: searchKey("کمیسیون عمران و شهرسازی") })
      .returning({ id: commissions.id });
    await db.insert(commissions).values({ name: "کمیسیون فرهنگی", nameKey: searchKey("کمیسیون فرهنگی") });
    await db.insert(roleAssignments).values([
      { userId: ids.commissioner!, role: "commission_member", commissionId: commission!.id },
      { userId: ids.manager!, role: "district_manager", districtId: district!.id },
    ]);
    for (const name of ["فضای سبز", "ایمنی و ترافیک", "فرهنگ و آموزش"]) {
      const made = await createCategory(db, name);
      if (!made.ok) throw new Error(made.error);
    }
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const signedIn = (phone: string, viewport = PHONE) =>
    signInContext(browser, { baseUrl: app.baseUrl, phone, password: PASSWORD, problems, viewport });

  /** Waits for a page to show a text by itself, without a reload. */
  const live = (page: Page, pattern: RegExp, timeout = 8_000) =>
    expect.poll(async () => latin(await page.locator("main").innerText()), { timeout: scaled(timeout), interval: 200 }).toMatch(pattern);

  const statusOf = async (page: Page) => (await page.locator("article .proposal-status").first().innerText()).trim();

  it(
    "is filed, supported, voted, adopted, referred, accepted and put to work",
    async () => {
      const started = Date.now();
      // The author files from the council page.
      const author = await signedIn(PEOPLE.author.phone);
      await author.page.goto(`${app.baseUrl}/councils/${councilId}`);
      await Promise.all([
        author.page.waitForURL(/\/proposals\/new\?council=/),
        author.page.getByRole("link", { name: "ثبت طرح تازه" }).click(),
      ]);
      await author.page.fill('input[name="title"]', "نصب چراغ روشنایی در کوچه بوستان");
      await author.page.fill(
        'textarea[name="body"]',
        "کوچه بوستان از غروب تاریک است و کودکان از آن به مدرسه می‌روند.\nعکس‌ها: https://example.org/koocheh-boostan",
      );
      await author.page.selectOption('select[name="categoryId"]', { label: "ایمنی و ترافیک" });
      await author.page.fill('input[name="place"]', "کوچه بوستان، کنار مدرسه");
      await shot(author.page, "proposal-new-390");
      await Promise.all([
        author.page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/),
        author.page.locator('button[type="submit"]', { hasText: "ثبت طرح" }).click(),
      ]);
      const proposalUrl = author.page.url();
      const main = author.page.locator("main");
      await expect.poll(() => main.innerText()).toContain("نصب چراغ روشنایی در کوچه بوستان");
      const bodyLink = main.locator('.prose a[href="https://example.org/koocheh-boostan"]');
      expect(await bodyLink.count()).toBe(1);
      expect(
        await main
          .locator(".prose")
          .first()
          .evaluate((p) => p.textContent),
      ).toContain("\n");
      expect(await statusOf(author.page)).toBe("در حال جمع‌آوری حمایت");
      // The page's socket joins the proposal's room after hydration: wait until the server has it there.
      const proposalRoom = `proposal:${proposalUrl.split("/").pop()}`;
      await waitFor(
        async () => (await app.server.services.io.in(proposalRoom).fetchSockets()).length >= 1,
        10_000,
        "the author's page to join the proposal's room",
      );

      // Two neighbors support from their own phones; the author's page follows live.
      const neighborA = await signedIn(PEOPLE.neighborA.phone);
      await neighborA.page.goto(proposalUrl);
      await neighborA.page.getByRole("button", { name: "حمایت می‌کنم" }).click();
      await neighborA.page.getByRole("button", { name: "پس گرفتن حمایت" }).waitFor();
      await live(author.page, /1 حمایت از 2 حمایت لازم/);
      const neighborB = await signedIn(PEOPLE.neighborB.phone);
      await neighborB.page.goto(proposalUrl);
      await neighborB.page.getByRole("button", { name: "حمایت می‌کنم" }).click();
      await expect.poll(() => statusOf(author.page), { timeout: scaled(8_000), interval: 200 }).toBe("در دستور کار شورا");
      // On the agenda, the threshold no longer matters: the page says how many supports it got.
      await live(author.page, /2 حمایت گرفت/);
      await shot(author.page, "proposal-on-agenda-390");

      // The chair opens the vote; two members vote, one changes their mind.
      const chair = await signedIn(PEOPLE.chair.phone);
      await chair.page.goto(proposalUrl);
      await chair.page.fill('input[name="days"]', "۳");
      await chair.page.getByRole("button", { name: "آغاز رأی‌گیری" }).click();
      await expect.poll(() => statusOf(chair.page)).toBe("در حال رأی‌گیری");
      await expect.poll(() => statusOf(author.page), { timeout: scaled(8_000) }).toBe("در حال رأی‌گیری");
      const memberA = await signedIn(PEOPLE.memberA.phone);
      await memberA.page.goto(proposalUrl);
      await memberA.page.getByRole("button", { name: "مخالف" }).click();
      await expect.poll(() => memberA.page.getByRole("button", { name: "مخالف" }).getAttribute("aria-pressed")).toBe("true");
      await live(author.page, /موافق: 0، مخالف: 1، ممتنع: 0/);
      const memberB = await signedIn(PEOPLE.memberB.phone);
      await memberB.page.goto(proposalUrl);
      await memberB.page.getByRole("button", { name: "موافق" }).click();
      await live(author.page, /موافق: 1، مخالف: 1، ممتنع: 0/);
      await memberA.page.getByRole("button", { name: "موافق" }).click();
      await expect.poll(() => memberA.page.getByRole("button", { name: "موافق" }).getAttribute("aria-pressed")).toBe("true");
      await live(author.page, /موافق: 2، مخالف: 0، ممتنع: 0/);
      await shot(author.page, "proposal-voting-390");

      // The deadline passes: the scheduler's closing step, run with a later clock.
      const [vote] = await app.database.db.select().from(votes).where(eq(votes.status, "open"));
      const closesIn = (vote!.closesAt.getTime() - vote!.opensAt.getTime()) / 3_600_000;
      expect(closesIn).toBe(72);
      const closed = await closeDueVotes(app.database.db, new Date(vote!.closesAt.getTime() + 1_000));
      expect(closed.map((c) => c.result)).toEqual(["adopted"]);
      // As the server's scheduler does after closing: everyone viewing the proposal is told.
      for (const c of closed) publishProposalState(app.server.services.io, app.database.db, c.proposalId);
      try {
        await expect.poll(() => statusOf(author.page), { timeout: scaled(5_000), interval: 250 }).toBe("مصوب شد");
      } catch {
        notes.push("the author's page did not show «مصوب شد» by itself after the vote closed; reloaded");
        await author.page.reload();
        expect(await statusOf(author.page)).toBe("مصوب شد");
      }
      await live(author.page, /اعضای فعال هنگام پایان رأی‌گیری: 3؛ حد نصاب: 2 رأی/);

      // The chair refers the adopted proposal; the commission decides; the district reports progress.
      await chair.page.reload();
      await chair.page.selectOption('select[name="commissionId"]', { label: "کمیسیون عمران و شهرسازی" });
      await chair.page.getByRole("button", { name: "ارجاع مصوبه" }).click();
      await expect.poll(() => statusOf(author.page), { timeout: scaled(8_000) }).toBe("در بررسی کمیسیون");
      const commissioner = await signedIn(PEOPLE.commissioner.phone);
      await commissioner.page.goto(proposalUrl);
      // The commission discusses it in a thread only its members see.
      const reviewThread = commissioner.page.locator("section.thread", { hasText: "گفت‌وگوی اعضای کمیسیون عمران و شهرسازی" });
      await reviewThread
        .locator(".thread__composer textarea[name=body]")
        .fill("برآورد هزینه تیرهای روشنایی را واحد برق منطقه فرستاده است.");
      await reviewThread.locator(".thread__composer button[type=submit]").click();
      await expect
        .poll(() => reviewThread.locator(".thread__list").innerText(), { timeout: scaled(8_000) })
        .toContain("برآورد هزینه تیرهای روشنایی");
      await reviewThread.screenshot({ path: path.join(ARTIFACTS_DIR, "proposal-commission-thread-390.png") });
      await author.page.reload();
      expect(await author.page.locator("main").innerText()).not.toContain("برآورد هزینه تیرهای روشنایی");
      expect(await author.page.locator("section.thread").count()).toBe(1);
      await commissioner.page.getByLabel("پذیرفته شد").check();
      await commissioner.page.fill(
        'textarea[name="rationale"]',
        "روشنایی کوچه برای ایمنی دانش‌آموزان لازم است.\nاعتبار از بودجه عمرانی منطقه تأمین می‌شود.",
      );
      await commissioner.page.getByRole("button", { name: "انتشار تصمیم" }).click();
      await expect.poll(() => statusOf(author.page), { timeout: scaled(8_000) }).toBe("پذیرفته شد");
      const manager = await signedIn(PEOPLE.manager.phone);
      await manager.page.goto(proposalUrl);
      await manager.page.selectOption('select[name="status"]', "in_progress");
      await manager.page.fill('textarea[name="note"]', "پیمانکار برق تعیین شد و نصب تیرها از شنبه آغاز می‌شود.");
      await manager.page.getByRole("button", { name: "ثبت پیشرفت" }).click();
      await expect.poll(() => statusOf(author.page), { timeout: scaled(8_000) }).toBe("در حال اجرا");
      await live(author.page, /پیمانکار برق تعیین شد/);

      // The timeline tells the whole story, in order.
      const steps = await author.page.locator('section[aria-labelledby="timeline-title"] li strong').allInnerTexts();
      expect(steps.map(latin)).toEqual([
        "طرح ثبت شد",
        "با رسیدن حمایت‌ها به حد لازم، در دستور کار شورا قرار گرفت",
        "رأی‌گیری شورا آغاز شد",
        "رأی‌گیری پایان یافت: موافق 2، مخالف 0، ممتنع 0",
        "به کمیسیون ارجاع شد",
        "کمیسیون پذیرفت",
        "اجرا آغاز شد",
      ]);
      const review = await author.page.locator('section[aria-labelledby="review-title"]').innerText();
      expect(review).toContain("کمیسیون عمران و شهرسازی");
      expect(review).toContain("روشنایی کوچه برای ایمنی دانش‌آموزان لازم است.");

      // The final page at phone width: no sideways scroll, no Latin digits in what a reader sees.
      expect(await author.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      const latinDigits = await author.page.evaluate(() => {
        const found: string[] = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const el = node.parentElement;
          if (!el || !/[0-9]/.test(node.textContent ?? "")) continue;
          if (el.closest('script, style, input, textarea, select, bdi, [dir="ltr"], [hidden], [aria-hidden="true"]')) continue;
          if (!el.checkVisibility()) continue;
          found.push(node.textContent!.trim());
        }
        return found;
      });
      expect(latinDigits).toEqual([]);
      await shot(author.page, "proposal-decided-390");

      const desktop = await browser.newContext({ viewport: DESKTOP, locale: "fa-IR" });
      watchContext(desktop, problems);
      const wide = await desktop.newPage();
      wide.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      await wide.goto(proposalUrl);
      expect(await statusOf(wide)).toBe("در حال اجرا");
      await shot(wide, "proposal-decided-1280");

      expect(problems).toEqual([]);
      console.info(`proposal journey: ${Date.now() - started} ms${notes.length ? `; ${notes.join("; ")}` : ""}`);
      await Promise.all(
        [author, neighborA, neighborB, chair, memberA, memberB, commissioner, manager]
          .map((s) => s.context.close())
          .concat(desktop.close()),
      );
    },
    scaled(180_000),
  );
});
