import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, users, verificationCodes } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, inputValue, visibleText } from "../support/http";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

describe.each(BACKENDS)("accounts over HTTP on %s", (backend) => {
  let app: TestApp;
  let phoneSeq = 100;
  const nextPhone = () => `0912${String(10_000_000 + phoneSeq++).slice(1)}`;
  const e164 = (national: string) => `+98${national.slice(1)}`;

  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function userCount() {
    const [row] = await app.database.db.select({ n: count() }).from(users);
    return Number(row!.n);
  }

  async function startSignup(client: Browserless, phone: string, name = "مریم احمدی", password = "گل‌های-بهاری-۱۴۰۵") {
    const response = await client.post("/signup", { phone, displayName: name, password });
    return response;
  }

  async function signUp(client: Browserless, phone: string, name?: string, password?: string) {
    const started = await startSignup(client, phone, name, password);
    expect(started.status).toBe(302);
    const verifyUrl = started.headers.get("location")!;
    const code = app.sms.lastCode(e164(phone.replace(/^\+98/, "0")))!;
    const verified = await client.post(verifyUrl, { intent: "verify", code });
    expect(verified.status).toBe(302);
    return verified;
  }

  it("signs up with a Persian-digit number, verifies by code, and lands signed in", async () => {
    const client = new Browserless(app.baseUrl);
    const started = await startSignup(client, "۰۹۱۲۳۴۵۶۷۸۹", "  سارا  رضايي  ");
    expect(started.status).toBe(302);
    const verifyPath = started.headers.get("location")!;
    expect(verifyPath).toMatch(/^\/verify\?flow=[0-9a-f-]{36}$/);

    const verifyPage = await client.get(verifyPath);
    expect(visibleText(await verifyPage.text())).toContain("۰۹۱۲ ۳۴۵ ۶۷۸۹");

    const code = app.sms.lastCode("+989123456789");
    expect(code).toMatch(/^\d{6}$/);
    const verified = await client.post(verifyPath, { intent: "verify", code: code!.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!) });
    expect(verified.status).toBe(302);
    expect(verified.headers.get("location")).toBe("/");

    const home = visibleText(await (await client.follow(verified)).text());
    // Stored normalized: Arabic ي folded to ی, spaces collapsed.
    expect(home).toContain("سارا رضایی");
    expect(home).toContain(fa.nav.sign_out);

    const [stored] = await app.database.db.select().from(users).where(eq(users.phone, "+989123456789"));
    expect(stored!.displayName).toBe("سارا رضایی");
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("keeps the input and explains a malformed phone in Persian, writing nothing", async () => {
    const client = new Browserless(app.baseUrl);
    const before = await userCount();
    const response = await client.post("/signup", { phone: "0212345678", displayName: "علی", password: "گل‌های-بهاری-۱۴۰۵" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(visibleText(html)).toContain(fa.errors.phone_invalid);
    expect(inputValue(html, "phone")).toBe("0212345678");
    expect(inputValue(html, "displayName")).toBe("علی");
    // The password is never echoed back.
    expect(inputValue(html, "password")).toBe("");
    expect(await userCount()).toBe(before);
    expect(app.sms.lastTo("+98212345678")).toBeNull();
  });

  it("refuses a 300-character display name with a clear message", async () => {
    const client = new Browserless(app.baseUrl);
    const response = await client.post("/signup", { phone: nextPhone(), displayName: "ب".repeat(300), password: "گل‌های-بهاری-۱۴۰۵" });
    expect(response.status).toBe(400);
    expect(visibleText(await response.text())).toContain(fa.errors.name_too_long);
  });

  it("refuses short and common passwords", async () => {
    const client = new Browserless(app.baseUrl);
    const short = await client.post("/signup", { phone: nextPhone(), displayName: "رضا", password: "abc12" });
    expect(short.status).toBe(400);
    expect(visibleText(await short.text())).toContain("رمز عبور کوتاه است؛ دست‌کم ۸ نویسه.");
    const common = await client.post("/signup", { phone: nextPhone(), displayName: "رضا", password: "12345678" });
    expect(common.status).toBe(400);
    expect(visibleText(await common.text())).toContain(fa.errors.password_common);
  });

  it("stores hostile names safely and shows them inert", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>\u202Eنام\u200B`;
    const verified = await signUp(client, phone, hostile);
    const html = await (await client.follow(verified)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const [stored] = await app.database.db
      .select()
      .from(users)
      .where(eq(users.phone, e164(phone)));
    expect(stored!.displayName).not.toMatch(/[\u202E\u200B]/);
    expect(stored!.displayName).toContain("نام");
  });

  it("does not reveal that a number is registered when signing up again", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    await signUp(client, phone);
    const before = await userCount();

    const other = new Browserless(app.baseUrl);
    const again = await startSignup(other, phone, "کسی دیگر");
    const fresh = await startSignup(new Browserless(app.baseUrl), nextPhone(), "کسی دیگر");
    // Same status, same kind of next page.
    expect(again.status).toBe(fresh.status);
    expect(again.headers.get("location")).toMatch(/^\/verify\?flow=/);
    // The owner gets a notice, not a code.
    expect(app.sms.lastTo(e164(phone))!.text).toContain("از قبل حسابی");
    expect(app.sms.lastCode(e164(phone))).toBeNull();
    const verify = await other.post(again.headers.get("location")!, { intent: "verify", code: "123456" });
    expect(verify.status).toBe(400);
    expect(await userCount()).toBe(before);
  });

  it("locks code checks after six wrong codes, even for the right code", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    const started = await startSignup(client, phone);
    const path = started.headers.get("location")!;
    const right = app.sms.lastCode(e164(phone))!;
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      const response = await client.post(path, { intent: "verify", code: wrong });
      expect(response.status).toBe(400);
      expect(visibleText(await response.text())).toContain("کد درست نیست");
    }
    const sixth = await client.post(path, { intent: "verify", code: wrong });
    expect(sixth.status).toBe(429);
    expect(visibleText(await sixth.text())).toContain("موقتاً بسته شد");
    const rightAfterLock = await client.post(path, { intent: "verify", code: right });
    expect(rightAfterLock.status).toBe(429);
    const [row] = await app.database.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.phone, e164(phone)));
    expect(Number(row!.n)).toBe(0);
  });

  it("refuses an expired code and a reused code", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    const started = await startSignup(client, phone);
    const path = started.headers.get("location")!;
    const flowId = new URL(path, app.baseUrl).searchParams.get("flow")!;
    await app.database.db
      .update(verificationCodes)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(verificationCodes.id, flowId));
    const expired = await client.post(path, { intent: "verify", code: app.sms.lastCode(e164(phone))! });
    expect(expired.status).toBe(400);
    expect(visibleText(await expired.text())).toContain(fa.errors.code_expired);

    // A fresh code works once; the same code again is refused.
    const resent = await client.post(path, { intent: "resend" });
    expect(resent.status).toBe(302);
    const newPath = resent.headers.get("location")!.replace("&resent=1", "");
    const code = app.sms.lastCode(e164(phone))!;
    const ok = await client.post(newPath, { intent: "verify", code });
    expect(ok.status).toBe(302);
    const again = await new Browserless(app.baseUrl).post(newPath, { intent: "verify", code });
    expect(again.status).toBe(400);
    expect(visibleText(await again.text())).toContain(fa.errors.code_used);
  });

  it("signs out on the server, signs in again, and resets a forgotten password", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    await signUp(client, phone, "نرگس", "گل‌های-بهاری-۱۴۰۵");
    const stolenCookie = client.cookieHeader();

    const out = await client.post("/logout", {});
    expect(out.status).toBe(302);
    const [{ n }] = (await app.database.db
      .select({ n: count() })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(users.phone, e164(phone)))) as [{ n: number }];
    expect(Number(n)).toBe(0);
    // The old cookie is dead: replaying it shows a signed-out page.
    const replay = await fetch(`${app.baseUrl}/account`, { headers: { cookie: stolenCookie }, redirect: "manual" });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/login/);

    const badLogin = await client.post("/login", { phone, password: "wrong-password-1" });
    expect(badLogin.status).toBe(400);
    const badHtml = await badLogin.text();
    // No stray bytes anywhere in a page full of Persian text.
    expect(badHtml).not.toContain("\u0000");
    const badText = visibleText(badHtml);
    expect(badText).toContain(fa.errors.credentials_invalid);
    const unknownLogin = await client.post("/login", { phone: nextPhone(), password: "wrong-password-1" });
    expect(visibleText(await unknownLogin.text())).toContain(fa.errors.credentials_invalid);

    const login = await client.post("/login", { phone: `+98${phone.slice(1)}`, password: "گل‌های-بهاری-۱۴۰۵", redirectTo: "/account" });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/account");
    const otherDevice = new Browserless(app.baseUrl);
    await otherDevice.post("/login", { phone, password: "گل‌های-بهاری-۱۴۰۵" });

    const forgot = await new Browserless(app.baseUrl).post("/forgot-password", { phone });
    expect(forgot.status).toBe(302);
    const resetPath = forgot.headers.get("location")!;
    const resetter = new Browserless(app.baseUrl);
    const weak = await resetter.post(resetPath, { code: app.sms.lastCode(e164(phone))!, password: "password" });
    expect(weak.status).toBe(400);
    const reset = await resetter.post(resetPath, { code: app.sms.lastCode(e164(phone))!, password: "کوه-الوند-زیباست" });
    expect(reset.status).toBe(302);
    // Every other session died with the old password.
    expect((await otherDevice.get("/account")).status).toBe(302);
    expect((await client.get("/account")).status).toBe(302);
    expect((await resetter.get("/account")).status).toBe(200);
    const fresh = await new Browserless(app.baseUrl).post("/login", { phone, password: "کوه-الوند-زیباست" });
    expect(fresh.status).toBe(302);
  });

  it("answers a reset for an unknown number exactly like a known one, and sends nothing", async () => {
    const unknown = nextPhone();
    const response = await new Browserless(app.baseUrl).post("/forgot-password", { phone: unknown });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/reset-password\?flow=/);
    expect(app.sms.lastTo(e164(unknown))).toBeNull();
  });

  it("refuses a form posted from another site", async () => {
    const client = new Browserless(app.baseUrl);
    const before = await userCount();
    const response = await client.post(
      "/signup",
      { phone: nextPhone(), displayName: "مهاجم", password: "گل‌های-بهاری-۱۴۰۵" },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(visibleText(await response.text())).toContain(fa.errors.cross_site_title);
    expect(await userCount()).toBe(before);
  });

  it("shows a Persian 404 page for an unknown address", async () => {
    const response = await new Browserless(app.baseUrl).get("/no-such-page/at-all");
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(visibleText(html)).toContain(fa.errors.not_found_title);
  });

  it("treats a forged or expired session cookie as signed out and clears it", async () => {
    const forged = new Browserless(app.baseUrl);
    forged.cookies.set("mahalleh_session", "eyJhYmMiOiJ4eXoifQ%3D%3D.forgedsignature");
    const page = await forged.get("/");
    expect(page.status).toBe(200);
    expect(visibleText(await page.text())).toContain(fa.nav.sign_in);
    expect(forged.cookies.has("mahalleh_session")).toBe(false);

    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    await signUp(client, phone);
    await app.database.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(sql`${sessions.userId} = (select id from users where phone = ${e164(phone)})`);
    const expired = await client.get("/account");
    expect(expired.status).toBe(302);
    expect(expired.headers.get("location")).toMatch(/^\/login/);
  });

  it("rate-limits sign-in attempts per number without saying whether it exists", async () => {
    const client = new Browserless(app.baseUrl);
    const phone = nextPhone();
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) last = await client.post("/login", { phone, password: `not-it-${i}-xyz` });
    expect(last!.status).toBe(429);
    expect(visibleText(await last!.text())).toContain("درخواست‌ها بیش از حد مجاز بود");
  });

  it("reports database health", async () => {
    const response = await fetch(`${app.baseUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "ok", db: { status: "ok", driver: backend } });
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const page = await fetch(`${app.baseUrl}/`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/https?:\/\//);
  });
});
