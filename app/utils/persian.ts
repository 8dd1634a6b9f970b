// Persian text, digit, phone and date helpers. Browser-safe: no Node APIs.

const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

/** Persian and Arabic-Indic digits → ASCII 0-9. */
export function foldDigits(s: string): string {
  return s.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (c) => {
    const code = c.charCodeAt(0);
    return String(code - (code >= PERSIAN_ZERO ? PERSIAN_ZERO : ARABIC_ZERO));
  });
}

/** ASCII and Arabic-Indic digits → Persian digits. */
export function toPersianDigits(s: string | number): string {
  return String(s).replace(/[0-9\u0660-\u0669]/g, (c) => {
    const code = c.charCodeAt(0);
    const value = code >= ARABIC_ZERO ? code - ARABIC_ZERO : code - 48;
    return String.fromCharCode(PERSIAN_ZERO + value);
  });
}

// Invisible characters that only serve to spoof or break matching: bidi
// controls, zero-width chars other than ZWNJ, invisible operators, deprecated
// format chars, and C0/C1 controls (whitespace controls are handled separately).
// The control and joining characters are what this strips, so they stand in the class on purpose.
const STRIP_RE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B\uFEFF\u2060-\u2064\u206A-\u206F\u200D\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;

// NEL and Unicode line/paragraph separators behave like newlines in practice.
const LINE_BREAK_RE = /\r\n?|[\u0085\u2028\u2029]/g;

const CHAR_MAP: Record<string, string> = {
  "\u064A": "\u06CC", // Arabic yeh → Persian yeh
  "\u0649": "\u06CC", // alef maksura → Persian yeh
  "\u0643": "\u06A9", // Arabic kaf → Persian keheh
};
const CHAR_MAP_RE = /[\u064A\u0649\u0643\u0660-\u0669]/g;

export interface NormalizeOptions {
  multiline?: boolean;
}

/**
 * The single normalizer for user-typed text. Idempotent:
 * normalizeText(normalizeText(x)) === normalizeText(x).
 */
