import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A Redis server of a test's own: `redis-server` on a free loopback port, its files in a temporary
 * folder, never the machine's Redis. Stopped (and its folder removed) by `destroy`, and on exit.
 */
export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SHUTDOWN: it writes its append-only file first when it keeps one). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export const redisServerPath = (() => {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
})();

/** Redis tests run where `redis-server` exists; under CI=true it must (CI installs it). */
export const REDIS_AVAILABLE = Boolean(redisServerPath);
if (!REDIS_AVAILABLE && process.env.CI === "true")
  throw new Error("redis-server is missing: CI must install it (apt-get install redis-server)");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.setTimeout(1000);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) {
        socket.destroy();
        resolve(answer.startsWith("+PONG"));
      }
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
  });
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startTestRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  if (!redisServerPath) throw new Error("redis-server is not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-redis-"));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    options.appendOnly ? "yes" : "no",
    "--appendfsync",
    "always",
    "--daemonize",
    "no",
    "--logfile",
    path.join(dir, "redis.log"),
  ];
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      const proc = spawn(redisServerPath!, args, { stdio: "ignore" });
      child = proc;
      running.add(proc);
      proc.once("exit", () => running.delete(proc));
      const deadline = Date.now() + 10_000;
      while (!(await ping(port))) {
        if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}); see ${dir}/redis.log`);
        if (Date.now() > deadline) throw new Error("redis-server did not answer within 10 s");
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGTERM"); // redis-server shuts down as with SHUTDOWN
      const force = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
      child = null;
    },
    async destroy() {
      await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
