import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, visibleText } from "../support/http";
import { appFactories, type AppFactories } from "../support/factories";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const ID = "3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b";
const BAD_ID = "------------------------------------";
/** Built-in object property names: an `in` check against a plain object says yes to each. */
const OBJECT_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
/** Cursors the list never wrote, each outside what PostgreSQL's timestamptz or uuid accepts. */
const FORGED_CURSORS = [
  b64(`+099999-01-01T00:00:00.000Z|${ID}`),
  b64(`-000001-01-01T00:00:00.000Z|${ID}`),
  b64(`NaN|${ID}`),
  b64(`${"9".repeat(300)}|${ID}`),
  b64(`2025-01-01T00:00:00.000Z|${BAD_ID}`),
  b64(`2025-02-30T00:00:00.000Z|${ID}`),
  "__proto__",
];
/** Numbers outside a message number or log id: negative, fractional, huge, not numbers. */
const BAD_NUMBERS = ["-1", "0", "1.5", "NaN", "1e300", "2147483648", "99999999999999999999999", "constructor"];

/**
 * Every page that reads its address, asked with crafted values: never a server error; the page
 * itself, with a Persian notice that part of the address was ignored.
 */
describe.each(BACKENDS)("crafted query parameters on %s", (backend) => {
  let app: TestApp;
  let anonymous: Browserless;
  const signedIn: Record<string, Browserless> = {};
  const id: Record<string, string> = {};

  async function person(make: AppFactories, key: string, phone: string, role?: "admin" | "deputy") {
    const someone = await make.signedIn({ phone, name: `شخص ${key}`, grants: role ? [{ role }] : [] });
    signedIn[key] = someone.client;
    id[key] = someone.id;
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    const make = appFactories(app);
    anonymous = new Browserless(app.baseUrl);
    await person(make, "admin", "+989120000701", "admin");
    await person(make, "deputy", "+989120000702", "deputy");
    await person(make, "resident", "+989120000703");
    const districtId = await make.district({ number: 4, name: "منطقه چهار" });
    id.council = (await make.council({ founderId: id.admin, districtId, neighborhood: "کوی لاله" })).id;
    const filed = await make.proposal({
      councilId: id.council,
      authorId: id.resident,
      categoryId: await make.category("بهداشت"),
      title: "سطل زباله برای کوچه",
      body: "کوچه ما سطل زباله ندارد و زباله‌ها کنار دیوار می‌ماند.",
    });
    id.proposal = filed.id;
    id.thread = await make.thread({ kind: "council", councilId: id.council });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  async function expectNotice(client: Browserless, path: string) {
    const response = await client.get(path);
    expect(response.status, path).toBe(200);
    expect(visibleText(await response.text()), path).toContain(fa.errors.query_invalid);
  }

  it("/proposals: object property names as filters, forged cursors and ids", async () => {
    for (const name of OBJECT_NAMES) {
      await expectNotice(anonymous, `/proposals?status=${name}`);
      await expectNotice(anonymous, `/proposals?category=${name}`);
    }
    for (const cursor of FORGED_CURSORS) await expectNotice(anonymous, `/proposals?after=${encodeURIComponent(cursor)}`);
    for (const key of ["council", "neighborhood", "district"]) await expectNotice(anonymous, `/proposals?${key}=${BAD_ID}`);
    // A parameter the page does not read is no concern of the page's.
    const plain = await anonymous.get("/proposals?sort=__proto__&toString=1");
    expect(plain.status).toBe(200);
    expect(visibleText(await plain.text())).not.toContain(fa.errors.query_invalid);
    // A good query still filters, and says nothing.
    const good = await anonymous.get(`/proposals?status=open&council=${id.council}`);
    const text = visibleText(await good.text());
    expect(text).toContain("سطل زباله برای کوچه");
    expect(text).not.toContain(fa.errors.query_invalid);
  });

  it("thread pages (council, proposal, discussion): earlier-page numbers and reply ids", async () => {
    for (const page of [`/councils/${id.council}`, `/proposals/${id.proposal}`, `/threads/${id.thread}`]) {
      for (const n of BAD_NUMBERS) await expectNotice(anonymous, `${page}?before=${encodeURIComponent(n)}`);
      await expectNotice(signedIn.resident!, `${page}?replyTo=${BAD_ID}`);
      await expectNotice(signedIn.resident!, `${page}?replyTo=__proto__&before=2147483647`);
      await expectNotice(signedIn.resident!, `${page}?report=${BAD_ID}`);
      await expectNotice(signedIn.resident!, `${page}?report=constructor`);
    }
  });

  it("the audit log and the deputy's desk", async () => {
    // The log's ids are bigserial: beyond a message number, but not beyond a safe integer.
    const badIds = [...BAD_NUMBERS.filter((n) => n !== "2147483648"), "9007199254740992"];
    for (const n of badIds) await expectNotice(signedIn.admin!, `/admin/audit?before=${encodeURIComponent(n)}`);
    expect((await signedIn.admin!.get("/admin/audit?before=2147483648")).status).toBe(200);
    for (const name of OBJECT_NAMES) {
      await expectNotice(signedIn.deputy!, `/deputy?state=${name}`);
      await expectNotice(signedIn.deputy!, `/deputy?urgency=${name}`);
    }
    await expectNotice(signedIn.deputy!, `/deputy?district=${BAD_ID}&neighborhood=${BAD_ID}&category=constructor`);
  });

  it("code pages and the filing page: a malformed flow or council is not found, never a server error", async () => {
    for (const page of ["/verify", "/reset-password"]) {
      for (const flow of [BAD_ID, "__proto__", ID]) {
        const response = await anonymous.get(`${page}?flow=${flow}&resent=constructor`);
        expect(response.status, `${page} ${flow}`).toBe(200);
      }
    }
    for (const council of [BAD_ID, "constructor", ID]) {
      const response = await signedIn.resident!.get(`/proposals/new?council=${council}&onBehalf=__proto__`);
      expect(response.status, council).toBe(404);
    }
    expect((await signedIn.resident!.get(`/proposals/new?council=${id.council}&onBehalf=toString`)).status).toBe(200);
  });
});
