import { describe, expect, it } from "vitest";
import {
  parseJalaliDate,
  toJalaliInput,
  foldDigits,
  formatDate,
  formatNumber,
  formatPhone,
  formatRelative,
  normalizePhone,
  normalizeText,
  searchKey,
  toPersianDigits,
} from "./persian";

const ASCII_DIGIT = /[0-9]/;
const ZWNJ = "\u200C";

describe("foldDigits", () => {
  it("folds Persian digits", () => {
    expect(foldDigits("۰۱۲۳۴۵۶۷۸۹")).toBe("0123456789");
  });
  it("folds Arabic-Indic digits", () => {
    expect(foldDigits("٠١٢٣٤٥٦٧٨٩")).toBe("0123456789");
  });
  it("leaves ASCII digits and other text alone", () => {
    expect(foldDigits("abc 123 سلام")).toBe("abc 123 سلام");
    expect(foldDigits("")).toBe("");
  });
  it("handles mixed digit systems", () => {
    expect(foldDigits("۱٢3")).toBe("123");
  });
});

describe("toPersianDigits", () => {
  it("converts ASCII digits", () => {
    expect(toPersianDigits("0123456789")).toBe("۰۱۲۳۴۵۶۷۸۹");
  });
  it("converts Arabic-Indic digits", () => {
    expect(toPersianDigits("٠١٢٣٤٥٦٧٨٩")).toBe("۰۱۲۳۴۵۶۷۸۹");
  });
  it("accepts numbers", () => {
    expect(toPersianDigits(1405)).toBe("۱۴۰۵");
    expect(toPersianDigits(-3.5)).toBe("-۳.۵");
  });
  it("keeps Persian digits and letters", () => {
    expect(toPersianDigits("کوچه ۱۲ و 3")).toBe("کوچه ۱۲ و ۳");
  });
  it("round-trips with foldDigits", () => {
    expect(foldDigits(toPersianDigits("2026-11-22"))).toBe("2026-11-22");
  });
});

describe("normalizeText: character folding", () => {
  it("maps Arabic yeh and alef maksura to Persian yeh", () => {
    expect(normalizeText("علي")).toBe("علی");
    expect(normalizeText("موسى")).toBe("موسی");
  });
  it("maps Arabic kaf to Persian keheh", () => {
    expect(normalizeText("كوي فرهنگ")).toBe("کوی فرهنگ");
  });
  it("maps Arabic-Indic digits to Persian but keeps Persian and ASCII as typed", () => {
    expect(normalizeText("پلاك ١٢")).toBe("پلاک ۱۲");
    expect(normalizeText("پلاک ۱۲")).toBe("پلاک ۱۲");
    expect(normalizeText("پلاک 12")).toBe("پلاک 12");
  });
  it("applies NFC", () => {
    expect(normalizeText("Cafe\u0301")).toBe("Café");
    // alef + madda above composes to آ
    expect(normalizeText("\u0627\u0653ب")).toBe("آب");
  });
  it("composes across a stripped invisible character", () => {
    expect(normalizeText("e\u200E\u0301")).toBe("é");
  });
  it("keeps yeh + hamza as ئ rather than splitting it", () => {
    expect(normalizeText("\u064A\u0654")).toBe("\u0626");
  });
});

