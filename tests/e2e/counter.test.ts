import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCounterOffice } from "../../app/domain/counter-offices.server";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { searchKey } from "../../app/utils/persian";
import { districts, memberships, neighborhoods, proposals, roleAssignments, users } from "../../db/schema";
import { eq } from "drizzle-orm";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, DESKTOP, describeBrowser, launchChromium, PHONE, watchContext } from "../support/browser";
import { testCharter } from "../support/fixtures";
import { waitFor } from "../support/wait";

describeBrowser("a counter office: the operator starts a support for a resident, types the texted code and reads the tracking code", () => {
  let app: TestApp;
  let browser: Browser;
  const problems: string[] = [];
  const consoleWarnings: string[] = [];
  let operatorCookie = { name: "", value: "" };
  let districtId = "";
  let officeId = "";
  let residentPhone = "";
  let number = 0;

  beforeAll(async () => {
    app = await startTestApp("pglite");
    browser = await launchChromium();
    const db = app.database.db;
    const [district] = await db
      .insert(districts)
      .values({ number: 4, name: "منطقه چهار", nameKey: searchKey("منطقه چهار") })
      .returning({ id: districts.id });
    districtId = district!.id;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: "کوی بهار", nameKey: searchKey("کوی بهار") })
      .returning({ id: neighborhoods.id });
    const [operator, author, resident] = await db
      .insert(users)
      .values(
        ["کارشناس پیشخوان", "نویسندهٔ طرح", "ساکن محله"].map((name, i) => ({
          phone: `+98918${String(1_000_000 + i).padStart(7, "0")}`,
          displayName: name,
          passwordHash: "x",
        })),
      )
      .returning({ id: users.id, phone: users.phone });
    residentPhone = resident!.phone;
    await db.insert(roleAssignments).values({ userId: operator!.id, role: "district_staff", districtId, powers: ["file_on_behalf"] });
    const council = await createCouncil(db, author!.id, hood!.id, testCharter({ supportThreshold: 100 }));
    if (!council.ok) throw new Error(council.error);
    await db.insert(memberships).values({ councilId: council.id, userId: author!.id, termNumber: 1, role: "chair" });
    const category = await createCategory(db, "فضای سبز", 1);
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId: council.id,
      authorId: author!.id,
      title: "درخت‌کاری کنار جوی",
      body: "کنار جوی خیابان بهار درختی نمانده و تابستان‌ها گرم است.",
      categoryId: category.id,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    [{ number }] = (await db.select({ number: proposals.number }).from(proposals).where(eq(proposals.id, filed.id))) as [
      { number: number },
    ];
    const office = await createCounterOffice(db, { districtId, name: "پیشخوان میدان بهار", code: "4411" });
    if (!office.ok) throw new Error(office.error);
    officeId = office.id;
    const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(db, operator!.id))).split(";");
    const at = pair!.indexOf("=");
    operatorCookie = { name: pair!.slice(0, at), value: pair!.slice(at + 1) };
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("works at 390px and 1280px, with refusals beside the field", async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: "fa-IR" });
    await context.addCookies([{ ...operatorCookie, url: app.baseUrl }]);
    watchContext(context, problems);
    context.on("console", (m) => {
      if (m.type() === "warning") consoleWarnings.push(m.text());
    });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/manage/districts/${districtId}/counter`);
    await page.getByRole("link", { name: "پیشخوان میدان بهار" }).click();
    await page.waitForURL(`**/counter?office=${officeId}`);
    await page.getByLabel("شمارهٔ همراه شهروند").fill("09990001122");
    await page.getByLabel("شمارهٔ طرح").fill(String(number));
    await page.getByRole("button", { name: "فرستادن کد به شهروند" }).click();
    await page.getByText("حسابی فعال با این شمارهٔ همراه نیست").waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "counter-refused-390.png"), fullPage: true });
    await page.getByLabel("شمارهٔ همراه شهروند").fill("0" + residentPhone.slice(3));
    await page.getByRole("button", { name: "فرستادن کد به شهروند" }).click();
    await page.getByLabel("کد پیامک‌شده").waitFor();
    const sms = await waitFor(
      () => app.sms.messages.find((m) => m.to === residentPhone && /\d{6}/.test(m.text)),
      10_000,
      "the texted code",
    );
    const code = /(\d{6})/.exec(sms.text)![1]!;
    await page.getByLabel("کد پیامک‌شده").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "ثبت حمایت" }).click();
    await page.getByText("کد درست نیست").waitFor();
    await page.getByLabel("کد پیامک‌شده").fill(code);
    await page.getByRole("button", { name: "ثبت حمایت" }).click();
    await page.getByText("کد رهگیری (برای شهروند هم پیامک شد):").waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "counter-tracking-390.png"), fullPage: true });
    const wide = await context.browser()!.newContext({ viewport: DESKTOP, locale: "fa-IR" });
    await wide.addCookies([{ ...operatorCookie, url: app.baseUrl }]);
    watchContext(wide, problems);
    const widePage = await wide.newPage();
    await widePage.goto(page.url());
    await widePage.screenshot({ path: path.join(ARTIFACTS_DIR, "counter-tracking-1280.png"), fullPage: true });
    // The refusals the page showed on purpose answered 409; nothing else went wrong.
    expect(problems.filter((p) => !/^http 409: POST .*\/counter\.data\?office=/.test(p) && !p.includes("status of 409"))).toEqual([]);
    expect(consoleWarnings.filter((w) => w.includes("does not have an element"))).toEqual([]);
  });
});
