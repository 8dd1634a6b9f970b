import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../tests/support/database";
import { seedDemo, DEMO_ACCOUNTS } from "./demo-data.server";
import { auditLog, councils, districts, memberships, neighborhoods, proposals, roleAssignments, threadMessages, users } from "./schema";
import { verifyPassword } from "../app/utils/password.server";

describe.each(BACKENDS)("the Hamedan demo on %s", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  const total = async (table: typeof districts | typeof neighborhoods | typeof users | typeof roleAssignments | typeof auditLog) =>
    Number((await database.db.select({ n: count() }).from(table))[0]!.n);

  it("fills four districts, twelve neighborhoods and one working account per role, and runs again without doubling", async () => {
    const first = await seedDemo(database.db);
    expect(first.districtsCreated).toBe(4);
    expect(first.neighborhoodsCreated).toBe(12);
    expect(first.accounts.every((a) => a.password)).toBe(true);
    // A living sample: Ekbatan's council with the demo resident in it, a proposal and a discussion.
    expect(first.councilCreated).toBe(true);
    expect(Number((await database.db.select({ n: count() }).from(councils))[0]!.n)).toBe(1);
    expect(Number((await database.db.select({ n: count() }).from(memberships))[0]!.n)).toBe(1);
    expect(Number((await database.db.select({ n: count() }).from(proposals))[0]!.n)).toBe(1);
    expect(Number((await database.db.select({ n: count() }).from(threadMessages))[0]!.n)).toBe(3);
    const admin = first.accounts.find((a) => a.role === "admin")!;
    const [row] = await database.db.select().from(users).where(eq(users.phone, admin.phone));
    expect(await verifyPassword(row!.passwordHash, admin.password!)).toBe(true);
    const counts = [
      await total(districts),
      await total(neighborhoods),
      await total(users),
      await total(roleAssignments),
      await total(auditLog),
    ];

    const second = await seedDemo(database.db);
    expect(second).toMatchObject({ districtsCreated: 0, neighborhoodsCreated: 0, commissionsCreated: 0, councilCreated: false });
    expect(Number((await database.db.select({ n: count() }).from(threadMessages))[0]!.n)).toBe(3);
    expect(second.accounts.every((a) => a.password === null)).toBe(true);
    expect([
      await total(districts),
      await total(neighborhoods),
      await total(users),
      await total(roleAssignments),
      await total(auditLog),
    ]).toEqual(counts);
    expect(counts[2]).toBe(DEMO_ACCOUNTS.length);
    // Passwords of existing accounts are never changed by a re-run.
    const [again] = await database.db.select().from(users).where(eq(users.phone, admin.phone));
    expect(again!.passwordHash).toBe(row!.passwordHash);
  });
});
