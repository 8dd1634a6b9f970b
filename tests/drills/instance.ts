import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./cluster";

const root = path.resolve(import.meta.dirname, "..", "..");

/** The session secret both instances share (as behind a load balancer). */
export const DRILL_SECRET = "drill-secret-that-is-long-enough-0123456789abcdef";

/**
 * One app instance as a real process (`node --import tsx server.ts`, the same entry as `npm start`
 * without the build step), on a free loopback port, so kill -9 kills what a crash would.
 */
export class Instance {
  private child: ChildProcess | null = null;
  port = 0;
  exitCode: number | null | undefined = undefined;
  exitSignal: NodeJS.Signals | null = null;
  private readonly logPath: string;
  /** More environment for the process (e.g. REDIS_URL), set before `start`. */
  env: Record<string, string> = {};

  constructor(
    readonly name: string,
    private readonly databaseUrl: string,
    logDir: string,
  ) {
    this.logPath = path.join(logDir, `${name}.log`);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Running and answering (set once /readyz answered 200 after start). */
  get ready() {
    return this.alive && this.serving;
  }
  private serving = false;

  get alive() {
    return this.child !== null && this.exitCode === undefined;
  }

  get pid() {
    return this.child?.pid;
  }

  async start(timeoutMs = 60_000) {
    this.exitCode = undefined;
    this.exitSignal = null;
    this.serving = false;
    this.port = await freePort();
    const log = fs.createWriteStream(this.logPath, { flags: "a" });
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: String(this.port),
        DATABASE_URL: this.databaseUrl,
        DATABASE_POOL_SIZE: "10",
        SESSION_SECRET: DRILL_SECRET,
        TRUST_PROXY: "1",
        LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? "info",
        ...this.env,
      },
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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited (${this.exitCode ?? this.exitSignal}) before serving:\n${this.logTail(20)}`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) {
          this.serving = true;
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not serve within ${timeoutMs} ms:\n${this.logTail(20)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The process dies at once, as in a crash or an OOM kill. */
  kill9() {
    this.child?.kill("SIGKILL");
  }

  async stop() {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child!.once("exit", resolve));
    this.child!.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), 12_000);
    await exited;
    clearTimeout(timer);
  }

  async waitExit(ms: number) {
    const deadline = Date.now() + ms;
    while (this.alive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return !this.alive;
  }

  logTail(lines = 30) {
    try {
      return fs.readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** How many lines of the log contain `text`. */
  logCount(text: string) {
    try {
      return fs
        .readFileSync(this.logPath, "utf8")
        .split("\n")
        .filter((line) => line.includes(text)).length;
    } catch {
      return 0;
    }
  }

  /** The last warnings and errors of the log (pino levels 40 and up), each cut to 400 characters. */
  logProblems(lines = 12) {
    try {
      return fs
        .readFileSync(this.logPath, "utf8")
        .split("\n")
        .filter((line) => /"level":(4|5|6)\d/.test(line) || (line.trim() !== "" && !line.startsWith("{")))
        .slice(-lines)
        .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
        .join("\n");
    } catch {
      return "";
    }
  }
}

const running = new Set<Instance>();
process.on("exit", () => {
  for (const instance of running) instance.kill9();
});
