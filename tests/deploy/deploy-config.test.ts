import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exampleFiles, haproxyConfig, pgbouncerIni } from "../../scripts/cluster/config";
import { findProgram } from "../../scripts/cluster/local-cluster";

const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "deploy");

describe("docs/deploy", () => {
  it("holds the configuration `npm run cluster` runs (rewrite with `npm run cluster -- --write-docs`)", () => {
    for (const [name, text] of Object.entries(exampleFiles())) {
      expect(fs.readFileSync(path.join(deployDir, name), "utf8"), `docs/deploy/${name}`).toBe(text);
    }
  });

  it("links the backup procedure and every file it ships", () => {
    const guide = fs.readFileSync(path.join(deployDir, "README.md"), "utf8");
    expect(guide).toContain("backups.md");
    for (const name of Object.keys(exampleFiles())) expect(guide).toContain(name);
  });

  const haproxy = findProgram("haproxy");
  it.skipIf(!haproxy)("the production HAProxy configuration is valid (with a throwaway certificate)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-haproxy-"));
    try {
      const pem = path.join(dir, "site.pem");
      const made = spawnSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=mahalleh.example",
          "-keyout",
          pem,
          "-out",
          `${pem}.crt`,
        ],
        { encoding: "utf8" },
      );
      if (made.status !== 0) return; // no openssl: the local configuration below is still checked
      fs.appendFileSync(pem, fs.readFileSync(`${pem}.crt`));
      const cfg = path.join(dir, "haproxy.cfg");
      const example = exampleFiles()["haproxy.cfg"]!;
      fs.writeFileSync(cfg, example.replace("/etc/haproxy/certs/mahalleh.pem", pem).replace(/^\s+(user|group) haproxy$/gm, ""));
      const check = spawnSync(haproxy!, ["-c", "-f", cfg], { encoding: "utf8" });
      expect(check.status, check.stderr).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haproxy)("the local HAProxy configuration is valid", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-haproxy-"));
    try {
      const cfg = path.join(dir, "haproxy.cfg");
      fs.writeFileSync(
        cfg,
        haproxyConfig({
          listen: { host: "127.0.0.1", port: 18080 },
          servers: [
            { name: "app1", host: "127.0.0.1", port: 13001 },
            { name: "app2", host: "127.0.0.1", port: 13002 },
          ],
          statsSocket: path.join(dir, "admin.sock"),
          metrics: { host: "127.0.0.1", port: 18404 },
          production: false,
        }),
      );
      const check = spawnSync(haproxy!, ["-c", "-f", cfg], { encoding: "utf8" });
      expect(check.status, check.stderr).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("PgBouncer pools by transaction and the app is told to send no prepared statements", () => {
    const ini = pgbouncerIni({
      listen: { host: "127.0.0.1", port: 6432 },
      server: { host: "127.0.0.1", port: 5432, database: "mahalleh", user: "mahalleh" },
      database: "mahalleh",
      authFile: "/etc/pgbouncer/userlist.txt",
      authType: "scram-sha-256",
      unixSocketDir: "/var/run/postgresql",
      poolSize: 20,
      production: true,
    });
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(exampleFiles()["mahalleh.env"]).toMatch(/^DATABASE_DIRECT_URL=postgres:\/\/.*:5432\/mahalleh$/m);
    expect(exampleFiles()["mahalleh.env"]).toMatch(/^DATABASE_URL=postgres:\/\/.*:6432\/mahalleh$/m);
  });
});