describe("normalizeText: invisible characters", () => {
  it("strips bidi overrides inside a name", () => {
    expect(normalizeText("علی\u202Eرضایی")).toBe("علیرضایی");
    expect(normalizeText("\u202Bسلام\u202C")).toBe("سلام");
  });
  it("strips every listed bidi control", () => {
    const controls = [
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\u200E",
      "\u200F",
      "\u061C",
    ];
    for (const c of controls) {
      expect(normalizeText(`a${c}b`)).toBe("ab");
    }
  });
  it("strips ZWSP, BOM, word joiner and ZWJ", () => {
    expect(normalizeText("a\u200Bb")).toBe("ab");
    expect(normalizeText("\uFEFFab")).toBe("ab");
    expect(normalizeText("a\u2060b")).toBe("ab");
    expect(normalizeText("a\u200Db")).toBe("ab");
  });
  it("keeps ZWNJ between two letters", () => {
    expect(normalizeText(`می${ZWNJ}روم`)).toBe(`می${ZWNJ}روم`);
    expect(normalizeText(`کتاب${ZWNJ}ها`)).toBe(`کتاب${ZWNJ}ها`);
  });
  it("collapses ZWNJ runs to one", () => {
    expect(normalizeText(`می${ZWNJ}${ZWNJ}${ZWNJ}روم`)).toBe(`می${ZWNJ}روم`);
  });
  it("collapses ZWNJ runs separated only by stripped characters", () => {
    expect(normalizeText(`می${ZWNJ}\u200B${ZWNJ}روم`)).toBe(`می${ZWNJ}روم`);
  });
  it("drops ZWNJ at either end", () => {
    expect(normalizeText(`${ZWNJ}سلام${ZWNJ}`)).toBe("سلام");
    expect(normalizeText(`${ZWNJ}${ZWNJ}`)).toBe("");
  });
  it("drops ZWNJ next to whitespace", () => {
    expect(normalizeText(`می${ZWNJ} روم`)).toBe("می روم");
    expect(normalizeText(`می ${ZWNJ}روم`)).toBe("می روم");
    expect(normalizeText(`می ${ZWNJ} روم`)).toBe("می روم");
    expect(normalizeText(`می${ZWNJ}\u00A0روم`)).toBe("می روم");
  });
  it("drops ZWNJ at line edges in multiline mode", () => {
    expect(normalizeText(`الف${ZWNJ}\nب`, { multiline: true })).toBe("الف\nب");
    expect(normalizeText(`الف\n${ZWNJ}ب`, { multiline: true })).toBe("الف\nب");
  });
  it("strips C0 and C1 control characters", () => {
    expect(normalizeText("a\u0000b\u0007c\u001Bd\u007Fe\u0090f\u009Fg")).toBe("abcdefg");
  });
});

describe("normalizeText: whitespace (single line)", () => {
  it("trims and collapses spaces", () => {
    expect(normalizeText("   سلام    دنیا   ")).toBe("سلام دنیا");
  });
  it("treats tabs, NBSP, newlines and exotic spaces as whitespace", () => {
    expect(normalizeText("a\tb\u00A0c\nd\r\ne\u2003f\u3000g\u202Fh")).toBe("a b c d e f g h");
  });
  it("treats vertical tab, form feed, NEL and line separators as whitespace", () => {
    expect(normalizeText("a\u000Bb\u000Cc\u0085d\u2028e\u2029f")).toBe("a b c d e f");
  });
  it("returns empty string for whitespace-only input", () => {
    expect(normalizeText(" \t\n\u00A0 ")).toBe("");
    expect(normalizeText("")).toBe("");
  });
});

describe("normalizeText: multiline", () => {
  const ml = (s: string) => normalizeText(s, { multiline: true });

  it("keeps single newlines", () => {
    expect(ml("خط اول\nخط دوم")).toBe("خط اول\nخط دوم");
  });
  it("converts CRLF and CR to LF", () => {
    expect(ml("a\r\nb\rc")).toBe("a\nb\nc");
  });
  it("collapses horizontal whitespace inside a line", () => {
    expect(ml("a  \t b\u00A0\u00A0c")).toBe("a b c");
  });
  it("trims each line", () => {
    expect(ml("  a  \n   b   ")).toBe("a\nb");
  });
  it("keeps at most one blank line", () => {
    expect(ml("a\n\nb")).toBe("a\n\nb");
    expect(ml("a\n\n\n\n\nb")).toBe("a\n\nb");
    expect(ml("a\n  \n \t \n\nb")).toBe("a\n\nb");
  });
  it("trims leading and trailing blank lines", () => {
    expect(ml("\n\n  a\nb \n\n\n")).toBe("a\nb");
  });
  it("still strips controls other than newline", () => {
    expect(ml("a\u0000\nb\u0007")).toBe("a\nb");
  });
  it("does not keep newlines in single-line mode", () => {
    expect(normalizeText("a\n\nb")).toBe("a b");
  });
});

