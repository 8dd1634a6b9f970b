import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postMessage } from "../../app/domain/threads/write.server";
import { escalationEvents, escalations, surfacingSettings } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, inputValue, visibleText } from "../support/http";
import { appFactories, type AppFactories, type Grant } from "../support/factories";
import { scaled } from "../support/wait";

const fa = (await import("../../locales/fa/common.json", { with: { type: "json" } })).default;
const faThreads = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;
const PASSWORD = "کوه-الوند-زیباست";
const latin = (s: string) => s.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)));

describe.each(BACKENDS)("the deputy's desk over HTTP on %s", (backend) => {
  let app: TestApp;
  let make: AppFactories;
  const ids: Record<string, string> = {};
  const threads: Record<string, string> = {};
  const client: Record<string, Browserless> = {};

  /** Someone with a password and their roles, signed in through the login form, known here by `key`. */
  async function person(key: string, phone: string, name: string, grants: Grant[] = []) {
    const someone = await make.signedIn({ phone, name, password: PASSWORD, grants });
    ids[key] = someone.id;
    client[key] = someone.client;
  }

  beforeAll(async () => {
    app = await startTestApp(backend);
    make = appFactories(app);
    await person("manager", "+989120000401", "مدیر منطقه یک");
    for (const n of [1, 2]) {
      const districtId = await make.district({ number: n });
      const council = await make.council({
        founderId: ids.manager,
        districtId,
        neighborhood: `محله ${n}`,
        charter: { supportThreshold: 5 },
      });
      ids[`district${n}`] = districtId;
      ids[`council${n}`] = council.id;
      threads[`council${n}`] = await make.thread({ kind: "council", councilId: council.id });
    }
    await make.grant(ids.manager!, { role: "district_manager", districtId: ids.district1 });
    await person("otherManager", "+989120000402", "مدیر منطقه دو", [{ role: "district_manager", districtId: ids.district2 }]);
    await person("deputy", "+989120000403", "معاون فرهنگی", [{ role: "deputy" }]);
    await person("deputyStaff", "+989120000404", "کارشناس معاونت", [{ role: "deputy_staff" }]);
    await person("resident", "+989120000405", "ساکن محله");
  }, scaled(120_000));
  afterAll(async () => {
    await app?.close();
  });

  it("refuses a body far beyond any form with a Persian page, before any action runs", async () => {
    const huge = await client.resident!.post(`/threads/${threads.council1}`, {
      intent: "post",
      body: "ب".repeat(3 * 1024 * 1024),
      returnTo: "/",
    });
    expect(huge.status).toBe(413);
    expect(visibleText(await huge.text())).toContain(fa.errors.too_large_body);
  });

  it("lists reported messages on the district's moderation queue, for that district's moderators only", async () => {
    const path = `/manage/districts/${ids.district1}/moderation`;
    expect((await client.resident!.get(path)).status).toBe(403);
    expect((await client.otherManager!.get(path)).status).toBe(403);
    const posted = await postMessage(app.database.db, {
      threadId: threads.council1!,
      authorId: ids.otherManager!,
      body: "متنی که گزارش می‌شود",
    });
    if (!posted.ok) throw new Error(posted.error);
    const reported = await client.resident!.post(`/threads/${threads.council1}`, {
      intent: "report",
      messageId: posted.messageId,
      reason: "<img src=x onerror=alert(1)> توهین‌آمیز",
      returnTo: "/",
    });
    expect(reported.status).toBe(302);
    const html = await (await client.manager!.get(path)).text();
    const text = visibleText(html);
    expect(text).toContain("متنی که گزارش می‌شود");
    expect(text).toContain("در گفت‌وگوی شورای محله محله 1");
    expect(text).toContain("<img src=x onerror=alert(1)> توهین‌آمیز");
    expect(html).not.toContain("<img src=x");
    // Dismissing the reports takes it off the queue.
    expect(
      (await client.manager!.post(`/threads/${threads.council1}`, { intent: "restore", messageId: posted.messageId, returnTo: path }))
        .status,
    ).toBe(302);
    expect(visibleText(await (await client.manager!.get(path)).text())).not.toContain("متنی که گزارش می‌شود");
  });

  it("is for the deputy's office only", async () => {
    expect((await client.resident!.get("/deputy")).status).toBe(403);
    expect((await client.manager!.get("/deputy")).status).toBe(403);
    expect((await new Browserless(app.baseUrl).get("/deputy")).status).toBe(302);
    expect((await client.deputyStaff!.get("/deputy")).status).toBe(200);
    const page = await client.deputy!.get("/deputy");
    expect(page.status).toBe(200);
    expect(visibleText(await page.text())).toContain(faThreads.desk.empty);
    // The thresholds are the deputy's alone.
    expect((await client.deputyStaff!.get("/deputy/settings")).status).toBe(403);
    expect((await client.deputyStaff!.post("/deputy", { intent: "state", escalationId: ids.district1!, state: "seen" })).status).toBe(404);
  });

  it("shows an escalated thread with its note, and filters by district, urgency and state", async () => {
    const escalate = (who: string, thread: string, note: string, urgency: string) =>
      client[who]!.post(`/threads/${thread}`, { intent: "escalate", note, urgency, returnTo: "/" });
    // A manager of another district may not escalate here.
    expect((await escalate("otherManager", threads.council1!, "یادداشتی برای معاونت فرهنگی", "high")).status).toBe(403);
    expect((await escalate("manager", threads.council1!, "گفت‌وگوی داغ درباره قطعی آب محله", "urgent")).status).toBe(302);
    expect((await escalate("otherManager", threads.council2!, "نگرانی ساکنان از ساخت‌وساز شبانه", "normal")).status).toBe(302);
    const all = await client.deputy!.get("/deputy");
    const html = await all.text();
    expect(visibleText(html)).toContain("گفت‌وگوی داغ درباره قطعی آب محله");
    expect(visibleText(html)).toContain("نگرانی ساکنان از ساخت‌وساز شبانه");
    // The tab title counts new items.
    expect(latin(html.match(/<title>([^<]*)<\/title>/)![1]!)).toBe("(2) میز معاونت فرهنگی اجتماعی");

    const district2 = visibleText(await (await client.deputy!.get(`/deputy?district=${ids.district2}`)).text());
    expect(district2).toContain("نگرانی ساکنان از ساخت‌وساز شبانه");
    expect(district2).not.toContain("قطعی آب محله");
    const urgent = visibleText(await (await client.deputy!.get("/deputy?urgency=urgent")).text());
    expect(urgent).toContain("قطعی آب محله");
    expect(urgent).not.toContain("ساخت‌وساز شبانه");
    const resolved = visibleText(await (await client.deputy!.get("/deputy?state=resolved")).text());
    expect(resolved).toContain(faThreads.desk.empty);
    // Nonsense filters are ignored, not errors.
    expect((await client.deputy!.get("/deputy?district=x&urgency=<b>&state=1")).status).toBe(200);
  });

  it("moves an item along with a note, refusing a missing note with what was typed kept", async () => {
    const [item] = await app.database.db.select().from(escalations).where(eq(escalations.threadId, threads.council1!));
    const noNote = await client.deputy!.post("/deputy", { intent: "state", escalationId: item!.id, state: "resolved", note: "  " });
    expect(noNote.status).toBe(409);
    const html = await noNote.text();
    expect(visibleText(html)).toContain(fa.errors.desk_note_required);
    expect((await app.database.db.select().from(escalations).where(eq(escalations.id, item!.id)))[0]!.state).toBe("new");

    expect((await client.deputy!.post("/deputy", { intent: "state", escalationId: item!.id, state: "seen", note: "" })).status).toBe(302);
    const same = await client.deputy!.post("/deputy", { intent: "state", escalationId: item!.id, state: "seen", note: "دوباره" });
    expect(same.status).toBe(409);
    const sameHtml = await same.text();
    expect(visibleText(sameHtml)).toContain(fa.errors.desk_same_state);
    expect(sameHtml).toContain("دوباره");
    expect(
      (
        await client.deputy!.post("/deputy", {
          intent: "state",
          escalationId: item!.id,
          state: "following",
          note: "با آبفای منطقه هماهنگ شد.",
        })
      ).status,
    ).toBe(302);
    const bad = await client.deputy!.post("/deputy", { intent: "state", escalationId: item!.id, state: "closed", note: "x" });
    expect(bad.status).toBe(400);
    const long = await client.deputy!.post("/deputy", {
      intent: "state",
      escalationId: item!.id,
      state: "resolved",
      note: "ن".repeat(5000),
    });
    expect(long.status).toBe(400);
    expect(visibleText(await long.text())).toContain(fa.errors.desk_note_too_long);

    // The manager who escalated sees where it stands on the thread's page.
    const councilPage = visibleText(await (await client.manager!.get(`/councils/${ids.council1}`)).text());
    expect(councilPage).toContain(faThreads.desk.state.following);
    expect(councilPage).toContain("با آبفای منطقه هماهنگ شد.");
    const history = await app.database.db.select({ n: count() }).from(escalationEvents).where(eq(escalationEvents.escalationId, item!.id));
    expect(Number(history[0]!.n)).toBe(3);
  });

  it("escalating again updates the one item and brings a resolved one back", async () => {
    const [item] = await app.database.db.select().from(escalations).where(eq(escalations.threadId, threads.council2!));
    expect(
      (await client.deputy!.post("/deputy", { intent: "state", escalationId: item!.id, state: "resolved", note: "رسیدگی شد." })).status,
    ).toBe(302);
    expect(
      (
        await client.otherManager!.post(`/threads/${threads.council2}`, {
          intent: "escalate",
          note: "دوباره شکایت رسیده است، لطفاً ببینید",
          urgency: "high",
          returnTo: "/",
        })
      ).status,
    ).toBe(302);
    const rows = await app.database.db.select().from(escalations).where(eq(escalations.threadId, threads.council2!));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: "new", urgency: "high", note: "دوباره شکایت رسیده است، لطفاً ببینید" });
  });

  it("keeps the thresholds, refuses bad ones with the input kept, and surfaces a thread that passes them", async () => {
    const form = {
      burstWindowMinutes: "۶۰",
      burstMinMessages: "1",
      burstFactor: "4",
      participantsWindowHours: "24",
      participantsMin: "3",
      reportsWindowHours: "24",
      reportsMin: "5",
    };
    const bad = await client.deputy!.post("/deputy/settings", { ...form, burstMinMessages: "1", participantsMin: "abc" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(visibleText(html)).toContain("عددی در بازه مجاز وارد کنید (از ۲ تا ۱۰٬۰۰۰)");
    expect(inputValue(html, "participantsMin")).toBe("abc");
    expect((await app.database.db.select().from(surfacingSettings))[0]!.participantsMin).toBe(15);

    expect((await client.deputy!.post("/deputy/settings", { ...form, burstMinMessages: "50" })).status).toBe(302);
    expect((await app.database.db.select().from(surfacingSettings))[0]).toMatchObject({
      burstWindowMinutes: 60,
      participantsMin: 3,
      burstMinMessages: 50,
    });

    // A third council thread with three different writers: the third post brings it to the desk.
    const db = app.database.db;
    const council = await make.council({
      founderId: ids.manager,
      districtId: ids.district1,
      neighborhood: "محله سه",
      charter: { supportThreshold: 5 },
    });
    const thread = await make.thread({ kind: "council", councilId: council.id });
    await postMessage(db, { threadId: thread, authorId: ids.manager!, body: "پیام نخست" });
    await postMessage(db, { threadId: thread, authorId: ids.otherManager!, body: "پیام دوم" });
    expect((await db.select().from(escalations).where(eq(escalations.threadId, thread))).length).toBe(0);
    expect((await client.resident!.post(`/threads/${thread}`, { intent: "post", body: "پیام سوم از یک ساکن", returnTo: "/" })).status).toBe(
      302,
    );
    const [surfaced] = await db.select().from(escalations).where(eq(escalations.threadId, thread));
    expect(surfaced).toMatchObject({ state: "new", escalatedBy: null });
    expect(surfaced!.signals).toEqual([{ kind: "participants", count: 3, windowHours: 24 }]);
    const desk = visibleText(await (await client.deputy!.get("/deputy")).text());
    expect(desk).toContain("۳ نفر در ۲۴ ساعت گذشته در این گفت‌وگو نوشته‌اند.");
    // Another post does not make a second item.
    expect((await client.manager!.post(`/threads/${thread}`, { intent: "post", body: "پیام چهارم", returnTo: "/" })).status).toBe(302);
    expect((await db.select().from(escalations).where(eq(escalations.threadId, thread))).length).toBe(1);
  });
});
