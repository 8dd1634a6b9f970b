export const BROWSERS = ["edge", "opera", "samsung", "firefox", "chrome", "safari"] as const;
export const SYSTEMS = ["android", "ios", "windows", "macos", "linux"] as const;
export type BrowserName = (typeof BROWSERS)[number];
export type SystemName = (typeof SYSTEMS)[number];

/**
 * A rough name for the browser and system of a session, enough to recognise one's own phone in the
 * list: keys, never words, so the page says them in its own language (`account.browser.*`,
 * `account.os.*`); null where the user agent does not tell.
 */
export function describeDevice(ua: string | null | undefined): { browser: BrowserName | null; os: SystemName | null } {
  if (!ua) return { browser: null, os: null };
  const os: SystemName | null = /Android/i.test(ua)
    ? "android"
    : /iPhone|iPad|iPod/i.test(ua)
      ? "ios"
      : /Windows/i.test(ua)
        ? "windows"
        : /Mac OS|Macintosh/i.test(ua)
          ? "macos"
          : /Linux|X11/i.test(ua)
            ? "linux"
            : null;
  // Order matters: Edge, Opera and Samsung's browser also say "Chrome"; Chrome also says "Safari".
  const browser: BrowserName | null = /Edg(e|A|iOS)?\//.test(ua)
    ? "edge"
    : /OPR\/|Opera/.test(ua)
      ? "opera"
      : /SamsungBrowser\//.test(ua)
        ? "samsung"
        : /Firefox\/|FxiOS\//.test(ua)
          ? "firefox"
          : /Chrome\/|Chromium\/|CriOS\//.test(ua)
            ? "chrome"
            : /Safari\//.test(ua)
              ? "safari"
              : null;
  return { browser, os };
}
