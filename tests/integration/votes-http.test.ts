import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { openVote, tallyOf } from "../../app/domain/votes.server";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { ballots, districts, memberships, neighborhoods, users } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless } from "../support/http";
import { testCharter } from "../support/fixtures";
import { scaled } from "../support/wait";

const MEMBERS = 200;

/**
 * The vote races of the proposals issue, through the real server: many identical requests from one
 * member, and every member at once. The database constraint decides; no request fails with 5xx.
 */
describe.each(BACKENDS)("council votes over HTTP under load on %s", (backend) => {
  let app: TestApp;
  let proposalPath = "";
  let voteId = "";
  const members: { id: string; client: Browserless }[] = [];

  beforeAll(async () => {
    app = await startTestApp(backend);
    const db = app.database.db;
    const [district] = await db.insert(districts).values({ number: 1, name: "منطقه یک", nameKey: "منطقه یک" }).returning({ id: districts.id });
    const [hood] = await db
      .insert(neighborhoods)
      .values({ districtId: district!.id, name: "کوی بهار", nameKey: "کوی بهار" })
      .returning({ id: neighborhoods.id });
    const people = await db
      .insert(users)
      .values(Array.from({ length: MEMBERS }, (_, i) => ({ phone: `+98912${String(3_000_000 + i).padStart(7, "0")}`, displayName: `عضو ${i + 1}`, passwordHash: "x" })))
      .returning({ id: users.id });
    const council = await createCouncil(db, people[0]!.id, hood!.id, testCharter({ supportThreshold: 1000 }));
    if (!council.ok) throw new Error(council.error);
    await db.insert(memberships).values(people.map((p, i) => ({ councilId: council.id, userId: p.id, termNumber: 1, role: i === 0 ? ("chair" as const) : ("member" as const) })));
    const category = await createCategory(db, "فضای سبز");
    if (!category.ok) throw new Error(category.error);
    const filed = await fileProposal(db, {
      councilId: council.id,
      authorId: people[1]!.id,
      title: "بازسازی بوستان محله",
      body: "وسایل بازی بوستان فرسوده است و باید تعویض شود.",
      categoryId: category.id,
      place: "",
    });
    if (!filed.ok) throw new Error(filed.error);
    await putOnAgenda(db, filed.id, people[0]!.id);
    const opened = await openVote(db, { proposalId: filed.id, actorId: people[0]!.id, hours: 48 });
    if (!opened.ok) throw new Error(opened.error);
    voteId = opened.voteId;
    proposalPath = `/proposals/${filed.id}`;
    // Signed in the way the sign-in page does it, without spending 200 password checks on set-up.
    const cookie = sessionCookie(app.env.SESSION_SECRET, false);
    for (const p of people) {
      const client = new Browserless(app.baseUrl);
      const [pair] = (await cookie.serialize(await createSession(db, p.id))).split(";");
      const eq = pair!.indexOf("=");
      client.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      members.push({ id: p.id, client });
    }
  }, scaled(180_000));
  afterAll(async () => {
    await app?.close();
  });

  it("keeps exactly one ballot when one member sends the same vote 100 times at once", async () => {
    const one = members[5]!;
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => one.client.post(proposalPath, { intent: "ballot", voteId, choice: "against" }).then((r) => r.status)),
    );
    expect(answers.filter((s) => s >= 500)).toEqual([]);
    expect(answers.every((s) => s === 302 || s === 409)).toBe(true);
    const rows = await app.database.db.select().from(ballots).where(and(eq(ballots.voteId, voteId), eq(ballots.userId, one.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.choice).toBe("against");
  }, scaled(120_000));

  it("counts exactly when all 200 members vote at once", async () => {
    const choiceOf = (i: number) => (i % 5 === 0 ? "abstain" : i % 3 === 0 ? "against" : "for");
    const answers = await Promise.all(
      members.map((m, i) => m.client.post(proposalPath, { intent: "ballot", voteId, choice: choiceOf(i) }).then((r) => r.status)),
    );
    expect(answers.filter((s) => s !== 302)).toEqual([]);
    const expected = { for: 0, against: 0, abstain: 0 };
    members.forEach((_, i) => expected[choiceOf(i)]++);
    const db = app.database.db;
    expect(await tallyOf(db, voteId)).toEqual(expected);
    expect(Number((await db.select({ n: count() }).from(ballots).where(eq(ballots.voteId, voteId)))[0]!.n)).toBe(MEMBERS);
  }, scaled(120_000));
});
