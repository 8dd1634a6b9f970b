import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil, type CharterInput, type MeetingCharter } from "../../app/domain/councils.server";
import { absenceCases, keepAfterAbsences, meetingReport } from "../../app/domain/meetings/district-report.server";
import {
  addDecision,
  circulateMinutes,
  minutesOf,
  respondToMinutes,
  saveMinutes,
  startCorrection,
  startMinutes,
} from "../../app/domain/meetings/minutes.server";
import { closeMeeting, markAttendance, openMeeting, rollCallOf } from "../../app/domain/meetings/roll-call.server";
import { addAgendaItem, scheduleMeeting, scheduleYear } from "../../app/domain/meetings/schedule.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { loadCurrentUser, type CurrentUser } from "../../app/domain/users.server";
import { violatedConstraint } from "../../app/utils/db-errors.server";
import { toJalaliInput } from "../../app/utils/persian";
import {
  districts,
  meetingAttendance,
  meetings,
  memberships,
  minutes,
  minutesDecisions,
  neighborhoods,
  notices,
  proposalEvents,
  proposals,
  roleAssignments,
  users,
} from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { addDays, testCharter } from "../support/fixtures";

const DAY = 86_400_000;

/** The constraint a write broke, as the database names it (under whatever the driver wrapped). */
async function refusedBy(write: Promise<unknown>) {
  try {
    await write;
  } catch (error) {
    return violatedConstraint(error);
  }
  return "written";
}
/** A Jalali day `days` from now, as a person types it. */
const jalaliIn = (days: number) => toJalaliInput(new Date(Date.now() + days * DAY).toISOString().slice(0, 10));

