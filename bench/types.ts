/**
 * What `npm run bench` hands to the benches that live in their own files, and what it expects
 * back. A file that is missing is reported as "not measured"; a bench that throws, as "failed".
 */
export interface BenchContext {
  /** Where the generated city lives. */
  db: "postgres" | "pglite";
  /** The bench database (postgres only); never a database anyone else uses. */
  databaseUrl?: string;
  /** The app under test, already healthy (NODE_ENV=production, loopback). */
  appUrl: string;
  /** Session cookie of a signed-in resident (a member of the council of the big proposal). */
  cookie: string;
  scale: "quick" | "city" | "tehran";
  /** Seconds a single measurement should last; the whole bench must end within ten minutes. */
  durationSeconds: number;
  log: (...parts: unknown[]) => void;
}

/** bench/ballots.ts: `export async function runBallotBench(context: BenchContext): Promise<BallotBenchResult>` */
export interface BallotBenchResult {
  ballotsPerSec: number;
  supportsPerSec: number;
  /** Raw `INSERT … ON CONFLICT` through postgres.js, same rows, same run. */
  rawPerSec: number;
  /** Every ballot and support counted once, none lost. */
  exact: boolean;
}

/** bench/fanout.ts: `export async function runFanoutBench(context: BenchContext): Promise<FanoutBenchResult>` */
export interface FanoutBenchResult {
  p50: number;
  p99: number;
  /** A bare socket.io broadcast of the same payload to the same number of sockets. */
  bareP50: number;
  bareP99: number;
  /** Two app instances on one PostgreSQL: post on one, delivered by the other. */
  crossInstanceP99: number;
}
