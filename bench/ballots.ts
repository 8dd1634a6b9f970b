/**
 * Ballot and support write rate against the bare floor: 2,000 members cast a ballot, and 2,000
 * residents support a proposal, through the app's own domain functions on a real PostgreSQL, beside
 * a raw `INSERT … ON CONFLICT` into the same ballots table through postgres.js, in the same run and
 * on the same kind of connection pool. Each case works in a throwaway database made for the run and
 * dropped after it. Bounded in count; prints figures, checks exactness, asserts no speed.
 *
 *   npx tsx bench/ballots.ts            (BENCH_DATABASE_URL or TEST_DATABASE_URL, else local)
 *   BENCH_MEMBERS=2000 BENCH_WRITE_CONCURRENCY=50 BENCH_ROUNDS=3 npx tsx bench/ballots.ts
 */
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { count, eq } from "drizzle-orm";
import { createCouncil } from "../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda, supportProposal } from "../app/domain/proposals.server";
import { castBallot, openVote, tallyOf, type Choice } from "../app/domain/votes.server";
import { openDatabase, type Database } from "../db/client.server";
import { ballots, districts, memberships, neighborhoods, proposals, supports, users } from "../db/schema";
import { testCharter } from "../tests/support/fixtures";

export interface BallotBenchOptions {
  /** A PostgreSQL server the run may create and drop a database on (its own name, random). */
  databaseUrl?: string;
  /** Members who vote, and residents who support: one write each per round. */
  members?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** Connections per pool (the app's default is 10); the raw pool gets the same. */
  poolSize?: number;
  /** Each round measures raw, ballots and supports once; the median round is reported. */
  rounds?: number;
  log?: (line: string) => void;
}

export interface BallotBenchResult {
  ballotsPerSec: number;
  supportsPerSec: number;
  rawPerSec: number;
  /** Every write acknowledged, none doubled, counts and tallies equal to the rows. */
  exact: boolean;
  rounds: { ballotsPerSec: number; supportsPerSec: number; rawPerSec: number }[];
}

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const CHOICES: Choice[] = ["for", "against", "abstain"];
let phoneSeq = 0;

async function timed(total: number, concurrency: number, work: (i: number) => Promise<boolean>) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  async function worker() {
    while (next < total) {
      const i = next++;
      if (!(await work(i))) failed++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { perSec: total / seconds, failed };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** A council with `members` seats and a manager, in a fresh neighborhood of its own. */
async function seedCouncil(db: Database["db"], members: number, round: number, tag: string) {
  const [district] = await db
    .insert(districts)
    .values({ number: round + 1, name: `منطقه ${tag}`, nameKey: `bench-district-${tag}` })
    .returning({ id: districts.id });
  const [hood] = await db
    .insert(neighborhoods)
    .values({ districtId: district!.id, name: `محله ${tag}`, nameKey: `bench-hood-${tag}` })
    .returning({ id: neighborhoods.id });
  const people: string[] = [];
  for (let start = 0; start < members + 1; start += 1000) {
    const rows = await db
      .insert(users)
      .values(
        Array.from({ length: Math.min(1000, members + 1 - start) }, (_, k) => ({
          phone: `+98935${String(phoneSeq++).padStart(7, "0")}`,
          displayName: `عضو ${start + k}`,
          passwordHash: "x",
        })),
      )
      .returning({ id: users.id });
    people.push(...rows.map((r) => r.id));
  }
  const [manager, ...voters] = people as [string, ...string[]];
  const council = await createCouncil(db, manager, hood!.id, testCharter({ supportThreshold: 100_000 }));
  if (!council.ok) throw new Error(council.error);
  for (let start = 0; start < voters.length; start += 1000) {
    await db
      .insert(memberships)
      .values(voters.slice(start, start + 1000).map((userId) => ({ councilId: council.id, userId, termNumber: 1 })));
  }
  return { councilId: council.id, manager, voters };
}

async function proposalIn(db: Database["db"], councilId: string, authorId: string, categoryId: string, vote: boolean) {
  const filed = await fileProposal(db, {
    councilId,
    authorId,
    categoryId,
    title: "نورپردازی کوچه‌های محله",
    body: "کوچه‌های محله شب‌ها تاریک است و رفت‌وآمد سالمندان را سخت می‌کند.",
    place: "",
  });
  if (!filed.ok) throw new Error(filed.error);
  if (!vote) return { proposalId: filed.id, voteId: null };
  const agenda = await putOnAgenda(db, filed.id, authorId);
  if (!agenda.ok) throw new Error(agenda.error);
  const opened = await openVote(db, { proposalId: filed.id, actorId: authorId, hours: 48 });
  if (!opened.ok) throw new Error(opened.error);
  return { proposalId: filed.id, voteId: opened.voteId };
}

export async function runBallotBench(options: BallotBenchOptions = {}): Promise<BallotBenchResult> {
  const adminUrl = options.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const members = options.members ?? 2000;
  const concurrency = options.concurrency ?? 50;
  const poolSize = options.poolSize ?? 10;
  const roundCount = options.rounds ?? 1;
  const log = options.log ?? ((line: string) => console.log(line));

  const name = `mahalleh_bench_${crypto.randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: poolSize });
  const raw = postgres(url.toString(), { max: poolSize, onnotice: () => {} });
  const db = database.db;
  let exact = true;
  const rounds: BallotBenchResult["rounds"] = [];
  try {
    const category = await createCategory(db, "روشنایی");
    if (!category.ok) throw new Error(category.error);
    for (let round = 0; round < roundCount; round++) {
      const { councilId, manager, voters } = await seedCouncil(db, members, round, `${round}-${crypto.randomBytes(3).toString("hex")}`);
      const rawVote = await proposalIn(db, councilId, manager, category.id, true);
      const appVote = await proposalIn(db, councilId, manager, category.id, true);
      const supported = await proposalIn(db, councilId, manager, category.id, false);
      await raw`analyze`;

      const rawRun = await timed(members, concurrency, async (i) => {
        await raw`insert into ballots (vote_id, user_id, choice) values (${rawVote.voteId!}, ${voters[i]!}, ${CHOICES[i % 3]!})
          on conflict (vote_id, user_id) do update set choice = excluded.choice, updated_at = now()`;
        return true;
      });
      const ballotRun = await timed(members, concurrency, async (i) => {
        const result = await castBallot(db, { proposalId: appVote.proposalId, userId: voters[i]!, choice: CHOICES[i % 3]! });
        return result.ok;
      });
      const supportRun = await timed(members, concurrency, async (i) => {
        const result = await supportProposal(db, supported.proposalId, voters[i]!);
        return result.ok;
      });

      // Exactness: every acknowledged write is a row, none doubled, tallies and counts equal rows.
      const expected = { for: 0, against: 0, abstain: 0 };
      for (let i = 0; i < members; i++) expected[CHOICES[i % 3]!]++;
      const tally = await tallyOf(db, appVote.voteId!);
      const [{ n: ballotRows }] = (await db.select({ n: count() }).from(ballots).where(eq(ballots.voteId, appVote.voteId!))) as [
        { n: number },
      ];
      const [{ n: supportRows }] = (await db
        .select({ n: count() })
        .from(supports)
        .where(eq(supports.proposalId, supported.proposalId))) as [{ n: number }];
      const [row] = await db.select({ supportCount: proposals.supportCount }).from(proposals).where(eq(proposals.id, supported.proposalId));
      const roundExact =
        ballotRun.failed === 0 &&
        supportRun.failed === 0 &&
        Number(ballotRows) === members &&
        tally.for === expected.for &&
        tally.against === expected.against &&
        tally.abstain === expected.abstain &&
        Number(supportRows) === members &&
        row!.supportCount === members;
      exact &&= roundExact;
      rounds.push({ ballotsPerSec: ballotRun.perSec, supportsPerSec: supportRun.perSec, rawPerSec: rawRun.perSec });
      log(
        `round ${round + 1}: raw ${rawRun.perSec.toFixed(0)}/s · ballots ${ballotRun.perSec.toFixed(0)}/s · supports ${supportRun.perSec.toFixed(0)}/s · ${roundExact ? "exact" : "NOT EXACT"}`,
      );
    }
  } finally {
    await raw.end({ timeout: 5 });
    await database.close();
    const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  }
  const result = {
    ballotsPerSec: median(rounds.map((r) => r.ballotsPerSec)),
    supportsPerSec: median(rounds.map((r) => r.supportsPerSec)),
    rawPerSec: median(rounds.map((r) => r.rawPerSec)),
    exact,
    rounds,
  };
  log(
    `ballots ${result.ballotsPerSec.toFixed(0)}/s (${((100 * result.ballotsPerSec) / result.rawPerSec).toFixed(0)}% of raw) · ` +
      `supports ${result.supportsPerSec.toFixed(0)}/s (${((100 * result.supportsPerSec) / result.rawPerSec).toFixed(0)}% of raw) · ` +
      `raw INSERT … ON CONFLICT ${result.rawPerSec.toFixed(0)}/s · ${members} writes each, concurrency ${concurrency}, pool ${poolSize} · ${exact ? "exact" : "NOT EXACT"}`,
  );
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const env = (key: string) => (process.env[key] ? Number(process.env[key]) : undefined);
  runBallotBench({ members: env("BENCH_MEMBERS"), concurrency: env("BENCH_WRITE_CONCURRENCY"), rounds: env("BENCH_ROUNDS") })
    .then((result) => process.exit(result.exact ? 0 : 1))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
