import { and, eq, sql } from "drizzle-orm";
import { MEETING_STATUSES, meetings, minutes, minutesDecisions } from "../../../db/schema";
import type { Dataset } from "./dataset.server";

/** Council meetings: when, where, and the quorum written down when each closed. No roll call by name. */
export const meetingsDataset: Dataset = {
  name: "meetings",
  fields: [
    { key: "id", type: "uuid" },
    { key: "council_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "number", type: "integer", text: "meeting_number" },
    { key: "kind", type: "text", text: "meeting_kind" },
    { key: "status", type: "text", text: "meeting_status" },
    { key: "starts_at", type: "datetime" },
    { key: "ends_at", type: "datetime" },
    { key: "place", type: "text", text: "meeting_place" },
    { key: "present_count", type: "integer" },
    { key: "quorum_needed", type: "integer", text: "meeting_quorum_needed" },
    { key: "quorum_met", type: "boolean" },
    { key: "cancel_reason", type: "text" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: meetings.districtId },
    { name: "council", kind: "uuid", column: meetings.councilId },
    { name: "status", kind: "oneOf", values: MEETING_STATUSES, column: meetings.status },
  ],
  dateRange: { column: meetings.startsAt, field: "starts_at" },
  sorts: [{ name: "starts", column: meetings.startsAt, type: "datetime" }],
  defaultSort: "-starts",
  idColumn: meetings.id,
  read: (db, q) =>
    db
      .select({
        id: meetings.id,
        council_id: meetings.councilId,
        district_id: meetings.districtId,
        number: meetings.number,
        kind: meetings.kind,
        status: meetings.status,
        starts_at: meetings.startsAt,
        ends_at: meetings.endsAt,
        place: meetings.place,
        present_count: meetings.presentCount,
        quorum_needed: meetings.quorumNeeded,
        quorum_met: meetings.quorumMet,
        cancel_reason: meetings.cancelReason,
        _cursor: q.cursor,
      })
      .from(meetings)
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit),
};

/** Approved minutes only: a draft or minutes still sent round are the secretary's and members' work. */
export const minutesDataset: Dataset = {
  name: "minutes",
  fields: [
    { key: "id", type: "uuid" },
    { key: "meeting_id", type: "uuid" },
    { key: "meeting_number", type: "integer" },
    { key: "council_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "version", type: "integer", text: "minutes_version" },
    { key: "corrects_id", type: "uuid" },
    { key: "summary", type: "text", text: "minutes_summary" },
    { key: "decisions", type: "integer", text: "minutes_decisions" },
    { key: "approved_at", type: "datetime" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: minutes.districtId },
    { name: "council", kind: "uuid", column: minutes.councilId },
    { name: "meeting", kind: "uuid", column: minutes.meetingId },
  ],
  dateRange: { column: minutes.approvedAt, field: "approved_at" },
  sorts: [{ name: "approved", column: minutes.approvedAt, type: "datetime" }],
  defaultSort: "-approved",
  idColumn: minutes.id,
  read: (db, q) =>
    db
      .select({
        id: minutes.id,
        meeting_id: minutes.meetingId,
        meeting_number: meetings.number,
        council_id: minutes.councilId,
        district_id: minutes.districtId,
        version: minutes.version,
        corrects_id: minutes.correctsId,
        summary: minutes.summary,
        decisions: sql<number>`(select count(*) from ${minutesDecisions} where ${minutesDecisions.minutesId} = ${minutes.id})::int`,
        approved_at: minutes.approvedAt,
        _cursor: q.cursor,
      })
      .from(minutes)
      .innerJoin(meetings, eq(meetings.id, minutes.meetingId))
      .where(and(eq(minutes.status, "approved"), q.where))
      .orderBy(...q.orderBy)
      .limit(q.limit),
};

/** The numbered decisions («مقرر شد …») of approved minutes, with who is responsible and by when. */
export const minutesDecisionsDataset: Dataset = {
  name: "minutes-decisions",
  fields: [
    { key: "id", type: "uuid" },
    { key: "minutes_id", type: "uuid" },
    { key: "meeting_id", type: "uuid" },
    { key: "council_id", type: "uuid" },
    { key: "district_id", type: "uuid" },
    { key: "number", type: "integer", text: "decision_number" },
    { key: "text", type: "text", text: "decision_text" },
    { key: "responsible", type: "text" },
    { key: "due_on", type: "date" },
    { key: "proposal_id", type: "uuid", text: "decision_proposal_id" },
    { key: "tally_for", type: "integer" },
    { key: "tally_against", type: "integer" },
    { key: "tally_abstain", type: "integer" },
    { key: "approved_at", type: "datetime" },
  ],
  filters: [
    { name: "district", kind: "uuid", column: minutes.districtId },
    { name: "council", kind: "uuid", column: minutes.councilId },
    { name: "meeting", kind: "uuid", column: minutes.meetingId },
  ],
  dateRange: { column: minutes.approvedAt, field: "approved_at" },
  sorts: [{ name: "approved", column: minutes.approvedAt, type: "datetime" }],
  defaultSort: "-approved",
  idColumn: minutesDecisions.id,
  read: (db, q) =>
    db
      .select({
        id: minutesDecisions.id,
        minutes_id: minutesDecisions.minutesId,
        meeting_id: minutes.meetingId,
        council_id: minutes.councilId,
        district_id: minutes.districtId,
        number: minutesDecisions.number,
        text: minutesDecisions.text,
        responsible: minutesDecisions.responsible,
        due_on: minutesDecisions.dueOn,
        proposal_id: minutesDecisions.proposalId,
        tally_for: minutesDecisions.tallyFor,
        tally_against: minutesDecisions.tallyAgainst,
        tally_abstain: minutesDecisions.tallyAbstain,
        approved_at: minutes.approvedAt,
        _cursor: q.cursor,
      })
      .from(minutesDecisions)
      .innerJoin(minutes, eq(minutes.id, minutesDecisions.minutesId))
      .where(and(eq(minutes.status, "approved"), q.where))
      .orderBy(...q.orderBy)
      .limit(q.limit),
};