describe("normalizeText: idempotence", () => {
  const tricky = [
    "",
    " ",
    ZWNJ,
    `${ZWNJ} ${ZWNJ}`,
    `می${ZWNJ}${ZWNJ} ${ZWNJ}روم`,
    `a${ZWNJ}\u200B${ZWNJ}b`,
    `\u200B${ZWNJ}\u200Bx`,
    "كوي  فرهنگ",
    "علي\u202Eرضايي",
    "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C",
    "\uFEFF\u2060\u200D\u200B",
    "e\u200E\u0301",
    "e\u0301\u0327",
    "\u0627\u0653",
    "\u064A\u0654",
    "ي\u200E\u0654",
    "\u0301 leading combining mark",
    " \u0301",
    "a\r\n\r\nb\r\r\rc",
    "a\n\n\n\nb",
    "\n \n \n",
    "\t\ta\t\tb\t\t",
    "\u00A0\u00A0x\u00A0\u00A0",
    "\u2028\u2029\u0085",
    "a\u0000\u0001\u001F\u007F\u0080\u009Fb",
    "١٢٣ ۴۵۶ 789",
    `${ZWNJ}\n${ZWNJ}\n${ZWNJ}`,
    `x${ZWNJ}\ny`,
    `x\n${ZWNJ}y`,
    "خانهٔ ما",
    "ﻙﻮﯼ",
    "🙂\u200D🙂",
    "👨‍👩‍👧",
    "Ａ full width",
    "line one  \n\n\n  line two  \n\t\n  line three",
    `  ${ZWNJ}  ${ZWNJ}\u200C  `,
    "مهدی\u00A0\u200C\u00A0رضایی",
    "\u202Eabc\u202C def",
    "trailing\u200C",
    "\u200Cleading",
    "a\u200C\u0301b",
    " \u200C\u0301",
    "x\u000B\u000Cy",
    "\r",
    "\r\n",
    "\u0085x\u0085",
  ];

  for (const multiline of [false, true]) {
    it(`is idempotent (multiline: ${multiline})`, () => {
      for (const s of tricky) {
        const once = normalizeText(s, { multiline });
        expect(normalizeText(once, { multiline }), JSON.stringify(s)).toBe(once);
      }
    });
  }

  it("single-line output of multiline output equals single-line output", () => {
    for (const s of tricky) {
      expect(normalizeText(normalizeText(s, { multiline: true })), JSON.stringify(s)).toBe(normalizeText(s));
    }
  });

  it("never leaves forbidden characters behind", () => {
    // The control and joining characters are what must be gone, so they stand in the class on purpose.
    const forbidden =
      // eslint-disable-next-line no-control-regex, no-misleading-character-class
      /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B\uFEFF\u2060\u200D\u0000-\u0009\u000B-\u001F\u007F-\u009F\u064A\u0649\u0643\u0660-\u0669]/;
    for (const s of tricky) {
      for (const multiline of [false, true]) {
        const out = normalizeText(s, { multiline });
        expect(forbidden.test(out), JSON.stringify(s)).toBe(false);
        expect(out.startsWith(ZWNJ) || out.endsWith(ZWNJ)).toBe(false);
        expect(/\s\u200C|\u200C\s|\u200C\u200C/.test(out)).toBe(false);
        expect(out).toBe(out.trim());
      }
    }
  });

  it("is idempotent on generated random mixes", () => {
    const alphabet = [
      "a",
      "B",
      "ی",
      "ي",
      "ك",
      "ک",
      "ى",
      "۱",
      "١",
      "1",
      " ",
      "\t",
      "\n",
      "\r",
      "\u00A0",
      ZWNJ,
      "\u200B",
      "\u200D",
      "\u202E",
      "\u2066",
      "\u0301",
      "\u0654",
      "\u0653",
      "ا",
      "e",
      "\u0000",
      "\u0085",
      "\u2028",
      "\uFEFF",
      "\u064B",
      "\u0640",
      "İ",
      "\u0327",
      "ة",
    ];
    // Deterministic LCG so failures are reproducible.
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 3000; i++) {
      let s = "";
      const len = Math.floor(rand() * 12);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      for (const multiline of [false, true]) {
        const once = normalizeText(s, { multiline });
        expect(normalizeText(once, { multiline }), JSON.stringify(s)).toBe(once);
      }
      const key = searchKey(s);
      expect(searchKey(key), JSON.stringify(s)).toBe(key);
    }
  });
});

