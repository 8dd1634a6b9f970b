import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProposals } from "../../app/domain/proposals.server";
import { getThread } from "../../app/domain/threads/lookup.server";
import { hashPassword, verifyPassword } from "../../app/utils/password.server";
import { isLoaderStatement, startCaptureProxy } from "../../bench/capture";
import { cityLandmarks, cityStatements, type ScaleSpec } from "../../bench/generate";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";

// A miniature of the benchmark's city: same statements, a few hundred rows.
const spec: ScaleSpec = {
  districts: 2,
  councils: 4,
  users: 200,
  proposals: 120,
  supports: 240,
  messages: 400,
  bigThread: 60,
  ballots: 40,
  growth: [30, 50],
  growthMessages: [20, 70],
};

describe.each(BACKENDS)("the benchmark's generated city (%s)", (backend) => {
  let database: TestDatabase;
  const city = cityLandmarks(spec);

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const hash = await hashPassword(city.resident.password);
    for (const step of cityStatements(spec, hash)) {
      // The steps are several statements each; one at a time through the app's own handle.
      for (const statement of step.sql.split(/;\s*\n/)) await database.db.execute(sql.raw(statement));
    }
  });
  afterAll(() => database?.destroy());

  const rows = async <T>(query: ReturnType<typeof sql>) => {
    const result = (await database.db.execute(query)) as unknown as { rows?: T[] } & T[];
    return (result.rows ?? result) as T[];
  };

  it("fills every table to the scale asked, within the schema's constraints", async () => {
    const [counts] = await rows<Record<string, number>>(sql`
      select (select count(*)::int from districts) districts, (select count(*)::int from users) users,
             (select count(*)::int from proposals) proposals, (select count(*)::int from thread_messages) messages,
             (select count(*)::int from supports) supports, (select count(*)::int from votes) votes,
             (select count(*)::int from ballots) ballots, (select count(*)::int from memberships) seats`);
    expect(counts!.districts).toBe(spec.districts);
    expect(counts!.users).toBe(spec.users);
    expect(counts!.proposals).toBe(spec.proposals + spec.growth.reduce((a, b) => a + b, 0));
    expect(counts!.messages).toBe(spec.messages + spec.growthMessages.reduce((a, b) => a + b, 0));
    expect(counts!.supports).toBeGreaterThan(spec.supports / 2);
    expect(counts!.votes).toBeGreaterThan(0);
    expect(counts!.ballots).toBeGreaterThan(0);
    expect(counts!.seats).toBe(spec.councils * 9);
  });

  it("keeps the counters the app keeps in step with the rows they count", async () => {
    const [support] = await rows<{ wrong: number }>(sql`
      select count(*)::int wrong from proposals p
      where p.support_count <> (select count(*) from supports s where s.proposal_id = p.id)`);
    expect(support!.wrong).toBe(0);
    const [thread] = await rows<{ wrong: number }>(sql`
      select count(*)::int wrong from threads t
      where t.last_seq <> coalesce((select max(seq) from thread_messages m where m.thread_id = t.id), 0)
         or t.message_count <> (select count(*) from thread_messages m where m.thread_id = t.id)
         or t.last_seq <> coalesce((select max(seq) from thread_events e where e.thread_id = t.id), 0)`);
    expect(thread!.wrong).toBe(0);
  });

  it("puts the cases' pages where the benchmark looks for them", async () => {
    const list = await listProposals(database.db, { councilId: city.councilId, limit: 20 });
    expect(list.items[0]?.id).toBe(city.bigProposalId);
    const big = await getThread(database.db, city.bigThreadId);
    expect(big?.proposalId).toBe(city.bigProposalId);
    expect(big?.messageCount).toBe(spec.bigThread);
    const council = await getThread(database.db, city.threadId);
    expect(council?.kind).toBe("council");
    expect(council?.councilId).toBe(city.councilId);
    for (const g of city.growthThreads) expect((await getThread(database.db, g.threadId))?.messageCount).toBe(g.rows);
    for (const g of city.growth) {
      const [n] = await rows<{ n: number }>(sql`select count(*)::int n from proposals where council_id = ${g.councilId}`);
      expect(n!.n).toBe(g.rows);
    }
  });

  it("signs in as the resident, a member of the council of the big proposal", async () => {
    const [resident] = await rows<{ password_hash: string; seats: number }>(sql`
      select u.password_hash, (select count(*)::int from memberships m where m.user_id = u.id and m.council_id = ${city.councilId}
                               and m.status = 'active') seats
      from users u where u.phone = ${city.resident.phone}`);
    expect(resident?.seats).toBe(1);
    expect(await verifyPassword(resident!.password_hash, city.resident.password)).toBe(true);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("the benchmark's statement recorder", () => {
  it("records each statement with its parameters as it passes to PostgreSQL", async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = await startCaptureProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(target);
    through.hostname = "127.0.0.1";
    through.port = String(proxy.port);
    const client = postgres(through.toString(), { max: 1, onnotice: () => {} });
    try {
      const [row] = await client`select ${41}::int + 1 as answer, ${"سلام"}::text as greeting, ${null}::text as nothing`;
      expect(row).toEqual({ answer: 42, greeting: "سلام", nothing: null });
      // The same statement again: postgres.js reuses its prepared statement (Bind only).
      await client`select ${41}::int + 1 as answer, ${"دوباره"}::text as greeting, ${null}::text as nothing`;
      const recorded = proxy.statements.filter(isLoaderStatement).filter((s) => s.sql.includes("greeting"));
      expect(recorded.map((s) => s.params)).toEqual([
        ["41", "سلام", null],
        ["41", "دوباره", null],
      ]);
    } finally {
      await client.end({ timeout: 5 });
      await proxy.close();
    }
  });
});
