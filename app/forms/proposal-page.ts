import { z } from "zod";
import { CHARTER_LIMITS } from "~/domain/charter";
import { normalizeText } from "~/utils/persian";
import { choiceField, intField, requiredMultilineField, uuidField } from "./fields";

/**
 * The forms of a proposal's page, one schema per intent, checked in the browser and by the
 * server's intent runner alike. Ids (the proposal, its vote, the pending referral) come from the
 * address, never from these forms.
 */

export { NoFieldsSchema } from "./fields";

export const OpenVoteSchema = z.object({
  days: intField(CHARTER_LIMITS.votingPeriodDays.min, CHARTER_LIMITS.votingPeriodDays.max, {
    required: "voting_period_invalid",
    invalid: "voting_period_invalid",
  }),
});

export const BALLOT_CHOICES = ["for", "against", "abstain"] as const;
export const BallotSchema = z.object({ choice: choiceField(BALLOT_CHOICES) });

export const ReferSchema = z.object({ commissionId: uuidField("commission_unknown") });

export const REFERRAL_DECISIONS = ["accepted", "declined", "returned", "referred_unit"] as const;
export const RATIONALE = { min: 10, max: 4000 } as const;
export const UNIT_NAME = { min: 2, max: 200 } as const;

export const DecideSchema = z
  .object({
    decision: choiceField(REFERRAL_DECISIONS),
    rationale: requiredMultilineField({ ...RATIONALE, required: "rationale_required" }),
    // Asked only when the decision sends the work to a unit of the municipality.
    unitName: z
      .string()
      .max(UNIT_NAME.max * 20, "unit_required")
      .transform((v) => normalizeText(v))
      .optional()
      .default(""),
  })
  .superRefine((value, ctx) => {
    if (value.decision === "referred_unit" && (value.unitName.length < UNIT_NAME.min || value.unitName.length > UNIT_NAME.max)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["unitName"], message: "unit_required" });
    }
  });

export const PROGRESS_STATUSES = ["in_progress", "done"] as const;
export const PROGRESS_NOTE = { min: 5, max: 2000 } as const;
export const ProgressSchema = z.object({
  status: choiceField(PROGRESS_STATUSES),
  note: requiredMultilineField({ ...PROGRESS_NOTE, required: "progress_note_required" }),
});
