import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { closeDueVotes, openVote } from "../../app/domain/votes.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { searchKey } from "../../app/utils/persian";
import { districts, memberships, neighborhoods, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, DESKTOP, describeBrowser, launchChromium, PHONE, watchContext } from "../support/browser";
import { testCharter } from "../support/fixtures";
import { scaled } from "../support/wait";

describeBrowser("the inbox: a member sees a vote open live, opens it and votes; the author gets the result", () => {
  let app: TestApp;
  let browser: Browser;
  let proposalId = "";
  let chairId = "";
  const problems: string[] = [];
  const cookies = new Map<string, { name: string; value: string }>();

  async function person(name: string, i: number) {
    const db = app.database.db;
    const [row] = await db
      .insert(users)
      .values({ phone: `+98916${String(1_000_000 + i).padStart(7, "0")}`, displayName: name, passwordHash: "x" })
      .returning({ id: users.id });
    const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(db, row!.id))).split(";");
    const at = pair!.indexOf("=");
    cookies.set(row!.id, { name: pair!.slice(0, at), value: pair!.slice(at + 1) });
    return row!.id;
  }

  async function pageAs(userId: string, viewport = PHONE) {
    const context = await browser.newContext({ viewport, isMobile: viewport === PHONE, hasTouch: viewport === PHONE, locale: "fa-IR" });
    await context.addCookies([{ ...cookies.get(userId)!, url: app.baseUrl }]);
    watchContext(context, problems);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    return page;
  }

  let memberId = "";
  let authorId = "";

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const [district] = await db
      .insert(districts)
      .values({ number: 3, name: "منطقه سه", nameKey: searchKey("منطقه سه") })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی مدرس", nameKey: searchKey("کوی مدرس") })
      .returning({ id: neighborhoods.id });
    chairId = await person("رئیس شورای مدرس", 0);
    memberId = await person("مریم احمدی", 1);
    authorId = await person("علی رضایی", 2);
    const made = await createCouncil(db, chairId, hood!.id, testCharter({ supportThreshold: 100, quorumPercent: 50 }));
    if (!made.ok) throw new Error(made.error);
    await db.insert(memberships).values([
      { councilId: made.id, userId: chairId, termNumber: 1, role: "chair" },
      { councilId: made.id, userId: memberId, termNumber: 1, role: "member" },
    ]);
    const category = await createCategory(db, "آموزش");
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId: made.id,
      authorId,
      title: "کتابخانهٔ کوچک در سرای محله",
      body: "سرای محله اتاق خالی دارد که می‌تواند کتابخانهٔ کودکان شود.",
      categoryId: category.id,
      place: "سرای محله",
    });
    if (!filed.ok) throw new Error(filed.error);
    proposalId = filed.id;
    await putOnAgenda(db, proposalId, chairId);
  }, scaled(120_000));

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("at 390px", async () => {
    const page = await pageAs(memberId);
    await page.goto(`${app.baseUrl}/`);
    // Connected: the live notice can arrive.
    await page.waitForSelector(".conn--online", { timeout: scaled(10_000) });
    const opened = await openVote(app.database.db, { proposalId, actorId: chairId, hours: 1 });
    expect(opened.ok).toBe(true);
    const notice = page.locator(".live-notice__text");
    await notice.waitFor({ timeout: scaled(10_000) });
    expect(await notice.textContent()).toContain("رأی‌گیری طرح «کتابخانهٔ کوچک در سرای محله» باز شد");
    expect(await page.locator(".inbox-badge__count").textContent()).toBe("۱");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "inbox-live-notice-390.png") });

    await notice.click();
    await page.waitForURL(`**/proposals/${proposalId}**`);
    await page.getByRole("button", { name: "موافق" }).click();
    await page.locator('.vote-buttons button[aria-pressed="true"]').waitFor({ timeout: scaled(10_000) });
    // Opening the notice read it.
    await page.waitForFunction(() => !document.querySelector(".inbox-badge__count"), undefined, { timeout: scaled(10_000) });

    // The vote closes; the author finds the result in their inbox.
    await closeDueVotes(app.database.db, new Date(Date.now() + 2 * 3_600_000));
    await app.server.services.inbox.drain();
    const authorPage = await pageAs(authorId);
    await authorPage.goto(`${app.baseUrl}/inbox`);
    const first = authorPage.locator(".inbox-item").first();
    expect(await first.textContent()).toContain("رأی‌گیری طرح «کتابخانهٔ کوچک در سرای محله» بسته شد: تصویب شد");
    await authorPage.screenshot({ path: path.join(ARTIFACTS_DIR, "inbox-author-390.png"), fullPage: true });
    const settings = await pageAs(authorId);
    await settings.goto(`${app.baseUrl}/inbox/settings`);
    await settings.screenshot({ path: path.join(ARTIFACTS_DIR, "inbox-settings-390.png"), fullPage: true });
    const wide = await pageAs(authorId, DESKTOP);
    await wide.goto(`${app.baseUrl}/inbox`);
    await wide.screenshot({ path: path.join(ARTIFACTS_DIR, "inbox-author-1280.png"), fullPage: true });
    expect(problems).toEqual([]);
  });
});