export function normalizeText(s: string, opts: NormalizeOptions = {}): string {
  let out = String(s ?? "")
    .replace(LINE_BREAK_RE, "\n")
    .replace(STRIP_RE, "")
    // After stripping, so removed chars can no longer block composition.
    .normalize("NFC")
    .replace(CHAR_MAP_RE, (c) => {
      const code = c.charCodeAt(0);
      if (code >= ARABIC_ZERO && code <= ARABIC_ZERO + 9) {
        return String.fromCharCode(PERSIAN_ZERO + code - ARABIC_ZERO);
      }
      return CHAR_MAP[c] ?? c;
    });

  // ZWNJ only means something between two visible characters.
  out = out
    .replace(/\u200C+/g, "\u200C")
    .replace(/\u200C(?=\s|$)/g, "")
    .replace(/(^|\s)\u200C/g, "$1");

  if (opts.multiline) {
    out = out
      .replace(/[^\S\n]+/g, " ")
      .split("\n")
      .map((line) => line.trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n");
  } else {
    out = out.replace(/\s+/g, " ");
  }
  return out.trim();
}

/**
 * Comparison key: two strings a Persian reader would consider the same word
 * get the same key. Not for display.
 */
export function searchKey(s: string): string {
  const key = normalizeText(s)
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[\u0629\u06C0]/g, "\u0647") // ة ۀ → ه
    .replace(/[\u0623\u0625\u0671]/g, "\u0627") // أ إ ٱ → ا
    .replace(/\u0624/g, "\u0648") // ؤ → و
    .replace(/\u200C/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase()
    // Dropped marks and case mapping (İ → i̇) can both leave non-NFC text.
    .normalize("NFC");
  return foldDigits(key);
}

// Separators people type or paste inside phone numbers.
const PHONE_NOISE_RE = /[\s\u00A0\-\u2010-\u2015\u2212.()\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\uFEFF\u2060]/g;
const PHONE_RE = /^(?:(?:\+|00)?98(?:0)?|0)?(9\d{9})$/;

/**
 * Iranian mobile number in any common form → '+989xxxxxxxxx', or null when
 * it is not an Iranian mobile number.
 */
export function normalizePhone(input: string): string | null {
  if (typeof input !== "string") return null;
  const compact = foldDigits(input).replace(PHONE_NOISE_RE, "");
  const m = PHONE_RE.exec(compact);
  return m ? `+98${m[1]}` : null;
}

export interface FormatPhoneOptions {
  mask?: boolean;
  digits?: "fa" | "latn";
}

const MASK = "\u2022\u2022\u2022";

/**
 * '+989123456789' → '۰۹۱۲ ۳۴۵ ۶۷۸۹'. In RTL text render inside an LTR
 * isolate (<bdi> or dir="ltr"), otherwise the groups appear reversed.
 */
export function formatPhone(e164: string, opts: FormatPhoneOptions = {}): string {
  const canonical = normalizePhone(e164);
  // Never echo an unparsed value when the caller asked for masking.
  if (!canonical) return opts.mask ? MASK : String(e164 ?? "");
  const national = `0${canonical.slice(3)}`;
  const middle = opts.mask ? MASK : national.slice(4, 7);
  const formatted = `${national.slice(0, 4)} ${middle} ${national.slice(7)}`;
  return opts.digits === "latn" ? formatted : toPersianDigits(formatted);
}

type Lang = "fa" | "en";

function lang(locale: string | undefined): Lang {
  return locale && locale.toLowerCase().startsWith("en") ? "en" : "fa";
}

const numberFormats = new Map<Lang, Intl.NumberFormat>();

export function formatNumber(n: number, locale = "fa"): string {
  const l = lang(locale);
  let nf = numberFormats.get(l);
  if (!nf) {
    nf = new Intl.NumberFormat(l === "fa" ? "fa-IR" : "en-US");
    numberFormats.set(l, nf);
  }
  return nf.format(n);
}

export type DateStyle = "date" | "datetime" | "long";

const TIME_ZONE = "Asia/Tehran";

const DATE_OPTIONS: Record<DateStyle | "weekday", Intl.DateTimeFormatOptions> = {
  weekday: { weekday: "long" },
  date: { year: "numeric", month: "long", day: "numeric" },
  datetime: {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  },
  long: { year: "numeric", month: "long", day: "numeric", weekday: "long" },
};

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(l: Lang, style: DateStyle | "weekday"): Intl.DateTimeFormat {
  const cacheKey = `${l}:${style}`;
  let df = dateFormats.get(cacheKey);
  if (!df) {
    df = new Intl.DateTimeFormat(l === "fa" ? "fa-IR-u-ca-persian" : "en-US-u-ca-persian", {
      timeZone: TIME_ZONE,
      ...DATE_OPTIONS[style],
    });
    dateFormats.set(cacheKey, df);
  }
  return df;
}

function toDate(d: Date | string | number): Date {
  return d instanceof Date ? d : new Date(d);
}

/**
 * Dates already written, by language, style and moment: a list page writes the same few dozen
 * dates on every render, and ICU takes several microseconds for each. Bounded; starts over when full.
 */
const writtenDates = new Map<string, string>();
const WRITTEN_DATES_KEPT = 5000;

/** Solar Hijri date in Tehran time. Returns '' for an invalid date. */
export function formatDate(d: Date | string | number, locale = "fa", style: DateStyle = "date"): string {
  const date = toDate(d);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return "";
  const l = lang(locale);
  const key = `${l}${style}${ms}`;
  const written = writtenDates.get(key);
  if (written !== undefined) return written;
  const out = writeDate(date, l, style);
  if (writtenDates.size >= WRITTEN_DATES_KEPT) writtenDates.clear();
  writtenDates.set(key, out);
  return out;
}

function writeDate(date: Date, l: Lang, style: DateStyle): string {
  if (l === "fa") {
    // ICU's fa pattern with a weekday is "y MMMM d, EEEE", which reads
    // backwards to Persian readers; build "یکشنبه ۱ آذر ۱۴۰۵" instead.
    if (style === "long") {
      return `${dateFormat(l, "weekday").format(date)} ${dateFormat(l, "date").format(date)}`;
    }
    return dateFormat(l, style).format(date);
  }
  const df = dateFormat(l, style);
  // ICU appends the era ("AP") in English; it is noise for local users.
  const parts = df.formatToParts(date);
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i + 1];
    if (parts[i].type === "era") continue;
    if (parts[i].type === "literal" && next?.type === "era" && /^\s*$/.test(parts[i].value)) {
      continue;
    }
    out += parts[i].value;
  }
  return out.trim();
}

