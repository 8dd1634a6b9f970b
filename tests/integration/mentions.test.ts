import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { findMentions, inboxPage, processNotices } from "../../app/domain/notifications.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { postMessage } from "../../app/domain/threads/write.server";
import { districts, memberships, neighborhoods, users } from "../../db/schema";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { testCharter } from "../support/fixtures";

describe("finding mentions in a message", () => {
  const people = [
    { id: "1", name: "مریم" },
    { id: "2", name: "مریم احمدی" },
    { id: "3", name: "Reza K" },
  ];
  it("is @ and the display name as the thread shows it, ending the word; the longest name wins", () => {
    expect(findMentions("سلام @مریم احمدی، نظرتان؟", people).map((p) => p.id)).toEqual(["2"]);
    expect(
      findMentions("@مریم و @Reza K موافقید؟", people)
        .map((p) => p.id)
        .sort(),
    ).toEqual(["1", "3"]);
    expect(findMentions("@مریمی نیست", people)).toEqual([]);
    expect(findMentions("مریم احمدی بدون @", people)).toEqual([]);
    expect(findMentions("email@مریم.", people).map((p) => p.id)).toEqual(["1"]);
  });
});

describe.each(BACKENDS)("mentions in threads on %s", (backend) => {
  let database: TestDatabase;
  let db: TestDatabase["db"];

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    db = database.db;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it("tells the participant named with @ (not the writer, not a stranger with the same name outside the thread)", async () => {
    const [manager, a, b, c, outsider] = await db
      .insert(users)
      .values(
        ["مدیر", "زهرا کریمی", "حسن", "مریم احمدی", "مریم احمدی"].map((name, i) => ({
          phone: `+98917500000${i}`,
          displayName: name,
          passwordHash: "x",
        })),
      )
      .returning({ id: users.id });
    const [district] = await db.insert(districts).values({ number: 15, name: "منطقه ۱۵", nameKey: "district-15" }).returning();
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی یاس", nameKey: "mention-hood" })
      .returning();
    const council = await createCouncil(db, manager!.id, hood!.id, testCharter({}));
    if (!council.ok) throw new Error(council.error);
    await db.insert(memberships).values([a!, b!, c!].map((m) => ({ councilId: council.id, userId: m.id, termNumber: 1 })));
    const threadId = await ensureThread(db, { kind: "council", councilId: council.id });
    expect((await postMessage(db, { threadId, authorId: a!.id, body: "پیشنهاد من نیمکت است" })).ok).toBe(true);
    expect((await postMessage(db, { threadId, authorId: c!.id, body: "موافقم" })).ok).toBe(true);
    await processNotices(db, { limit: 100 });
    const posted = await postMessage(db, { threadId, authorId: b!.id, body: "@زهرا کریمی و @مریم احمدی لطفاً جزئیات را بنویسید. @حسن" });
    if (!posted.ok) throw new Error(posted.error);
    await processNotices(db, { limit: 100 });
    const kinds = async (id: string) => (await inboxPage(db, id, { limit: 50 })).items.map((i) => i.kind).sort();
    for (const who of [a!, c!]) {
      const items = (await inboxPage(db, who.id, { limit: 50 })).items;
      const mention = items.find((i) => i.kind === "mention");
      expect(mention).toMatchObject({ itemKey: `thread:${threadId}:mentions`, link: `/threads/${threadId}#m-${posted.messageId}` });
      expect(mention!.params).toMatchObject({ name: "حسن" });
    }
    expect(await kinds(b!.id)).not.toContain("mention");
    expect(await kinds(outsider!.id)).toEqual([]);
  });
});
