import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/node";
import type { z } from "zod";
import type { FormReply } from "~/forms/reply";

/**
 * The request floor's one way to run a form's action.
 *
 * A page with several forms names each form's `intent`. For every intent the route gives:
 * - `schema`: the zod schema of its fields, the same one the browser checks with (conform);
 * - `guard`: the permission question, asked of app/utils/permissions.ts (`can`, `ballotBlocker`, …);
 * - `run`: the domain call (and what follows it: live notices, texts).
 *
 * Every refusal comes back in ONE shape, `FormReply` (app/forms/reply.ts), answered on the form
 * that sent it, with what was typed kept:
 * - an intent nobody knows: 400, thrown (no form sent it);
 * - not allowed: 403, "action_forbidden" (or the guard's own reason) above the form;
 * - bad input: 400, each message beside its field;
 * - the domain said no: 409 (or the refusal's status), beside the field named in `fields`, else above.
 * A `run` that succeeds returns a Response (usually a redirect) or `{ done }`, answered as 200.
 */

/**
 * The domain's "no": what every domain function returns when it refuses (see app/domain/refusal.server.ts).
 * A route may give it a status of its own (a missing row: 404); 409 otherwise.
 */
export type Refused = { ok: false; error: string; status?: number; params?: Record<string, number> };

/** What a guard answers: allowed (true), not allowed (false: "action_forbidden", 403), or a reason of its own. */
export type Verdict = boolean | { error: string; status?: number; params?: Record<string, number> };

/** What `run` answers: the domain's refusal, a Response (a redirect), or success with an optional notice key. */
export type RunOutcome<Done extends string = string> =
  Refused | Response | { ok: true; done?: Done | null; resetForm?: boolean; params?: Record<string, string | number> } | void;

export interface IntentSpec<Schema extends z.ZodTypeAny, Done extends string = string> {
  schema: Schema;
  /** Asked before the input is read: ids come from the URL, so no answer depends on the form. */
  guard?: () => Verdict | Promise<Verdict>;
  run: (value: z.output<Schema>) => Promise<RunOutcome<Done>> | RunOutcome<Done>;
  /** Domain refusals that belong beside a field: error key → field name. */
  fields?: Record<string, string>;
  /** Which of several forms of the same intent sent it (one per member, per message): a form field's name. */
  key?: string;
  /** Fields never sent back to the form (a password is typed again, never echoed into the page). */
  hide?: string[];
}

/** Declares one intent with its types checked (the value `run` gets is the schema's output). */
export function intent<Schema extends z.ZodTypeAny, Done extends string = string>(spec: IntentSpec<Schema, Done>) {
  return spec;
}

export type IntentTable<Done extends string = string> = Record<string, IntentSpec<any, Done>>;

export interface RunIntentOptions<Done extends string> {
  /**
   * Called after any intent succeeded without answering itself (live notices, then a redirect, or
   * `{ done }` to answer the form with a notice and stay).
   */
  after?: (intent: string) => AfterAnswer<Done> | Promise<AfterAnswer<Done>>;
  /** The form field that names the intent. */
  field?: string;
  /** The intent of a form sent without the field (a page's main form, sent by a client that leaves the button out). */
  otherwise?: string;
  /** A refusal's statuses (for the few places that answer differently). */
  statuses?: Partial<Record<"forbidden" | "invalid" | "refused", number>>;
  _done?: Done;
}

type AfterAnswer<Done extends string> = Response | { done: Done; resetForm?: boolean } | void;

export const FORBIDDEN = "action_forbidden";

/** What was typed comes back to the form, but never more than this much of one field (a megabyte is not echoed). */
export const KEPT_MAX = 20_000;

function cut(value: unknown): unknown {
  if (typeof value === "string") return value.length > KEPT_MAX ? value.slice(0, KEPT_MAX) : value;
  if (Array.isArray(value)) return value.map(cut);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v)]));
  return value;
}

function keptWithin(result: SubmissionResult<string[]>): SubmissionResult<string[]> {
  return result.initialValue ? { ...result, initialValue: cut(result.initialValue) as typeof result.initialValue } : result;
}

/** Builds the reply for a form: the one shape every refusal (and every 200 answer) takes. */
export function formReply<Done extends string = string>(
  intentName: string,
  result: SubmissionResult<string[]>,
  status: number,
  extra: { key?: string | null; done?: Done | null; params?: Record<string, string | number> } = {},
) {
  const reply: FormReply<Done> = { intent: intentName, key: extra.key ?? null, result: keptWithin(result), done: extra.done ?? null };
  if (extra.params) reply.params = extra.params;
  return data(reply, { status });
}

/**
 * Runs the intent the form names. `form` is the request's FormData (read once by the route).
 * Throws 400 for an intent the table does not have.
 */
export async function runIntent<Done extends string = string>(
  form: FormData,
  table: IntentTable<Done>,
  options: RunIntentOptions<Done> = {},
) {
  const name = String(form.get(options.field ?? "intent") ?? options.otherwise ?? "");
  const spec = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!spec) throw new Response("Bad Request", { status: 400, statusText: "Bad Request" });
  return runSpec(form, name, spec, options);
}

/**
 * A page with one form (sign-in, sign-up, a settings page): the same checks and the same reply as
 * `runIntent`, under the name the page gives it, without an intent field in the form.
 */
export async function runForm<Schema extends z.ZodTypeAny, Done extends string = string>(
  form: FormData,
  name: string,
  spec: IntentSpec<Schema, Done>,
  options: Omit<RunIntentOptions<Done>, "field" | "otherwise"> = {},
) {
  return runSpec(form, name, spec, options);
}

async function runSpec<Done extends string>(form: FormData, name: string, spec: IntentSpec<any, Done>, options: RunIntentOptions<Done>) {
  const statuses = { forbidden: 403, invalid: 400, refused: 409, ...options.statuses };
  const key = spec.key ? String(form.get(spec.key) ?? "") || null : null;
  const submission = parseWithZod(form, { schema: spec.schema });
  const hideFields = spec.hide;
  const answer = (result: SubmissionResult<string[]>, status: number, done: Done | null = null, params?: Record<string, string | number>) =>
    formReply<Done>(name, result, status, { key, done, params });

  const verdict = spec.guard ? await spec.guard() : true;
  if (verdict !== true) {
    const refusal = verdict === false ? { error: FORBIDDEN, status: statuses.forbidden } : verdict;
    // Only the refusal shows: what the form would have said about its fields does not matter yet.
    return answer(
      { ...submission.reply({ hideFields }), error: { "": [refusal.error] } },
      refusal.status ?? statuses.forbidden,
      null,
      refusal.params,
    );
  }
  if (submission.status !== "success") return answer(submission.reply({ hideFields }), statuses.invalid);

  const outcome = await spec.run(submission.value);
  if (outcome instanceof Response) return outcome;
  if (outcome && outcome.ok === false) {
    const field = spec.fields?.[outcome.error];
    const result = field
      ? submission.reply({ fieldErrors: { [field]: [outcome.error] }, hideFields })
      : submission.reply({ formErrors: [outcome.error], hideFields });
    return answer(result, outcome.status ?? statuses.refused, null, outcome.params);
  }
  const after = await options.after?.(name);
  if (after instanceof Response) return after;
  if (after) return answer(submission.reply({ resetForm: after.resetForm ?? true, hideFields }), 200, after.done);
  return answer(submission.reply({ resetForm: outcome?.resetForm ?? false, hideFields }), 200, outcome?.done ?? null, outcome?.params);
}
