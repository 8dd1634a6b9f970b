import { z } from "zod";
import { choiceField, multilineField, optionalTextField, requiredMultilineField, textField, uuidField } from "./fields";

/**
 * The forms of a council's meetings (schedule, agenda, roll call, minutes) and of the district's
 * absence review, one schema per intent, checked in the browser and by the intent runner alike.
 * The council and the meeting come from the address; a member or item named here is checked to
 * belong to them.
 */

export { NoFieldsSchema } from "./fields";

const jalaliDay = (message: string) => textField({ min: 1, max: 20, required: message, tooLong: message });
const clock = textField({ min: 1, max: 10, required: "time_invalid", tooLong: "time_invalid" });
const place = textField({ min: 2, max: 200, required: "place_invalid", tooShort: "place_invalid", tooLong: "place_invalid" });

export const MEETING_KINDS = ["regular", "extra"] as const;

export const ScheduleSchema = z.object({
  kind: choiceField(MEETING_KINDS),
  date: jalaliDay("date_invalid"),
  start: clock,
  end: clock,
  place,
  invitees: multilineField({ max: 1000, tooLong: "field_invalid" }),
});

export const ScheduleYearSchema = z.object({
  dates: requiredMultilineField({ min: 1, max: 4000, required: "schedule_empty" }),
  start: clock,
  end: clock,
  place,
});

export const CancelSchema = z.object({ reason: requiredMultilineField({ min: 3, max: 500, required: "note_required" }) });

export const AgendaAddSchema = z.object({
  proposalId: z.string().max(64).optional(),
  title: optionalTextField({ max: 200, tooLong: "agenda_title_invalid" }),
});
export const AgendaRemoveSchema = z.object({ itemId: uuidField() });

export const ATTENDANCE = ["present", "absent", "excused", "late"] as const;
export const MarkSchema = z.object({
  userId: uuidField("not_a_member"),
  status: choiceField(ATTENDANCE),
  arrivedAt: optionalTextField({ max: 10, tooLong: "time_invalid" }),
});

export const MinutesSchema = z.object({
  summary: multilineField({ max: 10_000, tooLong: "summary_invalid" }),
  items: z
    .array(
      z.object({
        agendaItemId: z.string().max(64).optional(),
        title: optionalTextField({ max: 200, tooLong: "summary_invalid" }),
        summary: multilineField({ max: 5000, tooLong: "summary_invalid" }),
      }),
    )
    .max(100)
    .optional()
    .default([]),
});

export const DecisionSchema = z.object({
  text: requiredMultilineField({ min: 3, max: 2000, required: "decision_text_required" }),
  responsible: textField({
    min: 2,
    max: 200,
    required: "responsible_required",
    tooShort: "responsible_required",
    tooLong: "responsible_required",
  }),
  dueOn: optionalTextField({ max: 20, tooLong: "due_invalid" }),
  proposalId: z.string().max(64).optional(),
});
export const DecisionRemoveSchema = z.object({ decisionId: uuidField() });

export const VERDICTS = ["approve", "object"] as const;
export const RespondSchema = z
  .object({ verdict: choiceField(VERDICTS), comment: multilineField({ max: 2000, tooLong: "comment_required" }) })
  .superRefine((value, ctx) => {
    if (value.verdict === "object" && [...value.comment].length < 3)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["comment"], message: "comment_required" });
  });

export const KeepSchema = z.object({
  membershipId: uuidField(),
  note: requiredMultilineField({ min: 3, max: 1000, required: "note_required" }),
});
