/**
 * The key terms of a discussion: its words counted on the same normalization as search
 * (app/utils/search-text.ts), with the words every Persian sentence has left out.
 * Browser-safe: no database, no Node APIs.
 */
import { normalizeText } from "../../utils/persian";
import { searchCompact } from "../../utils/search-text";

/**
 * Words too common to say what a discussion is about: conjunctions, prepositions, pronouns,
 * auxiliaries and the verb forms of everyday speech and writing. Written as people type them;
 * they are compared on the search key, so «ي»/«ی», «ك»/«ک» and the half-space do not matter.
 */
const STOP_WORDS_AS_TYPED = `
و در به از که این آن را با است برای هم تا یک بر نه اما یا ولی اگر چون پس حتی فقط هیچ روی بین بعد قبل
وقتی همین همان آیا ما شما او من تو آنها ایشان اینها خود خودم خودش خودمان خودتان شان مان تان ش ام ای
هست هستم هستیم هستند هستید نیست نیستند بود بودم بودیم بودند باشد باشند باشیم باشم شد شده شدن شود شوند میشود
میشوند نمیشود کرد کرده کردن کردند کردیم کند کنند کنیم کنید کنم میکند میکنند میکنیم میکنم میکنید نمیکند نمیکنند
داریم دارد دارند دارم دارید داشت داشته نداریم ندارد ندارند باید نباید میخواهیم میخواهند میخواهم خواهد خواهند
توان تواند توانند میتوان میتواند نمیتوان گفت گفته میگوید گویند دیگر دیگری دیگه همه همهی هر چه چرا چطور کجا کی
چند چندین خیلی بسیار نیز هنوز الان اکنون حالا اینجا آنجا اینکه آنکه چیزی چیز کسی کس بله آره نه خیر لطفا ممنون
مرسی سلام تشکر متشکرم ها های هایی ای یی می نمی بی ی ه را رو هم ام ست اند ایم اید ها
زیرا مثل مانند طور نظر یعنی البته شاید واقعا فکر اینطور همچنین سپس ضمن درباره دربارهی مورد طبق
ب ک ن د ر ز ت م ی
the a an and or of to in on is are for with this that it be at by as
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(
  STOP_WORDS_AS_TYPED.split(/\s+/)
    .map((w) => searchCompact(w))
    .filter(Boolean),
);

/** Shortest term counted (letters, after normalizing). */
export const KEY_TERM_MIN_LENGTH = 2;

// A word as it is written: letters, digits and marks, the half-space inside it.
const WORD_RE = /[\p{L}\p{N}\p{M}\u200C]+/gu;
const DIGITS_ONLY_RE = /^[0-9]+$/;

export interface KeyTerm {
  /** The term as it was most often written (normalized for display: Persian letters, one half-space). */
  term: string;
  count: number;
}

/**
 * Counts the terms of many texts and keeps the most frequent. A term is a written word's search
 * key run together (searchCompact): «می‌خواهیم», «میخواهیم» and «مي‌خواهيم» are one term, and so
 * are «خیابان‌ها» and «خیابانها». Stop words and numbers are left out.
 */
export class KeyTermCounter {
  private counts = new Map<string, { count: number; spellings: Map<string, number> }>();
  // Each written form's key, worked out once: a discussion repeats its words, and the normalizer
  // is the expensive part (a sample of thousands of messages has a few thousand distinct forms).
  private keys = new Map<string, string | null>();

  private keyOf(written: string): string | null {
    let key = this.keys.get(written);
    if (key === undefined) {
      const compact = searchCompact(written);
      key = [...compact].length < KEY_TERM_MIN_LENGTH || DIGITS_ONLY_RE.test(compact) || STOP_WORDS.has(compact) ? null : compact;
      if (this.keys.size < 50_000) this.keys.set(written, key);
    }
    return key;
  }

  add(text: string) {
    for (const match of text.matchAll(WORD_RE)) {
      const written = match[0];
      const key = this.keyOf(written);
      if (key === null) continue;
      let entry = this.counts.get(key);
      if (!entry) {
        entry = { count: 0, spellings: new Map() };
        this.counts.set(key, entry);
      }
      entry.count++;
      // A few spellings per term are enough to pick the common one.
      if (entry.spellings.size < 8 || entry.spellings.has(written)) entry.spellings.set(written, (entry.spellings.get(written) ?? 0) + 1);
    }
  }

  /** The `limit` most frequent terms (ties by the term, so the order is the same every time). */
  top(limit: number): KeyTerm[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([, entry]) => {
        let best = "";
        let bestCount = -1;
        for (const [spelling, n] of entry.spellings) {
          if (n > bestCount) {
            best = spelling;
            bestCount = n;
          }
        }
        return { term: normalizeText(best), count: entry.count };
      });
  }
}

/** The `limit` key terms of some texts. */
export function keyTerms(texts: Iterable<string>, limit = 10): KeyTerm[] {
  const counter = new KeyTermCounter();
  for (const text of texts) counter.add(text);
  return counter.top(limit);
}
