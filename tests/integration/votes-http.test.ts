import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tallyOf } from "../../app/domain/votes.server";
import { ballots } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { type Browserless } from "../support/http";
import { appFactories, sessionClient, type Person } from "../support/factories";
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
    const make = appFactories(app, { firstPhone: "+989123000000", charter: { supportThreshold: 1000 } });
    const districtId = await make.district({ number: 1, name: "منطقه یک" });
    const people = await make.users(MEMBERS, { name: "عضو" });
    const [chair, author] = people as [Person, Person];
    const council = await make.council({ founderId: chair.id, districtId, neighborhood: "کوی بهار" });
    await make.seat(council.id, people, { chairFirst: true });
    const vote = await make.openVote({
      councilId: council.id,
      authorId: author.id,
      by: chair.id,
      categoryId: await make.category("فضای سبز"),
      title: "بازسازی بوستان محله",
      body: "وسایل بازی بوستان فرسوده است و باید تعویض شود.",
      hours: 48,
    });
    voteId = vote.voteId;
    proposalPath = `/proposals/${vote.proposalId}`;
    // Signed in the way the sign-in page does it, without spending 200 password checks on set-up.
    for (const p of people) members.push({ id: p.id, client: await sessionClient(app, p.id) });
  }, scaled(180_000));
  afterAll(async () => {
    await app?.close();
  });

  it(
    "keeps exactly one ballot when one member sends the same vote 100 times at once",
    async () => {
      const one = members[5]!;
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          one.client.post(proposalPath, { intent: "ballot", voteId, choice: "against" }).then((r) => r.status),
        ),
      );
      expect(answers.filter((s) => s >= 500)).toEqual([]);
      expect(answers.every((s) => s === 302 || s === 409)).toBe(true);
      const rows = await app.database.db
        .select()
        .from(ballots)
        .where(and(eq(ballots.voteId, voteId), eq(ballots.userId, one.id)));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.choice).toBe("against");
    },
    scaled(120_000),
  );

  it(
    "counts exactly when all 200 members vote at once",
    async () => {
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
    },
    scaled(120_000),
  );
});
