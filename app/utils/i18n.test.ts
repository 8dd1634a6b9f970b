import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resources } from "./i18n";

const fa = resources.fa.common;
const en = resources.en.common;

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const faKeys = flatten(fa as Tree);
const enKeys = flatten(en as Tree);
// i18next plural forms: "count_one"/"count_other" answer to t("count").
const has = (keys: Map<string, string>, key: string) => keys.has(key) || keys.has(`${key}_other`);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function sections(lang: string) {
  const dir = path.resolve(import.meta.dirname, "..", "..", "locales", lang);
  return fs.readdirSync(dir).map((file) => ({ file, keys: Object.keys(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))) }));
}

describe("locale files", () => {
  it("split a language into files whose sections do not overlap", () => {
    for (const lang of ["fa", "en"]) {
      const seen = new Map<string, string>();
      for (const { file, keys } of sections(lang)) {
        for (const key of keys) {
          expect(seen.get(key), `${lang}/${file}: section «${key}» also in ${seen.get(key)}`).toBeUndefined();
          seen.set(key, file);
        }
      }
    }
  });

  it("have the same keys in Persian and English", () => {
    expect([...faKeys.keys()].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys.keys()].filter((k) => !faKeys.has(k))).toEqual([]);
  });

  it("contain every key the code asks for", () => {
    const root = path.resolve(import.meta.dirname, "..", "..");
    const missing: string[] = [];
    for (const file of [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "db"))]) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']/g)) {
        const key = match[1]!;
        if (!has(faKeys, key) || !has(enKeys, key)) missing.push(`${path.relative(root, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("write Persian with Persian letters and digits", () => {
    const problems: string[] = [];
    for (const [key, value] of faKeys) {
      if (/[يك]/.test(value)) problems.push(`${key}: Arabic ي or ك`);
      // Latin digits only inside {{placeholders}} and in command-line examples.
      const visible = value.replace(/\{\{[^}]+\}\}/g, "");
      if (/[0-9]/.test(visible) && !key.startsWith("cli.")) problems.push(`${key}: Latin digits`);
      if (/"[^"]*"/.test(visible) && !key.startsWith("cli.")) problems.push(`${key}: use «» for quotes`);
    }
    expect(problems).toEqual([]);
  });
});
