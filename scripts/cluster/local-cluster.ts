/**
 * A production-shaped cluster on loopback: PostgreSQL (the machine's, or a throwaway initdb
 * cluster), PgBouncer in transaction mode, N app instances, and HAProxy in front; every process
 * is one this code started, and `stop()` ends exactly those. Used by `npm run cluster`, by the
 * cluster drill and by the benchmark's cluster row. The configuration files are those of
 * docs/deploy/ (scripts/cluster/config.ts), with loopback addresses and free ports.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { haproxyConfig, pgbouncerIni } from "./config";
import { freePort, startCluster, type Cluster } from "./postgres";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const asRoot = process.getuid?.() === 0;

export interface LocalClusterOptions {
  instances: number;
  /** Use this PostgreSQL database (the machine's) instead of a throwaway cluster. */
  databaseUrl?: string;
  /** The balancer's port (0: a free one). */
  port?: number;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Where a program from Debian's packages is (sbin is not on everyone's PATH). */
export function findProgram(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * HAProxy and PgBouncer from Debian's packages, installed when missing and allowed (root with
 * apt-get), as CI does; otherwise a clear message with the command to run.
 */
export function ensurePrograms(log: (line: string) => void = () => {}) {
  const missing = (["haproxy", "pgbouncer"] as const).filter((p) => !findProgram(p));
  if (missing.length && asRoot && findProgram("apt-get")) {
    log(`installing ${missing.join(" and ")} from Debian's packages`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    const result = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
    if (result.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
  }
  const still = (["haproxy", "pgbouncer"] as const).filter((p) => !findProgram(p));
  if (still.length) throw new Error(`${still.join(" and ")} not found: sudo apt-get install -y haproxy pgbouncer`);
  return { haproxy: findProgram("haproxy")!, pgbouncer: findProgram("pgbouncer")! };
}

/** A line on HAProxy's runtime API, answered in full. */
export function haproxyCommand(socketPath: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let out = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`HAProxy did not answer "${command}"`));
    }, timeoutMs);
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk) => (out += String(chunk)));
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export interface ServerStat {
  name: string;
  status: string;
  /** Connections open now (a WebSocket counts as one for as long as it is open). */
  current: number;
  /** Connections since start. */
  total: number;
}

