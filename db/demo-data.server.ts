import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./client.server";
import { categories, commissions, councils, districts, memberships, neighborhoods, roleAssignments, users, type Role } from "./schema";
import { recordAudit } from "../app/domain/audit.server";
import { tehranToday } from "../app/domain/charter";
import { createCouncil } from "../app/domain/councils.server";
import { fileProposal } from "../app/domain/proposals.server";
import { ensureThread } from "../app/domain/threads/lookup.server";
import { postMessage } from "../app/domain/threads/write.server";
import { hashPassword } from "../app/utils/password.server";
import { searchKey } from "../app/utils/persian";

/** Hamedan's four district municipalities and some of their well-known neighborhoods. */
export const DEMO_DISTRICTS = [
  {
    number: 1,
    name: "منطقه یک شهرداری همدان",
    description: "شمال و شمال‌غرب شهر، از میدان امام تا دامنه‌های الوند.",
    neighborhoods: [
      { name: "اکباتان", description: "پیرامون تپه تاریخی اکباتان و بافت کهن شهر." },
      { name: "کبابیان", description: "محله‌ای قدیمی با کوچه‌های باریک و بازارچه محلی." },
      { name: "جولان", description: "از محلات پرجمعیت قدیمی، نزدیک بازار بزرگ همدان." },
    ],
  },
  {
    number: 2,
    name: "منطقه دو شهرداری همدان",
    description: "شرق شهر و محلات تازه‌ساز پیرامون بلوار ارم.",
    neighborhoods: [
      { name: "شهرک مدنی", description: "شهرکی مسکونی با فضای سبز محله‌ای." },
      { name: "کوی فرهنگیان", description: "محله‌ای آرام با مدارس و مساجد محلی." },
      { name: "حصار امام", description: "محله‌ای در حال نوسازی در شرق شهر." },
    ],
  },
  {
    number: 3,
    name: "منطقه سه شهرداری همدان",
    description: "جنوب شهر و دامنه‌های الوند.",
    neighborhoods: [
      { name: "خضر", description: "محله‌ای کهن در جنوب شهر با مسجد و امامزاده محلی." },
      { name: "دیزج", description: "محله‌ای حاشیه‌ای که به تازگی به شهر پیوسته است." },
      { name: "سعیدیه", description: "محله‌ای مسکونی با بوستان محله‌ای." },
    ],
  },
  {
    number: 4,
    name: "منطقه چهار شهرداری همدان",
    description: "غرب شهر و شهرک‌های نوساز.",
    neighborhoods: [
      { name: "مصلی", description: "پیرامون مصلای شهر و بلوار بعثت." },
      { name: "شهرک بهشتی", description: "شهرکی نوساز با خانواده‌های جوان." },
      { name: "کوی رسالت", description: "محله‌ای مسکونی نزدیک دانشگاه." },
    ],
  },
] as const;

export const DEMO_COMMISSIONS = [
  { name: "کمیسیون فرهنگی و اجتماعی شورای اسلامی شهر همدان", description: "بررسی مصوبات فرهنگی، اجتماعی و آموزشی شوراهای محلات." },
  { name: "کمیسیون عمران و شهرسازی شورای اسلامی شهر همدان", description: "بررسی مصوبات مربوط به معابر، ساخت‌وساز و فضاهای شهری." },
  { name: "کمیسیون خدمات شهری و محیط زیست شورای اسلامی شهر همدان", description: "بررسی مصوبات فضای سبز، پسماند و خدمات محله‌ای." },
] as const;

export const DEMO_CATEGORIES = ["فرهنگی", "ایمنی و امنیت محله", "فضای سبز", "ترافیک و معابر", "خدمات اجتماعی", "پاکیزگی و پسماند"] as const;

