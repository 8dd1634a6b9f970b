import { redirect } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { intField, requiredMultilineField } from "~/forms/fields";
import type { FormReply } from "~/forms/reply";
import { intent, KEPT_MAX, runForm, runIntent, type IntentTable } from "./intent.server";

/** What the runner answered: a reply (status + body) or a Response of its own. */
function replyOf(answer: unknown) {
  const { data, init } = answer as { data: FormReply; init: { status: number } };
  return { status: init.status, ...data };
}

function formOf(fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

const ReasonSchema = z.object({
  days: intField(1, 60, { required: "voting_period_invalid", invalid: "voting_period_invalid" }),
  reason: requiredMultilineField({ min: 10, max: 100, required: "reason_required" }),
});

function table(calls: string[], opts: { allowed?: boolean; refuse?: string } = {}): IntentTable {
  return {
    open: intent({
      schema: ReasonSchema,
      guard: () => opts.allowed ?? true,
      fields: { reason_taken: "reason" },
      run: async (value) => {
        calls.push(`open:${value.days}:${value.reason}`);
        return opts.refuse ? { ok: false, error: opts.refuse } : { ok: true, done: "opened", resetForm: true };
      },
    }),
    vote: intent({
      schema: z.object({}),
      guard: () => ({ error: "vote_closed", status: 409 }),
      run: () => {
        calls.push("vote");
      },
    }),
    leave: intent({ schema: z.object({}), key: "seat", run: () => redirect("/left") }),
  };
}

describe("the intent runner", () => {
  it("throws 400 for an intent the page does not have (or none), calling nothing", async () => {
    const calls: string[] = [];
    for (const intentName of ["nope", "", "constructor", "__proto__"]) {
      const thrown = await runIntent(formOf({ intent: intentName }), table(calls)).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(400);
    }
    const none = await runIntent(new FormData(), table(calls)).catch((e: unknown) => e);
    expect((none as Response).status).toBe(400);
    expect(calls).toEqual([]);
  });

  it("answers bad input with each message beside its field and what was typed kept, calling nothing", async () => {
    const calls: string[] = [];
    const reply = replyOf(await runIntent(formOf({ intent: "open", days: "۹۹", reason: "کوتاه" }), table(calls)));
    expect(reply.status).toBe(400);
    expect(reply.intent).toBe("open");
    expect(reply.result.error).toMatchObject({ days: ["voting_period_invalid"], reason: ["reason_required"] });
    expect(reply.result.initialValue).toMatchObject({ days: "۹۹", reason: "کوتاه" });
    expect(calls).toEqual([]);
  });

  it("folds Persian and Arabic-Indic digits before checking a number", async () => {
    const calls: string[] = [];
    for (const days of ["۳", "٣", "3"]) {
      const reply = replyOf(await runIntent(formOf({ intent: "open", days, reason: "دلیلی به اندازهٔ کافی بلند" }), table(calls)));
      expect(reply.status).toBe(200);
      expect(reply.done).toBe("opened");
    }
    expect(calls).toEqual(Array(3).fill("open:3:دلیلی به اندازهٔ کافی بلند"));
  });

  it("answers a forbidden intent with 403 on its form, input kept, before reading it and calling nothing", async () => {
    const calls: string[] = [];
    const reply = replyOf(await runIntent(formOf({ intent: "open", days: "x", reason: "دلیل" }), table(calls, { allowed: false })));
    expect(reply.status).toBe(403);
    expect(reply.result.error).toEqual({ "": ["action_forbidden"] });
    expect(reply.result.initialValue).toMatchObject({ days: "x", reason: "دلیل" });
    expect(calls).toEqual([]);
  });

  it("answers a guard's own reason with its own status", async () => {
    const calls: string[] = [];
    const reply = replyOf(await runIntent(formOf({ intent: "vote" }), table(calls)));
    expect(reply).toMatchObject({ status: 409, intent: "vote", result: { error: { "": ["vote_closed"] } } });
    expect(calls).toEqual([]);
  });

  it("answers the domain's refusal with 409: beside the field it names, else above the form", async () => {
    const calls: string[] = [];
    const input = { intent: "open", days: "5", reason: "دلیلی به اندازهٔ کافی بلند" };
    const field = replyOf(await runIntent(formOf(input), table(calls, { refuse: "reason_taken" })));
    expect(field.status).toBe(409);
    expect(field.result.error).toEqual({ reason: ["reason_taken"] });
    expect(field.result.initialValue).toMatchObject({ reason: input.reason });
    const form = replyOf(await runIntent(formOf(input), table(calls, { refuse: "vote_closed" })));
    expect(form.result.error).toEqual({ "": ["vote_closed"] });
    expect(calls).toHaveLength(2);
  });

  it("passes a run's own Response through, and names which of several same forms answered", async () => {
    const answer = await runIntent(formOf({ intent: "leave", seat: "s1" }), table([]));
    expect((answer as Response).status).toBe(302);
    const after = replyOf(
      await runIntent(formOf({ intent: "open", days: "5", reason: "دلیلی به اندازهٔ کافی بلند" }), table([], { refuse: "x" })),
    );
    expect(after.key).toBeNull();
  });

  it("lets the route answer every success the same way (a redirect after live notices)", async () => {
    const seen: string[] = [];
    const answer = await runIntent(formOf({ intent: "open", days: "5", reason: "دلیلی به اندازهٔ کافی بلند" }), table([]), {
      after: (name) => {
        seen.push(name);
        return redirect("/back");
      },
    });
    expect((answer as Response).headers.get("location")).toBe("/back");
    expect(seen).toEqual(["open"]);
  });
});

describe("what the runner keeps of what was typed", () => {
  it("never echoes more than KEPT_MAX characters of a field", async () => {
    const huge = "ب".repeat(KEPT_MAX * 3);
    const reply = replyOf(await runIntent(formOf({ intent: "open", days: "5", reason: huge }), table([])));
    expect(reply.status).toBe(400);
    expect((reply.result.initialValue as Record<string, string>).reason).toHaveLength(KEPT_MAX);
  });
});

describe("a page of one form", () => {
  const LoginLike = z.object({ phone: z.string().min(3, "phone_invalid"), password: z.string().min(8, "password_short") });

  it("answers under the page's name, never echoes a hidden field, and carries a success's words", async () => {
    const refused = replyOf(
      await runForm(formOf({ phone: "0912", password: "short" }), "login", { schema: LoginLike, hide: ["password"], run: () => undefined }),
    );
    expect(refused).toMatchObject({ status: 400, intent: "login" });
    expect(refused.result.initialValue).toEqual({ phone: "0912" });

    const denied = replyOf(
      await runForm(formOf({ phone: "09120000000", password: "long-enough" }), "login", {
        schema: LoginLike,
        hide: ["password"],
        run: () => ({ ok: false, error: "rate_limited", status: 429, params: { minutes: 3 } }),
      }),
    );
    expect(denied).toMatchObject({ status: 429, params: { minutes: 3 }, result: { error: { "": ["rate_limited"] } } });
    expect(denied.result.initialValue).not.toHaveProperty("password");

    const created = replyOf(
      await runForm(formOf({ phone: "09120000000", password: "long-enough" }), "create", {
        schema: LoginLike,
        run: () => ({ ok: true, done: "created", resetForm: true, params: { name: "منطقه یک" } }),
      }),
    );
    expect(created).toMatchObject({ status: 200, intent: "create", done: "created", params: { name: "منطقه یک" } });
  });

  it("takes a form sent without its button as the page's main intent, and only then", async () => {
    const calls: string[] = [];
    const answer = await runIntent(formOf({ days: "7", reason: "دلیل کافی و روشن" }), table(calls), { otherwise: "open" });
    expect(replyOf(answer)).toMatchObject({ status: 200, intent: "open", done: "opened" });
    await expect(runIntent(formOf({ intent: "nope" }), table(calls), { otherwise: "open" })).rejects.toMatchObject({ status: 400 });
  });
});
