import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { describe, it } from "vitest";
import { scaled } from "./wait";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Screenshots and other files a person can look at after a run. */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "..", "artifacts");
fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });

const NOT_INSTALLED = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** A headless Chromium that stays quiet on the network: only the pages a test opens. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  // Every context's waits (actions, navigations, locators) get the suite's scaled ceiling.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(scaled(30_000));
    return context;
  };
  return browser;
}

/**
 * `describe` for tests that drive a real browser. Without Chromium they are skipped with a note
 * on a workstation, and fail on CI, where a missing browser must not pass silently.
 */
export function describeBrowser(name: string, fn: () => void) {
  if (chromiumAvailable()) return describe(name, fn);
  if (process.env.CI === "true") {
    return describe(name, () => {
      it("needs Chromium", () => {
        throw new Error(`${NOT_INSTALLED}; browser tests must run on CI.`);
      });
    });
  }
  console.warn(`Browser tests were skipped because ${NOT_INSTALLED}.`);
  return describe.skip(name, fn);
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** Persian digits read as Latin ones, so a test can match numbers with plain patterns. */
export const latin = (s: string) => s.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)));

/**
 * Notes everything that goes wrong in a browser context: console errors, requests to any host but
 * the app's, failed requests (a navigation's own cancellations aside) and HTTP errors.
 */
export function watchContext(context: BrowserContext, problems: string[]) {
  context.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  context.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.hostname !== "127.0.0.1") problems.push(`off-host: ${r.url()}`);
  });
  // A navigation cancels what the previous page was still fetching (ERR_ABORTED); anything else fails.
  context.on("requestfailed", (r) => {
    const error = r.failure()?.errorText ?? "";
    if (error !== "net::ERR_ABORTED") problems.push(`failed: ${r.method()} ${r.url()} ${error}`);
  });
  context.on("response", (r) => {
    if (r.status() >= 400) problems.push(`http ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
}

/** A new browser context signed in through the sign-in page, watched for problems. */
export async function signInContext(
  browser: Browser,
  options: { baseUrl: string; phone: string; password: string; problems: string[]; viewport?: { width: number; height: number } },
): Promise<{ context: BrowserContext; page: Page }> {
  const viewport = options.viewport ?? PHONE;
  const mobile = viewport.width < 500;
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: "fa-IR" });
  watchContext(context, options.problems);
  const page = await context.newPage();
  page.on("pageerror", (e) => options.problems.push(`page error: ${e.message}`));
  await page.goto(`${options.baseUrl}/login`);
  await page.fill('input[name="phone"]', options.phone);
  await page.fill('input[name="password"]', options.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.locator('form#login button[type="submit"]').click()]);
  return { context, page };
}
