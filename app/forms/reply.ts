import type { SubmissionResult } from "@conform-to/react";

/**
 * The one shape of an action's answer to a form, refused or not (built by app/server/intent.server.ts).
 * `intent` names the form that sent it; `key` which of several forms of that intent (one per member,
 * per message); `result` is conform's: each message beside its field, form-wide ones under "", and
 * what was typed, so the form shows it again; `done` a notice key after a success that stays on the page.
 */
export interface FormReply<Done extends string = string> {
  intent: string;
  key: string | null;
  result: SubmissionResult<string[]>;
  done: Done | null;
  /** What a message speaks of ("try again in {{seconds}} seconds", "«{{name}}» was added"), when it has any. */
  params?: Record<string, string | number>;
}

/** Every message of a reply, form-wide first, for forms that show them together above the form. */
export function allErrorsOf(reply: FormReply | undefined | null): string[] {
  const error = reply?.result.error ?? {};
  return [...(error[""] ?? []), ...Object.entries(error).flatMap(([name, messages]) => (name === "" ? [] : (messages ?? [])))];
}

/** The form-wide messages of a reply (those not beside a field). */
export function formErrorsOf(reply: FormReply | undefined | null): string[] {
  return reply?.result.error?.[""] ?? [];
}