/** The app backend's servers as HAProxy sees them (`show stat`). */
export async function backendStats(socketPath: string): Promise<ServerStat[]> {
  const csv = await haproxyCommand(socketPath, "show stat");
  const [header, ...lines] = csv.trim().split("\n");
  const columns = header!.replace(/^# /, "").split(",");
  const at = (name: string) => columns.indexOf(name);
  return lines
    .map((line) => line.split(","))
    .filter((cells) => cells[at("pxname")] === "app" && !["FRONTEND", "BACKEND"].includes(cells[at("svname")]!))
    .map((cells) => ({
      name: cells[at("svname")]!,
      status: cells[at("status")]!,
      current: Number(cells[at("scur")]),
      total: Number(cells[at("stot")]),
    }));
}

/** One app instance: `node --import tsx server.ts` (what the systemd unit runs) on a fixed loopback port. */
export class AppInstance {
  private child: ChildProcess | null = null;
  exitCode: number | null | undefined = undefined;
  exitSignal: NodeJS.Signals | null = null;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logPath: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.child?.pid;
  }
  get alive() {
    return this.child !== null && this.exitCode === undefined;
  }

  async start(timeoutMs = 90_000) {
    this.exitCode = undefined;
    this.exitSignal = null;
    const log = fs.createWriteStream(this.logPath, { flags: "a" });
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...this.env,
        HOST: "127.0.0.1",
        PORT: String(this.port),
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    running.add(this);
    child.on("exit", (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      running.delete(this);
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    await waitFor(`${this.name} to serve`, timeoutMs, async () => {
      if (!this.alive) throw new Error(`${this.name} exited (${this.exitCode ?? this.exitSignal}) before serving:\n${this.logTail(20)}`);
      try {
        return (await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200;
      } catch {
        return false;
      }
    });
  }

  /** SIGTERM: the instance drains (decision 018) and exits; SIGKILL only if it has not after `ms`. */
  async stop(ms = 40_000) {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child!.once("exit", resolve));
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), ms);
    await exited;
    clearTimeout(timer);
  }

  kill9() {
    this.child?.kill("SIGKILL");
  }

  logTail(lines = 30) {
    try {
      return fs.readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }
}

const running = new Set<AppInstance>();
const helpers = new Set<ChildProcess>();
process.on("exit", () => {
  // Whatever happened, nothing this process started outlives it.
  for (const instance of running) instance.kill9();
  for (const child of helpers) child.kill("SIGKILL");
});

export interface RollStep {
  instance: string;
  /** SIGTERM to exit: told the balancer, closed sockets, finished requests. */
  drainMs: number;
  /** Start to healthy. */
  startMs: number;
  /** Healthy to HAProxy sending it work again. */
  backInRotationMs: number;
}

export interface LocalCluster {
  /** Where people connect: HAProxy. */
  url: string;
  /** HAProxy's own Prometheus metrics and stats page. */
  haproxyMetricsUrl: string;
  /** Straight to PostgreSQL, and through PgBouncer. */
  directUrl: string;
  pooledUrl: string;
  dir: string;
  statsSocket: string;
  instances: AppInstance[];
  stats(): Promise<ServerStat[]>;
  /** Waits until HAProxy sends work to exactly the named instances (all, by default). */
  waitInRotation(names?: string[], ms?: number): Promise<void>;
  /** Restarts the instances one at a time; each drains, starts again and is back in rotation before the next. */
  roll(onStep?: (step: RollStep) => void): Promise<RollStep[]>;
  stop(): Promise<void>;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const log = options.log ?? (() => {});
  const programs = ensurePrograms(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-cluster-"));
  const logDir = path.join(dir, "logs");
  fs.mkdirSync(logDir);
  // PgBouncer will not run as root: as root it runs as the postgres user, and its files are theirs.
  const owner = asRoot
    ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) }
    : null;

  let pg: Cluster | null = null;
  let haproxy: ChildProcess | null = null;
  let pgbouncer: ChildProcess | null = null;
  const instances: AppInstance[] = [];
  let stopped = false;

  const stopChild = async (child: ChildProcess | null, signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    helpers.delete(child);
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // The instances first (they drain while HAProxy still asks them), then what they used.
    await Promise.all(instances.map((i) => i.stop().catch(() => i.kill9())));
    await stopChild(haproxy, "SIGTERM");
    await stopChild(pgbouncer, "SIGTERM");
    pg?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    // --- PostgreSQL ------------------------------------------------------------------------
    let directUrl: string;
    if (options.databaseUrl) {
      directUrl = options.databaseUrl;
      log(`PostgreSQL: ${new URL(directUrl).host}${new URL(directUrl).pathname} (from DATABASE_URL)`);
    } else {
      pg = await startCluster("cluster");
      const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
      await admin.unsafe("create database mahalleh");
      await admin.end();
      directUrl = pg.url("mahalleh");
      log(`PostgreSQL: a throwaway cluster on 127.0.0.1:${pg.port} (${pg.dir})`);
    }
    const target = new URL(directUrl);

    // --- PgBouncer -------------------------------------------------------------------------
    const bouncerDir = path.join(dir, "pgbouncer");
    fs.mkdirSync(bouncerDir);
    const bouncerPort = await freePort();
    const user = decodeURIComponent(target.username || "postgres");
    const password = target.password ? decodeURIComponent(target.password) : undefined;
    const database = target.pathname.slice(1) || "postgres";
    fs.writeFileSync(path.join(bouncerDir, "userlist.txt"), `"${user}" ""\n`);
    fs.writeFileSync(
      path.join(bouncerDir, "pgbouncer.ini"),
      pgbouncerIni({
        listen: { host: "127.0.0.1", port: bouncerPort },
        server: { host: target.hostname || "127.0.0.1", port: Number(target.port || 5432), database, user, password },
        database,
        authFile: path.join(bouncerDir, "userlist.txt"),
        authType: "trust",
        unixSocketDir: bouncerDir,
        poolSize: 20,
        production: false,
      }),
      { mode: 0o600 },
    );
    if (owner) {
      fs.chmodSync(dir, 0o711); // the postgres user passes through to its own folder
      fs.chownSync(bouncerDir, owner.uid, owner.gid);
    }
    for (const f of fs.readdirSync(bouncerDir)) if (owner) fs.chownSync(path.join(bouncerDir, f), owner.uid, owner.gid);
    const bouncerLog = fs.createWriteStream(path.join(logDir, "pgbouncer.log"));
    const bouncer = spawn(programs.pgbouncer, [path.join(bouncerDir, "pgbouncer.ini")], {
      cwd: bouncerDir,
      stdio: ["ignore", "pipe", "pipe"],
      ...(owner
        ? { uid: owner.uid, gid: owner.gid, env: { PATH: process.env.PATH, HOME: bouncerDir } as unknown as NodeJS.ProcessEnv }
        : {}),
    });
    pgbouncer = bouncer;
    helpers.add(bouncer);
    bouncer.stdout!.pipe(bouncerLog);
    bouncer.stderr!.pipe(bouncerLog);
    const pooled = new URL(directUrl);
    pooled.hostname = "127.0.0.1";
    pooled.port = String(bouncerPort);
    const pooledUrl = pooled.toString();
    await waitFor("PgBouncer to answer", 20_000, async () => {
      if (pgbouncer!.exitCode !== null)
        throw new Error(
          `PgBouncer exited (${pgbouncer!.exitCode}): ${fs.readFileSync(path.join(logDir, "pgbouncer.log"), "utf8").slice(-1500)}`,
        );
      const probe = postgres(pooledUrl, { max: 1, prepare: false, connect_timeout: 2, onnotice: () => {} });
      try {
        await probe`select 1`;
        return true;
      } catch {
        return false;
      } finally {
        await probe.end({ timeout: 1 }).catch(() => {});
      }
    });
    log(`PgBouncer (transaction pooling): 127.0.0.1:${bouncerPort}`);

    // --- HAProxy's ports and the instances' --------------------------------------------------
    const port = options.port || (await freePort());
    const metricsPort = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const secret = crypto.randomBytes(32).toString("base64url");
    const env: Record<string, string> = {
      NODE_ENV: "production",
      DATABASE_URL: pooledUrl,
      DATABASE_DIRECT_URL: directUrl,
      DATABASE_POOL_SIZE: "10",
      SESSION_SECRET: secret,
      APP_ORIGIN: `${url},http://localhost:${port}`,
      TRUST_PROXY: "1",
      LOG_LEVEL: "info",
      ...options.env,
    };
    for (let i = 1; i <= options.instances; i++) {
      instances.push(new AppInstance(`app${i}`, await freePort(), env, path.join(logDir, `app${i}.log`)));
    }
    // The first instance migrates (through the direct connection); the others start together.
    await instances[0]!.start();
    await Promise.all(instances.slice(1).map((i) => i.start()));
    log(`${instances.length} instances: ${instances.map((i) => `${i.name} 127.0.0.1:${i.port}`).join(", ")}`);

    // --- HAProxy -------------------------------------------------------------------------------
    const statsSocket = path.join(dir, "haproxy.sock");
    const cfg = path.join(dir, "haproxy.cfg");
    fs.writeFileSync(
      cfg,
      haproxyConfig({
        listen: { host: "127.0.0.1", port },
        servers: instances.map((i) => ({ name: i.name, host: "127.0.0.1", port: i.port })),
        statsSocket,
        metrics: { host: "127.0.0.1", port: metricsPort },
        production: false,
      }),
    );
    const check = spawnSync(programs.haproxy, ["-c", "-q", "-f", cfg], { encoding: "utf8" });
    if (check.status !== 0) throw new Error(`haproxy -c: ${check.stderr || check.stdout}`);
    const haproxyLog = fs.createWriteStream(path.join(logDir, "haproxy.log"));
    const balancer = spawn(programs.haproxy, ["-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
    haproxy = balancer;
    helpers.add(balancer);
    balancer.stdout!.pipe(haproxyLog);
    balancer.stderr!.pipe(haproxyLog);

    const stats = () => backendStats(statsSocket);
    const waitInRotation = async (names = instances.map((i) => i.name), ms = 30_000) => {
      await waitFor(`HAProxy to send work to ${names.join(", ")}`, ms, async () => {
        if (haproxy!.exitCode !== null)
          throw new Error(
            `HAProxy exited (${haproxy!.exitCode}): ${fs.readFileSync(path.join(logDir, "haproxy.log"), "utf8").slice(-1500)}`,
          );
        try {
          const up = (await stats()).filter((s) => s.status === "UP").map((s) => s.name);
          return names.every((n) => up.includes(n));
        } catch {
          return false; // the socket is not there yet
        }
      });
    };
    await waitInRotation();
    log(`HAProxy: ${url} (its metrics: http://127.0.0.1:${metricsPort}/metrics, stats page /stats)`);

    return {
      url,
      haproxyMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      directUrl,
      pooledUrl,
      dir,
      statsSocket,
      instances,
      stats,
      waitInRotation,
      async roll(onStep) {
        const steps: RollStep[] = [];
        for (const instance of instances) {
          const others = instances.filter((i) => i !== instance).map((i) => i.name);
          // Never take one out while another is not back yet.
          await waitInRotation();
          const t0 = Date.now();
          await instance.stop();
          const t1 = Date.now();
          await instance.start();
          const t2 = Date.now();
          await waitInRotation([instance.name, ...others]);
          const step = { instance: instance.name, drainMs: t1 - t0, startMs: t2 - t1, backInRotationMs: Date.now() - t2 };
          steps.push(step);
          onStep?.(step);
        }
        return steps;
      },
      stop,
    };
  } catch (error) {
    const tails = instances.map((i) => `${i.name}:\n${i.logTail(15)}`).join("\n");
    await stop().catch(() => {});
    throw new Error(`${(error as Error).message}${tails ? `\n${tails}` : ""}`, { cause: error });
  }
}
