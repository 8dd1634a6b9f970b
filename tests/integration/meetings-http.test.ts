import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { circulateMinutes, respondToMinutes, saveMinutes, startMinutes } from "../../app/domain/meetings/minutes.server";
import { closeMeeting, markAttendance, openMeeting } from "../../app/domain/meetings/roll-call.server";
import { scheduleMeeting } from "../../app/domain/meetings/schedule.server";
import { loadCurrentUser } from "../../app/domain/users.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { toJalaliInput } from "../../app/utils/persian";
import { councils, districts, meetingAttendance, memberships, minutes, neighborhoods, roleAssignments, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { testCharter } from "../support/fixtures";
import { Browserless, visibleText } from "../support/http";
import { scaled } from "../support/wait";

/** The meeting's bad inputs through the real server: refused on the form, never a 500, nothing written. */
describe.each(BACKENDS)("meetings over HTTP on %s", (backend) => {
  let app: TestApp;
  let councilId = "";
  let meetingId = "";
  let openMeetingId = "";
  let districtId = "";
  const client: Record<string, Browserless> = {};
  const id: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    const [d1, d2] = await db
      .insert(districts)
      .values([
        { number: 1, name: "منطقه یک", nameKey: "منطقه یک" },
        { number: 2, name: "منطقه دو", nameKey: "منطقه دو" },
      ])
      .returning({ id: districts.id });
    districtId = d1!.id;
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId, name: "کوی بهار", nameKey: "کوی بهار" })
      .returning({ id: neighborhoods.id });
    const names = ["secretary", "chair", "member", "absentee", "managerForeign", "manager", "deputy"];
    const rows = await db
      .insert(users)
      .values(
        names.map((n, i) => ({ phone: `+98912${String(5_000_000 + i).padStart(7, "0")}`, displayName: `شخص ${n}`, passwordHash: "x" })),
      )
      .returning({ id: users.id });
    names.forEach((n, i) => (id[n] = rows[i]!.id));
    const council = await createCouncil(db, id.chair!, hood!.id, testCharter({ meetings: { meetingQuorum: 2 } }));
    if (!council.ok) throw new Error(council.error);
    councilId = council.id;
    await db.insert(memberships).values([
      { councilId, userId: id.secretary!, termNumber: 1, role: "secretary" },
      { councilId, userId: id.chair!, termNumber: 1, role: "chair" },
      { councilId, userId: id.member!, termNumber: 1, role: "member" },
      { councilId, userId: id.absentee!, termNumber: 1, role: "member" },
    ]);
    await db.insert(roleAssignments).values([
      { userId: id.managerForeign!, role: "district_manager", districtId: d2!.id },
      { userId: id.manager!, role: "district_manager", districtId },
      { userId: id.deputy!, role: "deputy" },
    ]);
    const cookie = sessionCookie(app.env.SESSION_SECRET, false);
    for (const n of names) {
      const c = new Browserless(app.baseUrl);
      const [pair] = (await cookie.serialize(await createSession(db, id[n]!))).split(";");
      const i = pair!.indexOf("=");
      c.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
      client[n] = c;
    }
    // A held meeting with approved minutes (secretary and chair present), and one in session.
    const secretary = (await loadCurrentUser(db, id.secretary!))!;
    const day = toJalaliInput(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
    const s = await scheduleMeeting(db, {
      actor: secretary,
      councilId,
      kind: "regular",
      date: day,
      start: "17:00",
      end: "19:00",
      place: "سرای محله",
    });
    if (!s.ok) throw new Error(s.error);
    meetingId = s.meetingId;
    await openMeeting(db, { actor: secretary, meetingId });
    await markAttendance(db, { actor: secretary, meetingId, userId: id.secretary!, status: "present" });
    await markAttendance(db, { actor: secretary, meetingId, userId: id.chair!, status: "present" });
    await closeMeeting(db, { actor: secretary, meetingId });
    const m = await startMinutes(db, { actor: secretary, meetingId });
    if (!m.ok) throw new Error(m.error);
    await saveMinutes(db, { actor: secretary, minutesId: m.minutesId, summary: "جلسه برگزار شد.", items: [] });
    await circulateMinutes(db, { actor: secretary, minutesId: m.minutesId });
    await respondToMinutes(db, { actor: secretary, minutesId: m.minutesId, verdict: "approve" });
    await respondToMinutes(db, { actor: (await loadCurrentUser(db, id.chair!))!, minutesId: m.minutesId, verdict: "approve" });
    const o = await scheduleMeeting(db, {
      actor: secretary,
      councilId,
      kind: "extra",
      date: day,
      start: "20:00",
      end: "21:00",
      place: "سرای محله",
    });
    if (!o.ok) throw new Error(o.error);
    openMeetingId = o.meetingId;
    await openMeeting(db, { actor: secretary, meetingId: openMeetingId });
  }, scaled(180_000));
  afterAll(async () => {
    await app?.close();
  });

  it("refuses a meeting in the past or on an impossible Jalali day beside the date field", async () => {
    const cases: [string, string][] = [
      ["۱۴۰۴/۱۲/۳۰", "تاریخ را به شکل ۱۴۰۵/۰۹/۰۱"],
      [toJalaliInput(new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10)), "این تاریخ و ساعت گذشته است"],
    ];
    for (const [date, message] of cases) {
      const r = await client.secretary!.post(`/councils/${councilId}/meetings`, {
        intent: "schedule",
        kind: "regular",
        date,
        start: "17:00",
        end: "19:00",
        place: "سرای محله شمالی",
      });
      expect(r.status).toBe(409);
      const text = visibleText(await r.text());
      expect(text).toContain(message);
    }
  });

  it("lets no one but the secretary or chair take the roll call, and only of members", async () => {
    const member = await client.member!.post(`/meetings/${openMeetingId}`, { intent: "mark", userId: id.member!, status: "present" });
    expect(member.status).toBe(403);
    const outsider = await client.secretary!.post(`/meetings/${openMeetingId}`, {
      intent: "mark",
      userId: id.managerForeign!,
      status: "present",
    });
    expect(outsider.status).toBe(409);
    expect(await app.database.db.select().from(meetingAttendance).where(eq(meetingAttendance.meetingId, openMeetingId))).toEqual([]);
  });

  it("never edits approved minutes through the form", async () => {
    const before = await app.database.db.select().from(minutes).where(eq(minutes.meetingId, meetingId));
    const r = await client.secretary!.post(`/meetings/${meetingId}`, { intent: "minutes-save", summary: "دستکاری پس از تأیید" });
    expect(r.status).toBe(409);
    expect(visibleText(await r.text())).toContain("تأیید و قفل شده است");
    const d = await client.secretary!.post(`/meetings/${meetingId}`, { intent: "decision-add", text: "مصوبه پنهانی", responsible: "کسی" });
    expect(d.status).toBe(409);
    expect(await app.database.db.select().from(minutes).where(eq(minutes.meetingId, meetingId))).toEqual(before);
  });

  it("keeps a district's month from another district's manager", async () => {
    const r = await client.managerForeign!.get(`/manage/districts/${districtId}/meetings`);
    expect(r.status).toBe(403);
  });

  it("shows and saves the charter's meeting rules on the manager's council page, refusing beside the field", async () => {
    const db = app.database.db;
    const page = visibleText(await (await client.manager!.get(`/manage/councils/${councilId}`)).text());
    for (const label of [
      "کمینه جلسه در ماه",
      "حد نصاب جلسه",
      "غیبت پیاپی برای بازبینی عضویت",
      "مهلت تأیید صورتجلسه (روز)",
      "آیا جلسه می‌تواند طرحی را تصویب کند؟",
    ]) {
      expect(page).toContain(label);
    }
    const [council] = await db.select().from(councils).where(eq(councils.id, councilId));
    const form = {
      intent: "charter",
      termStart: toJalaliInput(council!.termStart),
      termEnd: toJalaliInput(council!.termEnd),
      quorumPercent: String(council!.quorumPercent),
      votingPeriodDays: String(council!.votingPeriodHours / 24),
      majorityRule: council!.majorityRule,
      proposers: council!.proposers,
      supportThreshold: String(council!.supportThreshold),
      ballot: council!.ballot,
      authorMaySupport: "yes",
      reportsToHide: String(council!.reportsToHide),
      threadPosters: council!.threadPosters,
      chairsModerate: "no",
      meetingsPerMonth: "۳",
      meetingQuorumKind: "percent",
      meetingQuorum: "150",
      absencesInRow: "4",
      absencesInYear: "8",
      minutesApprovalDays: "10",
      meetingsAdopt: "yes",
    };
    const refused = await client.manager!.post(`/manage/councils/${councilId}`, form);
    expect(refused.status).toBe(400);
    const text = visibleText(await refused.text());
    expect(text).toContain("حد نصاب درصدی جلسه عددی از ۱ تا ۱۰۰ است.");
    const bad = visibleText(
      await (await client.manager!.post(`/manage/councils/${councilId}`, { ...form, meetingQuorum: "60", meetingsPerMonth: "۹" })).text(),
    );
    expect(bad).toContain("شمار جلسه‌های ماهانه عددی از ۰ تا ۸ است.");
    const [unchanged] = await db.select().from(councils).where(eq(councils.id, councilId));
    expect(unchanged).toEqual(council);
    // The chair (not the manager) may not change the charter.
    expect((await client.chair!.post(`/manage/councils/${councilId}`, { ...form, meetingQuorum: "60" })).status).toBe(403);

    const saved = await client.manager!.post(`/manage/councils/${councilId}`, { ...form, meetingQuorum: "60" });
    expect(saved.status).toBeLessThan(400);
    const [after] = await db.select().from(councils).where(eq(councils.id, councilId));
    expect(after).toMatchObject({
      meetingsPerMonth: 3,
      meetingQuorumKind: "percent",
      meetingQuorum: 60,
      absencesInRow: 4,
      absencesInYear: 8,
      minutesApprovalDays: 10,
      meetingsAdopt: true,
    });
    // Put back what the other cases rely on.
    await db.update(councils).set({ meetingQuorumKind: "count", meetingQuorum: 2, meetingsAdopt: false }).where(eq(councils.id, councilId));
  });

  it("lets the deputy open a district's month report, and no other page of the district desk", async () => {
    const report = await client.deputy!.get(`/manage/districts/${districtId}/meetings`);
    expect(report.status).toBe(200);
    expect(visibleText(await report.text())).toContain("کوی بهار");
    expect((await client.deputy!.get(`/manage/districts/${districtId}`)).status).toBe(403);
    expect((await client.deputy!.get(`/manage/districts/${districtId}/applications`)).status).toBe(403);
    expect((await client.deputy!.get(`/manage`)).status).toBe(403);
    expect(
      (
        await client.deputy!.post(`/manage/districts/${districtId}/meetings`, {
          intent: "keep",
          membershipId: "00000000-0000-4000-8000-000000000000",
          note: "بماند",
        })
      ).status,
    ).toBe(403);
    // A member who is not a chair is not let in by the new admission.
    expect((await client.member!.get(`/manage/districts/${districtId}/meetings`)).status).toBe(403);
    // The deputy's desk links to each district's report.
    expect(await (await client.deputy!.get("/deputy")).text()).toContain(`/manage/districts/${districtId}/meetings`);
  });

  it("shows chairs and managers the way to the policies addressed to them, and not other members", async () => {
    for (const who of ["chair", "manager"]) {
      const html = await (await client[who]!.get("/me/councils")).text();
      expect(html).toContain('href="/policies"');
    }
    expect(await (await client.member!.get("/me/councils")).text()).not.toContain('href="/policies"');
  });
});
