import { describe, expect, it, vi } from "vitest";
import { createInstance } from "i18next";
import { getLocale, getT, i18nInstance, localeCookie, localeFromCookieHeader } from "./i18n.server";
import { i18nConfig } from "./i18n";

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

  it("remembers sentences, and every remembered answer is what i18next itself says", async () => {
    for (const lng of ["fa", "en"] as const) {
      const fresh = createInstance();
      await fresh.init({ ...i18nConfig, lng, initImmediate: false });
      const plain = fresh.getFixedT(lng, "common");
      const t = i18nInstance(lng).getFixedT(lng, "common");
      const calls: [string, Record<string, unknown>?][] = [
        ["nav.home"],
        ["proposal.support_count_short", { count: 0 }],
        ["proposal.support_count_short", { count: 1 }],
        ["proposal.support_count_short", { count: 27 }],
        ["thread.count", { count: 3 }],
        ["proposal.filed_by", { name: "مریم" }],
        ["proposal.filed_by", { name: "Ali" }],
        ["proposal.event.unknown_kind", { defaultValue: "fallback" }],
        ["errors.password_too_short", { min: 12 }],
        ["no.such.key"],
      ];
      for (let round = 0; round < 2; round++) {
        for (const [key, options] of calls)
          expect(t(key, options as never), `${lng} ${key} ${JSON.stringify(options)}`).toBe(plain(key, options as never));
      }
      // The render's `t` (react-i18next's) passes `lngs: null`: remembered too, and the same answers.
      const rendered = i18nInstance(lng).getFixedT(null as never, "common");
      const translator = (i18nInstance(lng) as unknown as { translator: { translate: (...a: unknown[]) => unknown } }).translator;
      const spy = vi.spyOn(translator, "translate");
      for (const [key, options] of calls) expect(rendered(key, options as never)).toBe(plain(key, options as never));
      const first = spy.mock.calls.length;
      for (const [key, options] of calls) expect(rendered(key, options as never)).toBe(plain(key, options as never));
      expect(spy.mock.calls.length).toBe(first);
      spy.mockRestore();
      // Options that are not plain values are worked out every time, the same way.
      const at = new Date(0);
      expect(t("proposal.filed_by", { name: "x", at } as never)).toBe(plain("proposal.filed_by", { name: "x", at } as never));
    }
  });

  it("a fixed t with a key prefix, several namespaces or answers that are not sentences says what i18next says", async () => {
    const fresh = createInstance();
    await fresh.init({ ...i18nConfig, lng: "fa", initImmediate: false });
    const shared = i18nInstance("fa");
    for (const [lng, ns, prefix] of [
      [null, "common", "proposal"],
      ["fa", ["common"], undefined],
      [null, undefined, "nav"],
      ["en", "common", undefined],
    ] as const) {
      const plain = fresh.getFixedT(lng as never, ns as never, prefix as never);
      const t = shared.getFixedT(lng as never, ns as never, prefix as never);
      for (let round = 0; round < 2; round++) {
        for (const key of ["list_title", "home", "support_count_short", "nav.home", "proposal.status"]) {
          expect(t(key, { count: 2 } as never), `${String(lng)} ${String(ns)} ${String(prefix)} ${key}`).toEqual(
            plain(key, { count: 2 } as never),
          );
          expect(t(key)).toEqual(plain(key));
          expect(t(key, { returnObjects: true } as never)).toEqual(plain(key, { returnObjects: true } as never));
        }
      }
      const props = (f: unknown) => {
        const { lng: l, ns: n, keyPrefix: k } = f as { lng?: string; ns?: unknown; keyPrefix?: string };
        return { lng: l ?? null, ns: n, keyPrefix: k };
      };
      expect(props(t)).toEqual(props(plain));
    }
  });
});