const JUST_NOW: Record<Lang, string> = {
  fa: "همین الان",
  en: "just now",
};

const relativeFormats = new Map<Lang, Intl.RelativeTimeFormat>();

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "۵ دقیقه پیش" / "دیروز" for the last week (or next week), a plain date
 * beyond that. Returns '' for an invalid date.
 */
export function formatRelative(d: Date | string | number, now: Date = new Date(), locale = "fa"): string {
  const date = toDate(d);
  if (Number.isNaN(date.getTime())) return "";
  const l = lang(locale);
  const diff = (date.getTime() - now.getTime()) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return JUST_NOW[l];
  if (abs >= 7 * DAY) return formatDate(date, l, "date");

  let rtf = relativeFormats.get(l);
  if (!rtf) {
    rtf = new Intl.RelativeTimeFormat(l, { numeric: "auto" });
    relativeFormats.set(l, rtf);
  }
  const sign = diff < 0 ? -1 : 1;
  const minutes = Math.max(1, Math.round(abs / MINUTE));
  if (minutes < 60) return relative(rtf, l, sign * minutes, "minute");
  const hours = Math.round(abs / HOUR);
  if (hours < 24) return relative(rtf, l, sign * hours, "hour");
  return relative(rtf, l, sign * Math.round(abs / DAY), "day");
}

/** "۵ دقیقه پیش" written once per language, amount and unit (a few hundred in all). */
const writtenRelatives = new Map<string, string>();

function relative(rtf: Intl.RelativeTimeFormat, l: Lang, amount: number, unit: "minute" | "hour" | "day"): string {
  const key = `${l}${unit}${amount}`;
  let out = writtenRelatives.get(key);
  if (out === undefined) {
    out = rtf.format(amount, unit);
    writtenRelatives.set(key, out);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Jalali (Solar Hijri) calendar dates typed by people, e.g. «۱۴۰۵/۰۹/۰۱».

const jalaliParts = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", {
  timeZone: "UTC",
  year: "numeric",
  month: "numeric",
  day: "numeric",
});

/** The Jalali year, month and day of a UTC calendar day. */
export function jalaliOf(date: Date): { year: number; month: number; day: number } {
  const parts = Object.fromEntries(jalaliParts.formatToParts(date).map((p) => [p.type, p.value]));
  return { year: parseInt(parts.year!, 10), month: parseInt(parts.month!, 10), day: parseInt(parts.day!, 10) };
}

/**
 * «۱۴۰۵/۰۹/۰۱», «1405-9-1» or «۱۴۰۵.۰۹.۰۱» → '2026-11-22' (ISO, Gregorian). Null for anything that
 * is not a real Jalali day (1405/12/30 in a common year, month 13, …). Uses the platform's own
 * Persian calendar, so leap years follow the same rules as every date shown in the app.
 */
export function parseJalaliDate(input: string): string | null {
  const match = foldDigits(normalizeText(input)).match(/^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$/);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1300 || year > 1500 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (month > 6 && day > 30) return null;
  const dayOfYear = month <= 6 ? (month - 1) * 31 + day - 1 : 186 + (month - 7) * 30 + day - 1;
  // Nowruz falls on 19–22 March; start from 20 March and look a few days either way.
  const guess = Date.UTC(year + 621, 2, 20) + dayOfYear * 86_400_000;
  for (const shift of [0, 1, -1, 2, -2, 3, -3]) {
    const candidate = new Date(guess + shift * 86_400_000);
    const j = jalaliOf(candidate);
    if (j.year === year && j.month === month && j.day === day) return candidate.toISOString().slice(0, 10);
  }
  return null;
}

/** '2026-11-22' → «۱۴۰۵/۰۹/۰۱» (or Latin digits), the form people type dates in. */
export function toJalaliInput(isoDate: string, digits: "fa" | "latn" = "fa"): string {
  const { year, month, day } = jalaliOf(new Date(`${isoDate}T00:00:00Z`));
  const text = `${year}/${String(month).padStart(2, "0")}/${String(day).padStart(2, "0")}`;
  return digits === "fa" ? toPersianDigits(text) : text;
}
