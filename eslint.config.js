import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * A small rule set: the recommended JavaScript and TypeScript rules, the two rules of hooks, and
 * nothing about layout (Prettier owns that). The import floors are dependency-cruiser's
 * (.dependency-cruiser.cjs).
 */
export default defineConfig(
  globalIgnores(["build/", "public/build/", "data/", "coverage/", "tests/artifacts/", "bench/results/", ".cache/", "db/migrations/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_name` marks what is left unused on purpose (a destructured field dropped, a callback's first argument).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // conform's and socket.io's own signatures are written with `any`; matching them is the honest type.
      "@typescript-eslint/no-explicit-any": "off",
      // `interface AppLoadContext extends RequestContext {}` is how a module's type is widened.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
);
