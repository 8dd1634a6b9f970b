import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../app/domain/audit.server";
import { addDecision, circulateMinutes, respondToMinutes, saveMinutes, startMinutes } from "../../app/domain/meetings/minutes.server";
import { closeMeeting, markAttendance, openMeeting } from "../../app/domain/meetings/roll-call.server";
import { addAgendaItem, scheduleMeeting } from "../../app/domain/meetings/schedule.server";
import { decideReferral, referToCommission } from "../../app/domain/review.server";
import { loadCurrentUser } from "../../app/domain/users.server";
import { castBallot, closeDueVotes } from "../../app/domain/votes.server";
import { changeCouncilStatus } from "../../app/domain/councils.server";
import { removeMember } from "../../app/domain/membership.server";
import { PUBLIC_RECORD_PAGE } from "../../app/domain/public-record.server";
import { toJalaliInput } from "../../app/utils/persian";
import { auditLog, memberships, proposals, referrals } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { addDays, today } from "../support/dates";
import { appFactories, ok, type CouncilOptions } from "../support/factories";
import { Browserless, visibleText } from "../support/http";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const record = (await import("../../locales/fa/record.json", { with: { type: "json" } })).default.record;

const PHONE = "+989121112233";
/** Every way the private entries' phone number could be printed. */
const PHONE_FORMS = ["+989121112233", "09121112233", "9121112233", "۰۹۱۲۱۱۱۲۲۳۳", "۹۱۲۱۱۱۲۲۳۳", "912 111 2233", "۹۱۲ ۱۱۱ ۲۲۳۳"];
const TODAY = today();
const HOUR = 3_600_000;

/** The page's text without the isolation marks around names. */
const read = (html: string) => visibleText(html).replace(/[\u2068\u2069]/g, "");

