import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The app's components and routes, as written. */
function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith(".tsx") ? [full] : [];
  });
}
const appDir = path.resolve(import.meta.dirname, "..");
const files = tsxFiles(appDir).map((file) => ({ file: path.relative(appDir, file), source: fs.readFileSync(file, "utf8") }));

describe("every form of the app", () => {
  it("uses the app's form hook (validated when sent, never on blur)", () => {
    const direct = files
      .filter(({ source }) => /import\s*\{[^}]*\buseForm\b[^}]*\}\s*from\s*"@conform-to\/react"/.test(source))
      .map((f) => f.file);
    expect(direct).toEqual([]);
    const ownTiming = files.filter(({ source }) => /\bshould(?:Re)?[vV]alidate\s*:\s*["']/.test(source)).map((f) => f.file);
    expect(ownTiming).toEqual([]);
  });

  it("asks the browser to check nothing itself: no bubbles, the Persian messages instead", () => {
    // required, minLength, pattern, min/max on inputs: each would make the browser stop the form with its own bubble.
    const constraint = /<(input|textarea|select)\b[^>]*\s(required|minLength=|pattern=|min=|max=)/;
    const offenders = files.filter(({ source }) => constraint.test(source.replace(/\n\s*/g, " "))).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it("turns the browser's own checks off on every form that is not the form library's", () => {
    const offenders = files.flatMap(({ file, source }) =>
      [...source.matchAll(/<(Form|form|fetcher\.Form)\b[^>]*>/g)]
        .filter((m) => !/noValidate|getFormProps/.test(m[0]) && /method="post"/.test(m[0]))
        .map((m) => `${file}: ${m[0]}`),
    );
    // The proposal page's one-button forms (support, withdraw, agenda, ballot) have nothing to check.
    const withFields = offenders.filter(
      (o) => !/^routes\/proposals\.\$proposalId\.tsx: <Form method="post"( className="vote-buttons")?>$/.test(o),
    );
    expect(withFields).toEqual([]);
  });
});
