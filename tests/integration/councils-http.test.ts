import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJalaliInput } from "../../app/utils/persian";
import { applications, councils, memberships, neighborhoods } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { addDays, today } from "../support/dates";
import { appFactories, type AppFactories, type Grant } from "../support/factories";
import { Browserless, inputValue, visibleText } from "../support/http";
import { scaled } from "../support/wait";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const PASSWORD = "کوه-الوند-زیباست";
const TODAY = today();

function charterForm(overrides: Record<string, string> = {}) {
  return {
    intent: "create-council",
    termStart: toJalaliInput(TODAY),
    termEnd: toJalaliInput(addDays(TODAY, 730)),
    quorumPercent: "۵۰",
    votingPeriodDays: "7",
    majorityRule: "simple",
    proposers: "residents",
    supportThreshold: "20",
    ballot: "open",
    reportsToHide: "3",
    ...overrides,
  };
}

describe.each(BACKENDS)("councils over HTTP on %s", (backend) => {
  let app: TestApp;
  let make: AppFactories;
  let district1: string;
  let district2: string;
  const clients: Record<string, Browserless> = {};
  const ids: Record<string, string> = {};

  async function person(key: string, phone: string, name: string, grant?: Grant) {
    const someone = await make.signedIn({ phone, name, password: PASSWORD, grants: grant ? [grant] : [] });
    ids[key] = someone.id;
    clients[key] = someone.client;
  }

  async function neighborhoodNamed(name: string) {
    const [row] = await app.database.db.select().from(neighborhoods).where(eq(neighborhoods.name, name));
    return row!;
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    make = appFactories(app);
    district1 = await make.district({ number: 1, name: "منطقه یک" });
    district2 = await make.district({ number: 2, name: "منطقه دو" });
    await person("manager1", "+989120000011", "مدیر منطقه یک", { role: "district_manager", districtId: district1 });
    await person("manager2", "+989120000012", "مدیر منطقه دو", { role: "district_manager", districtId: district2 });
    await person("staff1", "+989120000013", "کارشناس بی‌اختیار", { role: "district_staff", districtId: district1 });
    await person("resident", "+989120000014", "ساکن کوی فرهنگ");
  }, scaled(120_000));
  afterAll(async () => {
    await app?.close();
  });

  it("lets a manager create a neighborhood, refusing a name that only differs by Arabic letters", async () => {
    const created = await clients.manager1!.post(`/manage/districts/${district1}/neighborhoods/new`, {
      name: "كوي فرهنگ",
      description: "محله‌ای آرام\nبا بوستان محله‌ای",
      boundary: JSON.stringify({
        type: "Feature",
        properties: { note: "dropped" },
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [48.5, 34.8],
              [48.52, 34.8],
              [48.52, 34.82],
              [48.5, 34.8],
            ],
          ],
        },
      }),
    });
    expect(created.status).toBe(302);
    const hood = await neighborhoodNamed("کوی فرهنگ");
    expect(hood.boundary).toEqual({
      type: "Polygon",
      coordinates: [
        [
          [48.5, 34.8],
          [48.52, 34.8],
          [48.52, 34.82],
          [48.5, 34.8],
        ],
      ],
    });

    const duplicate = await clients.manager1!.post(`/manage/districts/${district1}/neighborhoods/new`, { name: "کوی  فرهنگ" });
    expect(duplicate.status).toBe(409);
    expect(visibleText(await duplicate.text())).toContain(fa.errors.neighborhood_name_taken);
  });

  it("refuses bad GeoJSON with a clear message and keeps the input", async () => {
    for (const [boundary, error] of [
      ["{not json", fa.errors.boundary_invalid_json],
      [JSON.stringify({ type: "Point", coordinates: [48.5, 34.8] }), fa.errors.boundary_not_polygon],
      [
        JSON.stringify({
          type: "Polygon",
          coordinates: [
            [
              [200, 34.8],
              [48.52, 34.8],
              [48.52, 34.82],
              [200, 34.8],
            ],
          ],
        }),
        fa.errors.boundary_bad_coordinates,
      ],
      ["x".repeat(250_000), fa.errors.boundary_too_large],
    ] as const) {
      const response = await clients.manager1!.post(`/manage/districts/${district1}/neighborhoods/new`, { name: "محله آزمایشی", boundary });
      expect(response.status, error).toBe(400);
      const html = await response.text();
      expect(visibleText(html)).toContain(error);
      expect(inputValue(html, "name")).toBe("محله آزمایشی");
    }
    const [{ n }] = (await app.database.db.select({ n: count() }).from(neighborhoods).where(eq(neighborhoods.name, "محله آزمایشی"))) as [
      { n: number },
    ];
    expect(Number(n)).toBe(0);
  });

  it("refuses impossible charters, writing nothing", async () => {
    const hood = await neighborhoodNamed("کوی فرهنگ");
    const page = `/manage/neighborhoods/${hood.id}`;
    for (const [overrides, error] of [
      [{ quorumPercent: "0" }, fa.errors.quorum_invalid],
      [{ quorumPercent: "150" }, fa.errors.quorum_invalid],
      [{ termEnd: toJalaliInput(addDays(TODAY, -30)) }, fa.errors.term_end_before_start],
      [{ votingPeriodDays: "0" }, fa.errors.voting_period_invalid],
      [{ votingPeriodDays: String(365 * 10) }, fa.errors.voting_period_invalid],
      [{ termStart: "1405/13/40" }, fa.errors.date_invalid],
    ] as const) {
      const response = await clients.manager1!.post(page, charterForm(overrides));
      expect(response.status, error).toBe(400);
      expect(visibleText(await response.text())).toContain(error);
    }
    const [{ n }] = (await app.database.db.select({ n: count() }).from(councils)) as [{ n: number }];
    expect(Number(n)).toBe(0);
  });

  it("keeps managers inside their own district, through the pages and by posting directly", async () => {
    const hood = await neighborhoodNamed("کوی فرهنگ");
    // District 2's manager, a resident, and staff without the power: 403 and nothing changes.
    for (const key of ["manager2", "resident", "staff1"]) {
      const edit = await clients[key]!.post(`/manage/neighborhoods/${hood.id}`, { intent: "edit", name: "نام ربوده" });
      expect(edit.status, key).toBe(403);
      const council = await clients[key]!.post(`/manage/neighborhoods/${hood.id}`, charterForm());
      expect(council.status, key).toBe(403);
      expect((await clients[key]!.get(`/manage/neighborhoods/${hood.id}`)).status, key).toBe(403);
    }
    expect((await clients.manager2!.post(`/manage/districts/${district1}/neighborhoods/new`, { name: "محله دیگر" })).status).toBe(403);
    expect((await clients.manager2!.get(`/manage/districts/${district1}`)).status).toBe(403);
    expect((await neighborhoodNamed("کوی فرهنگ")).name).toBe("کوی فرهنگ");
  });

  it("runs the membership flow: council, application, approval, chair, public page", async () => {
    const hood = await neighborhoodNamed("کوی فرهنگ");
    const created = await clients.manager1!.post(`/manage/neighborhoods/${hood.id}`, charterForm());
    expect([200, 302]).toContain(created.status);
    const [council] = await app.database.db.select().from(councils).where(eq(councils.neighborhoodId, hood.id));
    expect(council).toMatchObject({ quorumPercent: 50, votingPeriodHours: 168, status: "active" });

    const apply = await clients.resident!.post(`/councils/${council!.id}`, { intent: "apply", statement: "ساکن بیست‌ساله محله‌ام." });
    expect(apply.status).toBe(302);
    const twice = await clients.resident!.post(`/councils/${council!.id}`, { intent: "apply", statement: "دوباره" });
    expect(twice.status).toBe(409);
    expect(visibleText(await twice.text())).toMatch(/در انتظار بررسی/);

    const [application] = await app.database.db.select().from(applications).where(eq(applications.councilId, council!.id));
    // Another district's manager cannot decide it, even by posting to their own queue.
    const foreign = await clients.manager2!.post(`/manage/districts/${district2}/applications`, {
      applicationId: application!.id,
      decision: "approve",
    });
    expect(foreign.status).toBe(404);
    const residentTry = await clients.resident!.post(`/manage/districts/${district1}/applications`, {
      applicationId: application!.id,
      decision: "approve",
    });
    expect(residentTry.status).toBe(403);

    const rejectWithoutReason = await clients.manager1!.post(`/manage/districts/${district1}/applications`, {
      applicationId: application!.id,
      decision: "reject",
      reason: "",
    });
    expect(rejectWithoutReason.status).toBe(400);
    expect(visibleText(await rejectWithoutReason.text())).toContain(fa.errors.reject_reason_required);

    const [first, second] = await Promise.all([
      clients.manager1!.post(`/manage/districts/${district1}/applications`, { applicationId: application!.id, decision: "approve" }),
      clients.manager1!.post(`/manage/districts/${district1}/applications`, { applicationId: application!.id, decision: "approve" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const seats = await app.database.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.councilId, council!.id), eq(memberships.status, "active")));
    expect(seats).toHaveLength(1);

    const appoint = await clients.manager1!.post(`/manage/councils/${council!.id}`, {
      intent: "appoint",
      membershipId: seats[0]!.id,
      office: "chair",
      expectedHolder: "none",
    });
    expect([200, 302]).toContain(appoint.status);
    const stale = await clients.manager1!.post(`/manage/councils/${council!.id}`, {
      intent: "appoint",
      membershipId: seats[0]!.id,
      office: "chair",
      expectedHolder: "none",
    });
    expect(stale.status).toBe(409);
    expect(visibleText(await stale.text())).toContain(fa.errors.concurrent_change);

    // Another district's manager cannot touch this council's page or its forms.
    expect((await clients.manager2!.get(`/manage/councils/${council!.id}`)).status).toBe(403);
    for (const form of <Record<string, string>[]>[
      { intent: "status", change: "suspend", reason: "تعلیق از منطقه دیگر" },
      { intent: "invite", phone: "09120000077" },
      { intent: "remove", membershipId: seats[0]!.id, reason: "برکناری از منطقه دیگر" },
    ]) {
      expect((await clients.manager2!.post(`/manage/councils/${council!.id}`, form)).status, form.intent).toBe(403);
    }
    expect((await app.database.db.select().from(councils).where(eq(councils.id, council!.id)))[0]!.status).toBe("active");

    // An invitation reaches the number by text, and waits for it to sign up.
    const invited = await clients.manager1!.post(`/manage/councils/${council!.id}`, { intent: "invite", phone: "۰۹۱۲۰۰۰۰۰۷۷" });
    expect(invited.status).toBe(200);
    expect(app.sms.lastTo("+989120000077")!.text).toContain("کوی فرهنگ");

    const publicPage = visibleText(await (await new Browserless(app.baseUrl).get(`/councils/${council!.id}`)).text());
    expect(publicPage).toContain("ساکن کوی فرهنگ");
    expect(publicPage).not.toMatch(/0912|۰۹۱۲|\+98/);
  });

  it("refuses a malformed invitation number and applying to a dissolved council", async () => {
    const hood = await neighborhoodNamed("کوی فرهنگ");
    const [council] = await app.database.db.select().from(councils).where(eq(councils.neighborhoodId, hood.id));
    const invite = await clients.manager1!.post(`/manage/councils/${council!.id}`, { intent: "invite", phone: "۰۲۱۱۲۳۴" });
    expect(invite.status).toBe(400);
    const inviteHtml = await invite.text();
    expect(visibleText(inviteHtml)).toContain(fa.errors.phone_invalid);

    const dissolve = await clients.manager1!.post(`/manage/councils/${council!.id}`, {
      intent: "status",
      change: "dissolve",
      reason: "ادغام با شورای محله مجاور",
    });
    expect([200, 302]).toContain(dissolve.status);
    const newcomer = new Browserless(app.baseUrl);
    await make.user({ phone: "+989120000019", name: "تازه‌وارد", password: PASSWORD });
    await newcomer.post("/login", { phone: "09120000019", password: PASSWORD });
    const late = await newcomer.post(`/councils/${council!.id}`, { intent: "apply", statement: "" });
    expect(late.status).toBe(409);
    expect(visibleText(await late.text())).toContain(fa.errors.council_not_active.slice(0, 10));
    const [{ n }] = (await app.database.db.select({ n: count() }).from(applications).where(eq(applications.councilId, council!.id))) as [
      { n: number },
    ];
    expect(Number(n)).toBe(1);
  });
});
