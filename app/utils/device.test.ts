import { describe, expect, it } from "vitest";
import { resources } from "./i18n";
import { BROWSERS, describeDevice, SYSTEMS } from "./device";

describe("device names", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "chrome", "linux"],
    [
      "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
      "samsung",
      "android",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "safari",
      "ios",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "edge",
      "windows",
    ],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0", "firefox", "macos"],
    [
      "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 OPR/80.0",
      "opera",
      "android",
    ],
    ["curl/8.5.0", null, null],
  ])("%s", (ua, browser, os) => {
    expect(describeDevice(ua)).toEqual({ browser, os });
  });

  it("knows nothing of a missing user agent", () => {
    expect(describeDevice(null)).toEqual({ browser: null, os: null });
  });

  it("has a Persian (and English) name for every browser and system, and for unknown ones", () => {
    for (const lang of ["fa", "en"] as const) {
      const account = resources[lang].common.account as unknown as { browser: Record<string, string>; os: Record<string, string> };
      for (const b of [...BROWSERS, "unknown"]) expect(account.browser[b], `${lang} ${b}`).toBeTruthy();
      for (const o of [...SYSTEMS, "unknown"]) expect(account.os[o], `${lang} ${o}`).toBeTruthy();
    }
    expect(resources.fa.common.account.browser.chrome).toBe("کروم");
    expect(resources.fa.common.account.os.linux).toBe("لینوکس");
  });
});