/** One account per role. Numbers in the 0900 000 00xx range are for the demo only. */
export const DEMO_ACCOUNTS: { phone: string; displayName: string; role: Role | "resident"; scope?: "district1" | "commission1" }[] = [
  { phone: "+989000000001", displayName: "مدیر سامانه (نمونه)", role: "admin" },
  { phone: "+989000000002", displayName: "معاون فرهنگی اجتماعی (نمونه)", role: "deputy" },
  { phone: "+989000000003", displayName: "کارشناس معاونت (نمونه)", role: "deputy_staff" },
  { phone: "+989000000004", displayName: "مدیر منطقه یک (نمونه)", role: "district_manager", scope: "district1" },
  { phone: "+989000000005", displayName: "کارشناس منطقه یک (نمونه)", role: "district_staff", scope: "district1" },
  { phone: "+989000000006", displayName: "عضو کمیسیون فرهنگی (نمونه)", role: "commission_member", scope: "commission1" },
  { phone: "+989000000007", displayName: "شهروند محله اکباتان (نمونه)", role: "resident" },
];

export interface SeedReport {
  districtsCreated: number;
  neighborhoodsCreated: number;
  councilCreated: boolean;
  commissionsCreated: number;
  accounts: { phone: string; displayName: string; role: string; password: string | null }[];
}

/**
 * Fills a believable demo. Safe to run again: existing rows are kept, and passwords of accounts
 * that already exist are never changed (or printed).
 */
export async function seedDemo(db: Db): Promise<SeedReport> {
  const report: SeedReport = { districtsCreated: 0, neighborhoodsCreated: 0, commissionsCreated: 0, councilCreated: false, accounts: [] };
  const districtIds: string[] = [];
  for (const d of DEMO_DISTRICTS) {
    let [row] = await db.select({ id: districts.id }).from(districts).where(eq(districts.number, d.number));
    if (!row) {
      [row] = await db
        .insert(districts)
        .values({ number: d.number, name: d.name, nameKey: searchKey(d.name), description: d.description })
        .onConflictDoNothing()
        .returning({ id: districts.id });
      if (row) {
        report.districtsCreated++;
        await recordAudit(db, {
          actorId: null,
          action: "district.created",
          subjectType: "district",
          subjectId: row.id,
          districtId: row.id,
          data: { name: d.name, by: "seed" },
        });
      } else {
        [row] = await db.select({ id: districts.id }).from(districts).where(eq(districts.number, d.number));
      }
    }
    districtIds.push(row!.id);
    for (const n of d.neighborhoods) {
      const created = await db
        .insert(neighborhoods)
        .values({ districtId: row!.id, name: n.name, nameKey: searchKey(n.name), description: n.description })
        .onConflictDoNothing()
        .returning({ id: neighborhoods.id });
      report.neighborhoodsCreated += created.length;
      for (const c of created) {
        await recordAudit(db, {
          actorId: null,
          action: "neighborhood.created",
          subjectType: "neighborhood",
          subjectId: c.id,
          districtId: row!.id,
          data: { name: n.name, by: "seed" },
        });
      }
    }
  }
  for (const [i, name] of DEMO_CATEGORIES.entries()) {
    await db
      .insert(categories)
      .values({ name, nameKey: searchKey(name), sortOrder: i })
      .onConflictDoNothing();
  }
  const commissionIds: string[] = [];
  for (const c of DEMO_COMMISSIONS) {
    const created = await db
      .insert(commissions)
      .values({ name: c.name, nameKey: searchKey(c.name), description: c.description })
      .onConflictDoNothing()
      .returning({ id: commissions.id });
    report.commissionsCreated += created.length;
    for (const row of created) {
      await recordAudit(db, {
        actorId: null,
        action: "commission.created",
        subjectType: "commission",
        subjectId: row.id,
        commissionId: row.id,
        data: { name: c.name, by: "seed" },
      });
    }
    const [row] = await db
      .select({ id: commissions.id })
      .from(commissions)
      .where(eq(commissions.nameKey, searchKey(c.name)));
    commissionIds.push(row!.id);
  }
  for (const account of DEMO_ACCOUNTS) {
    let password: string | null = null;
    let [user] = await db.select({ id: users.id }).from(users).where(eq(users.phone, account.phone));
    if (!user) {
      password = crypto.randomBytes(9).toString("base64url");
      [user] = await db
        .insert(users)
        .values({ phone: account.phone, displayName: account.displayName, passwordHash: await hashPassword(password) })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!user) {
        password = null;
        [user] = await db.select({ id: users.id }).from(users).where(eq(users.phone, account.phone));
      }
    }
    if (account.role !== "resident") {
      const districtId = account.scope === "district1" ? districtIds[0]! : null;
      const commissionId = account.scope === "commission1" ? commissionIds[0]! : null;
      const [existing] = await db
        .select({ id: roleAssignments.id })
        .from(roleAssignments)
        .where(and(eq(roleAssignments.userId, user!.id), eq(roleAssignments.role, account.role), isNull(roleAssignments.revokedAt)));
      if (!existing) {
        const granted = await db
          .insert(roleAssignments)
          .values({ userId: user!.id, role: account.role, districtId, commissionId })
          .onConflictDoNothing()
          .returning({ id: roleAssignments.id });
        for (const g of granted) {
          await recordAudit(db, {
            actorId: null,
            action: "role.granted",
            subjectType: "role_assignment",
            subjectId: g.id,
            districtId,
            commissionId,
            data: { role: account.role, userId: user!.id, by: "seed" },
          });
        }
      }
    }
    report.accounts.push({ phone: account.phone, displayName: account.displayName, role: account.role, password });
  }
  report.councilCreated = await seedSampleCouncil(db);
  return report;
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A living example: Ekbatan's council with the demo resident as a member, one proposal and a short
 * discussion, so the council, proposal and thread pages have something to show. Only made once.
 */
