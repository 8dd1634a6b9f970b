import { useForm } from "@conform-to/react";

type FormHookOptions<Schema extends Record<string, any>, FormValue, FormError> = Parameters<typeof useForm<Schema, FormValue, FormError>>[0];

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
  const [form, fields] = useForm<Schema, FormValue, FormError>({ ...options, ...FORM_VALIDATION } as FormHookOptions<Schema, FormValue, FormError>);
  // The form re-renders whenever any of its messages changes. Conform subscribes a component to
  // what it read during its own render; fields are read by child components, and a refusal found
  // on submit (which changes nothing else) would otherwise stay unseen until the next keystroke.
  void form.allErrors;
  void form.status;
  return [form, fields] as const;
}
