import { and, asc, desc, eq, gte, inArray, lt, ne } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { absenceReviews, councils, meetingAttendance, meetings, memberships, minutes, neighborhoods, users } from "../../../db/schema";
import { can, type Actor } from "../../utils/permissions";
import { normalizeText } from "../../utils/persian";
import { recordAudit } from "../audit.server";
import { absenceCrossing, type AbsenceCrossing, type AttendanceMark } from "../charter";
import { jalaliMonthRange, jalaliYearRange, type JalaliMonth } from "./calendar";
import { refusalOf, refuse, type Fail } from "./common.server";

const DAY = 86_400_000;

export type MinutesState = "approved" | "circulating" | "draft" | "missing";

export interface CouncilMonth {
  councilId: string;
  neighborhoodName: string;
  minimum: number;
  scheduled: number;
  held: number;
  heldWithQuorum: number;
  metMinimum: boolean;
  meetings: {
    id: string;
    number: number;
    startsAt: Date;
    status: string;
    quorumMet: boolean | null;
    minutes: MinutesState;
    /** Closed, and its minutes not approved within the charter's days after the meeting closed. */
    late: boolean;
  }[];
}

/**
 * The district manager's month: for each living council, how many meetings it held with quorum
 * against its charter's minimum, and where each meeting's minutes stand (approved — and so sent to
 * the district —, out for approval, a draft, missing, late).
 */
