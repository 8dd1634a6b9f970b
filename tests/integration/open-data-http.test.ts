import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { castBallot, closeDueVotes } from "../../app/domain/votes.server";
import { DATASETS } from "../../app/domain/open-data/catalog.server";
import { meetings, minutes, minutesDecisions, policies, policyVersions, proposals, referrals, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { factories, ok } from "../support/factories";

/** The open data API over HTTP: what it publishes, what it never does, and how it refuses bad requests. */

type Json = Record<string, any>;

const COMMISSION_SECRET = "گفتگوی‌درونی‌کمیسیون‌نباید‌منتشر‌شود";
const DRAFT_POLICY = "پیش‌نویس‌ابلاغ‌منتشرنشده";
const DRAFT_MINUTES = "پیش‌نویس‌صورتجلسه‌منتشرنشده";
const FORMULA_TITLE = '=HYPERLINK("http://example.com/x","click")';
const ON_BEHALF_PHONE = "+989351234567";
const PERSIAN = /[\u0600-\u06FF]/;
const ID = "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b";
const b64 = (text: string) => Buffer.from(text).toString("base64url");
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF), enough to read the API's own files. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A JSON value as the CSV cell carries it (formula cells get their apostrophe). */
function asCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = String(value);
  return typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

describe.each(BACKENDS)("open data API on %s", (backend) => {
  let app: TestApp;
  const id: Record<string, string> = {};
  const phones: string[] = [];

  const get = (path: string, headers: Record<string, string> = {}) => fetch(app.baseUrl + path, { headers });
  async function json(path: string, status = 200): Promise<Json> {
    const response = await get(path);
    const body = (await response.json()) as Json;
    expect(response.status, `${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(status);
    return body;
  }
  async function expectError(path: string, code: string, status = 400) {
    const response = await get(path);
    expect(response.status, path).toBe(status);
    expect(response.headers.get("content-type"), path).toContain("application/json");
    const body = (await response.json()) as Json;
    expect(body.error?.code, path).toBe(code);
    expect(body.error?.message, path).toMatch(PERSIAN);
    return body;
  }
  /** Every row of a dataset, page by page through `next`. */
  async function walk(start: string): Promise<Json[]> {
    const rows: Json[] = [];
    let path: string | null = start;
    for (let pages = 0; path; pages++) {
      expect(pages, "paging never ends").toBeLessThan(200);
      const page: Json = await json(path);
      rows.push(...page.items);
      path = page.next;
    }
    return rows;
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    const make = factories(db, { firstPhone: "+989160000000" });
    const founder = await make.user({ name: "مدیر سامانه", grants: [{ role: "admin" }] });
    const author = await make.user({ name: "ساکن پیشنهاددهنده" });
    phones.push(founder.phone, author.phone);
    make.defaults.founderId = founder.id;
    make.defaults.authorId = author.id;
    make.defaults.categoryId = await make.category("فضای سبز");
    id.commission = await make.commission("کمیسیون فرهنگی");

    const open = await make.council({ neighborhood: "کوی بهار" });
    const secret = await make.council({ neighborhood: "کوی پاییز", charter: { ballot: "secret" } });
    id.openCouncil = open.id;
    id.secretCouncil = secret.id;
    id.district = open.districtId;
    const openMembers = await make.members(open.id, 3);
    const secretMembers = await make.members(secret.id, 3);
    phones.push(...openMembers.map((m) => m.phone), ...secretMembers.map((m) => m.phone));

    for (let i = 0; i < 6; i++) await make.proposal({ councilId: open.id, title: `پیشنهاد باز شماره ${i + 1} برای محله` });
    id.formula = (await make.proposal({ councilId: open.id, title: FORMULA_TITLE })).id;

    // An open ballot still open (its totals show), a secret ballot still open (nothing shows), a secret ballot closed (totals show).
    const openVote = await make.openVote({ councilId: open.id, by: openMembers[0]!.id, title: "رأی‌گیری علنی در جریان" });
    ok(await castBallot(db, { proposalId: openVote.proposalId, userId: openMembers[0]!.id, choice: "for" }));
    ok(await castBallot(db, { proposalId: openVote.proposalId, userId: openMembers[1]!.id, choice: "against" }));
    const secretOpen = await make.openVote({ councilId: secret.id, by: secretMembers[0]!.id, title: "رأی‌گیری مخفی در جریان" });
    for (const [i, choice] of (["for", "for", "against"] as const).entries())
      ok(await castBallot(db, { proposalId: secretOpen.proposalId, userId: secretMembers[i]!.id, choice }));
    id.secretOpenVote = secretOpen.voteId;
    id.secretOpenProposal = secretOpen.proposalId;
    const secretClosed = await make.openVote({ councilId: secret.id, by: secretMembers[0]!.id, hours: 1, title: "رأی‌گیری مخفی بسته‌شده" });
    for (const [i, choice] of (["for", "abstain", "for"] as const).entries())
      ok(await castBallot(db, { proposalId: secretClosed.proposalId, userId: secretMembers[i]!.id, choice }));
    await closeDueVotes(db, new Date(Date.now() + 2 * 3600_000));
    id.secretClosedVote = secretClosed.voteId;
    id.openVote = openVote.voteId;

    // A resident filed for at the district office: their number is on the row and must stay there.
    const [staff] = await db.insert(users).values({ phone: "+989169999999", displayName: "کارشناس منطقه", passwordHash: "x" }).returning();
    phones.push(staff!.phone, ON_BEHALF_PHONE);
    await db.insert(proposals).values({
      councilId: open.id,
      districtId: open.districtId,
      neighborhoodId: open.neighborhoodId,
      authorId: null,
      filedById: staff!.id,
      onBehalfName: "ساکن حضوری",
      onBehalfPhone: ON_BEHALF_PHONE,
      title: "پیشنهاد ثبت‌شده در دفتر منطقه",
      body: "ساکنی که حضوری آمد این پیشنهاد را داد.",
      categoryId: make.defaults.categoryId,
    });

    // A commission's review: its decision is public, its own discussion never is.
    const reviewed = await make.proposalRow({
      councilId: open.id,
      authorId: author.id,
      categoryId: make.defaults.categoryId!,
      status: "accepted",
      title: "پیشنهاد بررسی‌شده در کمیسیون",
    });
    await db.insert(referrals).values({
      proposalId: reviewed,
      commissionId: id.commission,
      dueAt: new Date(Date.now() + 86_400_000),
      decision: "accepted",
      rationale: "با بودجهٔ فضای سبز سال جاری انجام‌شدنی است.",
      decidedAt: new Date(),
    });
    const commissionMember = await make.user({ name: "عضو کمیسیون", grants: [{ role: "commission_member", commissionId: id.commission }] });
    phones.push(commissionMember.phone);
    const thread = await make.thread({ kind: "commission", proposalId: reviewed, commissionId: id.commission });
    id.commissionThread = thread;
    await make.message(thread, commissionMember.id, COMMISSION_SECRET);

    // A meeting with approved minutes (one decision) and another whose minutes are still a draft.
    const meetingRows = await db
      .insert(meetings)
      .values(
        [1, 2].map((number) => ({
          councilId: open.id,
          districtId: open.districtId,
          number,
          startsAt: new Date(Date.now() - number * 86_400_000),
          endsAt: new Date(Date.now() - number * 86_400_000 + 7200_000),
          place: "سرای محله",
        })),
      )
      .returning({ id: meetings.id });
    const [approved, draft] = await db
      .insert(minutes)
      .values([
        { meetingId: meetingRows[0]!.id, councilId: open.id, districtId: open.districtId, summary: "جلسه با حضور اعضا برگزار شد." },
        { meetingId: meetingRows[1]!.id, councilId: open.id, districtId: open.districtId, summary: DRAFT_MINUTES },
      ])
      .returning({ id: minutes.id });
    await db
      .insert(minutesDecisions)
      .values({ minutesId: approved!.id, number: 1, text: "مقرر شد باغچه بازسازی شود.", responsible: "شهرداری ناحیه" });
    await db
      .update(minutes)
      .set({ status: "approved", circulatedAt: new Date(), respondBy: new Date(), approvedAt: new Date() })
      .where(eq(minutes.id, approved!.id));
    id.draftMinutes = draft!.id;

    // A published policy and one that is only a draft.
    const [published, unpublished] = await db
      .insert(policies)
      .values([
        {
          title: "ابلاغ برگزاری جلسه‌های منظم",
          body: "شوراها دست‌کم دو جلسه در ماه برگزار کنند.",
          effectiveOn: "2026-01-01",
          publishedVersion: 1,
          hasDraft: false,
        },
        { title: DRAFT_POLICY, body: "متنی که هنوز منتشر نشده است.", effectiveOn: "2026-01-01" },
      ])
      .returning({ id: policies.id });
    await db.insert(policyVersions).values({
      policyId: published!.id,
      version: 1,
      title: "ابلاغ برگزاری جلسه‌های منظم",
      body: "شوراها دست‌کم دو جلسه در ماه برگزار کنند.",
      effectiveOn: "2026-01-01",
      allDistricts: true,
      recipients: "both",
    });
    id.draftPolicy = unpublished!.id;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it("lists every dataset with its Persian field names, for anyone", async () => {
    const index = await json("/api/v1");
    expect(index.datasets.map((d: Json) => d.name)).toEqual(DATASETS.map((d) => d.name));
    for (const dataset of index.datasets)
      for (const field of dataset.fields) expect(field.label, `${dataset.name}.${field.key}`).toMatch(PERSIAN);
    const page = await get("/data");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/api/v1/proposals.csv");
  });

  it("answers without a sign-in, with cache headers, CORS and a 304 for an unchanged page", async () => {
    const response = await get("/api/v1/proposals");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    await response.arrayBuffer();
    const again = await get("/api/v1/proposals", { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("per_page=100000 is refused with the maximum in the message", async () => {
    const body = await expectError("/api/v1/proposals?per_page=100000", "per_page_invalid");
    expect(body.error.parameter).toBe("per_page");
    await expectError("/api/v1/proposals.csv?per_page=100000", "per_page_invalid");
  });

  it("per_page=-1 (and 0, 1.5, letters) is refused", async () => {
    for (const value of ["-1", "0", "1.5", "abc", "1e3", "99999999999999999999"])
      await expectError(`/api/v1/proposals?per_page=${encodeURIComponent(value)}`, "per_page_invalid");
  });

  it("sort=password_hash, or any sort not on the dataset's list, is refused", async () => {
    for (const sort of ["password_hash", "-password_hash", "phone", "title", "created;drop table users", "__proto__", "number"])
      await expectError(`/api/v1/proposals?sort=${encodeURIComponent(sort)}`, "sort_invalid");
    await expectError("/api/v1/votes?sort=created", "sort_invalid");
    expect((await json("/api/v1/districts?sort=-number")).sort).toBe("-number");
  });

  it("filters named __proto__ or constructor, and names the dataset does not take, are refused", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "password_hash", "phone", "thread"])
      await expectError(`/api/v1/proposals?${name}=1`, "unknown_parameter");
    await expectError("/api/v1/proposals?status=constructor", "filter_invalid");
    await expectError("/api/v1/proposals?district=__proto__", "filter_invalid");
    await expectError("/api/v1/proposals?status=open&status=voting", "repeated_parameter");
  });

  it("SQL in filter values is refused and reaches nothing", async () => {
    const sql = "'; drop table users; --";
    for (const name of ["status", "district", "council", "from", "to"])
      await expectError(
        `/api/v1/proposals?${name}=${encodeURIComponent(sql)}`,
        name === "from" || name === "to" ? "date_invalid" : "filter_invalid",
      );
    await expectError(`/api/v1/proposals?per_page=${encodeURIComponent(`1; ${sql}`)}`, "per_page_invalid");
    const [{ n }] = (await app.database.db.select({ n: count() }).from(users)) as [{ n: number }];
    expect(Number(n)).toBeGreaterThan(0);
  });

  it("a forged cursor is a 400, never a server error", async () => {
    const forged = [
      "__proto__",
      "not-base64!",
      b64("{}"),
      b64(JSON.stringify(["created", "2026-01-01T00:00:00.000000Z"])),
      b64(JSON.stringify(["created", "2026-02-30T00:00:00.000000Z", ID])),
      b64(JSON.stringify(["created", "+099999-01-01T00:00:00.000000Z", ID])),
      b64(JSON.stringify(["created", "2026-01-01T00:00:00.000000Z", "'; drop table users; --"])),
      b64(JSON.stringify(["created", "1e308", ID])),
      b64(JSON.stringify(["password_hash", "2026-01-01T00:00:00.000000Z", ID])),
      b64(JSON.stringify(["opens", "2026-01-01T00:00:00.000000Z", ID])),
      b64(`2025-01-01T00:00:00.000Z|${ID}`),
      "A".repeat(400),
    ];
    for (const cursor of forged) await expectError(`/api/v1/proposals?cursor=${encodeURIComponent(cursor)}`, "cursor_invalid");
    // A real cursor of one dataset's sort is not one of another's.
    const first = await json("/api/v1/proposals?per_page=1");
    await expectError(
      `/api/v1/votes?cursor=${encodeURIComponent(new URL(first.next, app.baseUrl).searchParams.get("cursor")!)}`,
      "cursor_invalid",
    );
  });

  it("a date range that ends before it starts, or spans a century, is refused", async () => {
    await expectError("/api/v1/proposals?from=2026-03-01&to=2026-02-01", "date_range_reversed");
    await expectError("/api/v1/proposals?from=1404-12-01&to=1404-01-01", "date_range_reversed");
    await expectError("/api/v1/proposals?from=1926-01-01&to=2026-01-01", "date_range_too_long");
    await expectError(
      `/api/v1/proposals?from=${encodeURIComponent("۱۳۰۵/۰۱/۰۱")}&to=${encodeURIComponent("۱۴۰۵/۰۱/۰۱")}`,
      "date_range_too_long",
    );
    await expectError("/api/v1/proposals?from=2026-02-30", "date_invalid");
    await expectError("/api/v1/districts?from=0001-01-01", "date_invalid");
    // A sensible range in either calendar is read.
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect((await json(`/api/v1/proposals?from=${yesterday}&to=${tomorrow}`)).count).toBeGreaterThan(0);
    expect((await json("/api/v1/proposals?from=1390-01-01&to=1399-01-01")).count).toBe(0);
  });

  it("a proposal titled as a spreadsheet formula comes out escaped in CSV", async () => {
    const response = await get("/api/v1/proposals.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const cells = parseCsv(new TextDecoder().decode(bytes)).flat();
    expect(cells).toContain(`'${FORMULA_TITLE}`);
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    // JSON carries the title as it is.
    const rows = await walk("/api/v1/proposals?per_page=500");
    expect(rows.find((r) => r.id === id.formula)?.title).toBe(FORMULA_TITLE);
  });

  it("a commission's own discussion is in no dataset, and there is no dataset of threads", async () => {
    await expectError("/api/v1/threads", "dataset_unknown", 404);
    await expectError("/api/v1/messages.csv", "dataset_unknown", 404);
    await expectError("/api/v1/constructor", "dataset_unknown", 404);
    await expectError(`/api/v1/proposals?thread=${id.commissionThread}`, "unknown_parameter");
    for (const dataset of DATASETS) {
      for (const suffix of ["?per_page=500", ".csv"]) {
        const text = await (await get(`/api/v1/${dataset.name}${suffix}`)).text();
        expect(text.includes(COMMISSION_SECRET), `${dataset.name}${suffix}`).toBe(false);
        expect(text.includes(id.commissionThread!), `${dataset.name}${suffix}`).toBe(false);
      }
    }
  });

  it("a secret ballot shows no totals while open, only totals once closed, and no one's choice ever", async () => {
    const votes = await walk("/api/v1/votes?per_page=500");
    const secretOpen = votes.find((v) => v.id === id.secretOpenVote)!;
    expect(secretOpen).toMatchObject({ ballot: "secret", status: "open", votes_for: null, votes_against: null, votes_abstain: null });
    expect(secretOpen.active_members).toBeNull();
    expect(votes.find((v) => v.id === id.secretClosedVote)).toMatchObject({
      status: "closed",
      votes_for: 2,
      votes_against: 0,
      votes_abstain: 1,
    });
    expect(votes.find((v) => v.id === id.openVote)).toMatchObject({
      ballot: "open",
      status: "open",
      votes_for: 1,
      votes_against: 1,
      votes_abstain: 0,
    });
    const proposals = await walk(`/api/v1/proposals?council=${id.secretCouncil}`);
    expect(proposals.find((p) => p.id === id.secretOpenProposal)).toMatchObject({
      vote_status: "open",
      votes_for: null,
      votes_against: null,
    });
    // Asking for the secret vote by its proposal changes nothing, and no field names a voter or a choice.
    const asked = await json(`/api/v1/votes?proposal=${id.secretOpenProposal}&status=open`);
    expect(asked.items).toHaveLength(1);
    expect(asked.items[0].votes_for).toBeNull();
    for (const dataset of DATASETS)
      for (const field of dataset.fields) expect(field.key, dataset.name).not.toMatch(/choice|voter|ballots|user|phone|author|password/);
    await expectError(`/api/v1/votes?choice=for`, "unknown_parameter");
  });

  it("drafts are never published: unapproved minutes, unpublished policies", async () => {
    for (const dataset of ["minutes", "minutes-decisions", "policies"]) {
      for (const suffix of ["?per_page=500", ".csv"]) {
        const text = await (await get(`/api/v1/${dataset}${suffix}`)).text();
        expect(text.includes(DRAFT_MINUTES), dataset).toBe(false);
        expect(text.includes(DRAFT_POLICY), dataset).toBe(false);
        expect(text.includes(id.draftMinutes!), dataset).toBe(false);
        expect(text.includes(id.draftPolicy!), dataset).toBe(false);
      }
    }
    expect((await json("/api/v1/minutes")).count).toBe(1);
    expect((await json("/api/v1/minutes-decisions")).items[0].text).toBe("مقرر شد باغچه بازسازی شود.");
    expect((await json("/api/v1/policies")).count).toBe(1);
    expect((await json("/api/v1/decisions")).items[0].rationale).toContain("فضای سبز");
  });

  it("JSON and CSV have the same rows and fields, for every dataset", async () => {
    for (const dataset of DATASETS) {
      const body = await json(`/api/v1/${dataset.name}?per_page=500`);
      // fetch's text() drops the byte-order mark, as a spreadsheet does.
      const csv = parseCsv(await (await get(`/api/v1/${dataset.name}.csv`)).text());
      const [header, ...rows] = csv;
      expect(header, dataset.name).toHaveLength(dataset.fields.length);
      for (const cell of header!) expect(cell, dataset.name).toMatch(PERSIAN);
      expect(rows.length, dataset.name).toBe(body.items.length);
      expect(rows.length, `${dataset.name} has rows to compare`).toBeGreaterThan(0);
      body.items.forEach((item: Json, i: number) => {
        expect(Object.keys(item), dataset.name).toEqual(dataset.fields.map((f) => f.key));
        expect(rows[i], `${dataset.name} row ${i}`).toEqual(dataset.fields.map((f) => asCell(item[f.key])));
      });
    }
  });

  it("paging walks every row exactly once, in either order and under a filter", async () => {
    const all = (await json("/api/v1/proposals?per_page=500")).items.map((r: Json) => r.id);
    expect(all.length).toBeGreaterThan(8);
    for (const query of ["per_page=2", "per_page=3&sort=created", "per_page=1&sort=-created"]) {
      const ids = (await walk(`/api/v1/proposals?${query}`)).map((r) => r.id);
      expect(new Set(ids).size, query).toBe(ids.length);
      expect([...ids].sort(), query).toEqual([...all].sort());
    }
    const filtered = (await walk(`/api/v1/proposals?per_page=2&council=${id.openCouncil}`)).map((r) => r.id);
    const expected = (await json(`/api/v1/proposals?per_page=500&council=${id.openCouncil}`)).items.map((r: Json) => r.id);
    expect(filtered).toEqual(expected);
    const whole = await get("/api/v1/proposals.csv?per_page=500");
    expect(whole.headers.get("link")).toBeNull();
    const twoPages = await get("/api/v1/proposals.csv?per_page=2");
    expect(twoPages.headers.get("link")).toMatch(/^<\/api\/v1\/proposals\.csv\?per_page=2&cursor=[\w-]+>; rel="next"$/);
  });

  it("no phone number appears anywhere in any dataset", async () => {
    const local = (e164: string) => `0${e164.slice(3)}`;
    for (const dataset of DATASETS) {
      for (const suffix of ["?per_page=500", ".csv"]) {
        // Identifiers are random hex: one in a few thousand holds a run like 09xxxxxxxxx by chance,
        // so they are taken out before looking for anything shaped like a phone number.
        const text = (await (await get(`/api/v1/${dataset.name}${suffix}`)).text()).replace(UUID_ANYWHERE, "-");
        expect(/\+?98 ?9\d{9}|09\d{9}/.test(text), `${dataset.name}${suffix}`).toBe(false);
        for (const phone of phones) {
          expect(text.includes(phone.slice(1)), `${dataset.name}${suffix}`).toBe(false);
          expect(text.includes(local(phone)), `${dataset.name}${suffix}`).toBe(false);
        }
      }
    }
  });
});
