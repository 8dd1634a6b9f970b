import { z } from "zod";
import { choiceField, requiredMultilineField, textField } from "./fields";

/** The deputy's policy form and the recipients' acknowledgement, checked in the browser and on the server. */

export const POLICY_AUDIENCES = ["all", "chosen"] as const;
export const POLICY_RECIPIENTS = ["both", "managers", "chairs"] as const;

export const PolicySchema = z
  .object({
    title: textField({ min: 5, max: 200, required: "title_invalid", tooShort: "title_invalid", tooLong: "title_invalid" }),
    body: requiredMultilineField({ min: 10, max: 20_000, required: "body_invalid" }),
    effectiveOn: textField({ min: 1, max: 20, required: "effective_invalid", tooLong: "effective_invalid" }),
    audience: choiceField(POLICY_AUDIENCES),
    districtIds: z.array(z.string().max(64)).max(100).optional().default([]),
    recipients: choiceField(POLICY_RECIPIENTS),
  })
  .superRefine((value, ctx) => {
    if (value.audience === "chosen" && value.districtIds.length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["districtIds"], message: "audience_empty" });
    }
  });

export { NoFieldsSchema } from "./fields";
