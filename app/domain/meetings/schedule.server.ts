import { and, asc, eq, gte, inArray, lt, max, ne, notInArray, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { councils, meetingAgendaItems, meetings, memberships, proposals, users, type MeetingKind } from "../../../db/schema";
import type { Actor } from "../../utils/permissions";
import { normalizeText, parseJalaliDate } from "../../utils/persian";
import { recordAudit } from "../audit.server";
import { tehranInstant } from "../charter";
import { lockMeeting, refusalOf, refuse, requireCouncilPower, type Fail } from "./common.server";
import { noticeOfMeetings } from "./notice.server";

export interface MeetingTimes {
  /** The day as people type it in the Jalali calendar: «۱۴۰۵/۰۹/۱۵». */
  date: string;
  /** Wall-clock times in Tehran: '17:00'. */
  start: string;
  end: string;
}

/** A meeting's instants from what the form said, or the reason it cannot be. */
export function meetingWindow(times: MeetingTimes, now: Date) {
  const iso = parseJalaliDate(times.date);
  if (!iso) refuse("date_invalid");
  const startsAt = tehranInstant(iso, times.start);
  const endsAt = tehranInstant(iso, times.end);
  if (!startsAt || !endsAt) refuse("time_invalid");
  if (endsAt <= startsAt) refuse("end_before_start");
  if (startsAt <= now) refuse("date_past");
  return { startsAt, endsAt };
}

function checkedPlace(place: string) {
  const clean = normalizeText(place);
  if (clean.length < 2 || clean.length > 200) refuse("place_invalid");
  return clean;
}

async function lockActiveCouncil(tx: Db, actor: Actor, councilId: string) {
  const [council] = await tx.select().from(councils).where(eq(councils.id, councilId)).for("update");
  if (!council) refuse("not_found");
  requireCouncilPower(actor, "council.meeting.run", council);
  if (council.status !== "active") refuse("meetings_council_inactive");
  const [{ last }] = (await tx
    .select({ last: max(meetings.number) })
    .from(meetings)
    .where(eq(meetings.councilId, councilId))) as [{ last: number | null }];
  return { council, nextNumber: Number(last ?? 0) + 1 };
}

/** The council's chair now, who chairs a meeting unless the form names another member. */
async function councilChair(tx: Db, councilId: string) {
  const [chair] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.councilId, councilId), eq(memberships.status, "active"), eq(memberships.role, "chair")));
  return chair?.userId ?? null;
}

export interface ScheduleInput extends MeetingTimes {
  actor: Actor;
  councilId: string;
  kind: MeetingKind;
  place: string;
  invitees?: string;
  now?: Date;
}

/**
 * The chair or secretary schedules one meeting: a regular one on the council's calendar, or an
 * extra (فوق‌العاده) one. Never in the past, never on a day the Jalali calendar does not have.
 * Numbers follow each other within the council (the council row is locked to hand them out).
 */
export async function scheduleMeeting(
  db: Db,
  input: ScheduleInput,
  requestId?: string,
): Promise<{ ok: true; meetingId: string; number: number } | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { council, nextNumber } = await lockActiveCouncil(tx, input.actor, input.councilId);
      const { startsAt, endsAt } = meetingWindow(input, now);
      const place = checkedPlace(input.place);
      const [row] = await tx
        .insert(meetings)
        .values({
          councilId: council.id,
          districtId: council.districtId,
          number: nextNumber,
          kind: input.kind,
          startsAt,
          endsAt,
          place,
          chairId: await councilChair(tx, council.id),
          invitees: normalizeText(input.invitees ?? "", { multiline: true }).slice(0, 1000),
          createdBy: input.actor.id,
        })
        .returning({ id: meetings.id });
      await noticeOfMeetings(tx, { councilId: council.id, meetingIds: [row!.id], kind: input.kind, actorId: input.actor.id });
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "meeting.scheduled",
        subjectType: "meeting",
        subjectId: row!.id,
        districtId: council.districtId,
        councilId: council.id,
        isPublic: true,
        data: { number: nextNumber, kind: input.kind, startsAt: startsAt.toISOString() },
        requestId,
      });
      return { ok: true as const, meetingId: row!.id, number: nextNumber };
    }),
  );
}