describe("searchKey", () => {
  it("treats Arabic and Persian letter variants and spacing as equal", () => {
    expect(searchKey("كوي  فرهنگ")).toBe(searchKey("کوی فرهنگ"));
  });
  it("treats ZWNJ and space as equal", () => {
    expect(searchKey(`می${ZWNJ}روم`)).toBe(searchKey("می روم"));
    expect(searchKey(`می${ZWNJ}روم`)).toBe("می روم");
  });
  it("removes diacritics and tatweel", () => {
    expect(searchKey("مُحَمَّد")).toBe(searchKey("محمد"));
    expect(searchKey("ســـلام")).toBe("سلام");
    expect(searchKey("رحمٰن")).toBe("رحمن");
  });
  it("folds teh marbuta, hamza forms and alef wasla", () => {
    expect(searchKey("مدرسة")).toBe("مدرسه");
    expect(searchKey("أحمد")).toBe("احمد");
    expect(searchKey("إیران")).toBe("ایران");
    expect(searchKey("ٱلله")).toBe("الله");
    expect(searchKey("مؤمن")).toBe("مومن");
    expect(searchKey("خانۀ")).toBe(searchKey("خانه"));
    expect(searchKey("خانهٔ")).toBe(searchKey("خانه"));
  });
  it("keeps آ distinct from ا", () => {
    expect(searchKey("آب")).not.toBe(searchKey("اب"));
  });
  it("lower-cases Latin and folds digits to ASCII", () => {
    expect(searchKey("Block ۱۲")).toBe("block 12");
    expect(searchKey("BLOCK ١٢")).toBe("block 12");
    expect(searchKey("block 12")).toBe("block 12");
  });
  it("strips bidi and zero-width characters", () => {
    expect(searchKey("علی\u202E رضایی\u200B")).toBe(searchKey("علی رضایی"));
  });
  it("collapses spaces left by removed diacritics", () => {
    expect(searchKey("الف \u064B ب")).toBe("الف ب");
  });
  it("distinguishes different words", () => {
    expect(searchKey("کوی فرهنگ")).not.toBe(searchKey("کوی دانش"));
  });
  it("is idempotent where dropping marks or lower-casing denormalizes", () => {
    for (const s of ["e\u0653\u0301", "İ\u0327", "ᅡٰᅡٔİ̧́", "خانهٔ ما"]) {
      expect(searchKey(searchKey(s)), JSON.stringify(s)).toBe(searchKey(s));
    }
  });
  it("flattens newlines", () => {
    expect(searchKey("a\n\nb")).toBe("a b");
  });
});