describe.each(BACKENDS)("the public record on %s", (backend) => {
  let app: TestApp;
  let anonymous: Browserless;
  const id: Record<string, string> = {};
  let privateEntryId = 0;
  let make: ReturnType<typeof appFactories>;

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    make = appFactories(app);
    anonymous = new Browserless(app.baseUrl);
    id.district7 = await make.district({ number: 7, name: "منطقه هفت" });
    id.district8 = await make.district({ number: 8, name: "منطقه هشت" });
    const manager7 = await make.user({ name: "حسن مدیری", grants: [{ role: "district_manager", districtId: id.district7 }] });
    const manager8 = await make.user({ name: "رضا مدیری", grants: [{ role: "district_manager", districtId: id.district8 }] });
    const resident = await make.user({ name: "نرگس شهروند", phone: PHONE });
    id.manager7 = manager7.id;
    id.manager8 = manager8.id;
    // Real acts, through the domain.
    const ekbatan = await make.council({ founderId: manager7.id, districtId: id.district7, neighborhood: "اکباتان" });
    const golshan = await make.council({ founderId: manager8.id, districtId: id.district8, neighborhood: "گلشن" });
    id.ekbatan = ekbatan.id;
    id.ekbatanHood = ekbatan.neighborhoodId;
    id.golshan = golshan.id;
    await make.seat(ekbatan.id, [resident.id]);
    const [seat] = await db.select({ id: memberships.id }).from(memberships).where(eq(memberships.userId, resident.id));
    await removeMember(db, { actorId: manager7.id, councilId: ekbatan.id, membershipId: seat!.id, reason: "غیبت پیاپی در جلسه‌ها" });
    await changeCouncilStatus(db, manager8.id, golshan.id, "suspend", "برگزار نشدن جلسه در سه ماه");
    await recordAudit(db, {
      actorId: manager7.id,
      action: "neighborhood.created",
      subjectType: "neighborhood",
      subjectId: ekbatan.neighborhoodId,
      districtId: id.district7,
      data: { name: "اکباتان" },
    });
    // Private acts, with personal data in them.
    await recordAudit(db, {
      actorId: resident.id,
      action: "user.signed_up",
      subjectType: "user",
      subjectId: resident.id,
      data: { phone: PHONE },
    });
    await recordAudit(db, {
      actorId: resident.id,
      action: "user.password_reset",
      subjectType: "user",
      subjectId: resident.id,
      data: { phone: PHONE },
    });
    await recordAudit(db, {
      actorId: resident.id,
      action: "application.submitted",
      subjectType: "application",
      districtId: id.district7,
      councilId: ekbatan.id,
      isPublic: true, // a mistaken flag cannot make a private kind public
      data: { phone: PHONE, statement: "متن درخواست شخصی" },
    });
    await recordAudit(db, {
      actorId: manager7.id,
      action: "message.hide",
      subjectType: "message",
      districtId: id.district7,
      councilId: ekbatan.id,
      reason: "توهین به همسایه با نام و نشانی",
      data: { body: "متن پیام پنهان‌شده" },
    });
    const [last] = await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, "application.submitted"));
    privateEntryId = last!.id;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  async function page(path: string, status = 200) {
    const response = await anonymous.get(path);
    expect(response.status, path).toBe(status);
    const html = await response.text();
    return { html, text: read(html) };
  }

  it("tells who did what in Persian sentences, without signing in", async () => {
    const { text } = await page("/record");
    expect(text).toContain("مدیر منطقه ۷ شورای محله اکباتان را تشکیل داد.");
    expect(text).toContain("مدیر منطقه ۸ شورای محله گلشن را تشکیل داد.");
    expect(text).toContain("مدیر منطقه ۸ فعالیت شورای محله گلشن را معلق کرد.");
    expect(text).toContain("برگزار نشدن جلسه در سه ماه");
    expect(text).toContain("مدیر منطقه ۷ نرگس شهروند را از عضویت شورای محله اکباتان برکنار کرد.");
    expect(text).toContain("مدیر منطقه ۷ پیامی را در گفت‌وگوهای شورای محله اکباتان پنهان کرد.");
    expect(text).toContain("مدیر منطقه ۷ محله اکباتان را ثبت کرد.");
    expect(text).toContain(record.category.councils);
  });

  it("never shows private acts, phone numbers, moderated text or raw data", async () => {
    const { html, text } = await page("/record");
    for (const phone of PHONE_FORMS) expect(html.includes(phone), phone).toBe(false);
    for (const word of [
      "user.signed_up",
      "user.password_reset",
      "application.submitted",
      "متن درخواست شخصی",
      "متن پیام پنهان‌شده",
      "توهین به همسایه",
    ]) {
      expect(html.includes(word), word).toBe(false);
    }
    expect(text).not.toContain(fa.audit.action.user.signed_up.replace("{{actor}}", "").trim());
    expect(text).not.toMatch(/record\.|\{\{/);
  });

  it("links each entry to its subject's public page", async () => {
    const { html } = await page("/record");
    expect(html).toContain(`href="/councils/${id.ekbatan}"`);
    expect(html).toContain(`href="/districts/${id.district7}"`);
    expect(html).toContain(`href="/neighborhoods/${id.ekbatanHood}"`);
  });

  it("filters by district, council, kind and Jalali dates", async () => {
    const district = await page(`/record?district=${id.district8}`);
    expect(district.text).toContain("شورای محله گلشن را تشکیل داد");
    expect(district.text).not.toContain("شورای محله اکباتان را تشکیل داد");

    const council = await page(`/record?district=${id.district7}&council=${id.ekbatan}`);
    expect(council.text).toContain("شورای محله اکباتان را تشکیل داد");
    expect(council.text).not.toContain("گلشن را");

    const kind = await page("/record?kind=moderation");
    expect(kind.text).toContain("پنهان کرد");
    expect(kind.text).not.toContain("را تشکیل داد");

    const todayOnly = await page(`/record?from=${encodeURIComponent(toJalaliInput(TODAY))}&to=${encodeURIComponent(toJalaliInput(TODAY))}`);
    expect(todayOnly.text).toContain("شورای محله اکباتان را تشکیل داد");
    const lastYear = await page(
      `/record?from=${encodeURIComponent(toJalaliInput(addDays(TODAY, -400)))}&to=${encodeURIComponent(toJalaliInput(addDays(TODAY, -300)))}`,
    );
    expect(lastYear.text).toContain(record.empty);
    expect(lastYear.text).not.toContain("را تشکیل داد");
  });

  it("pages by a cursor, newest first, without repeats", async () => {
    const db = app.database.db;
    for (let i = 0; i < PUBLIC_RECORD_PAGE + 5; i++) {
      await recordAudit(db, {
        actorId: id.manager7,
        action: "council.charter_changed",
        subjectType: "council",
        subjectId: id.ekbatan,
        districtId: id.district7,
        councilId: id.ekbatan,
      });
    }
    const first = await page(`/record?council=${id.ekbatan}&district=${id.district7}`);
    const next = /href="\/record(\?[^"]*before=\d+[^"]*)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeTruthy();
    const second = await page(`/record${next}`);
    expect(second.text).toContain("شورای محله اکباتان را تشکیل داد");
    expect(first.text).not.toContain("شورای محله اکباتان را تشکیل داد");
    const count = (text: string) => text.split("اساسنامه شورای محله اکباتان را تغییر داد").length - 1;
    expect(count(first.text) + count(second.text)).toBe(PUBLIC_RECORD_PAGE + 5);
  });

  it("answers crafted input with the page and a notice, never a server error", async () => {
    const notice = fa.errors.query_invalid;
    for (const query of [
      "before=abc",
      "before=__proto__",
      "before=-1",
      "before=1e300",
      "before=99999999999999999999999",
      `before=${privateEntryId}`,
      "before=987654321",
      "district=__proto__",
      "district=constructor",
      `district=${encodeURIComponent("1' OR '1'='1")}`,
      `council=${encodeURIComponent("'; DROP TABLE audit_log; --")}`,
      `district=${id.district8}&council=${id.ekbatan}`,
      "kind=toString",
      "kind=private",
      `kind=${encodeURIComponent("moderation' OR 1=1")}`,
    ]) {
      const { text } = await page(`/record?${query}`);
      expect(text, query).toContain(notice);
      expect(text, query).toContain(record.title);
    }
    // A cursor at a private entry gives nothing of it away: the list starts over.
    const fromPrivate = await page(`/record?before=${privateEntryId}`);
    expect(fromPrivate.text).toContain("مدیر منطقه ۷ اساسنامه شورای محله اکباتان را تغییر داد.");
  });

  it("refuses date ranges that end before they start or span a century, and dates that do not exist", async () => {
    const reversed = await page(`/record?from=${encodeURIComponent("۱۴۰۵/۰۹/۱۰")}&to=${encodeURIComponent("۱۴۰۵/۰۹/۰۱")}`);
    expect(reversed.text).toContain(fa.errors.search_range_reversed);
    expect(reversed.text).not.toContain("را تشکیل داد");
    const century = await page(`/record?from=1300/01/01&to=1405/01/01`);
    expect(century.text).toContain(fa.errors.search_range_too_long);
    const unreal = await page(`/record?from=1405/13/40&to=${"۹".repeat(60)}`);
    expect(unreal.text).toContain(fa.errors.date_invalid);
    // What was typed stays in the form.
    expect(reversed.html).toContain('value="۱۴۰۵/۰۹/۱۰"');
  });

  it("keeps the details on the administrators' log", async () => {
    const admin = await make.signedIn({ name: "مدیر سامانه", grants: [{ role: "admin" }] });
    const response = await admin.client.get("/admin/audit");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("application.submitted");
    expect(html).toContain("user.signed_up");
    expect(read(html)).toContain(fa.admin.audit_private);
  });

  describe("votes, adoptions and commission decisions", () => {
    const place: Record<string, string> = {};
    let categoryId = "";
    let chairs: Record<string, string> = {};

    /** A council of district 8 with a chair, a secretary and `plain` more members. */
    async function councilOf(neighborhood: string, charter: CouncilOptions["charter"], plain = 3) {
      const council = await make.council({ founderId: id.manager8!, districtId: id.district8, neighborhood, charter });
      const [chair, secretary, ...others] = await make.users(plain + 2, { name: (i) => `عضو ${neighborhood} ${i + 1}` });
      await make.seat(council.id, [chair!], { role: "chair" });
      await make.seat(council.id, [secretary!], { role: "secretary" });
      await make.seat(council.id, others);
      return {
        councilId: council.id,
        chairId: chair!.id,
        secretaryId: secretary!.id,
        memberIds: [chair!.id, secretary!.id, ...idsOf(others)],
      };
    }
    const idsOf = (people: { id: string }[]) => people.map((p) => p.id);
    const councilPage = (councilId: string) => page(`/record?district=${id.district8}&council=${councilId}`);

    beforeAll(async () => {
      categoryId = await make.category("فضای سبز");
      place.commission = await make.commission("کمیسیون فرهنگی اجتماعی");
    });

    it("closes an open ballot with its result and totals, said by the platform, linked to the proposal", async () => {
      const db = app.database.db;
      const c = await councilOf("شهرک غرب", { ballot: "open" });
      chairs = { ...chairs, open: c.chairId };
      const opensAt = new Date(Date.now() - 3 * HOUR);
      const { proposalId } = await make.openVote({
        councilId: c.councilId,
        authorId: c.memberIds[2]!,
        categoryId,
        by: c.chairId,
        title: "نیمکت برای پارک محله",
        hours: 1,
        now: opensAt,
      });
      place.openProposal = proposalId;
      place.openCouncil = c.councilId;
      const castAt = new Date(opensAt.getTime() + 60_000);
      for (const [i, userId] of c.memberIds.entries())
        ok(await castBallot(db, { proposalId, userId, choice: i < 3 ? "for" : i === 3 ? "against" : "abstain", now: castAt }));
      const closed = await closeDueVotes(db);
      expect(closed.find((v) => v.proposalId === proposalId)?.result).toBe("adopted");

      const { html, text } = await councilPage(c.councilId);
      expect(text).toContain("رئیس شورای محله شهرک غرب پیشنهاد «نیمکت برای پارک محله» را در دستور کار شورای محله شهرک غرب گذاشت.");
      expect(text).toContain(
        "رئیس شورای محله شهرک غرب رأی‌گیری علنی اعضای شورای محله شهرک غرب را درباره‌ی پیشنهاد «نیمکت برای پارک محله» آغاز کرد.",
      );
      expect(text).toContain(
        "سامانه رأی‌گیری علنی شورای محله شهرک غرب درباره‌ی پیشنهاد «نیمکت برای پارک محله» را بست: پیشنهاد تصویب شد (موافق ۳، مخالف ۱، ممتنع ۱).",
      );
      expect(html).toContain(`href="/proposals/${proposalId}"`);
      // The record names offices, never the members who voted.
      expect(text).not.toContain("عضو شهرک غرب ۳");
      expect(text).not.toContain("عضو شهرک غرب 3");
      const byKind = await page(`/record?district=${id.district8}&council=${c.councilId}&kind=proposals`);
      expect(byKind.text).toContain("را بست: پیشنهاد تصویب شد");
      expect(byKind.text).not.toContain("شورای محله شهرک غرب را تشکیل داد");
    });

    it("shows nothing of a secret ballot while it is open, and only its totals once closed", async () => {
      const db = app.database.db;
      const c = await councilOf("پونک", { ballot: "secret" });
      const { proposalId } = await make.openVote({
        councilId: c.councilId,
        authorId: c.memberIds[2]!,
        categoryId,
        by: c.chairId,
        title: "روشنایی کوچه باغ",
        hours: 1,
      });
      for (const [i, userId] of c.memberIds.entries()) ok(await castBallot(db, { proposalId, userId, choice: i < 2 ? "against" : "for" }));
      const open = await councilPage(c.councilId);
      expect(open.text).toContain("رأی‌گیری مخفی اعضای شورای محله پونک را درباره‌ی پیشنهاد «روشنایی کوچه باغ» آغاز کرد.");
      for (const word of ["موافق", "مخالف", "ممتنع", "را بست", "تصویب"]) expect(open.text, word).not.toContain(word);
      // Nothing counted is written while it is open, not even for the administrators.
      const opened = await db.select({ data: auditLog.data }).from(auditLog).where(eq(auditLog.councilId, c.councilId));
      for (const row of opened)
        for (const key of ["for", "against", "abstain", "ballots", "turnout"]) expect(row.data ?? {}).not.toHaveProperty(key);

      await closeDueVotes(db, new Date(Date.now() + 2 * HOUR));
      const closed = await councilPage(c.councilId);
      expect(closed.text).toContain(
        "سامانه رأی‌گیری مخفی شورای محله پونک درباره‌ی پیشنهاد «روشنایی کوچه باغ» را بست: پیشنهاد تصویب شد (موافق ۳، مخالف ۲، ممتنع ۰).",
      );
      for (const name of c.memberIds.map((_, i) => `عضو پونک ${i + 1}`)) expect(closed.text).not.toContain(name);
      const [row] = await db
        .select({ data: auditLog.data })
        .from(auditLog)
        .where(and(eq(auditLog.councilId, c.councilId), eq(auditLog.action, "vote.closed")));
      expect(Object.keys(row!.data ?? {}).sort()).toEqual(["abstain", "against", "ballot", "for", "quorumMet", "result", "round", "vote"]);
    });

    it("tells an adoption by a show of hands at a meeting, once its minutes are approved", async () => {
      const db = app.database.db;
      const c = await councilOf("سعادت‌آباد", { meetings: { meetingQuorum: 3, meetingsAdopt: true } }, 2);
      const secretary = (await loadCurrentUser(db, c.secretaryId))!;
      const { id: proposalId } = await make.proposal({
        councilId: c.councilId,
        authorId: c.memberIds[3]!,
        categoryId,
        by: c.chairId,
        state: "on_agenda",
        title: "بازارچه محلی آخر هفته",
      });
      const scheduled = ok(
        await scheduleMeeting(db, {
          actor: secretary,
          councilId: c.councilId,
          kind: "regular",
          date: toJalaliInput(addDays(TODAY, 3)),
          start: "17:00",
          end: "19:00",
          place: "سرای محله",
        }),
      );
      const meetingId = scheduled.meetingId;
      ok(await addAgendaItem(db, { actor: secretary, meetingId, proposalId }));
      ok(await openMeeting(db, { actor: secretary, meetingId }));
      for (const [i, userId] of c.memberIds.entries())
        ok(await markAttendance(db, { actor: secretary, meetingId, userId, status: i < 3 ? "present" : "absent" }));
      ok(await closeMeeting(db, { actor: secretary, meetingId }));
      const { minutesId } = ok(await startMinutes(db, { actor: secretary, meetingId }));
      ok(
        await addDecision(db, {
          actor: secretary,
          minutesId,
          text: "بازارچه تصویب شد",
          responsible: "دبیر",
          proposalId,
          tally: { for: 2, against: 1, abstain: 0 },
        }),
      );
      ok(await saveMinutes(db, { actor: secretary, minutesId, summary: "طرح بازارچه بررسی شد.", items: [] }));
      ok(await circulateMinutes(db, { actor: secretary, minutesId }));
      for (const userId of [c.chairId, c.secretaryId]) {
        const actor = (await loadCurrentUser(db, userId))!;
        ok(await respondToMinutes(db, { actor, minutesId, verdict: "approve" }));
      }
      const [adopted] = await db.select({ status: proposals.status }).from(proposals).where(eq(proposals.id, proposalId));
      expect(adopted!.status).toBe("adopted");
      const { html, text } = await councilPage(c.councilId);
      expect(text).toContain(
        "شورای محله سعادت‌آباد در جلسه ۱ پیشنهاد «بازارچه محلی آخر هفته» را با رأی حاضران تصویب کرد (موافق ۲، مخالف ۱، ممتنع ۰).",
      );
      expect(html).toContain(`href="/proposals/${proposalId}"`);
    });

    it("tells the referral and the commission's decision with its rationale", async () => {
      const db = app.database.db;
      const member = await make.user({ name: "عضو کمیسیون", grants: [{ role: "commission_member", commissionId: place.commission }] });
      ok(await referToCommission(db, { proposalId: place.openProposal!, commissionId: place.commission!, actorId: chairs.open! }));
      const [referral] = await db
        .select({ id: referrals.id })
        .from(referrals)
        .where(and(eq(referrals.proposalId, place.openProposal!), isNull(referrals.decidedAt)));
      ok(
        await decideReferral(db, {
          referralId: referral!.id,
          commissionId: place.commission!,
          actorId: member.id,
          decision: "accepted",
          rationale: "بودجه فضای سبز منطقه امسال این کار را پوشش می‌دهد.",
        }),
      );
      const { text } = await councilPage(place.openCouncil!);
      expect(text).toContain(
        "رئیس شورای محله شهرک غرب پیشنهاد «نیمکت برای پارک محله» از شورای محله شهرک غرب را برای بررسی به کمیسیون فرهنگی اجتماعی فرستاد.",
      );
      expect(text).toContain("کمیسیون فرهنگی اجتماعی درباره‌ی پیشنهاد «نیمکت برای پارک محله» از شورای محله شهرک غرب تصمیم گرفت: تأیید.");
      expect(text).toContain(`${record.rationale.replace("{{reason}}", "")}بودجه فضای سبز منطقه امسال این کار را پوشش می‌دهد.`);
      const reviews = await page(`/record?kind=reviews`);
      expect(reviews.text).toContain("تصمیم گرفت: تأیید.");
      expect(reviews.text).not.toContain("را بست:");
      // The member who decided is named by the commission, never by name.
      expect(text).not.toContain("عضو کمیسیون");
    });
  });
});
