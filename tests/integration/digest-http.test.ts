import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateThread } from "../../app/domain/escalations.server";
import { hideMessage } from "../../app/domain/threads/moderate.server";
import { formatNumber } from "../../app/utils/persian";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { visibleText } from "../support/http";
import { appFactories, ok, type AppFactories } from "../support/factories";
import { scaled } from "../support/wait";

const faThreads = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;
const SECRET = "واژه‌ای‌که‌نباید‌دیده‌شود";

describe.each(BACKENDS)("a discussion's digest over HTTP on %s", (backend) => {
  let app: TestApp;
  let make: AppFactories;
  let longThread: string;
  let shortThread: string;
  let reviewThread: string;
  let proposalId: string;
  let managerId: string;

  beforeAll(async () => {
    app = await startTestApp(backend);
    make = appFactories(app, { firstPhone: "+989133000000" });
    const districtId = await make.district({ number: 3 });
    managerId = (await make.user({ name: "مدیر منطقه سه", grants: [{ role: "district_manager", districtId }] })).id;
    make.defaults.founderId = managerId;
    const councilId = (await make.council({ districtId })).id;
    const categoryId = await make.category();
    const people = await make.users(4, { name: (i) => ["فاطمه کاظمی", "رضا صادقی", "نرگس امینی", "مهدی یزدانی"][i]! });
    proposalId = (await make.proposal({ councilId, authorId: people[0]!.id, categoryId, title: "کتابخانه محله" })).id;
    longThread = await make.thread({ kind: "proposal", proposalId });
    const secret = await make.message(longThread, people[1]!.id, `پیشنهاد ${SECRET}`);
    for (let i = 0; i < 34; i++) {
      await make.message(longThread, people[i % 4]!.id, `کتابخانه محله به کتاب‌های تازه نیاز دارد ${i}`, {
        replyToId: i < 3 ? secret.messageId : null,
      });
    }
    ok(await hideMessage(app.database.db, { actorId: managerId, messageId: secret.messageId, reason: "نامربوط" }));
    ok(await escalateThread(app.database.db, { threadId: longThread, actorId: managerId, note: "بحث طولانی", urgency: "normal" }));
    ({ threadId: shortThread } = await make.councilThread({ districtId }));
    await make.message(shortThread, people[0]!.id, "سلام");
    const commissionId = await make.commission();
    reviewThread = await make.thread({ kind: "commission", proposalId, commissionId });
    for (let i = 0; i < 31; i++) await make.message(reviewThread, managerId, `بررسی ${i}`);
  }, scaled(180_000));
  afterAll(async () => {
    await app?.close();
  });

  it("shows a long discussion's digest, closed, at the top of its thread, without the hidden message's text", async () => {
    const { client } = await make.signedIn({ name: "خواننده" });
    for (const path of [`/threads/${longThread}`, `/proposals/${proposalId}`]) {
      const response = await client.get(path);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`<details class="digest" data-digest="${longThread}"`);
      const text = visibleText(html);
      expect(text).toContain(faThreads.digest.title);
      expect(text).toContain(faThreads.digest.participants_other.replace("{{count}}", formatNumber(4)));
      expect(text).toContain(faThreads.digest.hidden_message);
      expect(text).toContain("کتابخانه");
      expect(html.includes(SECRET)).toBe(false);
      // The desk's item is not the public's.
      expect(text).not.toContain(faThreads.digest.escalated);
    }
  });

  it("leaves a short discussion without a digest", async () => {
    const html = await (await make.signedIn({ name: "خواننده دیگر" })).client.get(`/threads/${shortThread}`).then((r) => r.text());
    expect(html).not.toContain('class="digest"');
  });

  it("has a page of its own, refused to a resident for a commission's review thread", async () => {
    const { client } = await make.signedIn({ name: "ساکن" });
    const page = await client.get(`/threads/${longThread}/digest`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(visibleText(html)).toContain(faThreads.digest.section.people);
    expect(html.includes(SECRET)).toBe(false);
    expect((await client.get(`/threads/${reviewThread}/digest`)).status).toBe(404);
    expect((await client.get(`/threads/${reviewThread}`)).status).toBe(404);
    expect((await client.get(`/threads/not-a-thread/digest`)).status).toBe(404);
    const reviewer = await make.signedIn({
      name: "عضو کمیسیون",
      grants: [{ role: "commission_member", commissionId: await commissionOf() }],
    });
    expect((await reviewer.client.get(`/threads/${reviewThread}/digest`)).status).toBe(200);
  });

  it("puts each item's digest on the deputy's desk", async () => {
    const deputy = await make.signedIn({ name: "معاون", grants: [{ role: "deputy" }] });
    const html = await deputy.client.get("/deputy").then((r) => r.text());
    expect(html).toContain(`class="digest digest--compact" data-digest="${longThread}"`);
    expect(html).toContain(`/threads/${longThread}/digest`);
    expect(html.includes(SECRET)).toBe(false);
  });

  async function commissionOf() {
    const rows = await app.database.db.query.threads.findFirst({ where: (t, { eq }) => eq(t.id, reviewThread) });
    return rows!.commissionId!;
  }
});