describe("normalizePhone", () => {
  const canonical = "+989123456789";
  const valid: Array<[string, string]> = [
    ["Persian digits", "۰۹۱۲۳۴۵۶۷۸۹"],
    ["national", "09123456789"],
    ["national without leading zero", "9123456789"],
    ["E.164", "+989123456789"],
    ["00 prefix", "00989123456789"],
    ["bare country code", "989123456789"],
    ["Arabic-Indic digits", "٠٩١٢٣٤٥٦٧٨٩"],
    ["Persian digits with +", "+۹۸۹۱۲۳۴۵۶۷۸۹"],
    ["spaces", "0912 345 6789"],
    ["dashes", "0912-345-6789"],
    ["dots", "0912.345.6789"],
    ["parentheses", "(0912) 345 6789"],
    ["NBSP", "0912\u00A0345\u00A06789"],
    ["unicode dashes", "0912\u2013345\u22126789"],
    ["RLO inside", "0912\u202E3456789"],
    ["bidi isolates around", "\u2066+989123456789\u2069"],
    ["LRM and ZWSP", "\u200E0912\u200B345\u200F6789"],
    ["ZWNJ inside", "0912\u200C3456789"],
    ["surrounding whitespace", "  09123456789\n"],
    ["+98 (0) form", "+98 (0)912 345 6789"],
    ["+980 compact", "+9809123456789"],
    ["0098 0 form", "0098 0912 345 6789"],
    ["0098 spaced", "0098 912 345 6789"],
    ["+98 spaced", "+98 912 345 6789"],
    ["mixed digit systems", "۰٩12 ۳۴۵ 6789"],
  ];
  for (const [label, input] of valid) {
    it(`accepts ${label}`, () => {
      expect(normalizePhone(input)).toBe(canonical);
    });
  }

  it("keeps the subscriber digits", () => {
    expect(normalizePhone("09351112233")).toBe("+989351112233");
    expect(normalizePhone("09901234567")).toBe("+989901234567");
  });

  const invalid: Array<[string, string]> = [
    ["Tehran landline", "0212345678"],
    ["Tehran landline, 11 digits", "02123456789"],
    ["too short", "0912345678"],
    ["too long", "091234567890"],
    ["US number", "+14155550123"],
    ["letters", "abc"],
    ["empty", ""],
    ["non-mobile prefix", "08123456789"],
    ["whitespace only", "   "],
    ["letters mixed in", "0912345678a"],
    ["letter O for zero", "O9123456789"],
    ["plus without country code", "+9123456789"],
    ["other country with 00", "00449123456789"],
    ["+98 landline", "+982123456789"],
    ["double plus", "++989123456789"],
    ["plus in the middle", "0912+3456789"],
    ["too long international", "+9891234567890"],
    ["too short international", "+98912345678"],
    ["slash separator", "0912/3456789"],
    ["two leading zeros", "009123456789"],
    ["double 0 after country code", "+98009123456789"],
  ];
  for (const [label, input] of invalid) {
    it(`rejects ${label}`, () => {
      expect(normalizePhone(input)).toBeNull();
    });
  }

  it("rejects non-string input at runtime", () => {
    expect(normalizePhone(undefined as unknown as string)).toBeNull();
    expect(normalizePhone(9123456789 as unknown as string)).toBeNull();
  });

  it("is stable on its own output", () => {
    expect(normalizePhone(normalizePhone("09123456789")!)).toBe(canonical);
  });
});

describe("formatPhone", () => {
  it("formats in national form with Persian digits by default", () => {
    expect(formatPhone("+989123456789")).toBe("۰۹۱۲ ۳۴۵ ۶۷۸۹");
  });
  it("masks the middle group", () => {
    expect(formatPhone("+989123456789", { mask: true })).toBe("۰۹۱۲ ••• ۶۷۸۹");
  });
  it("supports Latin digits", () => {
    expect(formatPhone("+989123456789", { digits: "latn" })).toBe("0912 345 6789");
    expect(formatPhone("+989123456789", { digits: "latn", mask: true })).toBe("0912 ••• 6789");
  });
  it("has no ASCII digits in the default output", () => {
    expect(ASCII_DIGIT.test(formatPhone("+989123456789"))).toBe(false);
    expect(ASCII_DIGIT.test(formatPhone("+989123456789", { mask: true }))).toBe(false);
  });
  it("accepts any form normalizePhone accepts", () => {
    expect(formatPhone("09123456789")).toBe("۰۹۱۲ ۳۴۵ ۶۷۸۹");
    expect(formatPhone("۰۰۹۸۹۱۲۳۴۵۶۷۸۹", { digits: "latn" })).toBe("0912 345 6789");
  });
  it("returns unparseable input unchanged, but never unmasked when masking", () => {
    expect(formatPhone("02112345678")).toBe("02112345678");
    expect(formatPhone("02112345678", { mask: true })).toBe("•••");
    expect(formatPhone("", { mask: true })).toBe("•••");
  });
});

