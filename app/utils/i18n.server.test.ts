import { describe, expect, it } from "vitest";
import { getLocale, getT, i18nInstance, localeCookie, localeFromCookieHeader } from "./i18n.server";

const request = (cookie?: string) => new Request("http://localhost/", { headers: cookie ? { cookie } : {} });

describe("server i18n", () => {
  it("reads the language the switch wrote, and falls back to Persian for anything else", async () => {
    const en = (await localeCookie.serialize("en")).split(";")[0]!;
    const fa = (await localeCookie.serialize("fa")).split(";")[0]!;
    expect(localeFromCookieHeader(`a=b; ${en}; c=d`)).toBe("en");
    expect(localeFromCookieHeader(fa)).toBe("fa");
    expect(localeFromCookieHeader(null)).toBe("fa");
    expect(localeFromCookieHeader("lng=garbage")).toBe("fa");
    expect(localeFromCookieHeader(`lng=${encodeURIComponent(btoa(JSON.stringify("de")))}`)).toBe("fa");
    expect(localeFromCookieHeader("xlng=ImVuIg%3D%3D")).toBe("fa");
    expect(await getLocale(request(en))).toBe("en");
  });

  it("builds no i18next instance per request: every request in a language shares one, already initialized", async () => {
    const [a, b] = await Promise.all([getT(request()), getT(request())]);
    expect(a).toBe(b);
    expect(a("nav.home")).not.toBe("nav.home");
    expect(i18nInstance("fa")).toBe(i18nInstance("fa"));
    expect(i18nInstance("fa").isInitialized).toBe(true);
    expect(i18nInstance("en").language).toBe("en");
    // Numbers in sentences keep the language's own digits.
    expect((await getT(request()))("errors.password_too_short", { min: 12 })).toContain("۱۲");
  });
});
