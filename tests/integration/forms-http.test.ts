import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messageReports, proposals, referrals } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, inputValue, visibleText } from "../support/http";
import { DAY, fromNow } from "../support/dates";
import { factories, loginClient, type Factories, type Grant } from "../support/factories";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const faThreads = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;
const faProposals = (await import("../../locales/fa/proposals.json", { with: { type: "json" } })).default;
const PASSWORD = "کوه-الوند-زیباست";

/** Addresses that must never be followed after a form: each ends at the form's own fallback. */
const HOSTILE_TARGETS = [
  "/%09/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/%0d%0aSet-Cookie:%20stolen=1",
  "//evil.example",
  "/\\evil.example",
  "/%5c%5cevil.example",
  "/%2f%2fevil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "/\u202e/elpmaxe.live",
];

describe.each(BACKENDS)("redirects and refusals over HTTP on %s", (backend) => {
  let app: TestApp;
  let db: TestApp["database"]["db"];
  let councilThread: string;
  let reviewThread: string;
  let proposalId: string;
  let reviewMessage: string;
  let councilMessage: string;
  let make: Factories;
  let commissionIds: string[] = [];
  const statuses: { path: string; status: number }[] = [];

  /** A browser without JavaScript that notes every status it got (none may be a 500). */
  class Tracked extends Browserless {
    override async get(path: string, headers: Record<string, string> = {}) {
      const response = await super.get(path, headers);
      statuses.push({ path, status: response.status });
      return response;
    }
    override async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
      const response = await super.post(path, fields, headers);
      statuses.push({ path, status: response.status });
      return response;
    }
  }

  const phones: Record<string, string> = {};
  const ids: Record<string, string> = {};
  /** Someone with a password and their roles, known here by `key` (signed in later, per test). */
  async function person(key: string, name: string, ...grants: Grant[]) {
    const someone = await make.user({ name, password: PASSWORD, grants });
    phones[key] = someone.phone;
    ids[key] = someone.id;
  }
  /** A fresh device of `key`'s, signed in through the login form. */
  const signedIn = (key: string) => loginClient(app, phones[key]!, PASSWORD, Tracked);

  beforeAll(async () => {
    app = await startTestApp(backend);
    db = app.database.db;
    make = factories(db, { firstPhone: "+989126000000" });
    const districtId = await make.district({ number: 4, name: "منطقه چهار" });
    const commission = await make.commission("کمیسیون خدمات شهری");
    const second = await make.commission("کمیسیون فرهنگی");
    commissionIds = [commission, second];
    await person("manager", "مدیر منطقه چهار", { role: "district_manager", districtId });
    await person("reviewer", "عضو کمیسیون خدمات", { role: "commission_member", commissionId: commission });
    await person("colleague", "همکار کمیسیون", { role: "commission_member", commissionId: commission });
    await person("resident", "نرگس احمدی");
    await person(
      "twoCommissions",
      "عضو دو کمیسیون",
      { role: "commission_member", commissionId: commission },
      { role: "commission_member", commissionId: second },
    );
    await person("neighbor", "علی رضایی");
    const council = await make.council({
      founderId: ids.manager,
      districtId,
      neighborhood: "کوی بهار",
      neighborhoodKey: "forms-http-hood",
    });
    const filed = await make.proposal({
      title: "درختکاری بوستان بهار",
      body: "بوستان محله درخت کم دارد و تابستان‌ها بی‌سایه است.",
      categoryId: await make.category("فضای سبز"),
      councilId: council.id,
      authorId: ids.resident,
    });
    proposalId = filed.id;
    await db.insert(referrals).values({ proposalId, commissionId: commission, referredBy: ids.manager!, dueAt: fromNow(14 * DAY) });
    councilThread = await make.thread({ kind: "council", councilId: council.id });
    reviewThread = await make.thread({ kind: "commission", proposalId, commissionId: commission });
    reviewMessage = (await make.message(reviewThread, ids.colleague!, "به نظرم بودجه فضای سبز کافی است.")).messageId;
    councilMessage = (await make.message(councilThread, ids.neighbor!, "جلسه بعدی کی است؟")).messageId;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => db.execute(sql`delete from rate_limits`));
  afterEach(() => {
    const failures = statuses.filter((s) => s.status >= 500);
    statuses.length = 0;
    expect(failures).toEqual([]);
  });

  describe("open redirects", () => {
    it.each(HOSTILE_TARGETS)("sign-in with redirectTo %j ends on the home page", async (target) => {
      const client = new Tracked(app.baseUrl);
      const page = await client.get(`/login?redirectTo=${encodeURIComponent(target)}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const loginForm = html.slice(html.indexOf('id="login"'));
      expect(inputValue(loginForm, "redirectTo")).toBe("/");
      const response = await client.post("/login", { phone: phones.resident!, password: PASSWORD, redirectTo: target });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/");
    });

    it("sign-in still returns to a page of this site", async () => {
      const response = await new Tracked(app.baseUrl).post("/login", {
        phone: phones.resident!,
        password: PASSWORD,
        redirectTo: `/proposals/${proposalId}`,
      });
      expect(response.headers.get("location")).toBe(`/proposals/${proposalId}`);
    });

    it("the language switch ends on the home page for every hostile address", async () => {
      for (const target of HOSTILE_TARGETS) {
        const response = await new Tracked(app.baseUrl).post("/set-language", { lng: "fa", redirectTo: target });
        expect(response.status, target).toBe(302);
        expect(response.headers.get("location"), target).toBe("/");
      }
    });

    it("a thread form's returnTo never leads off the thread's page", async () => {
      const client = await signedIn("resident");
      for (const target of HOSTILE_TARGETS) {
        await db.execute(sql`delete from rate_limits`);
        const response = await client.post(`/threads/${councilThread}`, {
          intent: "post",
          clientKey: randomUUID(),
          body: `پیام ${target.length}`,
          returnTo: `${target}#thread`,
        });
        expect(response.status, target).toBe(302);
        const location = response.headers.get("location")!;
        expect(location, target).toMatch(/^\/councils\/[0-9a-f-]{36}#thread$/);
      }
      const fine = await client.post(`/threads/${councilThread}`, {
        intent: "post",
        clientKey: randomUUID(),
        body: "پیام آخر",
        returnTo: `/threads/${councilThread}#thread`,
      });
      expect(fine.headers.get("location")).toBe(`/threads/${councilThread}#thread`);
    });
  });

  describe("tools a person may not use", () => {
    it("a commission's review thread offers no report, and a forged one is answered on the page", async () => {
      const reviewer = await signedIn("reviewer");
      const page = await (await reviewer.get(`/threads/${reviewThread}`)).text();
      expect(page).toContain("به نظرم بودجه فضای سبز کافی است.");
      expect(page).not.toContain('name="intent" value="report"');
      expect(visibleText(page)).not.toContain(faThreads.thread.report);
      const onProposal = await (await reviewer.get(`/proposals/${proposalId}`)).text();
      const reviewSection = onProposal.slice(onProposal.indexOf(`id="review-${reviewThread}"`));
      expect(reviewSection.slice(0, reviewSection.indexOf("</section>"))).not.toContain('value="report"');

      const forged = await reviewer.post(`/threads/${reviewThread}`, {
        intent: "report",
        messageId: reviewMessage,
        reason: "گزارش آزمایشی",
      });
      expect(forged.status).toBe(403);
      const text = visibleText(await forged.text());
      // The thread page, with the refusal in Persian: not an error page.
      expect(text).toContain(fa.errors.thread_forbidden);
      expect(text).toContain("به نظرم بودجه فضای سبز کافی است.");
      expect(text).not.toContain(fa.errors.forbidden_title);
      expect(Number((await db.select({ n: sql<number>`count(*)` }).from(messageReports))[0]!.n)).toBe(0);
    });

    it("a council thread offers the report to a signed-in reader, and takes it", async () => {
      const resident = await signedIn("resident");
      const page = await (await resident.get(`/threads/${councilThread}`)).text();
      // The menu links to the one form (drawn for that message when asked, or in a dialog with JavaScript).
      expect(page).toContain(`href="/threads/${councilThread}?report=${councilMessage}#thread-report"`);
      const asked = await (await resident.get(`/threads/${councilThread}?report=${councilMessage}`)).text();
      expect(asked).toContain('name="intent" value="report"');
      expect(asked).toContain(`name="messageId" value="${councilMessage}"`);
      const report = await resident.post(`/threads/${councilThread}`, {
        intent: "report",
        messageId: councilMessage,
        reason: "لحن توهین‌آمیز",
        returnTo: `/threads/${councilThread}#thread`,
      });
      expect(report.status).toBe(302);
    });

    it("moderator tools sent by a resident are refused on the page, not with an error page", async () => {
      const resident = await signedIn("resident");
      for (const fields of <Record<string, string>[]>[
        { intent: "hide", messageId: councilMessage, reason: "پنهان کن" },
        { intent: "lock", reason: "قفل کن" },
        { intent: "escalate", note: "این را به معاونت بفرستید لطفاً", urgency: "normal" },
        { intent: "post", body: "پاسخ رسمی جعلی", official: "1", clientKey: randomUUID() },
      ]) {
        const response = await resident.post(`/threads/${councilThread}`, fields);
        expect(response.status, fields.intent).toBe(403);
        const text = visibleText(await response.text());
        expect(text, fields.intent).not.toContain(fa.errors.forbidden_title);
        expect(text, fields.intent).toContain(fa.errors.thread_forbidden);
      }
    });

    it("a proposal action this person may not take is answered on the proposal page", async () => {
      const neighbor = await signedIn("neighbor");
      const response = await neighbor.post(`/proposals/${proposalId}`, { intent: "agenda" });
      expect(response.status).toBe(403);
      const text = visibleText(await response.text());
      expect(text).toContain(fa.errors.action_forbidden);
      expect(text).toContain("درختکاری بوستان بهار");
      expect(text).not.toContain(fa.errors.forbidden_title);
    });
  });

  describe("smaller things a person noticed", () => {
    it("without JavaScript the header never says it is connecting", async () => {
      for (const path of ["/", `/proposals/${proposalId}`, `/threads/${councilThread}`]) {
        const html = await (await new Tracked(app.baseUrl).get(path)).text();
        expect(html, path).not.toContain(fa.connection.connecting);
        expect(html, path).not.toContain("data-connection=");
      }
    });

    it("names a session's browser and system in Persian", async () => {
      const client = new Tracked(app.baseUrl);
      const chromeOnLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
      expect((await client.post("/login", { phone: phones.neighbor!, password: PASSWORD }, { "user-agent": chromeOnLinux })).status).toBe(
        302,
      );
      const text = visibleText(await (await client.get("/account", { "user-agent": chromeOnLinux })).text());
      expect(text).toContain("کروم · لینوکس");
      expect(text).not.toMatch(/Chrome|Linux/);
    });

    it("a member of two commissions reaches each one's queue", async () => {
      const member = await signedIn("twoCommissions");
      for (const [i, id] of commissionIds.entries()) {
        const response = await member.get(`/commissions/${id}`);
        expect(response.status).toBe(200);
        const html = await response.text();
        const other = commissionIds[1 - i]!;
        expect(html, `from ${id}`).toContain(`href="/commissions/${other}"`);
      }
      // One commission, no list of one.
      const single = await (await (await signedIn("reviewer")).get(`/commissions/${commissionIds[0]}`)).text();
      expect(single).not.toContain(`href="/commissions/${commissionIds[1]}"`);
    });

    it("a proposal past its supports no longer counts toward the agenda threshold", async () => {
      const threshold = (text: string) => text.includes("حمایت لازم برای ورود به دستور کار");
      expect(threshold(visibleText(await (await new Tracked(app.baseUrl).get(`/proposals/${proposalId}`)).text()))).toBe(true);
      await db.update(proposals).set({ status: "in_progress" }).where(eq(proposals.id, proposalId));
      try {
        const text = visibleText(await (await new Tracked(app.baseUrl).get(`/proposals/${proposalId}`)).text());
        expect(threshold(text)).toBe(false);
        expect(text).toContain(faProposals.proposal.supports_received_other.replace("{{count}}", "۰"));
      } finally {
        await db.update(proposals).set({ status: "open" }).where(eq(proposals.id, proposalId));
      }
    });
  });
});
