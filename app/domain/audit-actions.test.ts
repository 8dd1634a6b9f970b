import { describe, expect, it } from "vitest";
import { resources } from "~/utils/i18n";
import {
  AUDIT_ACTIONS,
  AUDIT_VISIBILITY,
  isPublicAuditAction,
  PUBLIC_AUDIT_ACTIONS,
  PUBLIC_AUDIT_CATEGORIES,
  PUBLIC_REASON_ACTIONS,
  publicActionsOf,
} from "./audit-actions";

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

describe("what the public record shows (decision 025)", () => {
  it("classifies every kind, and nothing else", () => {
    expect(Object.keys(AUDIT_VISIBILITY).sort()).toEqual([...AUDIT_ACTIONS].sort());
    for (const action of AUDIT_ACTIONS) {
      expect(Object.hasOwn(AUDIT_VISIBILITY, action), action).toBe(true);
      expect(["private", ...PUBLIC_AUDIT_CATEGORIES], action).toContain(AUDIT_VISIBILITY[action]);
    }
  });

  it("never shows accounts, people's own requests, roles given to people or the desk", () => {
    for (const action of [
      "user.signed_up",
      "user.password_reset",
      "user.created_by_command",
      "application.submitted",
      "application.rejected",
      "invitation.sent",
      "role.granted",
      "thread.mute",
      "message.reports_dismiss",
      "escalation.state",
      "counter.support",
      "absence.kept",
      "minutes.objected",
      "proposal.withdrawn",
    ] as const) {
      expect(isPublicAuditAction(action), action).toBe(false);
      expect(PUBLIC_AUDIT_ACTIONS).not.toContain(action);
    }
  });

  it("shows the civic record", () => {
    for (const action of [
      "council.created",
      "council.dissolved",
      "membership.joined",
      "meeting.cancelled",
      "minutes.approved",
      "policy.published",
      "proposal.on_agenda",
      "vote.opened",
      "vote.closed",
      "proposal.adopted",
      "proposal.referred",
      "proposal.decided",
    ] as const) {
      expect(isPublicAuditAction(action), action).toBe(true);
    }
  });

  it("groups every public kind in one category, and shows reasons of public kinds only", () => {
    const grouped = PUBLIC_AUDIT_CATEGORIES.flatMap((c) => publicActionsOf(c));
    expect(grouped.sort()).toEqual([...PUBLIC_AUDIT_ACTIONS].sort());
    for (const action of PUBLIC_REASON_ACTIONS) expect(isPublicAuditAction(action), action).toBe(true);
  });

  it("answers no to names that are not kinds", () => {
    for (const name of ["__proto__", "constructor", "toString", "", "user.signed_up "]) expect(isPublicAuditAction(name)).toBe(false);
  });
});
