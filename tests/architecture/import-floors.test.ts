import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The import floors of docs/architecture.md, as .dependency-cruiser.cjs states them: the app as it
 * is keeps them, and a small tree that breaks each one is caught (so the rules are really read).
 */
const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "node_modules", ".bin", "depcruise");
const config = path.join(root, ".dependency-cruiser.cjs");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function cruise(cwd: string, targets: string[]): Promise<Violation[]> {
  // depcruise exits non-zero when it finds violations; the JSON report is printed either way.
  const result = await run(bin, ["--config", config, "--output-type", "json", ...targets], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  return (JSON.parse(result.stdout).summary.violations as Violation[]).map((v) => ({
    rule: { name: v.rule.name },
    from: v.from,
    to: v.to,
  }));
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the import floors", () => {
  it("hold in the app and the database floor", async () => {
    expect(await cruise(root, ["app", "db", "server.ts"])).toEqual([]);
  });

  it("catch an arrow up, a circle, a server module in the browser and a route imported", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floors-"));
    scratch.push(dir);
    const files: Record<string, string> = {
      "tsconfig.json": JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "Bundler", jsx: "react-jsx" } }),
      "db/schema.ts": 'import { rule } from "../app/domain/rule";\nexport const table = rule;\n',
      "app/utils/leaf.ts": 'import { rule } from "../domain/rule";\nexport const leaf = rule;\n',
      "app/domain/rule.ts":
        'import { leaf } from "../utils/leaf";\nimport { live } from "../realtime/live.server";\nexport const rule = [leaf, live];\n',
      "app/realtime/live.server.ts": "export const live = 1;\n",
      "app/domain/query.server.ts": "export const query = 1;\n",
      "app/components/card.tsx":
        'import { query } from "../domain/query.server";\nimport { page } from "../routes/page";\nexport const card = [query, page];\n',
      "app/routes/page.tsx": "export const page = 1;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const found = (await cruise(dir, ["app", "db"])).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual(
      expect.arrayContaining([
        "db-imports-no-app: db/schema.ts → app/domain/rule.ts",
        "utils-are-leaves: app/utils/leaf.ts → app/domain/rule.ts",
        "domain-below-requests: app/domain/rule.ts → app/realtime/live.server.ts",
        "browser-code-imports-no-server-module: app/components/card.tsx → app/domain/query.server.ts",
        "nothing-imports-a-route: app/components/card.tsx → app/routes/page.tsx",
      ]),
    );
    expect(found.some((line) => line.startsWith("no-circular: "))).toBe(true);
  });
});
