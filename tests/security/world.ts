import { sql } from "drizzle-orm";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, setCategoryCommission } from "../../app/domain/proposals.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { postMessage } from "../../app/domain/threads/write.server";
import { openVote } from "../../app/domain/votes.server";
import { hashPassword } from "../../app/utils/password.server";
import { queryRows } from "../../db/client.server";
import {
  commissions,
  districts,
  meetingAttendance,
  meetings,
  memberships,
  minutes,
  neighborhoods,
  proposals,
  policies,
  policyVersions,
  referrals,
  roleAssignments,
  users,
} from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import type { Backend } from "../support/database";
import { testCharter } from "../support/fixtures";
import { Browserless } from "../support/http";

/**
 * Every kind of person the platform knows, each signed in on a device of their own, and places
 * for each scope: district A (with its neighborhood, council, proposal and threads) is "own" for
 * the scoped roles; district B and commission C2 belong to the "foreign" holders of the same roles.
 */
export const ROLES = [
  "anonymous",
  "resident",
  "member",
  "chair",
  "managerOwn",
  "managerForeign",
  "staff",
  "commissionOwn",
  "commissionForeign",
  "deputy",
  "deputyStaff",
  "admin",
] as const;
export type RoleKey = (typeof ROLES)[number];

export const PASSWORD = "باغ-های-عباس‌آباد-۱۴۰۳";

export interface World {
  app: TestApp;
  ids: {
    districtA: string;
    districtB: string;
    hoodA: string;
    hoodB: string;
    councilA: string;
    councilB: string;
    commissionOwn: string;
    commissionForeign: string;
    categoryId: string;
    proposalId: string;
    publicThread: string;
    councilThread: string;
    commissionThread: string;
    messageId: string;
    commissionMessageId: string;
    /** Two proposals of council A in an open vote each (open ballots). */
    votingA: { proposalId: string; voteId: string };
    votingB: { proposalId: string; voteId: string };
    /** A held meeting of council A whose minutes are approved (the member and chair were present). */
    meetingA: string;
    /** A policy of the deputy, published to every district. */
    policyId: string;
  };
  users: Record<Exclude<RoleKey, "anonymous">, { id: string; phone: string }>;
  /** A device per role; "anonymous" has no cookie. */
  client: Record<RoleKey, Browserless>;
  /** A fresh signed-in device for a role (its own session), for tests that end sessions. */
  signIn(role: Exclude<RoleKey, "anonymous">): Promise<Browserless>;
}

let phoneSeq = 0;

