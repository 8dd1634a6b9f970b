// How text is made searchable: one function for what is indexed and for what is asked, so the
// database never has to split Persian into words (PostgreSQL and PGlite split at the half-space
// differently). Browser-safe: no Node APIs.
import { searchKey } from "./persian";

export { SEARCH_KINDS, type SearchKind } from "../../db/vocabulary";

/** Longest query a person may type (characters, before normalizing). */
export const SEARCH_QUERY_MAX = 200;
/** Shortest query that means something, in letters and digits after normalizing. */
export const SEARCH_QUERY_MIN = 2;
/** Words at least this long are also matched with a typo. */
export const FUZZY_MIN_LENGTH = 5;

const NOT_WORD_RE = /[^\p{L}\p{N}]+/gu;
const MARK_RE = /\p{M}/gu;

/**
 * The words of a text as the index keeps them: Persian letters unified (ي/ی, ك/ک, ة/ه …),
 * digits in ASCII, accents and diacritics dropped, lower case, the half-space and every
 * punctuation mark a space.
 */
export function searchWords(text: string): string {
  return searchKey(text).normalize("NFD").replace(MARK_RE, "").normalize("NFC").replace(NOT_WORD_RE, " ").trim();
}

/**
 * The same words run together: «می‌خواهیم», «میخواهیم» and «می خواهیم» all become
 * «میخواهیم», so a compound matches however it was typed.
 */
export function searchCompact(text: string): string {
  return searchWords(text).replace(/ /g, "");
}

export type SearchQueryProblem = "empty" | "too_long";

export interface SearchQuery {
  /** As typed, trimmed (shown back in the box). */
  text: string;
  words: string;
  compact: string;
  /**
   * What must all appear (each run together with nothing between its letters): the words of
   * two letters or more, or the whole query when it has none. «می خواهیم» asks for «می» and
   * «خواهیم», which «میخواهیم» and «می‌خواهیم» both contain.
   */
  terms: string[];
  /** Whether a typo is tolerated (some word is long enough). */
  fuzzy: boolean;
}

/** Reads what a person typed into the search box, or says what is wrong with it. */
export function parseSearchQuery(input: string): SearchQuery | { problem: SearchQueryProblem } {
  const text = String(input ?? "").trim();
  if (text.length > SEARCH_QUERY_MAX) return { problem: "too_long" };
  const words = searchWords(text);
  const compact = words.replace(/ /g, "");
  if ([...compact].length < SEARCH_QUERY_MIN) return { problem: "empty" };
  const long = words.split(" ").filter((w) => [...w].length >= 2);
  const terms = long.length ? [...new Set(long)] : [compact];
  const fuzzy = long.some((w) => [...w].length >= FUZZY_MIN_LENGTH);
  return { text, words, compact, terms, fuzzy };
}

/** Trigrams of a word, as pg_trgm makes them (two spaces before, one after). */
function trigrams(word: string): Set<string> {
  const chars = [" ", " ", ...word, " "];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(""));
  return out;
}

/** Share of trigrams two words have in common (pg_trgm's similarity). */
export function wordSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common || 1);
}

export interface Segment {
  text: string;
  match: boolean;
}

/**
 * Where the query appears in a text, for highlighting: the text cut into plain and matching
 * pieces. Matches are found on the compact form, so «می خواهیم» marks «می‌خواهیم» too; on a page
 * of nearest spellings, those spellings (`spellings`) or else words close to a long query word
 * (`approximate`) are marked instead.
 */
export function highlight(
  text: string,
  query: SearchQuery,
  options: { approximate?: boolean; spellings?: readonly string[] } = { approximate: true },
): Segment[] {
  let ranges = exactRanges(text, query.compact);
  if (!ranges.length) ranges = query.terms.flatMap((term) => exactRanges(text, term));
  // The nearest spellings the search used, when it says which.
  if (!ranges.length && options.spellings?.length) ranges = options.spellings.flatMap((word) => exactRanges(text, word));
  if (!ranges.length && query.fuzzy && options.approximate) ranges = fuzzyRanges(text, query.words);
  return toSegments(text, ranges);
}

// What one character becomes in the compact form: the same function, remembered per character
// (a page of hits highlights thousands of characters drawn from a few hundred distinct ones).
const compactChars = new Map<string, string>();
function compactChar(ch: string): string {
  let piece = compactChars.get(ch);
  if (piece === undefined) {
    piece = searchCompact(ch);
    if (compactChars.size < 5000) compactChars.set(ch, piece);
  }
  return piece;
}

function exactRanges(text: string, compactQuery: string): Array<[number, number]> {
  // The compact form char by char, remembering where each of its characters came from.
  let compact = "";
  const origin: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const ch of text) {
    const piece = compactChar(ch);
    for (const c of piece) {
      compact += c;
      origin.push(index);
      ends.push(index + ch.length);
    }
    index += ch.length;
  }
  const ranges: Array<[number, number]> = [];
  if (!compactQuery) return ranges;
  let from = 0;
  for (;;) {
    const at = compact.indexOf(compactQuery, from);
    if (at < 0) break;
    ranges.push([origin[at]!, ends[at + compactQuery.length - 1]!]);
    from = at + compactQuery.length;
  }
  return ranges;
}

function fuzzyRanges(text: string, words: string): Array<[number, number]> {
  const wanted = words.split(" ").filter((w) => [...w].length >= FUZZY_MIN_LENGTH);
  const ranges: Array<[number, number]> = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}\u200C]+/gu)) {
    const key = searchCompact(m[0]);
    if (wanted.some((w) => wordSimilarity(w, key) >= 0.5)) ranges.push([m.index!, m.index! + m[0].length]);
  }
  return ranges;
}

function toSegments(text: string, ranges: Array<[number, number]>): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) out.push({ text: text.slice(at, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

/**
 * A window of a long text around its first match (about `size` characters), with an ellipsis
 * where it was cut; short texts come back whole.
 */
export function excerpt(segments: Segment[], size = 220): Segment[] {
  const total = segments.reduce((n, s) => n + s.text.length, 0);
  if (total <= size) return segments;
  const firstMatch = segments.findIndex((s) => s.match);
  let offset = 0;
  for (let i = 0; i < firstMatch; i++) offset += segments[i]!.text.length;
  let start = Math.max(0, Math.min(offset - Math.floor(size / 3), total - size));
  let end = start + size;
  // Cut between words, never inside one (a few characters less rather than half a word).
  const whole = segments.map((s) => s.text).join("");
  const matchEnd = firstMatch < 0 ? 0 : offset + segments[firstMatch]!.text.length;
  if (start > 0 && !/\s/.test(whole[start - 1]!)) {
    const space = whole.slice(start, start + 30).search(/\s/);
    if (space >= 0 && (firstMatch < 0 || start + space < offset)) start += space + 1;
  }
  if (end < total && !/\s/.test(whole[end]!)) {
    const back = whole.slice(Math.max(start, end - 30), end).search(/\s\S*$/);
    if (back >= 0 && Math.max(start, end - 30) + back >= matchEnd) end = Math.max(start, end - 30) + back;
  }
  const out: Segment[] = [];
  let at = 0;
  for (const s of segments) {
    const sStart = at;
    const sEnd = at + s.text.length;
    at = sEnd;
    if (sEnd <= start || sStart >= end) continue;
    out.push({ text: s.text.slice(Math.max(0, start - sStart), Math.min(s.text.length, end - sStart)), match: s.match });
  }
  if (start > 0) out.unshift({ text: "… ", match: false });
  if (end < total) out.push({ text: " …", match: false });
  return out;
}
