import { describe, expect, it } from "vitest";
import { excerpt, highlight, parseSearchQuery, searchCompact, searchWords, type SearchQuery } from "./search-text";

const query = (text: string) => parseSearchQuery(text) as SearchQuery;
const marked = (text: string, q: string) =>
  highlight(text, query(q))
    .filter((s) => s.match)
    .map((s) => s.text);

describe("search text", () => {
  it("writes every spelling of a compound the same way", () => {
    const forms = ["می‌خواهیم", "میخواهیم", "می خواهیم", "مي‌خواهيم", "مى خواهىم", "می\u200c\u200cخواهیم"];
    for (const form of forms) expect(searchCompact(form), form).toBe("میخواهیم");
  });

  it("folds letters, digits, marks and case", () => {
    expect(searchWords("كوچه ١٢ و ۱۲ و 12")).toBe("کوچه 12 و 12 و 12");
    expect(searchWords("مَدرِسه‌ی خانهٔ")).toBe("مدرسه ی خانه");
    expect(searchWords("Café PARK")).toBe("cafe park");
    expect(searchWords("«پارک»، (بازی)! ؟")).toBe("پارک بازی");
  });

  it("refuses what is not a query", () => {
    for (const empty of ["", "   ", "!!!", "\u200c", "\u200c \u200c", "\u0000\u202e", "؟،؛", "آ"]) {
      expect(parseSearchQuery(empty), JSON.stringify(empty)).toEqual({ problem: "empty" });
    }
    expect(parseSearchQuery("ب".repeat(201))).toEqual({ problem: "too_long" });
    expect(parseSearchQuery("ب".repeat(200))).not.toHaveProperty("problem");
  });

  it("tolerates typos only in long words", () => {
    expect(query("پارک").fuzzy).toBe(false);
    expect(query("نیمکت").fuzzy).toBe(true);
  });

  it("marks the match in the original text, however it was typed", () => {
    expect(marked("ما می‌خواهیم پارک بسازیم", "میخواهیم")).toEqual(["می‌خواهیم"]);
    expect(marked("ما میخواهیم پارک بسازیم", "می خواهیم")).toEqual(["میخواهیم"]);
    expect(marked("كوچه ۱۲ و کوچه 12", "کوچه ١٢")).toEqual(["كوچه ۱۲", "کوچه 12"]);
    // No exact match: the word a typo was made in.
    expect(marked("نیمکت و سایه‌بان", "نیمکتت")).toEqual(["نیمکت"]);
  });

  it("cuts a long text around its first match", () => {
    const text = `${"الف ".repeat(200)}پارک${" ب".repeat(200)}`;
    const cut = excerpt(highlight(text, query("پارک")), 100);
    const joined = cut.map((s) => s.text).join("");
    expect(joined.length).toBeLessThan(110);
    expect(cut.some((s) => s.match && s.text === "پارک")).toBe(true);
    expect(joined.startsWith("… ")).toBe(true);
    expect(joined.endsWith(" …")).toBe(true);
  });

  it("cuts between words, never inside one", () => {
    const text = `${"منطقه ".repeat(60)}پارک${" همسایه".repeat(60)}`;
    const joined = excerpt(highlight(text, query("پارک")), 100)
      .map((s) => s.text)
      .join("");
    expect(joined).toMatch(/^… منطقه /);
    expect(joined).toMatch(/ همسایه …$/);
  });
});

describe("search terms", () => {
  it("asks for every word of two letters or more", () => {
    expect(query("درخت اکباتان").terms).toEqual(["درخت", "اکباتان"]);
    expect(query("می خواهیم").terms).toEqual(["می", "خواهیم"]);
    expect(query("و پارک").terms).toEqual(["پارک"]);
    expect(query("پارک پارک").terms).toEqual(["پارک"]);
  });
  it("marks each word when they are apart", () => {
    expect(marked("کاشت درخت در خیابان اکباتان", "درخت اکباتان")).toEqual(["درخت", "اکباتان"]);
  });
});
