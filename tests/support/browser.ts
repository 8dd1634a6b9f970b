import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { describe, it } from "vitest";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Screenshots and other files a person can look at after a run. */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "..", "artifacts");
fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });

const NOT_INSTALLED = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** A headless Chromium that stays quiet on the network: only the pages a test opens. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