describe("formatNumber", () => {
  it("uses Persian digits and separators for fa", () => {
    expect(formatNumber(1234567)).toBe("۱٬۲۳۴٬۵۶۷");
    expect(formatNumber(1234567, "fa")).toBe("۱٬۲۳۴٬۵۶۷");
    expect(formatNumber(0)).toBe("۰");
  });
  it("uses the Persian decimal separator", () => {
    expect(formatNumber(1234.5)).toBe("۱٬۲۳۴٫۵");
  });
  it("has no ASCII digits for fa", () => {
    for (const n of [0, 7, 42, 1405, 1e6, -12.75, 987654321]) {
      expect(ASCII_DIGIT.test(formatNumber(n)), String(n)).toBe(false);
    }
  });
  it("uses en-US for en", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(1234.5, "en")).toBe("1,234.5");
  });
  it("accepts regional English locales", () => {
    expect(formatNumber(1000, "en-GB")).toBe("1,000");
  });
});

describe("formatDate", () => {
  // 1 Azar 1405, 11:30 in Tehran (UTC+3:30).
  const d = new Date("2026-11-22T08:00:00Z");

  it("formats a Jalali date in Persian", () => {
    expect(formatDate(d)).toBe("۱ آذر ۱۴۰۵");
    expect(formatDate(d, "fa", "date")).toBe("۱ آذر ۱۴۰۵");
  });
  it("formats date and 24h time", () => {
    expect(formatDate(d, "fa", "datetime")).toBe("۱ آذر ۱۴۰۵ ساعت ۱۱:۳۰");
  });
  it("formats the long form with the weekday first", () => {
    expect(formatDate(d, "fa", "long")).toBe("یکشنبه ۱ آذر ۱۴۰۵");
  });
  it("formats Solar Hijri dates in English", () => {
    expect(formatDate(d, "en")).toBe("Azar 1, 1405");
    expect(formatDate(d, "en", "datetime")).toBe("Azar 1, 1405 at 11:30");
    expect(formatDate(d, "en", "long")).toBe("Sunday, Azar 1, 1405");
  });
  it("uses Tehran time regardless of the host zone", () => {
    // 23:59 UTC on 21 Nov is already 1 Azar, 03:29 in Tehran.
    expect(formatDate(new Date("2026-11-21T23:59:00Z"), "fa", "datetime")).toBe("۱ آذر ۱۴۰۵ ساعت ۰۳:۲۹");
    // Midnight in Tehran uses 00, not 24.
    expect(formatDate(new Date("2026-11-21T20:30:00Z"), "fa", "datetime")).toBe("۱ آذر ۱۴۰۵ ساعت ۰۰:۰۰");
    expect(formatDate(new Date("2026-11-21T20:29:00Z"), "fa")).toBe("۳۰ آبان ۱۴۰۵");
  });
  it("knows Nowruz", () => {
    expect(formatDate(new Date("2026-03-20T21:00:00Z"))).toBe("۱ فروردین ۱۴۰۵");
  });
  it("accepts ISO strings and timestamps", () => {
    expect(formatDate("2026-11-22T08:00:00Z")).toBe("۱ آذر ۱۴۰۵");
    expect(formatDate(d.getTime())).toBe("۱ آذر ۱۴۰۵");
  });
  it("returns an empty string for invalid dates", () => {
    expect(formatDate("not a date")).toBe("");
    expect(formatDate(Number.NaN, "en")).toBe("");
  });
  it("has no ASCII digits for fa in any style", () => {
    for (const style of ["date", "datetime", "long"] as const) {
      for (const iso of ["2026-11-22T08:00:00Z", "2025-01-01T00:00:00Z", "2030-06-15T18:45:00Z"]) {
        const out = formatDate(iso, "fa", style);
        expect(out.length).toBeGreaterThan(0);
        expect(ASCII_DIGIT.test(out), `${style} ${iso}: ${out}`).toBe(false);
      }
    }
  });
});

