import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServer, type AppServer } from "../../app/server/app-server.server";
import { findThreadId } from "../../app/domain/threads/lookup.server";
import { postMessage } from "../../app/domain/threads/write.server";
import { loadEnv } from "../../app/utils/env.server";
import type { Db } from "../../db/client.server";
import * as schema from "../../db/schema";
import { threadReads } from "../../db/schema";
import { loadBuild } from "../support/app";
import { factories } from "../support/factories";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/database";
import { Browserless } from "../support/http";

const fa = (await import("../../locales/fa/threads.json", { with: { type: "json" } })).default;
const root = path.resolve(import.meta.dirname, "..", "..");
const PASSWORD = "کوه-الوند-زیباست";
const WRITE = /^\s*(insert|update|delete)\b[^]*?"(threads|thread_reads|sessions)"/i;

/** The same database handle, with every statement the app sends through it written down. */
async function loggingDb(database: TestDatabase, statements: string[]): Promise<Db> {
  const logger = { logQuery: (query: string) => void statements.push(query) };
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.driver === "pglite") {
    const { drizzle } = await import("drizzle-orm/pglite");
    return drizzle(client as never, { schema, logger }) as unknown as Db;
  }
  const { drizzle } = await import("drizzle-orm/postgres-js");
  return drizzle(client as never, { schema, logger }) as unknown as Db;
}

describe.each(BACKENDS)("reading pages never writes, on %s", (backend) => {
  let database: TestDatabase;
  let server: AppServer;
  let baseUrl: string;
  const statements: string[] = [];
  let councilId: string;
  let proposalId: string;
  let reader: Browserless;
  let readerId: string;
  let writerId: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const env = loadEnv({
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-that-is-long-enough-0123456789",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      DATA_DIR: path.join(root, "data", "test"),
      TRUST_PROXY: "1",
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const build = await loadBuild();
    server = await createAppServer({
      env,
      database: { ...database, db: await loggingDb(database, statements) },
      getBuild: () => build,
      publicDir: path.join(root, "public"),
      mode: "production",
      // Nothing is written in the background while the test looks; it asks for the write itself.
      readMarkDelayMs: 3_600_000,
    });
    baseUrl = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;

    const make = factories(database.db);
    readerId = (await make.user({ phone: "+989121110001", name: "خواننده", password: PASSWORD })).id;
    writerId = (await make.user({ phone: "+989121110002", name: "نویسنده", password: PASSWORD })).id;
    const districtId = await make.district({ number: 7, name: "منطقه هفت" });
    councilId = (await make.council({ founderId: writerId, districtId, neighborhood: "کوی نو" })).id;
    const filed = await make.proposal({
      title: "کاشت درخت در کوچه",
      body: "کوچه درخت ندارد و تابستان‌ها بسیار گرم است.",
      categoryId: await make.category("فضای سبز"),
      councilId,
      authorId: writerId,
    });
    proposalId = filed.id;
    reader = new Browserless(baseUrl);
    expect((await reader.post("/login", { phone: "09121110001", password: PASSWORD })).status).toBe(302);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await database?.destroy().catch(() => {});
  });

  it("makes the discussion of a council and of a proposal when they are made, not when their page is first read", async () => {
    expect(await findThreadId(database.db, { kind: "council", councilId })).not.toBeNull();
    expect(await findThreadId(database.db, { kind: "proposal", proposalId })).not.toBeNull();
  });

  it("sends no insert, update or delete of threads, read marks or sessions while pages are read, signed in or not", async () => {
    const threadId = (await findThreadId(database.db, { kind: "council", councilId }))!;
    for (let i = 1; i <= 3; i++)
      expect((await postMessage(database.db, { threadId, authorId: writerId, body: `پیام ${i}` })).ok).toBe(true);
    statements.length = 0;
    const anonymous = new Browserless(baseUrl);
    for (const client of [reader, anonymous]) {
      for (const page of [`/councils/${councilId}`, `/proposals/${proposalId}`, `/threads/${threadId}`]) {
        expect((await client.get(page)).status).toBe(200);
      }
    }
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => WRITE.test(s))).toEqual([]);
  });

  it("keeps the new-messages line where the reader stopped, before and after the batched write", async () => {
    const threadId = (await findThreadId(database.db, { kind: "council", councilId }))!;
    const marker = `<span>${fa.thread.new_messages}</span>`;
    // The reader has seen the three messages (the note is not written yet); two more arrive.
    for (let i = 4; i <= 5; i++)
      expect((await postMessage(database.db, { threadId, authorId: writerId, body: `پیام تازه ${i}` })).ok).toBe(true);
    let html = await (await reader.get(`/threads/${threadId}`)).text();
    expect(html).toContain(marker);
    expect(html.indexOf(marker)).toBeLessThan(html.indexOf("پیام تازه 4"));
    expect(html.indexOf(marker)).toBeGreaterThan(html.indexOf("پیام 3"));

    // Written in one batch, the reader's place holds; the next view has nothing new.
    await server.services.readMarks.flush();
    const [row] = await database.db
      .select({ lastSeq: threadReads.lastSeq })
      .from(threadReads)
      .where(and(eq(threadReads.threadId, threadId), eq(threadReads.userId, readerId)));
    expect(row?.lastSeq).toBe(5);
    html = await (await reader.get(`/threads/${threadId}`)).text();
    expect(html).not.toContain(marker);
  });
});
