import { z } from "zod";
import { CHARTER_LIMITS, checkTerm } from "~/domain/charter";
import { parseBoundary } from "~/utils/geojson";
import { STAFF_POWERS } from "~/utils/permissions";
import { parseJalaliDate } from "~/utils/persian";
import { intField, multilineField, phoneField, textField, uuidField } from "./fields";

/** A Jalali date as people type it («۱۴۰۵/۰۹/۰۱»), stored as an ISO date. */
function jalaliDateField(required: string) {
  return z
    .string({ required_error: required })
    .max(40, "date_invalid")
    .transform((value, ctx) => {
      const iso = parseJalaliDate(value);
      if (!iso) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "date_invalid" });
        return z.NEVER;
      }
      return iso;
    });
}

export const NeighborhoodSchema = z.object({
  name: textField({ min: 2, max: 80, required: "name_required", tooShort: "name_too_short", tooLong: "name_too_long" }),
  description: multilineField({ max: 4000, tooLong: "description_too_long" }),
  /** Residents, if known: analytics reads participation per 1,000 of them. Empty means unknown. */
  population: intField(1, 10_000_000, { required: "population_invalid", invalid: "population_invalid" })
    .optional()
    .transform((v) => v ?? null),
  boundary: z
    .string()
    .max(400_000, "boundary_too_large")
    .optional()
    .transform((value, ctx) => {
      if (!value || !value.trim()) return null;
      const parsed = parseBoundary(value.trim());
      if (!parsed.ok) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
        return z.NEVER;
      }
      return parsed.boundary;
    }),
});

const termFields = {
  termStart: jalaliDateField("term_start_required"),
  termEnd: jalaliDateField("term_end_required"),
};

function refineTerm(value: { termStart: string; termEnd: string }, ctx: z.RefinementCtx) {
  const problem = checkTerm(value.termStart, value.termEnd);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["termEnd"], message: problem });
}

const charterFields = {
  ...termFields,
  quorumPercent: intField(CHARTER_LIMITS.quorumPercent.min, CHARTER_LIMITS.quorumPercent.max, {
    required: "quorum_required",
    invalid: "quorum_invalid",
  }),
  votingPeriodDays: intField(CHARTER_LIMITS.votingPeriodDays.min, CHARTER_LIMITS.votingPeriodDays.max, {
    required: "voting_period_required",
    invalid: "voting_period_invalid",
  }),
  majorityRule: z.enum(["simple", "absolute", "two_thirds"], { errorMap: () => ({ message: "choice_invalid" }) }),
  proposers: z.enum(["members", "residents"], { errorMap: () => ({ message: "choice_invalid" }) }),
  supportThreshold: intField(CHARTER_LIMITS.supportThreshold.min, CHARTER_LIMITS.supportThreshold.max, {
    required: "support_threshold_required",
    invalid: "support_threshold_invalid",
  }),
  ballot: z.enum(["open", "secret"], { errorMap: () => ({ message: "choice_invalid" }) }),
  authorMaySupport: z
    .enum(["yes", "no"], { errorMap: () => ({ message: "choice_invalid" }) })
    .optional()
    .default("yes")
    .transform((v) => v === "yes"),
  reportsToHide: intField(CHARTER_LIMITS.reportsToHide.min, CHARTER_LIMITS.reportsToHide.max, {
    required: "reports_to_hide_required",
    invalid: "reports_to_hide_invalid",
  }),
  threadPosters: z
    .enum(["members", "residents"], { errorMap: () => ({ message: "choice_invalid" }) })
    .optional()
    .default("residents"),
  chairsModerate: z
    .enum(["yes", "no"], { errorMap: () => ({ message: "choice_invalid" }) })
    .optional()
    .default("no")
    .transform((v) => v === "yes"),
};

/** The charter as a council is formed (the meeting rules start at the bylaws' defaults). */
export const CharterSchema = z.object(charterFields).superRefine(refineTerm);