/**
 * The yearly schedule: many regular meetings at once, each on its own Jalali day, same hours and
 * place. All or nothing: one impossible or past date refuses the whole list and says which.
 */
export async function scheduleYear(
  db: Db,
  input: { actor: Actor; councilId: string; dates: string[]; start: string; end: string; place: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true; meetingIds: string[] } | (Fail & { date?: string })> {
  const now = input.now ?? new Date();
  const dates = input.dates.map((d) => d.trim()).filter(Boolean);
  let current: string | undefined;
  const result = await refusalOf(() =>
    db.transaction(async (tx) => {
      if (!dates.length) refuse("schedule_empty");
      const { council, nextNumber } = await lockActiveCouncil(tx, input.actor, input.councilId);
      const place = checkedPlace(input.place);
      const chairId = await councilChair(tx, council.id);
      const windows = dates.map((date) => {
        current = date;
        return meetingWindow({ date, start: input.start, end: input.end }, now);
      });
      current = undefined;
      windows.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
      const rows = await tx
        .insert(meetings)
        .values(
          windows.map((w, i) => ({
            councilId: council.id,
            districtId: council.districtId,
            number: nextNumber + i,
            kind: "regular" as const,
            startsAt: w.startsAt,
            endsAt: w.endsAt,
            place,
            chairId,
            createdBy: input.actor.id,
          })),
        )
        .returning({ id: meetings.id });
      await noticeOfMeetings(tx, { councilId: council.id, meetingIds: rows.map((r) => r.id), kind: "regular", actorId: input.actor.id });
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "meeting.scheduled",
        subjectType: "council",
        subjectId: council.id,
        districtId: council.districtId,
        councilId: council.id,
        isPublic: true,
        data: { count: rows.length, from: windows[0]!.startsAt.toISOString(), to: windows.at(-1)!.startsAt.toISOString() },
        requestId,
      });
      return { ok: true as const, meetingIds: rows.map((r) => r.id) };
    }),
  );
  return !result.ok && current ? { ...result, date: current } : result;
}

export async function cancelMeeting(
  db: Db,
  input: { actor: Actor; meetingId: string; reason: string },
  requestId?: string,
): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "scheduled") refuse("meeting_not_scheduled");
      const reason = normalizeText(input.reason);
      if (reason.length < 3) refuse("note_required");
      await tx.update(meetings).set({ status: "cancelled", cancelReason: reason }).where(eq(meetings.id, meeting.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "meeting.cancelled",
        subjectType: "meeting",
        subjectId: meeting.id,
        districtId: meeting.districtId,
        councilId: meeting.councilId,
        isPublic: true,
        reason,
        data: { number: meeting.number },
        requestId,
      });
      return { ok: true as const };
    }),
  );
}

// ---------------------------------------------------------------------------
// Agenda

/**
 * Adds a proposal that is on the council's agenda, or a free item with its title. Only before the
 * meeting opens: the agenda is public beforehand, and what was discussed goes into the minutes.
 */
export async function addAgendaItem(
  db: Db,
  input: { actor: Actor; meetingId: string; proposalId?: string | null; title?: string | null },
): Promise<{ ok: true; itemId: string } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "scheduled") refuse("meeting_not_scheduled");
      let title = normalizeText(input.title ?? "");
      if (input.proposalId) {
        const [proposal] = await tx
          .select({ title: proposals.title, status: proposals.status })
          .from(proposals)
          .where(and(eq(proposals.id, input.proposalId), eq(proposals.councilId, council.id)));
        if (!proposal || !["on_agenda", "voting"].includes(proposal.status)) refuse("proposal_not_on_agenda");
        title = proposal.title;
      } else if (title.length < 2 || title.length > 200) {
        refuse("agenda_title_invalid");
      }
      const [{ last }] = (await tx
        .select({ last: max(meetingAgendaItems.position) })
        .from(meetingAgendaItems)
        .where(eq(meetingAgendaItems.meetingId, meeting.id))) as [{ last: number | null }];
      const [row] = await tx
        .insert(meetingAgendaItems)
        .values({ meetingId: meeting.id, position: Number(last ?? 0) + 1, proposalId: input.proposalId ?? null, title })
        .returning({ id: meetingAgendaItems.id });
      return { ok: true as const, itemId: row!.id };
    }),
  );
}

