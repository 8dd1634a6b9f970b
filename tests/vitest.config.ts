import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { scaled } from "./support/wait";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig({
  root,
  resolve: { alias: { "~": path.join(root, "app") } },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    // Ceilings, not pauses: they grow with TEST_TIME_SCALE (doubled under CI) on a busy machine.
    testTimeout: scaled(60_000),
    hookTimeout: scaled(120_000),
    expect: { poll: { timeout: scaled(5_000) } },
    // Two cores: a few files at a time keeps PGlite start-ups from starving each other.
    maxWorkers: 2,
    reporters: ["default", "./tests/support/summary-reporter.ts"],
  },
});
