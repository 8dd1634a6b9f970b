import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { ARTIFACTS_DIR, describeBrowser, launchChromium } from "../support/browser";
import { scaled } from "../support/wait";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const NAME = "زهرا کریمی";
const PASSWORD = "باغ-انار-همدان-۱۴۰۵";
const toPersian = (s: string) => s.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });

/** Everything that went wrong in a browser context, as readable lines. */
function watch(context: BrowserContext) {
  const problems: string[] = [];
  const offHost: string[] = [];
  const sockets: string[] = [];
  const checkHost = (url: string) => {
    const u = new URL(url);
    // data: and blob: URLs never leave the page.
    if (u.protocol === "data:" || u.protocol === "blob:") return;
    if (u.hostname !== "127.0.0.1") offHost.push(url);
  };
  context.on("request", (r) => {
    checkHost(r.url());
  });
  context.on("requestfailed", (r) => problems.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
  context.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  context.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()} @ ${m.location().url}`);
  });
  const follow = (page: Page) => {
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("websocket", (ws) => {
      sockets.push(ws.url());
      checkHost(ws.url());
    });
  };
  return { problems, offHost, sockets, follow };
}

async function expectPersianPage(page: Page) {
  const html = page.locator("html");
  await expect.poll(() => html.getAttribute("lang")).toBe("fa");
  expect(await html.getAttribute("dir")).toBe("rtl");
}

/** Visible text nodes with Latin digits, skipping code-like places (inputs, bdi, dir=ltr). */
function latinDigits(page: Page) {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !/[0-9]/.test(node.nodeValue ?? "")) continue;
      if (el.closest('script, style, noscript, template, input, textarea, select, bdi, [dir="ltr"]')) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      found.push(`<${el.tagName.toLowerCase()} class="${el.className}">${node.nodeValue}`);
    }
    return found;
  });
}

/** Elements that stick out past the viewport's edges (the skip link hides off-screen until focused, by design). */
function overflowing(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      offenders: [...document.body.querySelectorAll("*:not(.skip-link:not(:focus))")]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
        })
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).replace(/\s+/g, ".")}`),
    };
  });
}

