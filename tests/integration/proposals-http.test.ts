import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../app/utils/password.server";
import { commissions, councils, proposals, roleAssignments, supports, users, votes } from "../../db/schema";
import { closeDueVotes } from "../../app/domain/votes.server";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { appFactories, type AppFactories } from "../support/factories";
import { Browserless, inputValue, visibleText } from "../support/http";
import { scaled } from "../support/wait";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const PASSWORD = "کوه-الوند-زیباست";

describe.each(BACKENDS)("proposals over HTTP on %s", (backend) => {
  let app: TestApp;
  let make: AppFactories;
  let councilId: string;
  let categoryId: string;
  let author: Browserless;
  let neighbor: Browserless;

  /** Someone with a password, signed in through the login form. */
  const signedIn = (phone: string, name: string) => make.signedIn({ phone, name, password: PASSWORD });

  beforeAll(async () => {
    app = await startTestApp(backend);
    make = appFactories(app);
    const districtId = await make.district({ number: 1, name: "منطقه یک" });
    const manager = await make.user({ phone: "+989120000201", name: "مدیر" });
    councilId = (await make.council({ founderId: manager.id, districtId, neighborhood: "کوی فرهنگیان", charter: { supportThreshold: 2 } }))
      .id;
    categoryId = await make.category("فضای سبز");
    author = (await signedIn("+989120000202", "نرگس احمدی")).client;
    neighbor = (await signedIn("+989120000203", "علی رضایی")).client;
  }, scaled(120_000));
  afterAll(async () => {
    await app?.close();
  });

  const fileForm = (overrides: Record<string, string> = {}) => ({
    title: "روشنایی کوچه شهید رجایی",
    body: "چراغ‌های کوچه از یک ماه پیش خاموش است و شب‌ها رفت‌وآمد سخت شده.",
    categoryId,
    place: "کوچه شهید رجایی",
    ...overrides,
  });

  it("refuses bad proposals with clear messages, keeping what was typed", async () => {
    const before = Number((await app.database.db.select({ n: count() }).from(proposals))[0]!.n);
    const long = await author.post(`/proposals/new?council=${councilId}`, fileForm({ body: "ب".repeat(50_000) }));
    expect(long.status).toBe(400);
    const longHtml = await long.text();
    expect(visibleText(longHtml)).toContain("شرح طولانی است؛ حداکثر ۱۰٬۰۰۰ نویسه.");
    expect(inputValue(longHtml, "title")).toBe("روشنایی کوچه شهید رجایی");

    const unknown = await author.post(
      `/proposals/new?council=${councilId}`,
      fileForm({ categoryId: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(unknown.status).toBe(409);
    expect(visibleText(await unknown.text())).toContain(fa.errors.category_unknown);
    expect(Number((await app.database.db.select({ n: count() }).from(proposals))[0]!.n)).toBe(before);
  });

  it("files a proposal whose hostile title and javascript: link are shown inert", async () => {
    const filed = await author.post(
      `/proposals/new?council=${councilId}`,
      fileForm({
        title: "<script>alert(1)</script> چراغ کوچه",
        body: "جزئیات: javascript:alert(2) و نقشه https://example.org/map?x=1 را ببینید.",
      }),
    );
    expect(filed.status).toBe(302);
    const page = await (await author.follow(filed)).text();
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).toContain('href="https://example.org/map?x=1"');
  });

  it("takes one support per person and reaches the agenda at the charter's threshold", async () => {
    const [row] = await app.database.db.select().from(proposals).where(eq(proposals.title, "<script>alert(1)</script> چراغ کوچه"));
    const path = `/proposals/${row!.id}`;
    expect((await author.post(path, { intent: "support" })).status).toBe(302);
    const twice = await author.post(path, { intent: "support" });
    expect(twice.status).toBe(409);
    expect(visibleText(await twice.text())).toContain(fa.errors.already_supported);
    // Editing after the first support is refused by the domain (the page no longer offers it).
    expect((await neighbor.post(path, { intent: "support" })).status).toBe(302);
    const [after] = await app.database.db.select().from(proposals).where(eq(proposals.id, row!.id));
    expect(after).toMatchObject({ supportCount: 2, status: "on_agenda" });
    expect(Number((await app.database.db.select({ n: count() }).from(supports).where(eq(supports.proposalId, row!.id)))[0]!.n)).toBe(2);
    const late = await neighbor.post(path, { intent: "unsupport" });
    expect(late.status).toBe(409);
    const text = visibleText(await (await new Browserless(app.baseUrl).get(path)).text());
    expect(text).toContain("در دستور کار شورا");
    expect(text).toContain("با رسیدن حمایت‌ها به حد لازم، در دستور کار شورا قرار گرفت");
  });

  it("keeps non-chairs from putting proposals on the agenda", async () => {
    const filed = await neighbor.post(`/proposals/new?council=${councilId}`, fileForm({ title: "نیمکت برای بوستان محله" }));
    const path = filed.headers.get("location")!;
    expect((await author.post(path, { intent: "agenda" })).status).toBe(403);
    expect((await new Browserless(app.baseUrl).post(path, { intent: "support" })).status).toBe(302);
  });

  it("runs the council vote: the chair opens it, members vote, the deadline closes it once", async () => {
    const db = app.database.db;
    const [a] = await db.select({ id: users.id }).from(users).where(eq(users.phone, "+989120000202"));
    const [b] = await db.select({ id: users.id }).from(users).where(eq(users.phone, "+989120000203"));
    await make.seat(councilId, [a!, b!], { chairFirst: true });
    const [row] = await db.select().from(proposals).where(eq(proposals.title, "<script>alert(1)</script> چراغ کوچه"));
    const path = `/proposals/${row!.id}`;
    const outsider = (await signedIn("+989120000204", "رهگذر")).client;
    expect((await outsider.post(path, { intent: "open-vote", days: "3" })).status).toBe(403);
    expect((await author.post(path, { intent: "open-vote", days: "۳" })).status).toBe(302);
    const [vote] = await db.select().from(votes).where(eq(votes.proposalId, row!.id));
    const notMember = await outsider.post(path, { intent: "ballot", voteId: vote!.id, choice: "for" });
    expect(notMember.status).toBe(409);
    expect(visibleText(await notMember.text())).toContain(fa.errors.vote_members_only);
    expect((await author.post(path, { intent: "ballot", voteId: vote!.id, choice: "against" })).status).toBe(302);
    expect((await author.post(path, { intent: "ballot", voteId: vote!.id, choice: "for" })).status).toBe(302);
    expect((await neighbor.post(path, { intent: "ballot", voteId: vote!.id, choice: "abstain" })).status).toBe(302);
    expect(visibleText(await (await author.get(path)).text())).toContain("موافق: ۱، مخالف: ۰، ممتنع: ۱");

    const later = new Date(vote!.closesAt.getTime() + 1000);
    const [first, second] = await Promise.all([closeDueVotes(db, later), closeDueVotes(db, later)]);
    expect(first.length + second.length).toBe(1);
    const text = visibleText(await (await new Browserless(app.baseUrl).get(path)).text());
    expect(text).toContain("مصوب شد");
    expect(text).toContain("رأی‌گیری پایان یافت: موافق ۱، مخالف ۰، ممتنع ۱");
    const late = await neighbor.post(path, { intent: "ballot", voteId: vote!.id, choice: "for" });
    expect(late.status).toBe(409);
  });

  it("refers the resolution to a commission, whose member publishes a reasoned decision, then progress", async () => {
    const db = app.database.db;
    const [row] = await db.select().from(proposals).where(eq(proposals.title, "<script>alert(1)</script> چراغ کوچه"));
    expect(row!.status).toBe("adopted");
    const path = `/proposals/${row!.id}`;
    const culture = await make.commission("کمیسیون خدمات شهری");
    const other = await make.commission("کمیسیون فرهنگی");
    const { client: member } = await make.signedIn({
      phone: "+989120000205",
      name: "عضو کمیسیون خدمات",
      password: PASSWORD,
      grants: [{ role: "commission_member", commissionId: culture }],
    });
    const { client: stranger } = await make.signedIn({
      phone: "+989120000206",
      name: "عضو کمیسیون فرهنگی",
      password: PASSWORD,
      grants: [{ role: "commission_member", commissionId: other }],
    });

    // Only the chair refers (the author here chairs the council).
    expect((await neighbor.post(path, { intent: "refer", commissionId: culture })).status).toBe(403);
    expect((await author.post(path, { intent: "refer", commissionId: culture })).status).toBe(302);

    expect((await stranger.post(path, { intent: "decide", decision: "accepted", rationale: "دلیل کافی برای پذیرش طرح." })).status).toBe(
      403,
    );
    const noReason = await member.post(path, { intent: "decide", decision: "accepted", rationale: "کافی نیست" });
    expect(noReason.status).toBe(400);
    const noReasonHtml = await noReason.text();
    expect(visibleText(noReasonHtml)).toContain(fa.errors.rationale_required);
    // What the member typed is still there, on the form that sent it.
    expect(noReasonHtml).toMatch(/<textarea[^>]*name="rationale"[^>]*>کافی نیست<\/textarea>/);
    expect(noReasonHtml).toMatch(/<input[^>]*value="accepted"[^>]*checked=""|<input[^>]*checked=""[^>]*value="accepted"/);
    const decided = await member.post(path, {
      intent: "decide",
      decision: "accepted",
      rationale: "روشنایی معابر از اولویت‌های ایمنی محله است و بودجه آن در سال جاری پیش‌بینی شده.",
    });
    expect(decided.status).toBe(302);
    const again = await member.post(path, { intent: "decide", decision: "declined", rationale: "تصمیم دوم نباید ثبت شود." });
    expect(again.status).toBe(409);

    const [manager] = await db.select({ id: users.id }).from(users).where(eq(users.phone, "+989120000201"));
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(PASSWORD) })
      .where(eq(users.id, manager!.id));
    await db.insert(roleAssignments).values({ userId: manager!.id, role: "district_manager", districtId: row!.districtId });
    const desk = new Browserless(app.baseUrl);
    await desk.post("/login", { phone: "09120000201", password: PASSWORD });
    expect((await desk.post(path, { intent: "progress", status: "in_progress", note: "پیمانکار نصب چراغ‌ها را آغاز کرد." })).status).toBe(
      302,
    );

    const text = visibleText(await (await new Browserless(app.baseUrl).get(path)).text());
    expect(text).toContain("روشنایی معابر از اولویت‌های ایمنی محله است");
    expect(text).toContain("کمیسیون پذیرفت");
    expect(text).toContain("پیمانکار نصب چراغ‌ها را آغاز کرد.");
    expect(text).toContain("در حال اجرا");
  });

  it("lets only the author edit, and only before the first support; commission queues are for members", async () => {
    const filed = await neighbor.post(`/proposals/new?council=${councilId}`, fileForm({ title: "سطل زباله برای بوستان" }));
    const path = filed.headers.get("location")!;
    expect((await author.get(`${path}/edit`)).status).toBe(403);
    const edited = await neighbor.post(`${path}/edit`, fileForm({ title: "سطل زباله و نیمکت برای بوستان" }));
    expect(edited.status).toBe(302);
    expect(visibleText(await (await neighbor.get(path)).text())).toContain("سطل زباله و نیمکت برای بوستان");
    expect((await author.post(path, { intent: "support" })).status).toBe(302);
    const late = await neighbor.post(`${path}/edit`, fileForm({ title: "عنوان دیگر پس از حمایت" }));
    expect(late.status).toBe(409);
    expect(visibleText(await late.text())).toContain(fa.errors.has_supports);

    const [culture] = await app.database.db.select().from(commissions).where(eq(commissions.name, "کمیسیون خدمات شهری"));
    expect((await neighbor.get(`/commissions/${culture!.id}`)).status).toBe(403);
    const member = new Browserless(app.baseUrl);
    await member.post("/login", { phone: "09120000205", password: PASSWORD });
    const queue = visibleText(await (await member.get(`/commissions/${culture!.id}`)).text());
    expect(queue).toContain("چراغ کوچه");
    expect(queue).toContain("پذیرفته شد");
  });

  it("refuses an author's own support when the charter says so", async () => {
    await app.database.db.update(councils).set({ authorMaySupport: false }).where(eq(councils.id, councilId));
    const filed = await neighbor.post(`/proposals/new?council=${councilId}`, fileForm({ title: "آبخوری برای بوستان محله" }));
    const path = filed.headers.get("location")!;
    const own = await neighbor.post(path, { intent: "support" });
    expect(own.status).toBe(409);
    expect(visibleText(await own.text())).toContain(fa.errors.own_proposal);
    expect((await author.post(path, { intent: "support" })).status).toBe(302);
    const [row] = await app.database.db.select().from(proposals).where(eq(proposals.title, "آبخوری برای بوستان محله"));
    expect(row!.supportCount).toBe(1);
    expect(visibleText(await (await author.get(`/councils/${councilId}`)).text())).toContain("حمایت نویسنده از طرح خودش شمرده نمی‌شود.");
  });

  it("lets district staff with the power file for a resident who came in person, without publishing the number", async () => {
    const db = app.database.db;
    const [council] = await db.select().from(councils).where(eq(councils.id, councilId));
    const { client: staff, id: staffId } = await make.signedIn({
      phone: "+989120000207",
      name: "کارشناس دفتر پیشخوان",
      password: PASSWORD,
      grants: [{ role: "district_staff", districtId: council!.districtId, powers: ["file_on_behalf"] }],
    });
    const { client: noPower } = await make.signedIn({
      phone: "+989120000208",
      name: "کارشناس بی‌اختیار",
      password: PASSWORD,
      grants: [{ role: "district_staff", districtId: council!.districtId, powers: [] }],
    });
    const form = { ...fileForm({ title: "تعمیر پیاده‌رو کوچه بهار" }), onBehalfName: "حاج رضا مرادی", onBehalfPhone: "۰۹۱۸۱۲۳۴۵۶۷" };
    expect((await noPower.post(`/proposals/new?council=${councilId}&onBehalf=1`, form)).status).toBe(403);
    expect((await neighbor.post(`/proposals/new?council=${councilId}&onBehalf=1`, form)).status).toBe(403);
    const missing = await staff.post(`/proposals/new?council=${councilId}&onBehalf=1`, { ...form, onBehalfPhone: "" });
    expect(missing.status).toBe(400);
    expect(visibleText(await missing.text())).toContain(fa.errors.phone_required);
    const filed = await staff.post(`/proposals/new?council=${councilId}&onBehalf=1`, form);
    expect(filed.status).toBe(302);
    const [row] = await db.select().from(proposals).where(eq(proposals.title, "تعمیر پیاده‌رو کوچه بهار"));
    expect(row).toMatchObject({ authorId: null, filedById: staffId, onBehalfName: "حاج رضا مرادی", onBehalfPhone: "+989181234567" });
    const page = await (await new Browserless(app.baseUrl).get(filed.headers.get("location")!)).text();
    expect(visibleText(page)).toContain("از طرف حاج رضا مرادی، ثبت‌شده توسط کارشناس دفتر پیشخوان");
    expect(page).not.toMatch(/9181234567|۹۱۸۱۲۳۴۵۶۷/);
  });

  it("shows how many messages a proposal's discussion has in the council's list", async () => {
    const db = app.database.db;
    const [row] = await db.select().from(proposals).where(eq(proposals.title, "تعمیر پیاده‌رو کوچه بهار"));
    const page = await neighbor.get(`/proposals/${row!.id}`);
    const threadId = (await page.text()).match(/action="\/threads\/([0-9a-f-]{36})"/)![1]!;
    for (const body of ["این پیاده‌رو سال‌هاست خراب است.", "با همسایه‌ها پیگیری می‌کنیم."]) {
      expect((await neighbor.post(`/threads/${threadId}`, { intent: "post", body, returnTo: "/" })).status).toBe(302);
    }
    const list = visibleText(await (await new Browserless(app.baseUrl).get(`/proposals?council=${councilId}`)).text());
    expect(list).toMatch(/تعمیر پیاده‌رو کوچه بهار.*۲ پیام/);
  });
});
