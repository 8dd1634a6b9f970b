import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ballots, proposals, supports } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, visibleText } from "../support/http";
import { appFactories, type AppFactories } from "../support/factories";

/**
 * A ballot belongs to the vote of the proposal in the address, whatever the form says; who may
 * vote is the permission module's answer; a support and its withdrawal sent together never fail.
 */
describe.each(BACKENDS)("ballots and supports scoped by the address on %s", (backend) => {
  let app: TestApp;
  let db: TestApp["database"]["db"];
  let categoryId = "";
  let make: AppFactories;
  const client: Record<string, Browserless> = {};
  const id: Record<string, string> = {};
  const voteOf: Record<string, string> = {};

  /** Someone signed in by a session of their own, known here by `key`. */
  async function person(key: string, name: string) {
    const someone = await make.signedIn({ name });
    id[key] = someone.id;
    client[key] = someone.client;
  }

  /** Council X or Y with its seats (the first chairs). */
  async function council(key: string, seats: string[]) {
    id[key] = (await make.council({ neighborhood: `محله ${key}` })).id;
    await make.seat(
      id[key]!,
      seats.map((s) => id[s]!),
      { chairFirst: true },
    );
  }

  /** Proposal `key` of a council, with a vote open on it for 48 hours when `vote`. */
  async function proposal(key: string, councilKey: string, vote: boolean) {
    const made = await make.proposal({
      councilId: id[councilKey]!,
      title: `طرح ${key} برای محله`,
      body: "متن طرحی که شورا درباره آن تصمیم می‌گیرد.",
      state: vote ? "voting" : "open",
      hours: 48,
    });
    id[key] = made.id;
    if (made.voteId) voteOf[key] = made.voteId;
  }

  const ballotsOn = (voteId: string, userId?: string) =>
    db
      .select()
      .from(ballots)
      .where(userId ? and(eq(ballots.voteId, voteId), eq(ballots.userId, userId)) : eq(ballots.voteId, voteId));

  beforeAll(async () => {
    app = await startTestApp(backend);
    db = app.database.db;
    // Proposals here are put on the agenda by the chair, never by supports.
    make = appFactories(app, { firstPhone: "+989134000000", charter: { supportThreshold: 1000 } });
    const districtId = await make.district({ number: 3, name: "منطقه سه" });
    await person("manager", "مدیر");
    for (const key of ["chairX", "memberX", "chairY", "memberY", "resident"]) await person(key, `شخص ${key}`);
    categoryId = await make.category("آموزش");
    Object.assign(make.defaults, { districtId, founderId: id.manager, authorId: id.manager, categoryId });
    await council("X", ["chairX", "memberX"]);
    await council("Y", ["chairY", "memberY"]);
    await proposal("A", "X", true);
    await proposal("B", "X", true);
    await proposal("C", "Y", true);
    await proposal("D", "X", false);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it("stores a ballot posted from proposal A's page with B's vote id on A, never on B", async () => {
    const answer = await client.memberX!.post(`/proposals/${id.A}`, { intent: "ballot", voteId: voteOf.B!, choice: "against" });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe(`/proposals/${id.A}`);
    expect(await ballotsOn(voteOf.B!)).toHaveLength(0);
    const onA = await ballotsOn(voteOf.A!, id.memberX);
    expect(onA).toHaveLength(1);
    expect(onA[0]!.choice).toBe("against");
  });

  it("refuses politely, on the page, a ballot aimed from A's page at a vote of the sender's own council", async () => {
    // memberY sits on council Y only; C is Y's proposal, A is X's.
    const answer = await client.memberY!.post(`/proposals/${id.A}`, { intent: "ballot", voteId: voteOf.C!, choice: "for" });
    expect(answer.status).toBe(409);
    const text = visibleText(await answer.text());
    expect(text).toContain("فقط اعضای فعال این شورا می‌توانند در این رأی‌گیری رأی بدهند.");
    expect(await ballotsOn(voteOf.C!)).toHaveLength(0);
    expect(await ballotsOn(voteOf.A!, id.memberY)).toHaveLength(0);
  });

  it("refuses a ballot on a proposal without an open vote, whatever vote id comes with it", async () => {
    const answer = await client.memberX!.post(`/proposals/${id.D}`, { intent: "ballot", voteId: voteOf.B!, choice: "for" });
    expect(answer.status).toBe(409);
    expect(visibleText(await answer.text())).toContain("رأی‌گیری هنوز آغاز نشده است.");
    expect(await ballotsOn(voteOf.B!)).toHaveLength(0);
  });

  it("shows the ballot form only to those the permission module lets vote, and names no vote in it", async () => {
    for (const [key, expected] of [
      ["memberX", true],
      ["chairX", true],
      ["memberY", false],
      ["resident", false],
      ["manager", false],
    ] as const) {
      const html = await (await client[key]!.get(`/proposals/${id.A}`)).text();
      expect(/name="choice"/.test(html), key).toBe(expected);
      expect(html).not.toContain(`name="voteId"`);
    }
    const anonymous = await (await new Browserless(app.baseUrl).get(`/proposals/${id.A}`)).text();
    expect(anonymous).not.toMatch(/name="choice"/);
  });

  it("answers a double-tapped support and withdrawal from one account without a server error, and keeps the count equal to the rows", async () => {
    const path = `/proposals/${id.D}`;
    const statuses: number[] = [];
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.memberX!.post(path, { intent: i % 2 ? "unsupport" : "support" }).then((r) => r.status)),
      );
      statuses.push(...answers);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 302 || s === 409)).toBe(true);
    const [{ n }] = (await db.select({ n: count() }).from(supports).where(eq(supports.proposalId, id.D!))) as [{ n: number }];
    const [row] = await db.select({ supportCount: proposals.supportCount }).from(proposals).where(eq(proposals.id, id.D!));
    expect(row!.supportCount).toBe(Number(n));
    expect(Number(n)).toBeLessThanOrEqual(1);
  }, 60_000);
});
