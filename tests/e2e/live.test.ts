import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { searchKey } from "../../app/utils/persian";
import { districts, memberships, neighborhoods, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { describeBrowser, latin, launchChromium, PHONE, watchContext } from "../support/browser";
import { Browserless } from "../support/http";
import { testCharter } from "../support/fixtures";

const SLOW = Number(process.env.TEST_SLOWDOWN ?? 1) || 1;

describeBrowser("a page follows live states in place", () => {
  let app: TestApp;
  let browser: Browser;
  let councilId = "";
  let chairId = "";
  let proposalId = "";
  const problems: string[] = [];
  const clients: Browserless[] = [];

  async function person(name: string, i: number) {
    const db = app.database.db;
    const [row] = await db
      .insert(users)
      .values({ phone: `+98912${String(7_000_000 + i).padStart(7, "0")}`, displayName: name, passwordHash: "x" })
      .returning({ id: users.id });
    const client = new Browserless(app.baseUrl);
    const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(db, row!.id))).split(";");
    const at = pair!.indexOf("=");
    client.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    return { id: row!.id, client };
  }

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const [district] = await db
      .insert(districts)
      .values({ number: 4, name: "منطقه چهار", nameKey: searchKey("منطقه چهار") })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی ارم", nameKey: searchKey("کوی ارم") })
      .returning({ id: neighborhoods.id });
    const chair = await person("رئیس شورای ارم", 0);
    chairId = chair.id;
    clients.push(chair.client);
    const made = await createCouncil(db, chair.id, hood!.id, testCharter({ supportThreshold: 100 }));
    if (!made.ok) throw new Error(made.error);
    councilId = made.id;
    await db.insert(memberships).values({ councilId, userId: chair.id, termNumber: 1, role: "chair" });
    const category = await createCategory(db, "فضای سبز");
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId,
      authorId: chair.id,
      title: "آب‌رسانی به باغچه‌های کوی",
      body: "باغچه‌های کنار خیابان در تابستان خشک می‌شوند.",
      categoryId: category.id,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    proposalId = filed.id;
    for (let i = 1; i <= 3; i++) clients.push((await person(`همسایه ${i}`, i)).client);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens a page (anonymously, or with a client's cookies) and counts its loader runs (`.data` GETs) from then on. */
  async function open(path: string, room: string, as?: Browserless) {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR" });
    if (as) await context.addCookies([...as.cookies].map(([name, value]) => ({ name, value, url: app.baseUrl })));
    watchContext(context, problems);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    const loads: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "GET" && new URL(r.url()).pathname.endsWith(".data")) loads.push(r.url());
    });
    await page.goto(app.baseUrl + path);
    await page.locator('[data-connection="online"]').waitFor({ timeout: 15_000 * SLOW });
    // The page has joined its room once the server has a socket in it.
    await expect
      .poll(async () => (await app.server.services.io.in(room).fetchSockets()).length, { timeout: 10_000 * SLOW, interval: 100 })
      .toBeGreaterThan(0);
    return { page, loads };
  }

  const shows = (page: Page, selector: string, pattern: RegExp) =>
    expect
      .poll(async () => latin(await page.locator(selector).first().innerText()), { timeout: 10_000 * SLOW, interval: 100 })
      .toMatch(pattern);

  it("a proposal page and a list show new supports and messages without running their loaders", async () => {
    const room = `proposal:${proposalId}`;
    const proposal = await open(`/proposals/${proposalId}`, room);
    const list = await open(`/proposals?council=${councilId}`, room);
    expect(latin(await proposal.page.locator('[data-live="supports"]').innerText())).toMatch(/^0 حمایت/);

    for (let i = 1; i <= 3; i++) {
      expect((await clients[i]!.post(`/proposals/${proposalId}`, { intent: "support" })).status).toBe(302);
    }
    await shows(proposal.page, '[data-live="supports"]', /^3 حمایت از 100/);
    await shows(list.page, `[data-proposal="${proposalId}"] [data-live="supports"]`, /3/);

    const threadId = await ensureThread(app.database.db, { kind: "proposal", proposalId });
    expect((await clients[1]!.post(`/threads/${threadId}`, { intent: "post", body: "من هم آب می‌آورم." })).status).toBeLessThan(400);
    await shows(list.page, `[data-proposal="${proposalId}"] [data-live="messages"]`, /1/);
    await shows(proposal.page, "main", /من هم آب می‌آورم/);

    // Patched in place: neither page ran its loader again.
    expect(proposal.loads).toEqual([]);
    expect(list.loads).toEqual([]);

    // What it cannot patch (the proposal put on the agenda: other forms, a new timeline entry) reloads it, once.
    expect((await clients[0]!.post(`/proposals/${proposalId}`, { intent: "agenda" })).status).toBe(302);
    await shows(proposal.page, "article .proposal-status", /در دستور کار/);
    await expect.poll(() => proposal.loads.length, { timeout: 5_000 * SLOW }).toBe(1);
    // The list patches the status chip without a reload.
    await shows(list.page, `[data-proposal="${proposalId}"] .proposal-status`, /در دستور کار/);
    expect(list.loads).toEqual([]);
    expect(problems).toEqual([]);
    void chairId;
  }, 120_000);

  it("a message posted from the page's own thread shows from its event, with no loader run", async () => {
    const room = `proposal:${proposalId}`;
    const { page, loads } = await open(`/proposals/${proposalId}`, room, clients[2]);
    const composer = page.locator("#thread .thread__composer textarea[name=body]");
    await composer.fill("شیلنگ بلند را من می‌آورم.");
    await page.locator("#thread .thread__composer button[type=submit]").click();
    await expect.poll(() => composer.inputValue(), { timeout: 10_000 * SLOW }).toBe("");
    await shows(page, "#thread", /شیلنگ بلند را من می‌آورم/);
    // The fetcher has settled (a revalidation, had there been one, starts before it does).
    await expect
      .poll(() => page.locator("#thread .thread__composer button[type=submit]").isDisabled(), { timeout: 10_000 * SLOW })
      .toBe(false);
    expect(loads).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
