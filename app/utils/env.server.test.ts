import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "./env.server";

const SECRET = "s".repeat(32);
const tempDirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mahalleh-env-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The problems a bad configuration reports, or fails when it is accepted. */
function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(source)}`);
}

const names = (problems: string[]) => problems.map((p) => p.split(":")[0]);

describe("loadEnv", () => {
  it("fills in defaults for an empty configuration", () => {
    const env = loadEnv({ SESSION_SECRET: SECRET });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "0.0.0.0",
      DATABASE_POOL_SIZE: 10,
      DATA_DIR: "./data",
      TRUST_PROXY: 0,
      SMS_PROVIDER: "local",
      LOG_LEVEL: "info",
      CITY_NAME_EN: "Hamedan",
      SESSION_SECRET: SECRET,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.APP_ORIGIN).toBeUndefined();
  });

  it("reads numbers and treats blank values as unset", () => {
    const env = loadEnv({ SESSION_SECRET: SECRET, PORT: "8080", TRUST_PROXY: "1", DATABASE_URL: "  ", APP_ORIGIN: "" });
    expect(env.PORT).toBe(8080);
    expect(env.TRUST_PROXY).toBe(1);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.APP_ORIGIN).toBeUndefined();
  });

  it.each(["abc", "70000", "-1", "80.5"])("refuses PORT=%s and names it", (port) => {
    const problems = problemsOf({ SESSION_SECRET: SECRET, PORT: port });
    expect(names(problems)).toEqual(["PORT"]);
  });

  it("puts the variable name in the error message", () => {
    expect(() => loadEnv({ SESSION_SECRET: SECRET, PORT: "abc" })).toThrow(/PORT/);
  });

  it("accepts postgres URLs and refuses other databases", () => {
    expect(loadEnv({ SESSION_SECRET: SECRET, DATABASE_URL: "postgres://u@h/db" }).DATABASE_URL).toBe("postgres://u@h/db");
    expect(loadEnv({ SESSION_SECRET: SECRET, DATABASE_URL: "postgresql://u@h/db" }).DATABASE_URL).toBe("postgresql://u@h/db");
    expect(names(problemsOf({ SESSION_SECRET: SECRET, DATABASE_URL: "mysql://x" }))).toEqual(["DATABASE_URL"]);
  });

  it("requires SESSION_SECRET in production", () => {
    const problems = problemsOf({ NODE_ENV: "production", DATA_DIR: tempDir() });
    expect(names(problems)).toEqual(["SESSION_SECRET"]);
    expect(loadEnv({ NODE_ENV: "production", SESSION_SECRET: SECRET }).SESSION_SECRET).toBe(SECRET);
  });

  it("does not fall back to a stored development secret in production", () => {
    const dir = tempDir();
    loadEnv({ NODE_ENV: "development", DATA_DIR: dir });
    expect(fs.existsSync(path.join(dir, "session-secret"))).toBe(true);
    expect(names(problemsOf({ NODE_ENV: "production", DATA_DIR: dir }))).toEqual(["SESSION_SECRET"]);
  });

  it("refuses a SESSION_SECRET shorter than 32 characters", () => {
    expect(names(problemsOf({ SESSION_SECRET: "s".repeat(31) }))).toEqual(["SESSION_SECRET"]);
    expect(names(problemsOf({ NODE_ENV: "production", SESSION_SECRET: "short" }))).toContain("SESSION_SECRET");
  });

  it("requires SMS_HTTP_URL when SMS_PROVIDER=http", () => {
    expect(names(problemsOf({ SESSION_SECRET: SECRET, SMS_PROVIDER: "http" }))).toEqual(["SMS_HTTP_URL"]);
    const env = loadEnv({ SESSION_SECRET: SECRET, SMS_PROVIDER: "http", SMS_HTTP_URL: "https://sms.example/send" });
    expect(env.SMS_HTTP_URL).toBe("https://sms.example/send");
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ SESSION_SECRET: "short", PORT: "abc", DATABASE_URL: "mysql://x" });
    expect(names(problems).sort()).toEqual(["DATABASE_URL", "PORT", "SESSION_SECRET"]);
  });

  it("parses APP_ORIGIN as a comma-separated list", () => {
    const env = loadEnv({ SESSION_SECRET: SECRET, APP_ORIGIN: " https://mahalleh.example , http://localhost:3000,," });
    expect(env.APP_ORIGIN).toEqual(["https://mahalleh.example", "http://localhost:3000"]);
  });

  it("refuses an APP_ORIGIN entry that is not a URL", () => {
    const problems = problemsOf({ SESSION_SECRET: SECRET, APP_ORIGIN: "https://ok.example,mahalleh.example" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^APP_ORIGIN/);
  });

  it("generates a development secret once and keeps it in DATA_DIR", () => {
    const dir = path.join(tempDir(), "not", "yet", "there");
    const first = loadEnv({ DATA_DIR: dir }).SESSION_SECRET;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dir, "session-secret"), "utf8").trim()).toBe(first);
    expect(loadEnv({ DATA_DIR: dir }).SESSION_SECRET).toBe(first);

    const elsewhere = loadEnv({ DATA_DIR: tempDir() }).SESSION_SECRET;
    expect(elsewhere).not.toBe(first);
  });

  it("replaces a stored secret that is too short", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "session-secret"), "tooshort\n");
    const secret = loadEnv({ DATA_DIR: dir }).SESSION_SECRET;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dir, "session-secret"), "utf8").trim()).toBe(secret);
  });

  it("prefers SESSION_SECRET over the stored one and writes nothing", () => {
    const dir = tempDir();
    expect(loadEnv({ DATA_DIR: dir, SESSION_SECRET: SECRET }).SESSION_SECRET).toBe(SECRET);
    expect(fs.existsSync(path.join(dir, "session-secret"))).toBe(false);
  });

  it("reports a bad value and a missing production secret in the same start", () => {
    const problems = problemsOf({ NODE_ENV: "production", PORT: "abc" });
    expect(problems.some((p) => p.startsWith("PORT"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SESSION_SECRET"))).toBe(true);
  });
  it("takes a direct database address only beside DATABASE_URL", () => {
    const env = loadEnv({
      SESSION_SECRET: SECRET,
      DATABASE_URL: "postgres://a@127.0.0.1:6432/m",
      DATABASE_DIRECT_URL: "postgres://a@127.0.0.1:5432/m",
    });
    expect(env.DATABASE_DIRECT_URL).toBe("postgres://a@127.0.0.1:5432/m");
    expect(names(problemsOf({ SESSION_SECRET: SECRET, DATABASE_DIRECT_URL: "postgres://a@127.0.0.1:5432/m" }))).toContain(
      "DATABASE_DIRECT_URL",
    );
    expect(names(problemsOf({ SESSION_SECRET: SECRET, DATABASE_URL: "postgres://a@h/m", DATABASE_DIRECT_URL: "mysql://h/m" }))).toContain(
      "DATABASE_DIRECT_URL",
    );
  });
});
