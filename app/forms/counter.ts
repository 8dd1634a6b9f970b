import { z } from "zod";
import { foldDigits } from "~/utils/persian";
import { intField, phoneField, textField } from "./fields";

/** A new counter office of the district: its name and its licence number as on its sign. */
export const CounterOfficeSchema = z.object({
  name: textField({
    min: 2,
    max: 100,
    required: "counter_office_name_required",
    tooShort: "counter_office_name_required",
    tooLong: "counter_office_name_too_long",
  }),
  code: textField({ min: 1, max: 40, required: "counter_office_code_required", tooLong: "counter_office_code_too_long" }).transform((v) =>
    foldDigits(v),
  ),
});

/** Starting a support for a resident at the counter: their verified number and the proposal's number. */
export const CounterStartSchema = z.object({
  phone: phoneField(),
  proposal: intField(1, 999_999_999, { required: "counter_proposal_required", invalid: "counter_proposal_invalid" }),
});

/** The six-digit code the resident read out from their SMS. */
export const CounterConfirmSchema = z.object({
  code: z
    .string({ required_error: "counter_code_required" })
    .max(20, "counter_code_format")
    .transform((v) => foldDigits(v).replace(/\s/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "counter_code_format")),
});
