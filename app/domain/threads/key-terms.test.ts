import { describe, expect, it } from "vitest";
import { paceOf } from "./digest-view";
import { KeyTermCounter, STOP_WORDS, keyTerms } from "./key-terms";
import { searchCompact } from "../../utils/search-text";

const countOf = (terms: { term: string; count: number }[], term: string) =>
  terms.find((t) => searchCompact(t.term) === searchCompact(term))?.count ?? 0;

describe("key terms of a discussion", () => {
  it("leaves the stop words out", () => {
    const terms = keyTerms(["این پارک برای بچه‌ها است و ما آن را می‌خواهیم", "در این پارک که هست"], 20);
    const words = terms.map((t) => t.term);
    for (const stop of ["این", "برای", "است", "و", "ما", "آن", "را", "در", "که", "هست"]) expect(words).not.toContain(stop);
    expect(countOf(terms, "پارک")).toBe(2);
  });

  it("counts «ی» and «ي», «ک» and «ك» as one term", () => {
    const terms = keyTerms(["کوچه تاریک است", "كوچه تاريك", "کوچه تاريک"], 5);
    expect(countOf(terms, "کوچه")).toBe(3);
    expect(countOf(terms, "تاریک")).toBe(3);
    expect(terms.filter((t) => searchCompact(t.term) === searchCompact("کوچه"))).toHaveLength(1);
  });

  it("counts a compound with the half-space, without it and with Arabic letters as one term", () => {
    const terms = keyTerms(["خیابان‌ها شلوغ", "خیابانها شلوغ", "خيابان‌ها"], 5);
    expect(countOf(terms, "خیابان‌ها")).toBe(3);
    expect(terms.filter((t) => searchCompact(t.term) === "خیابانها")).toHaveLength(1);
    // Shown as it was most often written: with the half-space, in Persian letters.
    expect(terms.find((t) => searchCompact(t.term) === "خیابانها")!.term).toBe("خیابان\u200cها");
  });

  it("treats stop words typed with Arabic letters or a half-space as stop words", () => {
    expect(STOP_WORDS.has(searchCompact("مي‌خواهيم"))).toBe(true);
    expect(STOP_WORDS.has(searchCompact("كه"))).toBe(true);
    const terms = keyTerms(["مي‌خواهيم", "میخواهیم", "می‌خواهیم"], 5);
    expect(terms).toEqual([]);
  });

  it("leaves out numbers in any digits and one-letter words, and folds Latin case", () => {
    const terms = keyTerms(["۱۴۰۵ 1405 ١٤٠٥ ب Metro metro METRO"], 5);
    expect(terms).toHaveLength(1);
    expect(terms[0]!.count).toBe(3);
  });

  it("orders by count, then by the term, and keeps the limit", () => {
    const counter = new KeyTermCounter();
    counter.add("آب آب آب برق برق گاز");
    counter.add("تلفن");
    const top = counter.top(2);
    expect(top.map((t) => [t.term, t.count])).toEqual([
      ["آب", 3],
      ["برق", 2],
    ]);
    expect(counter.top(10).map((t) => t.term)).toEqual(["آب", "برق", "تلفن", "گاز"]);
  });

  it("says whether the recent pace is faster or slower than the discussion's", () => {
    expect(paceOf(10, 5)).toBe("faster");
    expect(paceOf(5, 5)).toBe("steady");
    expect(paceOf(1, 5)).toBe("slower");
    expect(paceOf(0, 0)).toBe("steady");
  });
});
