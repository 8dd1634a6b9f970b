import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A throwaway PostgreSQL cluster for one drill or one `npm run cluster`: initdb into a temporary folder, its own free
 * loopback port, its own socket folder; never the server on 5432. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` OS user.
 */
export interface Cluster {
  port: number;
  url(database?: string): string;
  dir: string;
  /** Fast shutdown and start again (what a restart by an operator or a package upgrade does). */
  restart(): Promise<void>;
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  /** Stops the server and removes the folder; safe to call twice. */
  destroy(): void;
}

function binDir() {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error("no PostgreSQL server binaries found (initdb); install postgresql or set PG_BIN_DIR");
  return path.join(root, versions[0], "bin");
}

const asRoot = process.getuid?.() === 0;

function run(bin: string, args: string[], options: { allowFail?: boolean } = {}) {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const result = spawnSync(cmd, argv, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(`${path.basename(bin)} ${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<Cluster>();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  // Whatever happens (a failed assertion, an exception, Ctrl-C), no cluster is left running.
  process.on("exit", () => {
    for (const cluster of [...live]) cluster.destroy();
  });
}

export async function startCluster(label = "drill"): Promise<Cluster> {
  hookExit();
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mahalleh-${label}-`));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  let port = 0;
  const pgctl = path.join(bin, "pg_ctl");
  const options = () =>
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=on -c max_connections=200 -c shared_buffers=32MB`;
  let destroyed = false;
  const cluster: Cluster = {
    get port() {
      return port;
    },
    dir,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start() {
      run(pgctl, ["-D", data, "-o", options(), "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
    },
    stop(mode = "fast") {
      run(pgctl, ["-D", data, "-m", mode, "-w", "-t", "60", "stop"], { allowFail: true });
    },
    async restart() {
      cluster.stop("fast");
      cluster.start();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      live.delete(cluster);
      run(pgctl, ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], { allowFail: true });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(cluster);
  // A port that was free a moment ago can be taken by someone else before the server binds it.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      cluster.start();
      break;
    } catch (error) {
      if (attempt >= 4) {
        cluster.destroy();
        throw error;
      }
    }
  }
  return cluster;
}