describe.each(BACKENDS)("meetings on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];
  let districtId: string;
  let otherDistrictId: string;
  let manager: CurrentUser;
  let otherManager: CurrentUser;
  let categoryId: string;
  let seq = 0;

  async function person(name: string) {
    const [row] = await db
      .insert(users)
      .values({ phone: `+98912${String(3_000_000 + seq++).padStart(7, "0")}`, displayName: name, passwordHash: "x" })
      .returning({ id: users.id });
    return row!.id;
  }
  const actor = async (id: string) => (await loadCurrentUser(db, id))!;

  /** A council with a chair, a secretary and `plain` more members. */
  async function council(plain: number, meetingRules: Partial<MeetingCharter> = {}, charter: Partial<CharterInput> = {}) {
    const n = seq++;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: `محله جلسه ${n}`, nameKey: `meeting-hood-${n}` })
      .returning({ id: neighborhoods.id });
    const created = await createCouncil(db, manager.id, hood!.id, testCharter({ ...charter, meetings: meetingRules }));
    if (!created.ok) throw new Error(created.error);
    const chairId = await person(`رئیس ${n}`);
    const secretaryId = await person(`دبیر ${n}`);
    const memberIds = await Promise.all(Array.from({ length: plain }, (_, i) => person(`عضو ${n}-${i}`)));
    await db
      .insert(memberships)
      .values([
        { councilId: created.id, userId: chairId, termNumber: 1, role: "chair" as const },
        { councilId: created.id, userId: secretaryId, termNumber: 1, role: "secretary" as const },
        ...memberIds.map((userId) => ({ councilId: created.id, userId, termNumber: 1 })),
      ]);
    return {
      councilId: created.id,
      chair: await actor(chairId),
      secretary: await actor(secretaryId),
      memberIds,
      allIds: [chairId, secretaryId, ...memberIds],
    };
  }

  async function scheduled(c: Awaited<ReturnType<typeof council>>, days = 3) {
    const result = await scheduleMeeting(db, {
      actor: c.secretary,
      councilId: c.councilId,
      kind: "regular",
      date: jalaliIn(days),
      start: "17:00",
      end: "19:00",
      place: "سرای محله",
    });
    if (!result.ok) throw new Error(result.error);
    return result.meetingId;
  }

  /** A closed meeting where the first `present` people of the council were present, the rest absent. */
  async function held(c: Awaited<ReturnType<typeof council>>, present: number) {
    const meetingId = await scheduled(c);
    expect(await openMeeting(db, { actor: c.secretary, meetingId })).toEqual({ ok: true });
    for (const [i, userId] of c.allIds.entries()) {
      const r = await markAttendance(db, { actor: c.secretary, meetingId, userId, status: i < present ? "present" : "absent" });
      expect(r.ok).toBe(true);
    }
    const closed = await closeMeeting(db, { actor: c.secretary, meetingId });
    if (!closed.ok) throw new Error(closed.error);
    return meetingId;
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
    const [d1, d2] = await db
      .insert(districts)
      .values([
        { number: 11, name: "منطقه ۱۱", nameKey: "district-11" },
        { number: 12, name: "منطقه ۱۲", nameKey: "district-12" },
      ])
      .returning({ id: districts.id });
    districtId = d1!.id;
    otherDistrictId = d2!.id;
    const managerId = await person("مدیر منطقه");
    const otherManagerId = await person("مدیر منطقه دیگر");
    await db.insert(roleAssignments).values([
      { userId: managerId, role: "district_manager", districtId },
      { userId: otherManagerId, role: "district_manager", districtId: otherDistrictId },
    ]);
    manager = await actor(managerId);
    otherManager = await actor(otherManagerId);
    const category = await createCategory(db, "فرهنگی", 1);
    if (!category.ok) throw new Error(category.error);
    categoryId = category.id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  describe("scheduling", () => {
    it("numbers a council's meetings and takes the charter's defaults from the bylaws", async () => {
      const c = await council(4);
      const first = await scheduleMeeting(db, {
        actor: c.chair,
        councilId: c.councilId,
        kind: "regular",
        date: jalaliIn(2),
        start: "17:00",
        end: "19:00",
        place: "سرای محله",
      });
      const extra = await scheduleMeeting(db, {
        actor: c.secretary,
        councilId: c.councilId,
        kind: "extra",
        date: jalaliIn(4),
        start: "۱۸:۰۰".replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))),
        end: "20:00",
        place: "مسجد محله",
      });
      expect(first).toMatchObject({ ok: true, number: 1 });
      expect(extra).toMatchObject({ ok: true, number: 2 });
      const [row] = await db
        .select()
        .from(meetings)
        .where(eq(meetings.id, (extra as { meetingId: string }).meetingId));
      expect(row).toMatchObject({ kind: "extra", status: "scheduled", place: "مسجد محله" });
      expect(row!.chairId).toBe(c.chair.id);
      // Members are told through the inbox: one notice per scheduling, to the council's members.
      const told = await db
        .select()
        .from(notices)
        .where(eq(notices.itemKey, `meeting:${(extra as { meetingId: string }).meetingId}`));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        kind: "meeting_scheduled",
        link: `/meetings/${(extra as { meetingId: string }).meetingId}`,
        audience: { councilMembers: c.councilId },
      });
    });

    it("refuses a meeting in the past, on an impossible Jalali day, or ending before it starts", async () => {
      const c = await council(1);
      const base = {
        actor: c.secretary,
        councilId: c.councilId,
        kind: "regular" as const,
        start: "17:00",
        end: "19:00",
        place: "سرای محله",
      };
      expect(await scheduleMeeting(db, { ...base, date: jalaliIn(-2) })).toEqual({ ok: false, error: "date_past" });
      // 1404 is a common year: Esfand has 29 days.
      expect(await scheduleMeeting(db, { ...base, date: "۱۴۰۴/۱۲/۳۰" })).toEqual({ ok: false, error: "date_invalid" });
      expect(await scheduleMeeting(db, { ...base, date: "۱۴۰۵/۱۳/۰۱" })).toEqual({ ok: false, error: "date_invalid" });
      expect(await scheduleMeeting(db, { ...base, date: jalaliIn(3), start: "19:00", end: "18:00" })).toEqual({
        ok: false,
        error: "end_before_start",
      });
      expect(await scheduleMeeting(db, { ...base, date: jalaliIn(3), place: " " })).toEqual({ ok: false, error: "place_invalid" });
      expect(await db.select().from(meetings).where(eq(meetings.councilId, c.councilId))).toEqual([]);
    });

    it("lets only the chair or the secretary schedule", async () => {
      const c = await council(1);
      const base = {
        councilId: c.councilId,
        kind: "regular" as const,
        date: jalaliIn(3),
        start: "17:00",
        end: "19:00",
        place: "سرای محله",
      };
      expect(await scheduleMeeting(db, { ...base, actor: await actor(c.memberIds[0]!) })).toEqual({ ok: false, error: "forbidden" });
      expect(await scheduleMeeting(db, { ...base, actor: manager })).toEqual({ ok: false, error: "forbidden" });
    });

    it("schedules a year all or nothing, and says which date was wrong", async () => {
      const c = await council(1);
      const base = { actor: c.secretary, councilId: c.councilId, start: "17:00", end: "19:00", place: "سرای محله" };
      const bad = await scheduleYear(db, { ...base, dates: [jalaliIn(10), "۱۴۰۴/۱۲/۳۰", jalaliIn(20)] });
      expect(bad).toEqual({ ok: false, error: "date_invalid", date: "۱۴۰۴/۱۲/۳۰" });
      expect(await db.select().from(meetings).where(eq(meetings.councilId, c.councilId))).toEqual([]);
      const good = await scheduleYear(db, { ...base, dates: [jalaliIn(20), jalaliIn(10), jalaliIn(30)] });
      expect(good.ok && good.meetingIds.length).toBe(3);
      const rows = await db
        .select({ number: meetings.number, startsAt: meetings.startsAt })
        .from(meetings)
        .where(eq(meetings.councilId, c.councilId))
        .orderBy(meetings.number);
      expect(rows.map((r) => r.number)).toEqual([1, 2, 3]);
      // Numbered in date order.
      expect(rows[0]!.startsAt < rows[1]!.startsAt && rows[1]!.startsAt < rows[2]!.startsAt).toBe(true);
    });

    it("builds the agenda from proposals on the council's agenda and free items", async () => {
      const c = await council(1);
      const meetingId = await scheduled(c);
      const filed = await fileProposal(db, {
        title: "روشنایی کوچه شهید",
        body: "کوچه شب‌ها تاریک است و رفت‌وآمد سخت.",
        categoryId,
        place: "",
        councilId: c.councilId,
        authorId: c.memberIds[0]!,
      });
      if (!filed.ok) throw new Error(filed.error);
      expect(await addAgendaItem(db, { actor: c.secretary, meetingId, proposalId: filed.id })).toEqual({
        ok: false,
        error: "proposal_not_on_agenda",
      });
      await putOnAgenda(db, filed.id, manager.id);
      expect((await addAgendaItem(db, { actor: c.secretary, meetingId, proposalId: filed.id })).ok).toBe(true);
      expect(await addAgendaItem(db, { actor: c.secretary, meetingId, proposalId: filed.id })).toEqual({
        ok: false,
        error: "agenda_item_exists",
      });
      expect(await addAgendaItem(db, { actor: c.secretary, meetingId, title: "" })).toEqual({ ok: false, error: "agenda_title_invalid" });
      expect((await addAgendaItem(db, { actor: c.secretary, meetingId, title: "گزارش مالی" })).ok).toBe(true);
      expect(await addAgendaItem(db, { actor: await actor(c.memberIds[0]!), meetingId, title: "مورد دیگر" })).toEqual({
        ok: false,
        error: "forbidden",
      });
    });
  });

  describe("roll call", () => {
    it("shows the quorum reached as members are marked, one row per member", async () => {
      const c = await council(6);
      const meetingId = await scheduled(c);
      expect(await markAttendance(db, { actor: c.secretary, meetingId, userId: c.memberIds[0]!, status: "present" })).toEqual({
        ok: false,
        error: "meeting_not_in_session",
      });
      await openMeeting(db, { actor: c.chair, meetingId });
      let last;
      for (const userId of c.allIds.slice(0, 5))
        last = await markAttendance(db, { actor: c.secretary, meetingId, userId, status: "present" });
      expect(last).toMatchObject({ ok: true, seats: 8, quorum: { present: 5, needed: 6, met: false } });
      last = await markAttendance(db, { actor: c.secretary, meetingId, userId: c.allIds[5]!, status: "late", arrivedAt: "17:20" });
      expect(last).toMatchObject({ ok: true, quorum: { present: 6, needed: 6, met: true } });
      // Marking again changes the one row.
      last = await markAttendance(db, { actor: c.secretary, meetingId, userId: c.allIds[0]!, status: "excused" });
      expect(last).toMatchObject({ ok: true, quorum: { present: 5, met: false } });
      const rows = await db
        .select()
        .from(meetingAttendance)
        .where(and(eq(meetingAttendance.meetingId, meetingId), eq(meetingAttendance.userId, c.allIds[0]!)));
      expect(rows).toHaveLength(1);
      // The database keeps it one row per member, whoever writes.
      await expect(db.insert(meetingAttendance).values({ meetingId, userId: c.allIds[0]!, status: "present" })).rejects.toThrow();
      const call = await rollCallOf(db, meetingId);
      expect(call!.entries.find((e) => e.userId === c.allIds[5])!.arrivedAt!.toISOString()).toMatch(/T13:50:00/);
    });

    it("is taken only by the secretary or the chair, of members only, late with a time", async () => {
      const c = await council(2);
      const other = await council(1);
      const meetingId = await scheduled(c);
      await openMeeting(db, { actor: c.secretary, meetingId });
      const member = await actor(c.memberIds[0]!);
      expect(await markAttendance(db, { actor: member, meetingId, userId: c.memberIds[0]!, status: "present" })).toEqual({
        ok: false,
        error: "forbidden",
      });
      expect(await markAttendance(db, { actor: manager, meetingId, userId: c.memberIds[0]!, status: "present" })).toEqual({
        ok: false,
        error: "forbidden",
      });
      // The other council's secretary has no power here.
      expect(await markAttendance(db, { actor: other.secretary, meetingId, userId: c.memberIds[0]!, status: "present" })).toEqual({
        ok: false,
        error: "forbidden",
      });
      expect(await markAttendance(db, { actor: c.secretary, meetingId, userId: other.memberIds[0]!, status: "present" })).toEqual({
        ok: false,
        error: "not_a_member",
      });
      expect(await markAttendance(db, { actor: c.secretary, meetingId, userId: manager.id, status: "present" })).toEqual({
        ok: false,
        error: "not_a_member",
      });
      expect(await markAttendance(db, { actor: c.secretary, meetingId, userId: c.memberIds[0]!, status: "late" })).toEqual({
        ok: false,
        error: "late_time_required",
      });
      expect(
        await markAttendance(db, { actor: c.secretary, meetingId, userId: c.memberIds[0]!, status: "late", arrivedAt: "25:00" }),
      ).toEqual({ ok: false, error: "time_invalid" });
      expect(await db.select().from(meetingAttendance).where(eq(meetingAttendance.meetingId, meetingId))).toEqual([]);
    });

    it("records the quorum when the meeting closes, unmarked members absent", async () => {
      const c = await council(6, { meetingQuorumKind: "percent", meetingQuorum: 50 });
      const meetingId = await scheduled(c);
      await openMeeting(db, { actor: c.secretary, meetingId });
      for (const userId of c.allIds.slice(0, 3)) await markAttendance(db, { actor: c.secretary, meetingId, userId, status: "present" });
      const closed = await closeMeeting(db, { actor: c.secretary, meetingId });
      expect(closed).toMatchObject({ ok: true, seats: 8, quorum: { present: 3, needed: 4, met: false } });
      const [row] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
      expect(row).toMatchObject({ status: "closed", presentCount: 3, quorumNeeded: 4, quorumMet: false, seats: 8 });
      const marks = await db.select().from(meetingAttendance).where(eq(meetingAttendance.meetingId, meetingId));
      expect(marks.filter((m) => m.status === "absent")).toHaveLength(5);
    });
  });

  describe("minutes", () => {
    it("are drafted, approved by a majority of those present, and then locked for good", async () => {
      const c = await council(4, { meetingQuorum: 3 });
      const meetingId = await held(c, 3);
      const started = await startMinutes(db, { actor: c.secretary, meetingId });
      if (!started.ok) throw new Error(started.error);
      const { minutesId } = started;
      expect(
        await saveMinutes(db, {
          actor: c.secretary,
          minutesId,
          summary: "جلسه با حضور سه عضو برگزار شد.",
          items: [{ title: "گزارش مالی", summary: "گزارش خوانده شد." }],
        }),
      ).toEqual({ ok: true });
      expect(await addDecision(db, { actor: c.secretary, minutesId, text: "  ", responsible: "دبیر" })).toEqual({
        ok: false,
        error: "decision_text_required",
      });
      expect(await addDecision(db, { actor: c.secretary, minutesId, text: "جشن محله در پارک برگزار شود", responsible: "" })).toEqual({
        ok: false,
        error: "responsible_required",
      });
      expect(
        await addDecision(db, { actor: c.secretary, minutesId, text: "جشن محله برگزار شود", responsible: "دبیر", dueOn: "۱۴۰۴/۱۲/۳۰" }),
      ).toEqual({ ok: false, error: "due_invalid" });
      expect(
        await addDecision(db, {
          actor: c.secretary,
          minutesId,
          text: "جشن محله در پارک برگزار شود",
          responsible: "کمیته فرهنگی",
          dueOn: jalaliIn(30),
        }),
      ).toMatchObject({ ok: true, number: 1 });
      expect(
        await addDecision(db, { actor: c.secretary, minutesId, text: "نامه به شهرداری نوشته شود", responsible: "دبیر" }),
      ).toMatchObject({ ok: true, number: 2 });
      expect(await addDecision(db, { actor: await actor(c.memberIds[0]!), minutesId, text: "تصمیم دیگر", responsible: "دبیر" })).toEqual({
        ok: false,
        error: "forbidden",
      });

      // Answers wait until the minutes are sent round.
      expect(await respondToMinutes(db, { actor: c.chair, minutesId, verdict: "approve" })).toEqual({
        ok: false,
        error: "not_circulating",
      });
      expect(await circulateMinutes(db, { actor: c.secretary, minutesId })).toMatchObject({ ok: true });
      expect(await saveMinutes(db, { actor: c.secretary, minutesId, summary: "تغییر", items: [] })).toEqual({
        ok: false,
        error: "minutes_not_draft",
      });

      // Present: chair, secretary, first member. Absent: the rest.
      expect(await respondToMinutes(db, { actor: await actor(c.memberIds[2]!), minutesId, verdict: "approve" })).toEqual({
        ok: false,
        error: "not_present",
      });
      expect(await respondToMinutes(db, { actor: manager, minutesId, verdict: "approve" })).toEqual({ ok: false, error: "forbidden" });
      expect(await respondToMinutes(db, { actor: await actor(c.memberIds[0]!), minutesId, verdict: "object", comment: "" })).toEqual({
        ok: false,
        error: "comment_required",
      });
      expect(
        await respondToMinutes(db, { actor: await actor(c.memberIds[0]!), minutesId, verdict: "object", comment: "ساعت پایان اشتباه است" }),
      ).toMatchObject({ ok: true, approved: false });
      expect(await respondToMinutes(db, { actor: c.chair, minutesId, verdict: "approve" })).toMatchObject({
        ok: true,
        approved: false,
        approvals: 1,
        present: 3,
      });
      expect(await respondToMinutes(db, { actor: c.secretary, minutesId, verdict: "approve" })).toMatchObject({
        ok: true,
        approved: true,
        approvals: 2,
      });

      const [record] = await minutesOf(db, meetingId);
      expect(record).toMatchObject({ status: "approved", version: 1 });
      expect(record!.decisions.map((d) => d.number)).toEqual([1, 2]);

      // Locked: the app refuses…
      expect(await saveMinutes(db, { actor: c.secretary, minutesId, summary: "تغییر", items: [] })).toEqual({
        ok: false,
        error: "minutes_locked",
      });
      expect(await addDecision(db, { actor: c.secretary, minutesId, text: "تصمیم دیگر", responsible: "دبیر" })).toEqual({
        ok: false,
        error: "minutes_locked",
      });
      expect(await respondToMinutes(db, { actor: await actor(c.memberIds[0]!), minutesId, verdict: "approve" })).toEqual({
        ok: false,
        error: "minutes_locked",
      });
      // …and so does the database, to anyone typing SQL.
      expect(await refusedBy(db.execute(sql`update minutes set summary = 'دستکاری' where id = ${minutesId}`))).toBe("minutes_locked");
      expect(await refusedBy(db.execute(sql`delete from minutes where id = ${minutesId}`))).toBe("minutes_locked");
      expect(
        await refusedBy(db.update(minutesDecisions).set({ text: "دستکاری شده" }).where(eq(minutesDecisions.minutesId, minutesId))),
      ).toBe("minutes_locked");
      expect(await refusedBy(db.delete(minutesDecisions).where(eq(minutesDecisions.minutesId, minutesId)))).toBe("minutes_locked");
      expect(await refusedBy(db.insert(minutesDecisions).values({ minutesId, number: 9, text: "افزوده پنهانی", responsible: "کسی" }))).toBe(
        "minutes_locked",
      );
      const [after] = await db.select().from(minutes).where(eq(minutes.id, minutesId));
      expect(after!.summary).toBe("جلسه با حضور سه عضو برگزار شد.");

      // A correction is a new record naming the approved one.
      const correction = await startCorrection(db, { actor: c.secretary, minutesId });
      if (!correction.ok) throw new Error(correction.error);
      expect(await startCorrection(db, { actor: c.secretary, minutesId })).toEqual({ ok: false, error: "minutes_exist" });
      const versions = await minutesOf(db, meetingId);
      expect(versions.map((v) => [v.version, v.status, v.correctsId])).toEqual([
        [2, "draft", minutesId],
        [1, "approved", null],
      ]);
      expect(versions[0]!.decisions.map((d) => d.text)).toEqual(record!.decisions.map((d) => d.text));
    });

    it("take no decisions at a meeting without quorum, and only tallies the charter allows", async () => {
      const c = await council(4, { meetingQuorum: 3 });
      const without = await held(c, 2);
      const m1 = await startMinutes(db, { actor: c.secretary, meetingId: without });
      if (!m1.ok) throw new Error(m1.error);
      expect(
        await addDecision(db, { actor: c.secretary, minutesId: m1.minutesId, text: "جشن محله برگزار شود", responsible: "دبیر" }),
      ).toEqual({ ok: false, error: "no_quorum_no_decisions" });
      expect(await startMinutes(db, { actor: c.secretary, meetingId: without })).toEqual({ ok: false, error: "minutes_exist" });
      expect(await circulateMinutes(db, { actor: c.secretary, minutesId: m1.minutesId })).toEqual({ ok: false, error: "minutes_empty" });

      const withQuorum = await held(c, 3);
      const m2 = await startMinutes(db, { actor: c.secretary, meetingId: withQuorum });
      if (!m2.ok) throw new Error(m2.error);
      expect(
        await addDecision(db, {
          actor: c.secretary,
          minutesId: m2.minutesId,
          text: "طرح تصویب شد",
          responsible: "دبیر",
          tally: { for: 2, against: 1, abstain: 0 },
        }),
      ).toEqual({
        ok: false,
        error: "proposal_not_on_agenda",
      });
    });

    it("adopt a proposal on the agenda by a show of hands when the charter allows, once the minutes are approved", async () => {
      const c = await council(4, { meetingQuorum: 3, meetingsAdopt: true });
      const meetingId = await scheduled(c);
      const agendaProposal = async (title: string) => {
        const filed = await fileProposal(db, {
          title,
          body: "متن طرح برای بررسی در جلسه شورا.",
          categoryId,
          place: "",
          councilId: c.councilId,
          authorId: c.memberIds[3]!,
        });
        if (!filed.ok) throw new Error(filed.error);
        await putOnAgenda(db, filed.id, manager.id);
        expect((await addAgendaItem(db, { actor: c.secretary, meetingId, proposalId: filed.id })).ok).toBe(true);
        return filed.id;
      };
      const carried = await agendaProposal("نیمکت برای پارک محله");
      const lost = await agendaProposal("تعطیلی بازارچه در جمعه‌ها");
      await openMeeting(db, { actor: c.secretary, meetingId });
      for (const [i, userId] of c.allIds.entries())
        await markAttendance(db, { actor: c.secretary, meetingId, userId, status: i < 3 ? "present" : "absent" });
      await closeMeeting(db, { actor: c.secretary, meetingId });
      const started = await startMinutes(db, { actor: c.secretary, meetingId });
      if (!started.ok) throw new Error(started.error);
      const { minutesId } = started;
      // More hands than members present is no tally.
      expect(
        await addDecision(db, {
          actor: c.secretary,
          minutesId,
          text: "طرح نیمکت تصویب شد",
          responsible: "دبیر",
          proposalId: carried,
          tally: { for: 3, against: 1, abstain: 0 },
        }),
      ).toEqual({ ok: false, error: "tally_invalid" });
      expect(
        (
          await addDecision(db, {
            actor: c.secretary,
            minutesId,
            text: "طرح نیمکت تصویب شد",
            responsible: "دبیر",
            proposalId: carried,
            tally: { for: 2, against: 1, abstain: 0 },
          })
        ).ok,
      ).toBe(true);
      expect(
        (
          await addDecision(db, {
            actor: c.secretary,
            minutesId,
            text: "طرح بازارچه تصویب نشد",
            responsible: "دبیر",
            proposalId: lost,
            tally: { for: 1, against: 2, abstain: 0 },
          })
        ).ok,
      ).toBe(true);
      expect(await saveMinutes(db, { actor: c.secretary, minutesId, summary: "دو طرح دستور کار بررسی شد.", items: [] })).toEqual({
        ok: true,
      });
      expect(await circulateMinutes(db, { actor: c.secretary, minutesId })).toMatchObject({ ok: true });
      const status = async (id: string) =>
        (await db.select({ status: proposals.status }).from(proposals).where(eq(proposals.id, id)))[0]!.status;
      // Nothing is adopted while the minutes can still change.
      expect(await respondToMinutes(db, { actor: c.chair, minutesId, verdict: "approve" })).toMatchObject({ ok: true, approved: false });
      expect(await status(carried)).toBe("on_agenda");
      // The page that approved them tells the adopted proposals' open pages (one state event each).
      expect(await respondToMinutes(db, { actor: c.secretary, minutesId, verdict: "approve" })).toMatchObject({
        ok: true,
        approved: true,
        adopted: [carried],
      });
      expect(await status(carried)).toBe("adopted");
      expect(await status(lost)).toBe("on_agenda");
      const events = await db
        .select()
        .from(proposalEvents)
        .where(and(eq(proposalEvents.proposalId, carried), eq(proposalEvents.kind, "adopted_in_meeting")));
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ for: 2, against: 1, abstain: 0, present: 3, decision: 1 });
      expect(
        await db
          .select()
          .from(proposalEvents)
          .where(and(eq(proposalEvents.proposalId, lost), eq(proposalEvents.kind, "adopted_in_meeting"))),
      ).toEqual([]);

      // A council whose charter does not let meetings adopt records no tally.
      const plain = await council(4, { meetingQuorum: 3 });
      const other = await scheduled(plain);
      const filed = await fileProposal(db, {
        title: "روشنایی کوچه باغ",
        body: "کوچه شب‌ها تاریک است و رفت‌وآمد سخت.",
        categoryId,
        place: "",
        councilId: plain.councilId,
        authorId: plain.memberIds[0]!,
      });
      if (!filed.ok) throw new Error(filed.error);
      await putOnAgenda(db, filed.id, manager.id);
      await addAgendaItem(db, { actor: plain.secretary, meetingId: other, proposalId: filed.id });
      await openMeeting(db, { actor: plain.secretary, meetingId: other });
      for (const userId of plain.allIds.slice(0, 3))
        await markAttendance(db, { actor: plain.secretary, meetingId: other, userId, status: "present" });
      await closeMeeting(db, { actor: plain.secretary, meetingId: other });
      const m = await startMinutes(db, { actor: plain.secretary, meetingId: other });
      if (!m.ok) throw new Error(m.error);
      expect(
        await addDecision(db, {
          actor: plain.secretary,
          minutesId: m.minutesId,
          text: "طرح تصویب شد",
          responsible: "دبیر",
          proposalId: filed.id,
          tally: { for: 3, against: 0, abstain: 0 },
        }),
      ).toEqual({ ok: false, error: "meetings_may_not_adopt" });
    });

    it("start only after the meeting closed", async () => {
      const c = await council(1);
      const meetingId = await scheduled(c);
      expect(await startMinutes(db, { actor: c.secretary, meetingId })).toEqual({ ok: false, error: "meeting_not_closed" });
    });
  });

  describe("the district's month", () => {
    it("shows who met the minimum and which minutes are late, to the district only", async () => {
      const c = await council(3, { meetingQuorum: 3, meetingsPerMonth: 2, minutesApprovalDays: 3 });
      // Meetings in a month long past: scheduled back then ("now" as it was).
      const then = new Date("2025-05-01T08:00:00Z"); // 1404/02/11
      const meetingIds: string[] = [];
      for (const day of ["۱۴۰۴/۰۲/۱۵", "۱۴۰۴/۰۲/۲۵"]) {
        const r = await scheduleMeeting(db, {
          actor: c.secretary,
          councilId: c.councilId,
          kind: "regular",
          date: day,
          start: "17:00",
          end: "19:00",
          place: "سرای محله",
          now: then,
        });
        if (!r.ok) throw new Error(r.error);
        meetingIds.push(r.meetingId);
      }
      for (const meetingId of meetingIds) {
        await openMeeting(db, { actor: c.secretary, meetingId, now: then });
        for (const userId of c.allIds.slice(0, 3))
          await markAttendance(db, { actor: c.secretary, meetingId, userId, status: "present", now: then });
        await closeMeeting(db, { actor: c.secretary, meetingId, now: then });
      }
      const month = { year: 1404, month: 2 };
      const denied = await meetingReport(db, { actor: otherManager, districtId, month });
      expect(denied).toEqual({ ok: false, error: "forbidden" });
      expect(await meetingReport(db, { actor: c.chair, districtId, month })).toEqual({ ok: false, error: "forbidden" });
      const report = await meetingReport(db, { actor: manager, districtId, month });
      if (!report.ok) throw new Error(report.error);
      const row = report.councils.find((r) => r.councilId === c.councilId)!;
      expect(row).toMatchObject({ minimum: 2, held: 2, heldWithQuorum: 2, metMinimum: true });
      expect(row.meetings.map((m) => [m.minutes, m.late])).toEqual([
        ["missing", true],
        ["missing", true],
      ]);
      // Two members were absent from both meetings: not yet three in a row.
      expect(report.absences.filter((a) => a.councilId === c.councilId)).toEqual([]);
    });

    it("lists members past the absence rule until the manager keeps them with a note", async () => {
      const c = await council(2, { meetingQuorum: 2, absencesInRow: 3 });
      const then = new Date("2025-06-01T08:00:00Z");
      for (const day of ["۱۴۰۴/۰۴/۰۱", "۱۴۰۴/۰۴/۰۸", "۱۴۰۴/۰۴/۱۵"]) {
        const r = await scheduleMeeting(db, {
          actor: c.secretary,
          councilId: c.councilId,
          kind: "regular",
          date: day,
          start: "17:00",
          end: "19:00",
          place: "سرای محله",
          now: then,
        });
        if (!r.ok) throw new Error(r.error);
        await openMeeting(db, { actor: c.secretary, meetingId: r.meetingId, now: then });
        await markAttendance(db, { actor: c.secretary, meetingId: r.meetingId, userId: c.allIds[0]!, status: "present", now: then });
        await markAttendance(db, { actor: c.secretary, meetingId: r.meetingId, userId: c.allIds[1]!, status: "present", now: then });
        await markAttendance(db, { actor: c.secretary, meetingId: r.meetingId, userId: c.memberIds[1]!, status: "excused", now: then });
        await closeMeeting(db, { actor: c.secretary, meetingId: r.meetingId, now: then });
      }
      // The memberships in this test began "today": count from an earlier start.
      await db
        .update(memberships)
        .set({ startedAt: new Date("2025-01-01T00:00:00Z") })
        .where(eq(memberships.councilId, c.councilId));
      const cases = (await absenceCases(db, districtId, 1404)).filter((a) => a.councilId === c.councilId);
      expect(cases.map((a) => [a.userId, a.crossing])).toEqual([[c.memberIds[0]!, { kind: "in_row", count: 3 }]]);
      const [seat] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.councilId, c.councilId), eq(memberships.userId, c.memberIds[0]!)));
      expect(await keepAfterAbsences(db, { actor: otherManager, membershipId: seat!.id, note: "بیمار بود" })).toEqual({
        ok: false,
        error: "forbidden",
      });
      expect(await keepAfterAbsences(db, { actor: manager, membershipId: seat!.id, note: "" })).toEqual({
        ok: false,
        error: "note_required",
      });
      expect(await keepAfterAbsences(db, { actor: manager, membershipId: seat!.id, note: "در سفر درمانی بود" })).toEqual({ ok: true });
      expect((await absenceCases(db, districtId, 1404)).filter((a) => a.councilId === c.councilId)).toEqual([]);
    });
  });

  it("keeps meeting numbers and the one-draft rule under concurrent scheduling", async () => {
    const c = await council(1);
    const results = await Promise.all(
      [5, 6, 7, 8].map((d) =>
        scheduleMeeting(db, {
          actor: c.secretary,
          councilId: c.councilId,
          kind: "regular",
          date: jalaliIn(d),
          start: "17:00",
          end: "19:00",
          place: "سرای محله",
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const numbers = (await db.select({ n: meetings.number }).from(meetings).where(eq(meetings.councilId, c.councilId)))
      .map((r) => r.n)
      .sort();
    expect(numbers).toEqual([1, 2, 3, 4]);
    expect(addDays("2026-01-01", 1)).toBe("2026-01-02");
  });
});
