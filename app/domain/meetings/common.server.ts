import { and, count, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { councils, meetings, memberships } from "../../../db/schema";
import { isUniqueViolation, violatedConstraint } from "../../utils/db-errors.server";
import { can, type Action, type Actor } from "../../utils/permissions";
import { Refusal, refusalOf as baseRefusalOf } from "../refusal.server";
import type { MeetingError } from "./meeting-error";

export type Fail = { ok: false; error: MeetingError };

/** Database refusals that mean something to the person: a lost race, or the lock on approved minutes. */
function translateMeeting(error: unknown): MeetingError | null {
  if (violatedConstraint(error) === "minutes_locked") return "minutes_locked";
  if (isUniqueViolation(error, "minutes_one_open_per_meeting")) return "minutes_exist";
  if (isUniqueViolation(error, "meeting_agenda_items_proposal_key")) return "agenda_item_exists";
  if (isUniqueViolation(error)) return "concurrent_change";
  return null;
}

export function refusalOf<T>(work: () => Promise<T>) {
  return baseRefusalOf<T, MeetingError>(work, translateMeeting);
}

export function refuse(error: MeetingError): never {
  throw new Refusal<MeetingError>(error);
}

/** The meeting and its council's charter, the meeting row locked for the rest of the transaction. */
export async function lockMeeting(tx: Db, meetingId: string) {
  const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, meetingId)).for("update");
  if (!meeting) refuse("not_found");
  const [council] = await tx.select().from(councils).where(eq(councils.id, meeting.councilId));
  return { meeting, council: council! };
}

/** Refuses unless the permission module lets the actor do `action` in the meeting's council. */
export function requireCouncilPower(actor: Actor, action: Action, council: { id: string; districtId: string }) {
  if (!can(actor, action, { kind: "council", councilId: council.id, districtId: council.districtId })) refuse("forbidden");
}

export async function activeSeatCount(db: Db, councilId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.councilId, councilId), eq(memberships.status, "active")));
  return Number(row?.n ?? 0);
}
