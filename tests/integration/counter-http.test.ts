import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import {
  auditLog,
  counterOffices,
  districts,
  memberships,
  neighborhoods,
  proposals,
  roleAssignments,
  supports,
  users,
} from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { testCharter } from "../support/fixtures";
import { Browserless, visibleText } from "../support/http";
import { waitFor } from "../support/wait";

const WAIT = 10_000;
const fa = (s: string | number) => String(s).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);

describe.each(BACKENDS)("counter offices over HTTP, on %s", (backend) => {
  let app: TestApp;
  let seq = 0;

  async function person(name: string) {
    const db = app.database.db;
    const phone = `+98916${String(1_000_000 + seq++).padStart(7, "0")}`;
    const [row] = await db.insert(users).values({ phone, displayName: name, passwordHash: "x" }).returning({ id: users.id });
    const client = new Browserless(app.baseUrl);
    const [pair] = (await sessionCookie(app.env.SESSION_SECRET, false).serialize(await createSession(db, row!.id))).split(";");
    const at = pair!.indexOf("=");
    client.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    return { id: row!.id, name, phone, client };
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("an operator supports for a resident with the code texted to them and sees the tracking code; refusals beside the field; another district's operator is refused", async () => {
    const db = app.database.db;
    const [a, b] = await db
      .insert(districts)
      .values([
        { number: 21, name: "منطقه ۲۱", nameKey: "district-21" },
        { number: 22, name: "منطقه ۲۲", nameKey: "district-22" },
      ])
      .returning();
    const category = await createCategory(db, "فضای سبز", 1);
    if (!category.ok) throw new Error(category.error);
    const manager = await person("مدیر منطقه");
    const operator = await person("کارشناس پیشخوان");
    const foreign = await person("کارشناس منطقهٔ دیگر");
    const author = await person("نویسندهٔ طرح");
    const resident = await person("ساکن بی‌گوشی هوشمند");
    await db.insert(roleAssignments).values([
      { userId: manager.id, role: "district_manager", districtId: a!.id },
      { userId: operator.id, role: "district_staff", districtId: a!.id, powers: ["file_on_behalf"] },
      { userId: foreign.id, role: "district_staff", districtId: b!.id, powers: ["file_on_behalf"] },
    ]);
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: a!.id, name: "کوی نسترن", nameKey: "counter-http-hood" })
      .returning();
    const council = await createCouncil(db, author.id, hood!.id, testCharter({ supportThreshold: 100 }));
    if (!council.ok) throw new Error(council.error);
    await db.insert(memberships).values({ councilId: council.id, userId: author.id, termNumber: 1, role: "chair" });
    const filed = await fileProposal(db, {
      councilId: council.id,
      authorId: author.id,
      title: "نیمکت برای پارک محله",
      body: "پارک محله هیچ نیمکتی ندارد و سالمندان جایی برای نشستن ندارند.",
      categoryId: category.id,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    const [{ number }] = (await db.select({ number: proposals.number }).from(proposals).where(eq(proposals.id, filed.id))) as [
      { number: number },
    ];
    const page = `/manage/districts/${a!.id}/counter`;

    // Another district's operator, and a resident, cannot open the page.
    expect((await foreign.client.get(page)).status).toBe(403);
    expect((await resident.client.get(page)).status).toBe(403);

    // The manager registers an office; a name too short is refused beside the field, the input kept.
    const short = await manager.client.post(page, { intent: "office", name: "ا", code: "۱۲۳۴" });
    expect(short.status).toBe(400);
    const shortHtml = await short.text();
    expect(visibleText(shortHtml)).toContain("نام دفتر را بنویسید");
    expect(shortHtml).toContain('value="۱۲۳۴"');
    // Staff without the manager's power may not register one.
    expect((await operator.client.post(page, { intent: "office", name: "دفتر دیگر", code: "999" })).status).toBe(403);
    const made = await manager.client.post(page, { intent: "office", name: "پیشخوان میدان هفت‌تیر", code: "۱۲۳۴" });
    expect(made.status).toBe(302);
    const [office] = await db.select().from(counterOffices).where(eq(counterOffices.districtId, a!.id));
    expect(office).toMatchObject({ name: "پیشخوان میدان هفت‌تیر", code: "1234" });
    expect(made.headers.get("location")).toBe(`${page}?office=${office!.id}`);
    const taken = await manager.client.post(page, { intent: "office", name: "پیشخوان دوم", code: "1234" });
    expect(taken.status).toBe(409);
    expect(visibleText(await taken.text())).toContain("دفتری با این شمارهٔ مجوز از قبل ثبت شده است");

    const officePage = `${page}?office=${office!.id}`;
    const listing = visibleText(await (await operator.client.get(page)).text());
    expect(listing).toContain("پیشخوان میدان هفت‌تیر");

    // Refusals beside the field, what was typed kept.
    const unknown = await operator.client.post(officePage, { intent: "start", phone: "09990001122", proposal: fa(number) });
    expect(unknown.status).toBe(409);
    const unknownHtml = await unknown.text();
    expect(visibleText(unknownHtml)).toContain("حسابی فعال با این شمارهٔ همراه نیست");
    expect(unknownHtml).toContain('value="09990001122"');
    const noProposal = await operator.client.post(officePage, { intent: "start", phone: resident.phone, proposal: "99999999" });
    expect(noProposal.status).toBe(409);
    expect(visibleText(await noProposal.text())).toContain("طرحی با این شماره پیدا نشد");
    const badNumber = await operator.client.post(officePage, { intent: "start", phone: resident.phone, proposal: "abc" });
    expect(badNumber.status).toBe(400);
    expect(visibleText(await badNumber.text())).toContain("شمارهٔ طرح عددی مثبت است");
    // Another district's operator cannot use this district's office.
    expect((await foreign.client.post(officePage, { intent: "start", phone: resident.phone, proposal: String(number) })).status).toBe(403);

    // Start: the resident is texted a code through the local provider.
    const started = await operator.client.post(officePage, { intent: "start", phone: "0" + resident.phone.slice(3), proposal: fa(number) });
    expect(started.status).toBe(302);
    const requestPage = started.headers.get("location")!;
    expect(requestPage).toMatch(new RegExp(`^${page}\\?office=${office!.id}&request=[0-9a-f-]{36}$`));
    const codeSms = await waitFor(
      () => app.sms.messages.find((m) => m.to === resident.phone && /\d{6}/.test(m.text)),
      WAIT,
      "the code texted to the resident",
    );
    const code = /(\d{6})/.exec(codeSms.text)![1]!;
    expect(codeSms.text).toContain("پیشخوان میدان هفت‌تیر");

    // Another district's operator cannot see or confirm it.
    expect((await foreign.client.get(requestPage)).status).toBe(403);
    expect((await foreign.client.post(requestPage, { intent: "confirm", code })).status).toBe(403);

    // A wrong code beside the field, nothing given.
    const wrong = await operator.client.post(requestPage, { intent: "confirm", code: code === "000000" ? "111111" : "000000" });
    expect(wrong.status).toBe(409);
    expect(visibleText(await wrong.text())).toContain("کد درست نیست");
    const malformed = await operator.client.post(requestPage, { intent: "confirm", code: "12" });
    expect(malformed.status).toBe(400);
    expect(visibleText(await malformed.text())).toContain("کد پیامک‌شده ۶ رقم است");
    expect(await db.select().from(supports).where(eq(supports.proposalId, filed.id))).toHaveLength(0);

    // The right code (in Persian digits): the support is the resident's; the tracking code is shown and texted.
    const confirmed = await operator.client.post(requestPage, { intent: "confirm", code: fa(code) });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe(requestPage);
    expect((await db.select().from(supports).where(eq(supports.proposalId, filed.id))).map((s) => s.userId)).toEqual([resident.id]);
    const done = visibleText(await (await operator.client.get(requestPage)).text());
    expect(done).toContain("حمایت ثبت شد");
    const tracking = /کد رهگیری[^:]*:\s*([۰-۹]{10})/.exec(done)?.[1];
    expect(tracking).toBeTruthy();
    const trackingSms = await waitFor(
      () => app.sms.messages.find((m) => m.to === resident.phone && m.text.includes("کد رهگیری")),
      WAIT,
      "the tracking code texted",
    );
    expect(fa(/(\d{10})/.exec(trackingSms.text)![1]!)).toBe(tracking);
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "counter.support"));
    expect(audit).toMatchObject({ actorId: operator.id, districtId: a!.id });
    expect(audit!.data).toMatchObject({ officeId: office!.id, operatorId: operator.id });

    // Anyone may look it up without signing in.
    const tracked = visibleText(await (await new Browserless(app.baseUrl).get(`/track?code=${encodeURIComponent(tracking!)}`)).text());
    expect(tracked).toContain("پیشخوان میدان هفت‌تیر");
    expect(tracked).not.toContain(resident.phone);
  });
});
