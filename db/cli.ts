import { parseArgs } from "node:util";
import { openDatabase, type Database } from "./client.server";
import { ConfigError, loadEnv, type Env } from "../app/utils/env.server";
import { getTForLocale } from "../app/utils/i18n.server";
import { isLocale } from "../app/utils/i18n";

/** Shared start-up for the command-line tools: same configuration and database as the server. */
export async function openForCli(): Promise<{ env: Env; database: Database; t: Awaited<ReturnType<typeof getTForLocale>> }> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const lang = process.env.CLI_LANG;
  const t = await getTForLocale(isLocale(lang) ? lang : "fa");
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    directUrl: env.DATABASE_DIRECT_URL,
    dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR,
    maxConnections: 2,
  });
  return { env, database, t };
}

export function cliArgs(options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>) {
  return parseArgs({ options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
}