describeBrowser("signing up in a real browser", () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp("pglite"), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a person signs up on a phone with Persian digits and lands signed in", async () => {
    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      locale: "fa-IR",
      timezoneId: "Asia/Tehran",
    });
    const seen = watch(context);
    try {
      const page = await context.newPage();
      seen.follow(page);
      await page.goto(app.baseUrl + "/");
      await expectPersianPage(page);

      const font = await page.evaluate(async () => {
        await document.fonts.ready;
        return { family: getComputedStyle(document.body).fontFamily, loaded: document.fonts.check("16px Vazirmatn") };
      });
      expect(font.family).toContain("Vazirmatn");
      expect(font.loaded).toBe(true);

      // Hydrated and connected for live updates.
      await page.locator('[data-connection="online"]').waitFor({ timeout: scaled(15_000) });

      const favicon = await page.evaluate(async () => {
        const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
        if (!href) return null;
        const res = await fetch(href);
        return { status: res.status, type: res.headers.get("content-type"), size: (await res.text()).length };
      });
      expect(favicon).toMatchObject({ status: 200, type: expect.stringContaining("image/svg+xml") });
      expect(favicon!.size).toBeGreaterThan(0);

      // Both the header and the hero offer signing up; the person taps the header one.
      await expect.poll(() => page.getByRole("link", { name: fa.home.cta_signup }).count()).toBe(1);
      await page.getByRole("banner").getByRole("link", { name: fa.nav.sign_up, exact: true }).click();
      await page.waitForURL(/\/signup$/);
      await expect.poll(() => page.locator("h1").textContent()).toBe(fa.auth.signup_title);

      const phone = page.locator('input[name="phone"]');
      const displayName = page.locator('input[name="displayName"]');
      const password = page.locator('input[name="password"]');
      const submit = page.getByRole("button", { name: fa.auth.signup_submit });

      // A mistyped number first.
      await phone.fill("۱۲۳");
      await displayName.fill(NAME);
      await password.fill(PASSWORD);
      await submit.click();
      const phoneErrors = page.locator(".field", { has: phone }).locator(".field__errors");
      await expect.poll(() => phoneErrors.textContent()).toBe(fa.errors.phone_invalid);
      expect(await phone.getAttribute("aria-invalid")).toBe("true");
      expect(await displayName.inputValue()).toBe(NAME);
      expect(page.url()).toMatch(/\/signup$/);
      await shot(page, "signup-phone-error-390");

      await phone.fill("۰۹۱۲۷۶۵۴۳۲۱");
      if ((await password.inputValue()) === "") await password.fill(PASSWORD);
      await submit.click();
      await page.waitForURL(/\/verify\?flow=/);
      await expect.poll(() => page.locator("h1").textContent()).toBe(fa.auth.verify_title);
      expect(await page.locator("main bdi").textContent()).toBe("۰۹۱۲ ۷۶۵ ۴۳۲۱");
      await shot(page, "verify-390");

      const code = app.sms.lastCode("+989127654321");
      expect(code).toMatch(/^\d{6}$/);
      // Typed as a Persian keyboard would type it.
      await page.locator('input[name="code"]').pressSequentially(toPersian(code!));
      await page.getByRole("button", { name: fa.auth.verify_submit }).click();
      await page.waitForURL((url) => url.pathname === "/");

      await expectPersianPage(page);
      const header = page.getByRole("banner");
      await expect.poll(() => header.locator(".usermenu__name").textContent()).toBe(NAME);
      expect(await header.getByRole("button", { name: fa.nav.sign_out }).isVisible()).toBe(true);
      const flash = page.locator(".flash");
      expect(await flash.textContent()).toBe(fa.flash.welcome.replace("{{name}}", NAME));
      expect(await flash.isVisible()).toBe(true);
      expect(await page.getByRole("link", { name: fa.home.cta_signup }).count()).toBe(0);
      await page.locator('[data-connection="online"]').waitFor({ timeout: scaled(15_000) });
      await page.evaluate(() => document.fonts.ready);

      await shot(page, "home-signed-in-390");
      // Soft: a layout problem should not hide the checks after it.
      const overflow = await overflowing(page);
      expect.soft(await page.evaluate(() => innerWidth), "layout viewport; needs <meta name=viewport>").toBe(PHONE.width);
      expect.soft(overflow.offenders, "elements wider than the phone").toEqual([]);
      expect.soft(overflow.scrollWidth, "page scrolls sideways").toBeLessThanOrEqual(PHONE.width);
      expect.soft(await latinDigits(page), "Latin digits in visible text").toEqual([]);

      // The hidden skip link comes on-screen for keyboard users.
      await page.keyboard.press("Tab");
      const skip = await page.locator(".skip-link").evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, width: document.documentElement.clientWidth };
      });
      expect.soft(skip.left).toBeGreaterThanOrEqual(0);
      expect.soft(skip.right).toBeLessThanOrEqual(skip.width);
      await page.locator(".skip-link").blur();

      // The same signed-in page on a desktop screen.
      await page.setViewportSize(DESKTOP);
      await page.evaluate(() => new Promise(requestAnimationFrame));
      expect(await latinDigits(page)).toEqual([]);
      await shot(page, "home-signed-in-1280");

      expect(seen.offHost).toEqual([]);
      expect(seen.problems).toEqual([]);
      expect(seen.sockets.some((u) => u.startsWith(app.baseUrl.replace("http", "ws") + "/socket.io/"))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("shows the sign-up form at desktop width", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: "fa-IR", timezoneId: "Asia/Tehran" });
    const seen = watch(context);
    try {
      const page = await context.newPage();
      seen.follow(page);
      await page.goto(app.baseUrl + "/signup");
      await expectPersianPage(page);
      await page.locator('[data-connection="online"]').waitFor({ timeout: scaled(15_000) });
      await page.evaluate(() => document.fonts.ready);
      expect(await page.locator("h1").textContent()).toBe(fa.auth.signup_title);
      expect(await page.getByRole("button", { name: fa.auth.signup_submit }).isVisible()).toBe(true);
      expect(await latinDigits(page)).toEqual([]);
      const overflow = await overflowing(page);
      expect(overflow.scrollWidth).toBeLessThanOrEqual(DESKTOP.width);
      await shot(page, "signup-1280");
      expect(seen.offHost).toEqual([]);
      expect(seen.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
