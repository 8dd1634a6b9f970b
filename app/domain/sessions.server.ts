import crypto from "node:crypto";
import type { AppLoadContext, Cookie } from "@remix-run/node";
import { and, eq, gt, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { sessions } from "../../db/schema";
import { SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS } from "../utils/session-cookie.server";
import { sessionHolder, type CurrentUser } from "./users.server";

// Writing last_seen_at on every request would turn reads into writes.
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export function hashToken(token: string) {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** A new random id at every sign-in; the old one, if any, is not reused. */
export async function createSession(db: Db, userId: string, meta: { ip?: string; userAgent?: string | null } = {}): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await db.insert(sessions).values({
    idHash: hashToken(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_ABSOLUTE_SECONDS * 1000),
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

export interface SessionLookup {
  user: CurrentUser | null;
  sessionHash: string | null;
  /** A cookie was sent but is forged, expired or revoked: the response should clear it. */
  stale: boolean;
}

/** Resolves a raw Cookie header to the signed-in person. Used by HTTP and the socket handshake alike. */
export async function lookupSession(db: Db, cookie: Cookie, cookieHeader: string | null | undefined): Promise<SessionLookup> {
  if (!cookieHeader || !cookieHeader.includes(cookie.name)) return { user: null, sessionHash: null, stale: false };
  let token: unknown;
  try {
    token = await cookie.parse(cookieHeader);
  } catch {
    token = null;
  }
  if (typeof token !== "string" || token.length < 20) return { user: null, sessionHash: null, stale: true };
  const idHash = hashToken(token);
  const now = new Date();
  // The session, its person, roles and seats: one statement.
  const found = await sessionHolder(db, idHash);
  const row = found?.session;
  const idleLimit = new Date(now.getTime() - SESSION_IDLE_SECONDS * 1000);
  if (!row || row.expiresAt <= now || row.lastSeenAt <= idleLimit) {
    if (row) await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return { user: null, sessionHash: null, stale: true };
  }
  const user = found.user;
  if (!user) return { user: null, sessionHash: null, stale: true };
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  return { user, sessionHash: idHash, stale: false };
}

/** Ends a session on the server and on every socket opened with it. */
export async function destroySession(context: Pick<AppLoadContext, "db" | "io">, sessionHash: string) {
  await context.db.delete(sessions).where(eq(sessions.idHash, sessionHash));
  context.io.in(`session:${sessionHash}`).disconnectSockets(true);
}

export async function destroyAllSessions(context: Pick<AppLoadContext, "db" | "io">, userId: string, exceptHash?: string) {
  const rows = await context.db
    .delete(sessions)
    .where(exceptHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, exceptHash)) : eq(sessions.userId, userId))
    .returning({ idHash: sessions.idHash });
  for (const row of rows) context.io.in(`session:${row.idHash}`).disconnectSockets(true);
  return rows.length;
}

export async function listSessions(db: Db, userId: string) {
  const idleLimit = new Date(Date.now() - SESSION_IDLE_SECONDS * 1000);
  return db
    .select({ idHash: sessions.idHash, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, userAgent: sessions.userAgent })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date()), gt(sessions.lastSeenAt, idleLimit)))
    .orderBy(sql`${sessions.lastSeenAt} desc`);
}

export async function pruneSessions(db: Db) {
  const idleLimit = new Date(Date.now() - SESSION_IDLE_SECONDS * 1000);
  await db.delete(sessions).where(or(lt(sessions.expiresAt, new Date()), lt(sessions.lastSeenAt, idleLimit)));
}
