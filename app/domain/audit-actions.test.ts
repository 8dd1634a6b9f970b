import { describe, expect, it } from "vitest";
import { resources } from "~/utils/i18n";
import { AUDIT_ACTIONS } from "./audit-actions";

type Tree = { [key: string]: string | Tree };
const lookup = (tree: Tree, key: string) =>
  key.split(".").reduce<string | Tree | undefined>((node, part) => (typeof node === "object" ? node[part] : undefined), tree);

describe("the audit log's sentences", () => {
  for (const lang of ["fa", "en"] as const) {
    it.each(AUDIT_ACTIONS)(`${lang}: %s has a sentence`, (action) => {
      const sentence = lookup(resources[lang].common as unknown as Tree, `audit.action.${action}`);
      expect(typeof sentence).toBe("string");
      // A sentence, not the key again.
      expect(sentence).not.toContain(action);
      expect((sentence as string).length).toBeGreaterThan(8);
    });
  }

  it("names no kind twice", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
  });
});
