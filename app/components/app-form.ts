import { useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useActionData } from "@remix-run/react";
import type { z, ZodTypeAny } from "zod";
import type { FormReply } from "~/forms/reply";

type FormHookOptions<Schema extends Record<string, any>, FormValue, FormError> = Parameters<
  typeof useForm<Schema, FormValue, FormError>
>[0];

/** When every form of the app checks what was typed; decided here once, not per form. */
export const FORM_VALIDATION = {
  // Checked when sent, never when a field loses focus: a message appearing or disappearing on blur
  // moves the button away from under the finger or pointer that is pressing it, and the press is lost.
  shouldValidate: "onSubmit",
  // Once shown, a message follows the typing, so it is gone before the button is pressed again.
  shouldRevalidate: "onInput",
  // The browser's own bubbles never show, with or without JavaScript: the Persian messages do.
  defaultNoValidate: true,
} as const;

/** Conform's `useForm` with the app's validation timing. Every form uses this one. */
export function useAppForm<Schema extends Record<string, any>, FormValue = Schema, FormError = string[]>(
  options: Omit<FormHookOptions<Schema, FormValue, FormError>, keyof typeof FORM_VALIDATION>,
) {
  const [form, fields] = useForm<Schema, FormValue, FormError>({ ...options, ...FORM_VALIDATION } as FormHookOptions<
    Schema,
    FormValue,
    FormError
  >);
  // The form re-renders whenever any of its messages changes. Conform subscribes a component to
  // what it read during its own render; fields are read by child components, and a refusal found
  // on submit (which changes nothing else) would otherwise stay unseen until the next keystroke.
  void form.allErrors;
  void form.status;
  return [form, fields] as const;
}

/**
 * The reply of the action to the form of one intent (and one key, where a page has several forms of
 * the same intent): undefined when another form sent the last request.
 */
export function useIntentReply<Done extends string = string>(intent: string, key: string | null = null): FormReply<Done> | undefined {
  const reply = useActionData() as FormReply<Done> | undefined;
  if (!reply || typeof reply !== "object" || reply.intent !== intent) return undefined;
  if (key !== null && reply.key !== key) return undefined;
  return reply;
}

/**
 * The form of one intent on a page of several: checked in the browser with the same schema the
 * server's intent runner uses (app/server/intent.server.ts), showing the server's reply when it
 * answers this form. Send the intent with the form (`<IntentField>` or a submit button's name/value).
 */
export function useIntentForm<Schema extends ZodTypeAny>(
  intent: string,
  schema: Schema,
  opts: { key?: string | null; id?: string; defaultValue?: Partial<z.input<Schema>> } = {},
) {
  const reply = useIntentReply(intent, opts.key ?? null);
  return useAppForm<z.input<Schema>>({
    id: opts.id ?? (opts.key ? `${intent}-${opts.key}` : intent),
    lastResult: reply?.result,
    defaultValue: opts.defaultValue as never,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
}
