import { z } from "zod";
import { checkPassword, PASSWORD_MAX } from "~/utils/password-policy";
import { foldDigits, normalizePhone, normalizeText } from "~/utils/persian";

/**
 * Field types shared by every form schema, on the server and in the browser. Messages are keys
 * under `errors.` in the locale files, never text.
 */

// Hard ceiling before any normalization work, so a megabyte in a name field costs nothing.
const RAW_LIMIT = 10_000;

export function phoneField() {
  return z
    .string({ required_error: "phone_required" })
    .max(64, "phone_invalid")
    .transform((value, ctx) => {
      const phone = normalizePhone(value);
      if (!phone) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "phone_invalid" });
        return z.NEVER;
      }
      return phone;
    });
}

/** One line of text: normalized (ي→ی, bidi controls out, spaces collapsed), then measured. */
export function textField(opts: { min?: number; max: number; required?: string; tooShort?: string; tooLong: string }) {
  return z
    .string({ required_error: opts.required ?? "field_required" })
    .max(RAW_LIMIT, opts.tooLong)
    .transform((v) => normalizeText(v))
    .pipe(
      z
        .string()
        .min(Math.max(1, opts.min ?? 1), opts.tooShort ?? opts.required ?? "field_required")
        .max(opts.max, opts.tooLong),
    );
}

/**
 * A line of text a person may leave empty: absent, empty or only spaces is "", anything else is
 * normalized and measured. (Forms send an empty field as nothing at all, so an optional field must
 * accept "nothing" before any length rule, never turn it into "" and then ask for a minimum.)
 */
export function optionalTextField(opts: { max: number; tooLong: string }) {
  return z
    .string()
    .max(RAW_LIMIT, opts.tooLong)
    .transform((v) => normalizeText(v))
    .pipe(z.string().max(opts.max, opts.tooLong))
    .optional()
    .default("");
}

/**
 * Several lines a person must write (a reason, a rationale, a note): normalized, then measured in
 * characters as a person counts them. One message for missing, too short and too long unless told.
 */
export function requiredMultilineField(opts: { min: number; max: number; required: string; tooLong?: string }) {
  return z
    .string({ required_error: opts.required })
    .max(RAW_LIMIT * 10, opts.tooLong ?? opts.required)
    .transform((v) => normalizeText(v, { multiline: true }))
    .pipe(
      // Conform reads an empty string as "nothing" here too: a text of only spaces is missing.
      z
        .string({ required_error: opts.required })
        .refine((v) => [...v].length >= opts.min, opts.required)
        .refine((v) => [...v].length <= opts.max, opts.tooLong ?? opts.required),
    );
}

/** A whole number typed in any digits (Persian, Arabic-Indic or Latin), within a range. */
export function intField(min: number, max: number, messages: { required: string; invalid: string }) {
  return z
    .string({ required_error: messages.required })
    .max(12, messages.invalid)
    .transform((v) => foldDigits(v).replace(/[\s,٬]/g, ""))
    .pipe(z.string().regex(/^\d+$/, messages.invalid))
    .transform(Number)
    .pipe(z.number().int().min(min, messages.invalid).max(max, messages.invalid));
}

/** One of a fixed list of choices; anything else is "choose one of the options". */
export function choiceField<const T extends readonly [string, ...string[]]>(choices: T, message = "choice_invalid") {
  return z.enum(choices, { errorMap: () => ({ message }) });
}

export function multilineField(opts: { max: number; tooLong: string }) {
  return z
    .string()
    .max(RAW_LIMIT * 10, opts.tooLong)
    .transform((v) => normalizeText(v, { multiline: true }))
    .pipe(z.string().max(opts.max, opts.tooLong))
    .optional()
    .default("");
}

export const DISPLAY_NAME_MIN = 2;
export const DISPLAY_NAME_MAX = 60;

export function displayNameField() {
  return textField({
    min: DISPLAY_NAME_MIN,
    max: DISPLAY_NAME_MAX,
    required: "name_required",
    tooShort: "name_too_short",
    tooLong: "name_too_long",
  });
}

/** Passwords are kept exactly as typed (no normalization): what was typed is what is checked. */
export function passwordField() {
  return z.string({ required_error: "password_required" }).max(PASSWORD_MAX * 4, "password_too_long");
}

export function codeField() {
  return z
    .string({ required_error: "code_required" })
    .max(32, "code_format")
    .transform((v) => foldDigits(v).replace(/\s+/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "code_format"));
}

export function uuidField(message = "not_found") {
  return z.string({ required_error: message }).uuid(message);
}

/** Adds the password policy to a schema that has `password` (and maybe `phone`, `displayName`). */
export function refinePassword<T extends { password: string; phone?: string; displayName?: string }>(value: T, ctx: z.RefinementCtx) {
  const problem = checkPassword(value.password, { phone: value.phone, displayName: value.displayName });
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["password"], message: problem });
}

/** A form that is only a button (support, open the meeting, resend the code): no fields. */
export const NoFieldsSchema = z.object({});
