/**
 * Every way the meeting, roll-call and minutes modules say "no". Browser-safe: the forms show each
 * as a sentence from the locale files (`meetings.error.<kind>`).
 */
export const MEETING_ERRORS = [
  "not_found",
  "forbidden",
  "meetings_council_inactive",
  "date_invalid",
  "date_past",
  "time_invalid",
  "end_before_start",
  "place_invalid",
  "schedule_empty",
  "meeting_not_scheduled",
  "meeting_not_in_session",
  "meeting_not_closed",
  "not_a_member",
  "late_time_required",
  "agenda_title_invalid",
  "proposal_not_on_agenda",
  "agenda_item_exists",
  "minutes_exist",
  "minutes_locked",
  "minutes_not_draft",
  "minutes_empty",
  "no_quorum_no_decisions",
  "decision_text_required",
  "responsible_required",
  "due_invalid",
  "meetings_may_not_adopt",
  "tally_invalid",
  "not_present",
  "not_circulating",
  "response_period_over",
  "comment_required",
  "summary_invalid",
  "note_required",
  "concurrent_change",
] as const;

export type MeetingError = (typeof MEETING_ERRORS)[number];
