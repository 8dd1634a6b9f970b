import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal } from "../../app/domain/proposals.server";
import { indexAll, indexPending } from "../../app/domain/search/indexer.server";
import { search } from "../../app/domain/search/query.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { hideMessage } from "../../app/domain/threads/moderate.server";
import { deleteMessage, postMessage } from "../../app/domain/threads/write.server";
import { parseSearchQuery, type SearchQuery } from "../../app/utils/search-text";
import { queryRows } from "../../db/client.server";
import { commissions, districts, neighborhoods, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { testCharter } from "../support/fixtures";
import { Browserless, inputValue, visibleText } from "../support/http";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

const q = (text: string) => {
  const parsed = parseSearchQuery(text);
  if ("problem" in parsed) throw new Error(`not a query: ${text}`);
  return parsed as SearchQuery;
};

/** The proposal every spelling below must find. */
const TITLE = "ما می‌خواهیم پارک کودک در کوچه ۱۲ ساخته شود";
const BODY = "بچه‌های محله جای بازی ندارند؛ زمین خالی کنار مسجد مناسب است.";

describe.each(BACKENDS)("search on %s", (backend) => {
  let app: TestApp;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    const [admin] = await db
      .insert(users)
      .values({ phone: "+989120000801", displayName: "مدیر", passwordHash: "x" })
      .returning({ id: users.id });
    await db.insert(roleAssignments).values({ userId: admin!.id, role: "admin" });
    const [resident] = await db
      .insert(users)
      .values({ phone: "+989120000802", displayName: "ساکن", passwordHash: "x" })
      .returning({ id: users.id });
    id.admin = admin!.id;
    id.resident = resident!.id;
    const [district] = await db
      .insert(districts)
      .values({ number: 7, name: "منطقه هفت", nameKey: "منطقه هفت" })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی نرگس", nameKey: "کوی نرگس" })
      .returning({ id: neighborhoods.id });
    id.district = district!.id;
    id.hood = hood!.id;
    const council = await createCouncil(db, id.admin, hood!.id, testCharter());
    if (!council.ok) throw new Error(council.error);
    id.council = council.id;
    const category = await createCategory(db, "فضای سبز");
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId: council.id,
      authorId: id.resident,
      categoryId: category.id,
      title: TITLE,
      body: BODY,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    id.proposal = filed.id;
    id.thread = await ensureThread(db, { kind: "proposal", proposalId: filed.id });
    const post = async (threadId: string, body: string) => {
      const posted = await postMessage(db, { threadId, authorId: id.admin!, body });
      if (!posted.ok) throw new Error(posted.error);
      return posted.messageId;
    };
    id.visible = await post(id.thread, "نظر من: زمین بازی با نیمکت و سایه‌بان بهتر است.");
    id.hidden = await post(id.thread, "پیامی ناسزاآمیز دربارهٔ همسایه زرشکی");
    id.deleted = await post(id.thread, "پیامی که نویسنده‌اش پاک کرد: آلبالویی");
    const [commission] = await db
      .insert(commissions)
      .values({ name: "کمیسیون فرهنگی", nameKey: "کمیسیون فرهنگی" })
      .returning({ id: commissions.id });
    const review = await ensureThread(db, { kind: "commission", proposalId: filed.id, commissionId: commission!.id });
    await post(review, "گفت‌وگوی محرمانه کمیسیون درباره بودجه فیروزه‌ای");
    await hideMessage(db, { actorId: id.admin, messageId: id.hidden, reason: "توهین به دیگران" });
    await deleteMessage(db, { actorId: id.admin, messageId: id.deleted });
    await indexAll(db);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const find = async (text: string, filters = {}) => (await search(app.database.db, q(text), filters)).hits;

  it("finds the proposal however Persian is typed", async () => {
    const spellings = [
      "می‌خواهیم", // with the half-space
      "میخواهیم", // run together
      "می خواهیم", // with a space
      "مي خواهيم", // Arabic yeh
      "پارك كودك", // Arabic kaf
      "کوچه 12", // Latin digits
      "کوچه ١٢", // Arabic-Indic digits
      "کوچه ۱۲", // Persian digits
      "ما میخواهیم پارک", // several words, compounds run together
      "بچه‌های محله", // a compound of the body
      "بچه های محله",
    ];
    for (const spelling of spellings) {
      const hits = await find(spelling);
      expect(
        hits.map((h) => `${h.kind}:${h.id}`),
        spelling,
      ).toContain(`proposal:${id.proposal}`);
    }
  });

  it.runIf(backend === "postgres")("waits, when asked to index everything, for a batch another indexer holds", async () => {
    // A running app's indexer may hold the notes (SKIP LOCKED) when a test or the bench asks for
    // everything: indexAll must not return before that batch is written.
    const db = app.database.db;
    const posted = await postMessage(db, { threadId: id.thread!, authorId: id.admin!, body: "پیامی درباره انارهای سرخ باغ" });
    if (!posted.ok) throw new Error(posted.error);
    let settled = false;
    let indexing: Promise<number> | undefined;
    await db.transaction(async (tx) => {
      await tx.execute(sql`select kind, source_id from search_dirty for update`);
      indexing = indexAll(db).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
    });
    await indexing;
    expect((await find("انارهای سرخ")).map((h) => h.id)).toContain(posted.messageId);
  });

  it("tolerates a typo in a longer word, as an approximate page", async () => {
    for (const typo of ["مناسبب", "ندارنذ"]) {
      const page = await search(app.database.db, q(typo), {});
      expect(page.approximate, typo).toBe(true);
      expect(
        page.hits.map((h) => h.id),
        typo,
      ).toContain(id.proposal);
    }
    // A message too, through the vocabulary of known words.
    const message = await search(app.database.db, q("نیمکتت"), {});
    expect(message.approximate).toBe(true);
    expect(message.hits.map((h) => h.id)).toContain(id.visible);
    // A word no one wrote finds nothing, and a hidden message's word was never learned.
    expect((await search(app.database.db, q("زرشککی"), {})).hits).toEqual([]);
    // A short word is matched as typed, never loosely.
    const short = await search(app.database.db, q("نیمک"), {});
    expect(short.approximate).toBe(false);
  });

  it("never shows hidden or deleted messages, nor a commission's thread", async () => {
    expect(await find("زرشکی")).toEqual([]);
    expect(await find("آلبالویی")).toEqual([]);
    expect(await find("فیروزه‌ای")).toEqual([]);
    expect((await find("نیمکت")).map((h) => h.id)).toContain(id.visible);
  });

  it("a message hidden after it was indexed is out of reach before the indexer runs again", async () => {
    const db = app.database.db;
    const posted = await postMessage(db, { threadId: id.thread!, authorId: id.admin!, body: "پیامی درباره گیلاس‌های باغ" });
    if (!posted.ok) throw new Error(posted.error);
    await indexAll(db);
    expect((await find("گیلاس")).map((h) => h.id)).toContain(posted.messageId);
    expect((await search(db, q("گیلاسس"), {})).hits.map((h) => h.id)).toContain(posted.messageId);
    await hideMessage(db, { actorId: id.admin!, messageId: posted.messageId, reason: "خارج از موضوع گفت‌وگو" });
    // Its entry left with the hiding, in the same transaction.
    const left = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from search_entries where source_id = ${posted.messageId}::uuid`,
    );
    expect(Number(left[0]?.n)).toBe(0);
    expect(await find("گیلاس")).toEqual([]);
    expect((await search(db, q("گیلاسس"), {})).hits).toEqual([]);
    await indexPending(db);
    expect(await find("گیلاس")).toEqual([]);

    // The same for a message its author deletes.
    const other = await postMessage(db, { threadId: id.thread!, authorId: id.admin!, body: "پیامی درباره زردآلوهای باغ" });
    if (!other.ok) throw new Error(other.error);
    await indexAll(db);
    expect((await find("زردآلو")).map((h) => h.id)).toContain(other.messageId);
    await deleteMessage(db, { actorId: id.admin!, messageId: other.messageId });
    expect(await find("زردآلو")).toEqual([]);
  });

  it("filters by kind, place, status and date", async () => {
    expect((await find("کوی نرگس", { kind: "council" })).map((h) => h.id)).toEqual([id.council]);
    expect((await find("کوی نرگس", { kind: "neighborhood" })).map((h) => h.id)).toEqual([id.hood]);
    expect(await find("پارک", { districtId: "00000000-0000-4000-8000-000000000000" })).toEqual([]);
    expect((await find("پارک", { districtId: id.district, statuses: ["open"] })).map((h) => h.id)).toEqual([id.proposal]);
    expect(await find("پارک", { statuses: ["done"] })).toEqual([]);
    expect(await find("پارک", { until: new Date("2000-01-01T00:00:00Z") })).toEqual([]);
  });

  it("pages by cursor without repeats", async () => {
    const db = app.database.db;
    for (let i = 0; i < 45; i++) {
      const posted = await postMessage(db, { threadId: id.thread!, authorId: id.admin!, body: `پیشنهاد شماره ${i} برای درختکاری` });
      if (!posted.ok) throw new Error(posted.error);
    }
    await indexAll(db);
    const seen: string[] = [];
    let after = null;
    for (let pages = 0; pages < 5; pages++) {
      const page = await search(db, q("درختکاری"), {}, after);
      seen.push(...page.hits.map((h) => h.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen.length).toBe(45);
    expect(new Set(seen).size).toBe(45);
  });

  describe("the page", () => {
    let browser: Browserless;
    beforeAll(() => {
      browser = new Browserless(app.baseUrl);
    });
    const page = async (query: string) => {
      const response = await browser.get(`/search?${query}`);
      expect(response.status, query.slice(0, 80)).toBe(200);
      return response.text();
    };

    it("shows the hits with the match marked", async () => {
      const html = await page(`q=${encodeURIComponent("میخواهیم")}`);
      expect(visibleText(html)).toContain("پارک کودک");
      expect(html).toMatch(/<mark>می‌خواهیم<\/mark>/);
      expect(html).toContain(`/proposals/${id.proposal}`);
    });

    it("refuses bad input beside the field, keeping it", async () => {
      // The form stops typing at the limit; an address written by hand gets the message.
      const tooLong = await page(`q=${"a".repeat(10_000)}`);
      expect(visibleText(tooLong)).toContain(fa.errors.search_too_long.replace("{{max}}", "۲۰۰"));
      for (const empty of ["!!!؟؟...", "\u200c", "\u200c \u200c", "\u0000", "'; drop table proposals; --"]) {
        const html = await page(`q=${encodeURIComponent(empty)}`);
        const text = visibleText(html);
        if (empty.includes("drop")) {
          expect(text).toContain(fa.search.none.replace("{{query}}", empty));
        } else {
          expect(text, JSON.stringify(empty)).toContain(fa.errors.search_empty);
        }
      }
      const reversed = await page(
        `q=${encodeURIComponent("پارک")}&from=${encodeURIComponent("۱۴۰۵/۰۹/۱۰")}&to=${encodeURIComponent("۱۴۰۵/۰۹/۰۱")}`,
      );
      expect(visibleText(reversed)).toContain(fa.errors.search_range_reversed);
      expect(inputValue(reversed, "from")).toBe("۱۴۰۵/۰۹/۱۰");
      expect(inputValue(reversed, "q")).toBe("پارک");
      const century = await page(`q=${encodeURIComponent("پارک")}&from=1305/01/01&to=1405/01/01`);
      expect(visibleText(century)).toContain(fa.errors.search_range_too_long);
      const impossible = await page(`q=${encodeURIComponent("پارک")}&from=${encodeURIComponent("۱۴۰۴/۱۲/۳۰")}`);
      expect(visibleText(impossible)).toContain(fa.errors.date_invalid);
    });

    it("answers control characters, bidi overrides and prototype names with the page, never a 500", async () => {
      // Invisible characters alone are no query; around a word they are dropped.
      for (const empty of ["\u0001\u0002\u001f", "\u202e\u202d\u2066\u2069", "\u200f\u200e", "\u0000\u200c\u0000"]) {
        const html = await page(`q=${encodeURIComponent(empty)}`);
        expect(visibleText(html), JSON.stringify(empty)).toContain(fa.errors.search_empty);
      }
      for (const wrapped of ["\u202eپارک\u202c", "\u0000پارک", "پا\u200dرک"]) {
        const html = await page(`q=${encodeURIComponent(wrapped)}`);
        expect(html, JSON.stringify(wrapped)).toContain(`/proposals/${id.proposal}`);
      }
      const proto = await page(`q=__proto__&__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bx%5D=1`);
      expect(visibleText(proto)).toContain(fa.search.none.replace("{{query}}", "__proto__"));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      for (const field of ["from", "to"]) {
        for (const crafted of ["__proto__", "1' or '1'='1", "1405/13/01"]) {
          const html = await page(`q=${encodeURIComponent("پارک")}&${field}=${encodeURIComponent(crafted)}`);
          expect(visibleText(html), `${field}=${crafted}`).toContain(fa.errors.date_invalid);
        }
      }
    });

    it("refuses forged cursors with a notice", async () => {
      const b64 = (text: string) => Buffer.from(text).toString("base64url");
      const forged = [
        "forged",
        b64("1969-12-31T23:59:59.999Z|00000000-0000-4000-8000-000000000000"),
        b64("2026-02-30T00:00:00.000Z|00000000-0000-4000-8000-000000000000"),
        b64("2026-01-01T00:00:00.000Z|'; drop table proposals; --"),
        b64("2026-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000|x"),
        b64("__proto__|constructor"),
        "A".repeat(5000),
      ];
      for (const after of forged) {
        const html = await page(`q=${encodeURIComponent("پارک")}&after=${encodeURIComponent(after)}`);
        expect(visibleText(html), after.slice(0, 40)).toContain(fa.errors.query_invalid);
      }
      // A well-formed cursor is only a place in the list: one from the future shows the newest.
      const future = b64("2999-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000");
      expect(await page(`q=${encodeURIComponent("پارک")}&after=${future}`)).toContain(`/proposals/${id.proposal}`);
    });

    it("ignores crafted filters with a notice", async () => {
      for (const crafted of [
        "kind=__proto__",
        "kind=password_hash",
        "kind=toString",
        "district=1%20or%201=1",
        "district=__proto__",
        "neighborhood=__proto__",
        "neighborhood=%27%3B%20select%20pg_sleep(10)%3B%20--",
        "status=constructor",
        "status=__proto__",
        "status=open%27%20or%20%271%27=%271",
        "after=forged",
      ]) {
        const html = await page(`q=${encodeURIComponent("پارک")}&${crafted}`);
        expect(visibleText(html), crafted).toContain(fa.errors.query_invalid);
      }
    });
  });
});
