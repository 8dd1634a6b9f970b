import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { councils, meetingAttendance, meetings, memberships, users, type Attendance } from "../../../db/schema";
import type { Actor } from "../../utils/permissions";
import { recordAudit } from "../audit.server";
import { meetingQuorumOf, tehranInstant, tehranToday, type QuorumState } from "../charter";
import { lockMeeting, refusalOf, refuse, requireCouncilPower, type Fail } from "./common.server";

/**
 * The chair or secretary opens the meeting when it begins: from then on the roll call is taken
 * and the page shows, live, whether the quorum is met.
 */
export async function openMeeting(
  db: Db,
  input: { actor: Actor; meetingId: string; now?: Date },
  requestId?: string,
): Promise<{ ok: true } | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "scheduled") refuse("meeting_not_scheduled");
      await tx.update(meetings).set({ status: "in_session", openedAt: now }).where(eq(meetings.id, meeting.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "meeting.opened",
        subjectType: "meeting",
        subjectId: meeting.id,
        districtId: meeting.districtId,
        councilId: meeting.councilId,
        isPublic: true,
        data: { number: meeting.number },
        requestId,
      });
      return { ok: true as const };
    }),
  );
}

export interface RollCallEntry {
  userId: string;
  name: string;
  role: "member" | "chair" | "secretary" | null;
  status: Attendance | null;
  arrivedAt: Date | null;
}

export interface RollCall {
  meetingId: string;
  entries: RollCallEntry[];
  seats: number;
  quorum: QuorumState;
}

/**
 * Marks one member present, absent, excused or late (late with the time they came, '18:10'). One
 * row per member per meeting (the key): marking again changes the row. Only the council's active
 * members can be marked, only while the meeting is in session.
 */
export async function markAttendance(
  db: Db,
  input: { actor: Actor; meetingId: string; userId: string; status: Attendance; arrivedAt?: string | null; now?: Date },
): Promise<({ ok: true } & RollCall) | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "in_session") refuse("meeting_not_in_session");
      const [seat] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.councilId, council.id), eq(memberships.userId, input.userId), eq(memberships.status, "active")));
      if (!seat) refuse("not_a_member");
      let arrivedAt: Date | null = null;
      if (input.status === "late") {
        if (!input.arrivedAt?.trim()) refuse("late_time_required");
        arrivedAt = tehranInstant(tehranToday(meeting.openedAt ?? now), input.arrivedAt);
        if (!arrivedAt) refuse("time_invalid");
      }
      await tx
        .insert(meetingAttendance)
        .values({ meetingId: meeting.id, userId: input.userId, status: input.status, arrivedAt, markedBy: input.actor.id, markedAt: now })
        .onConflictDoUpdate({
          target: [meetingAttendance.meetingId, meetingAttendance.userId],
          set: { status: input.status, arrivedAt, markedBy: input.actor.id, markedAt: now },
        });
      return { ok: true as const, ...(await rollCallIn(tx, meeting, council)) };
    }),
  );
}

/**
 * Ends the meeting. Members not marked are recorded absent; the seats, the members present, the
 * quorum needed and whether it was met are written down once, here. A meeting without quorum is
 * recorded as such and its minutes take no decisions.
 */
export async function closeMeeting(
  db: Db,
  input: { actor: Actor; meetingId: string; now?: Date },
  requestId?: string,
): Promise<({ ok: true } & RollCall) | Fail> {
  const now = input.now ?? new Date();
  return refusalOf(() =>
    db.transaction(async (tx) => {
      const { meeting, council } = await lockMeeting(tx, input.meetingId);
      requireCouncilPower(input.actor, "council.meeting.run", council);
      if (meeting.status !== "in_session") refuse("meeting_not_in_session");
      await tx.execute(sql`
        insert into meeting_attendance (meeting_id, user_id, status, marked_by, marked_at)
        select ${meeting.id}, m.user_id, 'absent', ${input.actor.id}, ${now.toISOString()}::timestamptz
        from memberships m where m.council_id = ${council.id} and m.status = 'active'
        on conflict (meeting_id, user_id) do nothing`);
      const call = await rollCallIn(tx, meeting, council);
      await tx
        .update(meetings)
        .set({
          status: "closed",
          closedAt: now,
          seats: call.seats,
          presentCount: call.quorum.present,
          quorumNeeded: call.quorum.needed,
          quorumMet: call.quorum.met,
        })
        .where(eq(meetings.id, meeting.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "meeting.closed",
        subjectType: "meeting",
        subjectId: meeting.id,
        districtId: meeting.districtId,
        councilId: meeting.councilId,
        isPublic: true,
        data: { number: meeting.number, present: call.quorum.present, needed: call.quorum.needed, quorumMet: call.quorum.met },
        requestId,
      });
      return { ok: true as const, ...call };
    }),
  );
}

type MeetingRow = typeof meetings.$inferSelect;

async function rollCallIn(
  db: Db,
  meeting: Pick<MeetingRow, "id" | "councilId" | "status" | "seats">,
  council: { meetingQuorumKind: "count" | "percent"; meetingQuorum: number },
): Promise<RollCall> {
  // Before closing: every active member, marked or not. After: the record as it was closed.
  const closed = meeting.status === "closed";
  const marked = await db
    .select({
      userId: meetingAttendance.userId,
      status: meetingAttendance.status,
      arrivedAt: meetingAttendance.arrivedAt,
      name: users.displayName,
    })
    .from(meetingAttendance)
    .innerJoin(users, eq(users.id, meetingAttendance.userId))
    .where(eq(meetingAttendance.meetingId, meeting.id));
  const seats = await db
    .select({ userId: memberships.userId, role: memberships.role, name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.councilId, meeting.councilId), eq(memberships.status, "active")))
    .orderBy(asc(users.displayName));
  const byUser = new Map(marked.map((m) => [m.userId, m]));
  const roleOf = new Map(seats.map((s) => [s.userId, s.role]));
  const people = closed ? marked.map((m) => ({ userId: m.userId, name: m.name })) : seats;
  const entries: RollCallEntry[] = people.map((p) => ({
    userId: p.userId,
    name: p.name,
    role: roleOf.get(p.userId) ?? null,
    status: byUser.get(p.userId)?.status ?? null,
    arrivedAt: byUser.get(p.userId)?.arrivedAt ?? null,
  }));
  entries.sort((a, b) => a.name.localeCompare(b.name, "fa"));
  const seatCount = closed && meeting.seats != null ? meeting.seats : seats.length;
  return {
    meetingId: meeting.id,
    entries,
    seats: seatCount,
    quorum: meetingQuorumOf(
      council,
      seatCount,
      entries.map((e) => e.status),
    ),
  };
}

/** The roll call as the meeting page shows it, live while in session. */
export async function rollCallOf(db: Db, meetingId: string): Promise<RollCall | null> {
  const [row] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  if (!row) return null;
  const [council] = await db.select().from(councils).where(eq(councils.id, row.councilId));
  const call = await rollCallIn(db, row, council!);
  if (row.status === "closed" && row.quorumNeeded != null) {
    call.quorum = { present: row.presentCount!, needed: row.quorumNeeded, met: Boolean(row.quorumMet) };
  }
  return call;
}

/** Whether a person was at a closed meeting (present or late): who may answer its minutes. */
export async function attended(db: Db, meetingId: string, userId: string) {
  const [row] = await db
    .select({ status: meetingAttendance.status })
    .from(meetingAttendance)
    .where(and(eq(meetingAttendance.meetingId, meetingId), eq(meetingAttendance.userId, userId)));
  return row?.status === "present" || row?.status === "late";
}
