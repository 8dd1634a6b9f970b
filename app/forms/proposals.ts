import { z } from "zod";
import { displayNameField, multilineField, optionalTextField, phoneField, textField, uuidField } from "./fields";

export const PROPOSAL_TITLE_MAX = 150;
export const PROPOSAL_BODY_MAX = 10_000;
export const PROPOSAL_PLACE_MAX = 200;

export const ProposalSchema = z.object({
  title: textField({ min: 5, max: PROPOSAL_TITLE_MAX, required: "title_required", tooShort: "title_too_short", tooLong: "title_too_long" }),
  body: z
    .string({ required_error: "body_required" })
    .max(PROPOSAL_BODY_MAX * 20, "body_too_long")
    .pipe(multilineField({ max: PROPOSAL_BODY_MAX, tooLong: "body_too_long" }))
    .pipe(z.string().min(10, "body_too_short")),
  categoryId: uuidField("category_required"),
  place: optionalTextField({ max: PROPOSAL_PLACE_MAX, tooLong: "place_too_long" }),
});

/** District staff filing for a resident who came in person (or has no phone of their own to use). */
export const OnBehalfSchema = ProposalSchema.extend({
  onBehalfName: displayNameField(),
  onBehalfPhone: phoneField(),
});
