import { io as connect, type Socket } from "socket.io-client";
import { createCouncil } from "../../app/domain/councils.server";
import { createCategory, fileProposal, putOnAgenda } from "../../app/domain/proposals.server";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import type { ThreadEventView } from "../../app/domain/thread-view";
import { openVote } from "../../app/domain/votes.server";
import { ThreadFollower } from "../../app/realtime/thread-sync";
import { createSession } from "../../app/domain/sessions.server";
import { sessionCookie } from "../../app/utils/session-cookie.server";
import { openDatabase, type Database } from "../../db/client.server";
import { districts, memberships, neighborhoods, users } from "../../db/schema";
import { testCharter } from "../support/fixtures";
import { DRILL_SECRET } from "./instance";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, label: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await sleep(25);
  }
}

/** A signed-in member: a session cookie and an address of their own (the instances trust one proxy hop). */
export interface Member {
  id: string;
  cookie: string;
  ip: string;
}

export interface World {
  database: Database;
  members: Member[];
  proposalId: string;
  voteId: string;
  threadId: string;
}

/**
 * A council of `size` members with a proposal on which a vote is open, and the proposal's
 * discussion; every member signed in (sessions made the way sign-in makes them).
 */
export async function buildWorld(databaseUrl: string, size: number, options: { secureCookie?: boolean } = {}): Promise<World> {
  // Migrates the fresh database (the instances start after it).
  const database = await openDatabase({ databaseUrl, maxConnections: 8 });
  const db = database.db;
  const [district] = await db
    .insert(districts)
    .values({ number: 7, name: "منطقه هفت", nameKey: "منطقه هفت" })
    .returning({ id: districts.id });
  const [hood] = await db
    .insert(neighborhoods)
    .values({ districtId: district!.id, name: "محله آزمون", nameKey: "محله آزمون" })
    .returning({ id: neighborhoods.id });
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: size }, (_, i) => ({
        phone: `+98912${String(5_000_000 + i).padStart(7, "0")}`,
        displayName: `عضو ${i + 1}`,
        passwordHash: "x",
      })),
    )
    .returning({ id: users.id });
  const council = await createCouncil(db, people[0]!.id, hood!.id, testCharter({ supportThreshold: 1000 }));
  if (!council.ok) throw new Error(council.error);
  await db
    .insert(memberships)
    .values(
      people.map((p, i) => ({
        councilId: council.id,
        userId: p.id,
        termNumber: 1,
        role: i === 0 ? ("chair" as const) : ("member" as const),
      })),
    )
    .onConflictDoNothing();
  const category = await createCategory(db, "فضای سبز");
  if (!category.ok) throw new Error(category.error);
  const filed = await fileProposal(db, {
    councilId: council.id,
    authorId: people[1]!.id,
    title: "بازسازی بوستان محله",
    body: "وسایل بازی بوستان فرسوده است و باید تعویض شود.",
    categoryId: category.id,
    place: "",
  });
  if (!filed.ok) throw new Error(filed.error);
  await putOnAgenda(db, filed.id, people[0]!.id);
  const opened = await openVote(db, { proposalId: filed.id, actorId: people[0]!.id, hours: 48 });
  if (!opened.ok) throw new Error(opened.error);
  const threadId = await ensureThread(db, { kind: "proposal", proposalId: filed.id });
  // Instances in production mode (the cluster) name their cookie for HTTPS (`__Host-`).
  const cookie = sessionCookie(DRILL_SECRET, options.secureCookie ?? false);
  const members: Member[] = [];
  for (const [i, p] of people.entries()) {
    const [pair] = (await cookie.serialize(await createSession(db, p.id))).split(";");
    members.push({ id: p.id, cookie: pair!, ip: `10.7.${i >> 8}.${i & 255}` });
  }
  return { database, members, proposalId: filed.id, voteId: opened.voteId, threadId };
}

/** One HTTP request as a member's browser sends it (no redirects followed), bounded in time. */
export async function send(baseUrl: string, member: Member | null, path: string, fields?: Record<string, string>, timeoutMs = 15_000) {
  const headers: Record<string, string> = { "x-forwarded-for": member?.ip ?? "10.9.9.9" };
  if (member) headers.cookie = member.cookie;
  if (fields) {
    headers.origin = baseUrl;
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  const response = await fetch(baseUrl + path, {
    method: fields ? "POST" : "GET",
    redirect: "manual",
    headers,
    body: fields ? new URLSearchParams(fields).toString() : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** A reader's socket following the thread: every applied event number, in the order applied. */
export function follow(url: string, threadId: string, options: { polling?: boolean; cookie?: string } = {}) {
  const socket: Socket = connect(url, {
    // Long-polling keeps the load balancer's stickiness cookie (a cookie jar, as a browser would).
    transports: options.polling ? ["polling"] : ["websocket"],
    withCredentials: options.polling ? true : undefined,
    extraHeaders: { origin: url, ...(options.cookie ? { cookie: options.cookie } : {}) },
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
    timeout: 5000,
  });
  const applied: number[] = [];
  const appliedAt: number[] = [];
  let connects = 0;
  let disconnects = 0;
  socket.on("connect", () => connects++);
  socket.on("disconnect", () => disconnects++);
  const follower = new ThreadFollower(socket, threadId, 0, {
    apply: (event: ThreadEventView) => {
      applied.push(event.seq);
      appliedAt.push(Date.now());
    },
  }).start();
  return {
    socket,
    applied,
    appliedAt,
    get connects() {
      return connects;
    },
    get disconnects() {
      return disconnects;
    },
    close() {
      follower.stop();
      socket.io.reconnection(false);
      socket.disconnect();
    },
  };
}
export type Reader = ReturnType<typeof follow>;

/** Exactly once, in order: 1, 2, …, last. */
export function exactlyOnce(applied: number[], last: number) {
  if (applied.length !== last) return false;
  return applied.every((seq, i) => seq === i + 1);
}

/** Posts a message with a key of its own until the server acknowledges it (302); returns when it did. */
export class Poster {
  acked = new Set<string>();
  attempts = 0;
  statuses = new Map<number | string, number>();
  constructor(
    private readonly threadId: string,
    private readonly member: Member,
  ) {}

  async post(baseUrl: string, key: string, body: string) {
    this.attempts++;
    let status: number | string;
    try {
      status = (await send(baseUrl, this.member, `/threads/${this.threadId}`, { intent: "post", body, clientKey: key })).status;
    } catch (error) {
      status = (error as Error).name === "TimeoutError" ? "timeout" : "network";
    }
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status === 302 || status === 303) this.acked.add(key);
    return status;
  }
}