export async function districtMonth(db: Db, districtId: string, month: JalaliMonth, now = new Date()): Promise<CouncilMonth[]> {
  const { from, to } = jalaliMonthRange(month);
  const list = await db
    .select({ id: councils.id, name: neighborhoods.name, minimum: councils.meetingsPerMonth, approvalDays: councils.minutesApprovalDays })
    .from(councils)
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .where(and(eq(councils.districtId, districtId), ne(councils.status, "dissolved")))
    .orderBy(asc(neighborhoods.name));
  const rows = await db
    .select({
      id: meetings.id,
      councilId: meetings.councilId,
      number: meetings.number,
      startsAt: meetings.startsAt,
      status: meetings.status,
      quorumMet: meetings.quorumMet,
      closedAt: meetings.closedAt,
    })
    .from(meetings)
    .where(
      and(eq(meetings.districtId, districtId), gte(meetings.startsAt, from), lt(meetings.startsAt, to), ne(meetings.status, "cancelled")),
    )
    .orderBy(asc(meetings.startsAt));
  const minuteRows = rows.length
    ? await db
        .select({ meetingId: minutes.meetingId, status: minutes.status, version: minutes.version })
        .from(minutes)
        .where(
          inArray(
            minutes.meetingId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(desc(minutes.version))
    : [];
  // The state of a meeting's record: approved if any version was approved (a correction in the
  // making does not undo the approved one), else the newest version's.
  const stateOf = new Map<string, MinutesState>();
  for (const m of minuteRows) {
    if (m.status === "approved") stateOf.set(m.meetingId, "approved");
    else if (!stateOf.has(m.meetingId)) stateOf.set(m.meetingId, m.status);
  }
  return list.map((council) => {
    const own = rows.filter((r) => r.councilId === council.id);
    const held = own.filter((r) => r.status === "closed");
    const heldWithQuorum = held.filter((r) => r.quorumMet).length;
    return {
      councilId: council.id,
      neighborhoodName: council.name,
      minimum: council.minimum,
      scheduled: own.length,
      held: held.length,
      heldWithQuorum,
      metMinimum: heldWithQuorum >= council.minimum,
      meetings: own.map((r) => {
        const state = r.status === "closed" ? (stateOf.get(r.id) ?? "missing") : "missing";
        const late = r.status === "closed" && state !== "approved" && r.closedAt!.getTime() + council.approvalDays * DAY < now.getTime();
        return { id: r.id, number: r.number, startsAt: r.startsAt, status: r.status, quorumMet: r.quorumMet, minutes: state, late };
      }),
    };
  });
}

export interface AbsenceCase {
  membershipId: string;
  userId: string;
  name: string;
  councilId: string;
  neighborhoodName: string;
  crossing: NonNullable<AbsenceCrossing>;
}

/**
 * Members of the district's councils whose unexcused absences in a Jalali year cross their
 * charter's rule, and who have not been reviewed since the last absence that counts. Meetings
 * before the member's seat began do not count.
 */
export async function absenceCases(db: Db, districtId: string, year: number): Promise<AbsenceCase[]> {
  const { from, to } = jalaliYearRange(year);
  const rows = await db
    .select({
      membershipId: memberships.id,
      userId: memberships.userId,
      name: users.displayName,
      councilId: councils.id,
      neighborhoodName: neighborhoods.name,
      absencesInRow: councils.absencesInRow,
      absencesInYear: councils.absencesInYear,
      startedAt: memberships.startedAt,
      meetingId: meetings.id,
      startsAt: meetings.startsAt,
      mark: meetingAttendance.status,
    })
    .from(memberships)
    .innerJoin(councils, eq(councils.id, memberships.councilId))
    .innerJoin(neighborhoods, eq(neighborhoods.id, councils.neighborhoodId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(
      meetings,
      and(eq(meetings.councilId, councils.id), eq(meetings.status, "closed"), gte(meetings.startsAt, from), lt(meetings.startsAt, to)),
    )
    .leftJoin(meetingAttendance, and(eq(meetingAttendance.meetingId, meetings.id), eq(meetingAttendance.userId, memberships.userId)))
    .where(and(eq(councils.districtId, districtId), eq(memberships.status, "active")))
    .orderBy(asc(memberships.id), asc(meetings.startsAt));
  const reviews = await db
    .select({ membershipId: absenceReviews.membershipId, decidedAt: absenceReviews.decidedAt })
    .from(absenceReviews)
    .innerJoin(councils, eq(councils.id, absenceReviews.councilId))
    .where(eq(councils.districtId, districtId))
    .orderBy(desc(absenceReviews.decidedAt));
  const lastReview = new Map<string, Date>();
  for (const r of reviews) if (!lastReview.has(r.membershipId)) lastReview.set(r.membershipId, r.decidedAt);
  const byMember = new Map<string, typeof rows>();
  for (const row of rows) {
    if (row.startsAt < row.startedAt) continue;
    // A review answers what came before it: only later meetings count again.
    const reviewed = lastReview.get(row.membershipId);
    if (reviewed && row.startsAt <= reviewed) continue;
    byMember.set(row.membershipId, [...(byMember.get(row.membershipId) ?? []), row]);
  }
  const cases: AbsenceCase[] = [];
  for (const [membershipId, record] of byMember) {
    const first = record[0]!;
    const crossing = absenceCrossing(
      first,
      record.map((r) => (r.mark ?? null) as AttendanceMark | null),
    );
    if (crossing) {
      cases.push({
        membershipId,
        userId: first.userId,
        name: first.name,
        councilId: first.councilId,
        neighborhoodName: first.neighborhoodName,
        crossing,
      });
    }
  }
  return cases.sort((a, b) => a.neighborhoodName.localeCompare(b.neighborhoodName, "fa") || a.name.localeCompare(b.name, "fa"));
}

/**
 * The manager keeps a member who crossed the absence rule, with a note; the case leaves the list
 * until new absences cross it again. (Removing goes through the council's existing removal flow.)
 */
export async function keepAfterAbsences(
  db: Db,
  input: { actor: Actor; membershipId: string; note: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true } | Fail> {
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const [seat] = await tx
        .select({
          id: memberships.id,
          councilId: memberships.councilId,
          districtId: councils.districtId,
          status: memberships.status,
          userId: memberships.userId,
        })
        .from(memberships)
        .innerJoin(councils, eq(councils.id, memberships.councilId))
        .where(eq(memberships.id, input.membershipId));
      if (!seat) refuse("not_found");
      if (!can(input.actor, "district.absence.review", { kind: "district", districtId: seat.districtId })) refuse("forbidden");
      if (seat.status !== "active") refuse("not_a_member");
      const note = normalizeText(input.note, { multiline: true });
      if (note.length < 3 || note.length > 1000) refuse("note_required");
      await tx.insert(absenceReviews).values({
        membershipId: seat.id,
        councilId: seat.councilId,
        outcome: "kept",
        note,
        decidedBy: input.actor.id,
        decidedAt: input.now ?? new Date(),
      });
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "absence.kept",
        subjectType: "membership",
        subjectId: seat.id,
        districtId: seat.districtId,
        councilId: seat.councilId,
        reason: note,
        requestId,
      });
      return { ok: true as const };
    }),
  );
}

/**
 * The month's report as the district page shows it, for a person the permission module lets read
 * it: the district's own manager and staff, and the deputy's office. Another district's manager
 * is refused.
 */
export async function meetingReport(
  db: Db,
  input: { actor: Actor | null; districtId: string; month: JalaliMonth; now?: Date },
): Promise<{ ok: true; councils: CouncilMonth[]; absences: AbsenceCase[] } | Fail> {
  if (!can(input.actor, "district.meetings.report", { kind: "district", districtId: input.districtId }))
    return { ok: false, error: "forbidden" };
  const [councilsOfMonth, absences] = await Promise.all([
    districtMonth(db, input.districtId, input.month, input.now),
    absenceCases(db, input.districtId, input.month.year),
  ]);
  return { ok: true, councils: councilsOfMonth, absences };
}