describe("formatRelative", () => {
  const now = new Date("2026-11-22T08:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it("says just now under 45 seconds", () => {
    expect(formatRelative(now, now)).toBe("همین الان");
    expect(formatRelative(ago(44), now)).toBe("همین الان");
    expect(formatRelative(later(30), now)).toBe("همین الان");
    expect(formatRelative(ago(10), now, "en")).toBe("just now");
  });
  it("uses minutes", () => {
    expect(formatRelative(ago(45), now)).toBe("۱ دقیقه پیش");
    expect(formatRelative(ago(5 * 60), now)).toBe("۵ دقیقه پیش");
    expect(formatRelative(ago(5 * 60), now, "en")).toBe("5 minutes ago");
  });
  it("uses hours", () => {
    expect(formatRelative(ago(3 * 3600), now)).toBe("۳ ساعت پیش");
    expect(formatRelative(ago(3 * 3600), now, "en")).toBe("3 hours ago");
  });
  it("uses yesterday and days", () => {
    expect(formatRelative(ago(24 * 3600), now)).toBe("دیروز");
    expect(formatRelative(ago(24 * 3600), now, "en")).toBe("yesterday");
    expect(formatRelative(ago(3 * 86400), now)).toBe("۳ روز پیش");
    expect(formatRelative(ago(6 * 86400), now, "en")).toBe("6 days ago");
  });
  it("handles the future", () => {
    expect(formatRelative(later(5 * 60), now)).toBe("۵ دقیقه بعد");
    expect(formatRelative(later(86400), now)).toBe("فردا");
    expect(formatRelative(later(5 * 60), now, "en")).toBe("in 5 minutes");
  });
  it("falls back to a date after 7 days", () => {
    expect(formatRelative(ago(7 * 86400), now)).toBe("۲۴ آبان ۱۴۰۵");
    expect(formatRelative(ago(30 * 86400), now, "en")).toBe("Aban 1, 1405");
    expect(formatRelative(ago(400 * 86400), now)).toBe(formatDate(ago(400 * 86400), "fa", "date"));
  });
  it("accepts strings and timestamps", () => {
    expect(formatRelative("2026-11-22T07:55:00Z", now)).toBe("۵ دقیقه پیش");
    expect(formatRelative(now.getTime() - 300_000, now)).toBe("۵ دقیقه پیش");
  });
  it("defaults now to the current time", () => {
    expect(formatRelative(new Date())).toBe("همین الان");
  });
  it("returns an empty string for invalid dates", () => {
    expect(formatRelative("garbage", now)).toBe("");
  });
  it("has no ASCII digits for fa", () => {
    for (const s of [0, 50, 600, 5000, 50_000, 200_000, 500_000, 1_000_000, 50_000_000]) {
      const out = formatRelative(ago(s), now);
      expect(ASCII_DIGIT.test(out), `${s}: ${out}`).toBe(false);
    }
  });
});

describe("Jalali dates typed by people", () => {
  it("parses the usual forms to ISO dates", () => {
    expect(parseJalaliDate("۱۴۰۵/۰۹/۰۱")).toBe("2026-11-22");
    expect(parseJalaliDate("1405-9-1")).toBe("2026-11-22");
    expect(parseJalaliDate("١٤٠٥.٠٩.٠١")).toBe("2026-11-22");
    expect(parseJalaliDate("1403/01/01")).toBe("2024-03-20");
    expect(parseJalaliDate("1404/01/01")).toBe("2025-03-21");
  });

  it("refuses days that do not exist", () => {
    expect(parseJalaliDate("1404/12/30")).toBeNull(); // 1404 is a common year
    expect(parseJalaliDate("1403/12/30")).toBe("2025-03-20"); // 1403 is a leap year
    expect(parseJalaliDate("1405/07/31")).toBeNull();
    expect(parseJalaliDate("1405/13/01")).toBeNull();
    expect(parseJalaliDate("1405/00/10")).toBeNull();
    expect(parseJalaliDate("2026-11-22")).toBeNull();
    expect(parseJalaliDate("فردا")).toBeNull();
    expect(parseJalaliDate("")).toBeNull();
  });

  it("round-trips every day of several years", () => {
    const start = Date.UTC(2023, 0, 1);
    for (let i = 0; i < 366 * 4; i++) {
      const iso = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      expect(parseJalaliDate(toJalaliInput(iso))).toBe(iso);
    }
  });

  it("writes dates for inputs in Persian or Latin digits", () => {
    expect(toJalaliInput("2026-11-22")).toBe("۱۴۰۵/۰۹/۰۱");
    expect(toJalaliInput("2026-11-22", "latn")).toBe("1405/09/01");
  });
});