/** The meeting rules of a charter (decision 021): the limits are those of the database's checks. */
const meetingFields = {
  meetingsPerMonth: intField(CHARTER_LIMITS.meetingsPerMonth.min, CHARTER_LIMITS.meetingsPerMonth.max, {
    required: "meetings_per_month_required",
    invalid: "meetings_per_month_invalid",
  }),
  meetingQuorumKind: z.enum(["count", "percent"], { errorMap: () => ({ message: "choice_invalid" }) }),
  meetingQuorum: intField(CHARTER_LIMITS.meetingQuorumCount.min, CHARTER_LIMITS.meetingQuorumCount.max, {
    required: "meeting_quorum_required",
    invalid: "meeting_quorum_invalid",
  }),
  absencesInRow: intField(CHARTER_LIMITS.absencesInRow.min, CHARTER_LIMITS.absencesInRow.max, {
    required: "absences_in_row_required",
    invalid: "absences_in_row_invalid",
  }),
  absencesInYear: intField(CHARTER_LIMITS.absencesInYear.min, CHARTER_LIMITS.absencesInYear.max, {
    required: "absences_in_year_required",
    invalid: "absences_in_year_invalid",
  }),
  minutesApprovalDays: intField(CHARTER_LIMITS.minutesApprovalDays.min, CHARTER_LIMITS.minutesApprovalDays.max, {
    required: "minutes_approval_days_required",
    invalid: "minutes_approval_days_invalid",
  }),
  meetingsAdopt: z.enum(["yes", "no"], { errorMap: () => ({ message: "choice_invalid" }) }).transform((v) => v === "yes"),
};

/** The whole charter of a council that exists: the term, votes, proposals, threads and its meetings. */
export const CouncilCharterSchema = z
  .object({ ...charterFields, ...meetingFields })
  .superRefine(refineTerm)
  .superRefine((value, ctx) => {
    if (value.meetingQuorumKind === "percent" && value.meetingQuorum > CHARTER_LIMITS.meetingQuorumPercent.max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["meetingQuorum"], message: "meeting_quorum_percent_invalid" });
    }
  })
  .transform(
    ({
      meetingsPerMonth,
      meetingQuorumKind,
      meetingQuorum,
      absencesInRow,
      absencesInYear,
      minutesApprovalDays,
      meetingsAdopt,
      ...charter
    }) => ({
      ...charter,
      meetings: { meetingsPerMonth, meetingQuorumKind, meetingQuorum, absencesInRow, absencesInYear, minutesApprovalDays, meetingsAdopt },
    }),
  );

export const NewTermSchema = z.object(termFields).superRefine(refineTerm);

/** A council decision's reason (suspending, dissolving, removing a member): the one home of its 5–500 length. */
export const COUNCIL_REASON = { min: 5, max: 500 } as const;

function councilReasonField() {
  return textField({ ...COUNCIL_REASON, required: "reason_required", tooShort: "reason_too_short", tooLong: "reason_too_long" });
}

export const CouncilStatusSchema = z.object({
  change: z.enum(["suspend", "resume", "dissolve"], { errorMap: () => ({ message: "choice_invalid" }) }),
  reason: councilReasonField(),
});

export const ApplySchema = z.object({
  statement: multilineField({ max: 1000, tooLong: "statement_too_long" }),
});

export const DecideSchema = z
  .object({
    applicationId: uuidField(),
    decision: z.enum(["approve", "reject"], { errorMap: () => ({ message: "choice_invalid" }) }),
    reason: z
      .string()
      .max(2000, "reason_too_long")
      .optional()
      .transform((v) => (v ?? "").trim()),
  })
  .superRefine((value, ctx) => {
    if (value.decision === "reject" && value.reason.length < 5) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reason"], message: "reject_reason_required" });
    }
    if (value.reason.length > 500) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reason"], message: "reason_too_long" });
  });

export const InviteSchema = z.object({ phone: phoneField() });

export const AppointSchema = z.object({
  membershipId: uuidField("member_required"),
  office: z.enum(["chair", "secretary"], { errorMap: () => ({ message: "choice_invalid" }) }),
  // The holder the manager saw when the page loaded ("none" when the office was empty).
  expectedHolder: z.string().max(40).optional().default("none"),
});

export const RemoveMemberSchema = z.object({
  membershipId: uuidField(),
  reason: councilReasonField(),
});

export const StaffSchema = z.object({
  phone: phoneField(),
  powers: z
    .array(z.enum(STAFF_POWERS, { errorMap: () => ({ message: "choice_invalid" }) }))
    .optional()
    .default([]),
});

/** Withdrawing an application or leaving a council: buttons only (who and which come from the session and the URL). */
export const CouncilStandingSchema = z.object({});

/** Changing an existing staff member's powers: the same checkboxes, aimed at one assignment. */
export const StaffPowersSchema = StaffSchema.pick({ powers: true }).extend({ assignmentId: uuidField() });

/** Accepting or declining an invitation to a council (the invitation is one of the person's own). */
export const InvitationAnswerSchema = z.object({ invitationId: uuidField("invitation_decided") });