export async function removeAgendaItem(db: Db, input: { actor: Actor; meetingId: string; itemId: string }): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "scheduled") refuse("meeting_not_scheduled");
      const gone = await tx
        .delete(meetingAgendaItems)
        .where(and(eq(meetingAgendaItems.id, input.itemId), eq(meetingAgendaItems.meetingId, meeting.id)))
        .returning({ id: meetingAgendaItems.id });
      if (!gone.length) refuse("not_found");
      return { ok: true as const };
    }),
  );
}

/** Proposals on the council's agenda that this meeting's agenda does not have yet. */
export async function agendaCandidates(db: Db, meetingId: string, councilId: string) {
  const taken = db
    .select({ id: meetingAgendaItems.proposalId })
    .from(meetingAgendaItems)
    .where(and(eq(meetingAgendaItems.meetingId, meetingId), sql`${meetingAgendaItems.proposalId} is not null`));
  return db
    .select({ id: proposals.id, title: proposals.title })
    .from(proposals)
    .where(and(eq(proposals.councilId, councilId), inArray(proposals.status, ["on_agenda", "voting"]), notInArray(proposals.id, taken)))
    .orderBy(asc(proposals.statusChangedAt))
    .limit(50);
}

// ---------------------------------------------------------------------------
// Reading

export type MeetingRow = typeof meetings.$inferSelect;

export async function getMeeting(db: Db, meetingId: string) {
  const [row] = await db
    .select({ meeting: meetings, council: councils, chairName: users.displayName })
    .from(meetings)
    .innerJoin(councils, eq(councils.id, meetings.councilId))
    .leftJoin(users, eq(users.id, meetings.chairId))
    .where(eq(meetings.id, meetingId));
  if (!row) return null;
  const agenda = await db
    .select({
      id: meetingAgendaItems.id,
      position: meetingAgendaItems.position,
      title: meetingAgendaItems.title,
      proposalId: meetingAgendaItems.proposalId,
    })
    .from(meetingAgendaItems)
    .where(eq(meetingAgendaItems.meetingId, meetingId))
    .orderBy(asc(meetingAgendaItems.position));
  return { ...row, agenda };
}

/** A council's meetings between two instants (its calendar), cancelled ones included and marked. */
export async function meetingsOfCouncil(db: Db, councilId: string, range: { from: Date; to: Date }) {
  return db
    .select({
      id: meetings.id,
      number: meetings.number,
      kind: meetings.kind,
      status: meetings.status,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      place: meetings.place,
      quorumMet: meetings.quorumMet,
    })
    .from(meetings)
    .where(and(eq(meetings.councilId, councilId), gte(meetings.startsAt, range.from), lt(meetings.startsAt, range.to)))
    .orderBy(asc(meetings.startsAt));
}

/** The next meetings of a council that are still to come (for its page and its neighborhood's). */
export async function upcomingMeetings(db: Db, councilId: string, now = new Date(), limit = 6) {
  return db
    .select({
      id: meetings.id,
      number: meetings.number,
      kind: meetings.kind,
      status: meetings.status,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      place: meetings.place,
    })
    .from(meetings)
    .where(and(eq(meetings.councilId, councilId), ne(meetings.status, "cancelled"), gte(meetings.endsAt, now)))
    .orderBy(asc(meetings.startsAt))
    .limit(limit);
}