async function seedSampleCouncil(db: Db): Promise<boolean> {
  const [hood] = await db
    .select({ id: neighborhoods.id })
    .from(neighborhoods)
    .where(eq(neighborhoods.nameKey, searchKey("اکباتان")));
  if (!hood) return false;
  const [existing] = await db.select({ id: councils.id }).from(councils).where(eq(councils.neighborhoodId, hood.id));
  if (existing) return false;
  const byPhone = async (phone: string) => (await db.select({ id: users.id }).from(users).where(eq(users.phone, phone)))[0]!.id;
  const manager = await byPhone("+989000000004");
  const resident = await byPhone("+989000000007");
  const today = tehranToday();
  const council = await createCouncil(db, manager, hood.id, {
    termStart: today,
    termEnd: addDays(today, 730),
    quorumPercent: 50,
    votingPeriodDays: 7,
    majorityRule: "simple",
    proposers: "residents",
    supportThreshold: 10,
    ballot: "open",
    reportsToHide: 3,
  });
  if (!council.ok) return false;
  await db.insert(memberships).values({ councilId: council.id, userId: resident, termNumber: 1, decidedBy: manager }).onConflictDoNothing();
  const [category] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.nameKey, searchKey("فضای سبز")));
  const proposal = await fileProposal(db, {
    councilId: council.id,
    authorId: resident,
    title: "کاشت درخت در حاشیه خیابان اکباتان",
    body: "حاشیه ضلع شمالی خیابان سال‌هاست بی‌درخت مانده و تابستان‌ها آفتاب سوزان است.\nپیشنهاد می‌کنیم با همکاری ساکنان و فضای سبز منطقه، این پاییز نهال کاشته شود.",
    categoryId: category!.id,
    place: "ضلع شمالی خیابان اکباتان، از میدان تا کوچه باغ",
  });
  const councilThread = await ensureThread(db, { kind: "council", councilId: council.id });
  await postMessage(db, {
    threadId: councilThread,
    authorId: manager,
    body: "شورای اجتماعی محله اکباتان آغاز به کار کرد. پیشنهادها و دغدغه‌های محله را اینجا بنویسید.",
  });
  await postMessage(db, { threadId: councilThread, authorId: resident, body: "سلام، خوشحالیم. نشست ماهانه شورا کجا برگزار می‌شود؟" });
  if (proposal.ok) {
    const proposalThread = await ensureThread(db, { kind: "proposal", proposalId: proposal.id });
    await postMessage(db, { threadId: proposalThread, authorId: resident, body: "نقشه پیشنهادی کاشت را در نشست بعدی شورا می‌آورم." });
  }
  return true;
}