export async function buildWorld(backend: Backend): Promise<World> {
  const app = await startTestApp(backend);
  const db = app.database.db;
  const base = 4_100_000 + Math.floor(Math.random() * 800_000);

  const makeUser = async (name: string) => {
    const phone = `+98912${base + phoneSeq++}`;
    const [row] = await db
      .insert(users)
      .values({ phone, displayName: name, passwordHash: await hashPassword(PASSWORD) })
      .returning({ id: users.id });
    return { id: row!.id, phone };
  };
  const people = {
    resident: await makeUser("ساکن محله"),
    member: await makeUser("عضو شورا"),
    chair: await makeUser("رئیس شورا"),
    managerOwn: await makeUser("مدیر منطقه یک"),
    managerForeign: await makeUser("مدیر منطقه دو"),
    staff: await makeUser("کارشناس منطقه یک"),
    commissionOwn: await makeUser("عضو کمیسیون عمران"),
    commissionForeign: await makeUser("عضو کمیسیون سلامت"),
    deputy: await makeUser("معاون فرهنگی"),
    deputyStaff: await makeUser("کارشناس معاونت"),
    admin: await makeUser("مدیر سامانه"),
  };

  const place = async (n: number) => {
    const [district] = await db
      .insert(districts)
      .values({ number: n, name: `منطقه ${n}`, nameKey: `منطقه ${n}` })
      .returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: `محله ${n}`, nameKey: `محله ${n}` })
      .returning({ id: neighborhoods.id });
    const council = await createCouncil(db, people.admin.id, hood!.id, testCharter({ supportThreshold: 5 }));
    if (!council.ok) throw new Error(council.error);
    return { districtId: district!.id, hoodId: hood!.id, councilId: council.id };
  };
  const a = await place(1);
  const b = await place(2);
  const [c1, c2] = await db
    .insert(commissions)
    .values([
      { name: "کمیسیون عمران", nameKey: "کمیسیون عمران" },
      { name: "کمیسیون سلامت", nameKey: "کمیسیون سلامت" },
    ])
    .returning({ id: commissions.id });
  const category = await createCategory(db, "ایمنی و ترافیک");
  if (!category.ok) throw new Error(category.error);
  await setCategoryCommission(db, category.id, c1!.id);

  await db.insert(memberships).values([
    { councilId: a.councilId, userId: people.member.id, termNumber: 1, role: "member" },
    { councilId: a.councilId, userId: people.chair.id, termNumber: 1, role: "chair" },
  ]);
  await db.insert(roleAssignments).values([
    { userId: people.managerOwn.id, role: "district_manager", districtId: a.districtId },
    { userId: people.managerForeign.id, role: "district_manager", districtId: b.districtId },
    { userId: people.staff.id, role: "district_staff", districtId: a.districtId, powers: ["applications", "moderate", "file_on_behalf"] },
    { userId: people.commissionOwn.id, role: "commission_member", commissionId: c1!.id },
    { userId: people.commissionForeign.id, role: "commission_member", commissionId: c2!.id },
    { userId: people.deputy.id, role: "deputy" },
    { userId: people.deputyStaff.id, role: "deputy_staff" },
    { userId: people.admin.id, role: "admin" },
  ]);

  const [proposal] = await db
    .insert(proposals)
    .values({
      councilId: a.councilId,
      districtId: a.districtId,
      neighborhoodId: a.hoodId,
      authorId: people.resident.id,
      title: "چراغ روشنایی برای کوچه بوستان",
      body: "کوچه بوستان از غروب تاریک است و کودکان از آن به مدرسه می‌روند.",
      categoryId: category.id,
      status: "in_review",
    })
    .returning({ id: proposals.id });
  await db
    .insert(referrals)
    .values({ proposalId: proposal!.id, commissionId: c1!.id, referredBy: people.chair.id, dueAt: new Date(Date.now() + 14 * 86_400_000) });
  const publicThread = await ensureThread(db, { kind: "proposal", proposalId: proposal!.id });
  const councilThread = await ensureThread(db, { kind: "council", councilId: a.councilId });
  const commissionThread = await ensureThread(db, { kind: "commission", proposalId: proposal!.id, commissionId: c1!.id });
  const posted = await postMessage(db, { threadId: publicThread, authorId: people.member.id, body: "چراغ کوچه از دیشب خاموش است." });
  if (!posted.ok) throw new Error(posted.error);
  const commissionPosted = await postMessage(db, {
    threadId: commissionThread,
    authorId: people.commissionOwn.id,
    body: "برآورد هزینه در راه است.",
  });
  if (!commissionPosted.ok) throw new Error(commissionPosted.error);
  const voting = async (title: string) => {
    const [row] = await db
      .insert(proposals)
      .values({
        councilId: a.councilId,
        districtId: a.districtId,
        neighborhoodId: a.hoodId,
        authorId: people.resident.id,
        title,
        body: "شرحی برای رأی‌گیری اعضای شورا.",
        categoryId: category.id,
        status: "on_agenda",
      })
      .returning({ id: proposals.id });
    const vote = await openVote(db, { proposalId: row!.id, actorId: people.chair.id, hours: 48 });
    if (!vote.ok) throw new Error(`open vote: ${vote.error}`);
    return { proposalId: row!.id, voteId: vote.voteId };
  };
  const held = new Date(Date.now() - 3 * 86_400_000);
  const [meeting] = await db
    .insert(meetings)
    .values({
      councilId: a.councilId,
      districtId: a.districtId,
      number: 1,
      startsAt: held,
      endsAt: new Date(held.getTime() + 7_200_000),
      place: "سرای محله",
      status: "closed",
      openedAt: held,
      closedAt: new Date(held.getTime() + 7_200_000),
      seats: 2,
      presentCount: 2,
      quorumNeeded: 2,
      quorumMet: true,
    })
    .returning({ id: meetings.id });
  await db.insert(meetingAttendance).values([
    { meetingId: meeting!.id, userId: people.member.id, status: "present" },
    { meetingId: meeting!.id, userId: people.chair.id, status: "present" },
  ]);
  await db.insert(minutes).values({
    meetingId: meeting!.id,
    councilId: a.councilId,
    districtId: a.districtId,
    status: "approved",
    summary: "جلسه برگزار شد.",
    circulatedAt: held,
    respondBy: new Date(),
    approvedAt: new Date(),
  });
  const [policy] = await db
    .insert(policies)
    .values({
      title: "شیوه‌نامه جلسات شورا",
      body: "جلسات هر ماه دو بار برگزار شود.",
      effectiveOn: "2026-01-01",
      publishedVersion: 1,
      hasDraft: false,
    })
    .returning({ id: policies.id });
  await db.insert(policyVersions).values({
    policyId: policy!.id,
    version: 1,
    title: "شیوه‌نامه جلسات شورا",
    body: "جلسات هر ماه دو بار برگزار شود.",
    effectiveOn: "2026-01-01",
    allDistricts: true,
    recipients: "both",
  });
  const votingA = await voting("سطل‌های زباله تازه برای بوستان");
  const votingB = await voting("سرعت‌گیر جلوی مدرسه");

  const signIn = async (role: Exclude<RoleKey, "anonymous">) => {
    const device = new Browserless(app.baseUrl);
    const response = await device.post("/login", { phone: people[role].phone, password: PASSWORD });
    if (response.status !== 302) throw new Error(`${role} could not sign in: ${response.status}`);
    return device;
  };
  const client = { anonymous: new Browserless(app.baseUrl) } as Record<RoleKey, Browserless>;
  for (const role of ROLES) if (role !== "anonymous") client[role] = await signIn(role);

  return {
    app,
    ids: {
      districtA: a.districtId,
      districtB: b.districtId,
      hoodA: a.hoodId,
      hoodB: b.hoodId,
      councilA: a.councilId,
      councilB: b.councilId,
      commissionOwn: c1!.id,
      commissionForeign: c2!.id,
      categoryId: category.id,
      proposalId: proposal!.id,
      publicThread,
      councilThread,
      commissionThread,
      messageId: posted.messageId,
      commissionMessageId: commissionPosted.messageId,
      votingA,
      votingB,
      meetingA: meeting!.id,
      policyId: policy!.id,
    },
    users: people,
    client,
    signIn,
  };
}

/** Row counts of every table a form can write to (sessions and rate limits aside), to show nothing was written. */
export async function rowCounts(w: World): Promise<Record<string, number>> {
  const tables = [
    "users",
    "verification_codes",
    "districts",
    "neighborhoods",
    "commissions",
    "role_assignments",
    "councils",
    "council_terms",
    "memberships",
    "applications",
    "invitations",
    "follows",
    "categories",
    "proposals",
    "supports",
    "votes",
    "ballots",
    "referrals",
    "progress_updates",
    "threads",
    "thread_messages",
    "thread_events",
    "message_reports",
    "thread_mutes",
    "escalations",
    "surfacing_settings",
    "meetings",
    "meeting_agenda_items",
    "meeting_attendance",
    "minutes",
    "minutes_items",
    "minutes_decisions",
    "minutes_responses",
    "absence_reviews",
    "policies",
    "policy_versions",
    "policy_acknowledgements",
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await queryRows<{ n: number }>(w.app.database.db, sql.raw(`select count(*)::int as n from ${table}`));
    counts[table] = Number(row!.n);
  }
  return counts;
}
