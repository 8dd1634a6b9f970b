import crypto from "node:crypto";
import { and, asc, count, eq } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ThreadEventView } from "../../app/domain/thread-view";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { hideMessage } from "../../app/domain/threads/moderate.server";
import { editMessage, postMessage } from "../../app/domain/threads/write.server";
import { publishThreadEvents } from "../../app/realtime/notify.server";
import { ThreadFollower } from "../../app/realtime/thread-sync";
import type { Db } from "../../db/client.server";
import { socketIoAttachments, threadEvents, threadMessages, threads } from "../../db/schema";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless } from "../support/http";
import { factories, loginClient, type Grant } from "../support/factories";
import { holdsFor, nextEvent, pause, scaled, waitFor } from "../support/wait";

/**
 * Discussion threads over the real server's sockets: live order, who may listen, bad input,
 * exactly-once catch-up through dropped connections, sign-out, muting, and (on PostgreSQL) two
 * instances relaying through the database.
 */

const JOIN = "room:join";
const SYNC = "thread:sync";
const EVENT = "thread:event";
const PRESENCE = "thread:presence";
const STANDING = "thread:standing";
const PASSWORD = "کوچه-باغ-های-نیاوران";

type LiveEvent = ThreadEventView & { threadId: string };

/** A small seeded generator: the same seed gives the same pattern of drops and posts. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function connected(socket: Socket, ms = 5000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${scaled(ms)} ms`)), scaled(ms));
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function join(socket: Socket, ...payload: unknown[]) {
  return socket.timeout(scaled(3000)).emitWithAck(JOIN, ...payload);
}

function sync(socket: Socket, ...payload: unknown[]) {
  return socket.timeout(scaled(3000)).emitWithAck(SYNC, ...payload);
}

/** Every thread event and presence count a socket receives, from the moment it is made. */
function record(socket: Socket) {
  const events: LiveEvent[] = [];
  const presence: { threadId: string; count: number }[] = [];
  const standing: { threadId: string }[] = [];
  socket.on(EVENT, (payload: LiveEvent) => events.push(payload));
  socket.on(PRESENCE, (payload: { threadId: string; count: number }) => presence.push(payload));
  socket.on(STANDING, (payload: { threadId: string }) => standing.push(payload));
  return {
    socket,
    events,
    presence,
    standing,
    of: (threadId: string) => events.filter((e) => e.threadId === threadId),
    lastPresence: (threadId: string) => presence.filter((p) => p.threadId === threadId).at(-1)?.count ?? null,
  };
}
type Recorder = ReturnType<typeof record>;

/** A district with one neighborhood and its council, a category and two commissions; and the builders that made them. */
async function buildPlace(db: Db) {
  const make = factories(db, { firstPhone: "+989123000000" });
  const founder = await make.user({ phone: "+989120009000", name: "بنیان‌گذار" });
  const districtId = await make.district({ number: 3, name: "منطقه سه" });
  const council = await make.council({ founderId: founder.id, districtId, neighborhood: "محله ونک", charter: { supportThreshold: 2 } });
  const categoryId = await make.category("گفت‌وگوی محله");
  const reviewCommissionId = await make.commission("کمیسیون عمران");
  const otherCommissionId = await make.commission("کمیسیون سلامت");
  let proposalSeq = 0;
  return {
    make,
    districtId,
    neighborhoodId: council.neighborhoodId,
    councilId: council.id,
    categoryId,
    reviewCommissionId,
    otherCommissionId,
    /** A new proposal with its own public thread (every test gets a thread of its own). */
    async proposalThread(authorId: string) {
      const proposalId = await make.proposalRow({
        councilId: council.id,
        authorId,
        categoryId,
        title: `پیشنهاد شماره ${++proposalSeq} برای محله`,
        body: "شرح کوتاهی برای گفت‌وگوی اهالی درباره این پیشنهاد.",
      });
      return { proposalId, threadId: await make.thread({ kind: "proposal", proposalId }) };
    },
  };
}

type Place = Awaited<ReturnType<typeof buildPlace>>;

interface Person {
  id: string;
  name: string;
  client: Browserless;
  cookie: string;
}

/** A person with a password, signed in through the login form of `baseUrl`. */
async function signedInPerson(place: Place, baseUrl: string, name: string, grant?: Grant): Promise<Person> {
  const someone = await place.make.user({ name, password: PASSWORD, grants: grant ? [grant] : [] });
  const client = await loginClient({ baseUrl }, someone.phone, PASSWORD);
  expect(client.cookies.has("mahalleh_session")).toBe(true);
  return { id: someone.id, name, client, cookie: client.cookieHeader() };
}

async function lastSeqOf(db: Db, threadId: string) {
  const [row] = await db.select({ lastSeq: threads.lastSeq }).from(threads).where(eq(threads.id, threadId));
  return row!.lastSeq;
}

async function messageAt(db: Db, threadId: string, seq: number) {
  const [row] = await db
    .select({ id: threadMessages.id })
    .from(threadMessages)
    .where(and(eq(threadMessages.threadId, threadId), eq(threadMessages.seq, seq)));
  return row!.id;
}

function threadPost(person: Person, threadId: string, fields: Record<string, string>) {
  return person.client.post(`/threads/${threadId}`, fields);
}

/** Sockets made by one test group, all closed at the end whatever happened. */
function socketPool(baseUrl: () => string) {
  const sockets: Socket[] = [];
  return {
    sockets,
    open(opts: { cookie?: string; reconnect?: boolean; url?: string } = {}) {
      const url = opts.url ?? baseUrl();
      const headers: Record<string, string> = { origin: url };
      if (opts.cookie) headers.cookie = opts.cookie;
      const socket = connect(url, {
        transports: ["websocket"],
        extraHeaders: headers,
        forceNew: true,
        timeout: scaled(5000),
        reconnection: opts.reconnect ?? false,
        reconnectionDelay: 50,
        reconnectionDelayMax: 300,
        randomizationFactor: 0.5,
      });
      sockets.push(socket);
      return socket;
    },
    async openConnected(opts: { cookie?: string; reconnect?: boolean; url?: string } = {}) {
      const socket = this.open(opts);
      await connected(socket);
      return socket;
    },
    closeAll() {
      for (const socket of sockets.splice(0)) {
        socket.io.reconnection(false);
        socket.disconnect();
      }
    },
  };
}

describe.each(BACKENDS)("thread sockets on %s", (backend) => {
  let app: TestApp;
  let db: Db;
  let place: Place;
  let manager: Person;
  let reviewer: Person;
  let otherReviewer: Person;
  let commissionThreadId: string;
  const pool = socketPool(() => app.baseUrl);

  const resident = (name: string) => signedInPerson(place, app.baseUrl, name);

  beforeAll(async () => {
    app = await startTestApp(backend);
    db = app.database.db;
    place = await buildPlace(db);
    manager = await signedInPerson(place, app.baseUrl, "مدیر منطقه سه", { role: "district_manager", districtId: place.districtId });
    reviewer = await signedInPerson(place, app.baseUrl, "عضو کمیسیون عمران", {
      role: "commission_member",
      commissionId: place.reviewCommissionId,
    });
    otherReviewer = await signedInPerson(place, app.baseUrl, "عضو کمیسیون سلامت", {
      role: "commission_member",
      commissionId: place.otherCommissionId,
    });
    const { proposalId } = await place.proposalThread(manager.id);
    commissionThreadId = await ensureThread(db, { kind: "commission", proposalId, commissionId: place.reviewCommissionId });
  }, scaled(120_000));
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    pool.closeAll();
    await app?.close();
  });

  it("brings every change made over HTTP to every reader live, numbered and in order, without hidden or deleted text", async () => {
    const alice = await resident("نرگس کاظمی");
    const bob = await resident("علی رضایی");
    const { threadId } = await place.proposalThread(alice.id);
    const readers: Recorder[] = [];
    for (const cookie of [undefined, undefined, alice.cookie, manager.cookie]) {
      const socket = await pool.openConnected({ cookie });
      expect(await join(socket, { room: `thread:${threadId}` })).toEqual({ ok: true, room: `thread:${threadId}` });
      readers.push(record(socket));
    }
    const outsider = record(await pool.openConnected());

    const first = "سلام همسایه‌ها، چراغ کوچه دوباره خاموش است";
    const edited = "سلام همسایه‌ها، چراغ کوچه از دیشب خاموش است";
    const secret = "متنی که مدیر پنهان خواهد کرد ۱۲۳";
    expect((await threadPost(alice, threadId, { intent: "post", body: first })).status).toBe(302);
    const m1 = await messageAt(db, threadId, 1);
    expect((await threadPost(bob, threadId, { intent: "post", body: secret, replyTo: m1 })).status).toBe(302);
    const m2 = await messageAt(db, threadId, 2);
    expect((await threadPost(alice, threadId, { intent: "post", body: "پیام سوم" })).status).toBe(302);
    expect((await threadPost(alice, threadId, { intent: "edit", messageId: m1, body: edited })).status).toBe(302);
    expect((await threadPost(manager, threadId, { intent: "pin", messageId: m1 })).status).toBe(302);
    expect((await threadPost(manager, threadId, { intent: "hide", messageId: m2, reason: "توهین به همسایه" })).status).toBe(302);
    // Deleting the pinned message takes the pin away too: two numbers from one request.
    expect((await threadPost(alice, threadId, { intent: "delete", messageId: m1 })).status).toBe(302);
    expect((await threadPost(manager, threadId, { intent: "lock", reason: "پایان بحث امروز" })).status).toBe(302);
    const refused = await threadPost(bob, threadId, { intent: "post", body: "در قفل نوشته نمی‌شود" });
    expect(refused.status).toBe(409);
    // Someone who is not a moderator cannot unlock.
    expect((await threadPost(bob, threadId, { intent: "unlock" })).status).toBe(403);
    expect((await threadPost(manager, threadId, { intent: "unlock" })).status).toBe(302);
    expect((await threadPost(bob, threadId, { intent: "post", body: "دوباره باز شد" })).status).toBe(302);

    const kinds = ["posted", "posted", "posted", "edited", "pinned", "hidden", "deleted", "unpinned", "locked", "unlocked", "posted"];
    expect(await lastSeqOf(db, threadId)).toBe(kinds.length);
    await waitFor(() => readers.every((r) => r.of(threadId).length >= kinds.length), 5000, "every reader to get every event");
    await holdsFor(() => readers.every((r) => r.of(threadId).length === kinds.length), 200, "nothing more, nothing twice");
    for (const reader of readers) {
      const events = reader.of(threadId);
      expect(events.map((e) => e.seq)).toEqual(kinds.map((_, i) => i + 1));
      expect(events.map((e) => e.kind)).toEqual(kinds);

      const [posted1, posted2, , editedEvent, pinned, hidden, deleted, unpinned, locked, unlocked] = events;
      expect(posted1!.message).toMatchObject({ id: m1, body: first, state: "visible", authorName: "نرگس کاظمی" });
      expect(posted2!.message).toMatchObject({ id: m2, body: secret, replyTo: { id: m1, excerpt: first } });
      expect(editedEvent!.message).toMatchObject({ id: m1, body: edited, state: "visible" });
      expect(editedEvent!.message!.editedAt).not.toBeNull();
      expect(pinned!.thread).toMatchObject({ pinnedMessageId: m1 });
      expect(hidden!.message).toMatchObject({ id: m2, body: null, state: "hidden_moderator", hiddenReason: "توهین به همسایه" });
      expect(JSON.stringify(hidden)).not.toContain(secret);
      expect(deleted!.message).toMatchObject({ id: m1, body: null, state: "deleted" });
      expect(JSON.stringify(deleted)).not.toContain(edited);
      expect(JSON.stringify(deleted)).not.toContain(first);
      expect(unpinned!.thread).toMatchObject({ pinnedMessageId: null });
      expect(locked!.thread).toMatchObject({ locked: true, lockReason: "پایان بحث امروز" });
      expect(unlocked!.thread).toMatchObject({ locked: false, lockReason: null });
      // From the hide on, the hidden text is in no event; from the delete on, neither is the deleted one.
      for (const event of events.slice(5)) expect(JSON.stringify(event)).not.toContain(secret);
      for (const event of events.slice(6)) expect(JSON.stringify(event)).not.toContain(edited);
    }
    expect(outsider.events).toEqual([]);

    // A reader who comes later catches up on the same numbers, with hidden and deleted text gone.
    const late = await pool.openConnected();
    expect(await join(late, { room: `thread:${threadId}` })).toMatchObject({ ok: true });
    const caughtUp = await sync(late, { threadId, after: 0 });
    expect(caughtUp).toMatchObject({ ok: true, more: false, lastSeq: kinds.length });
    expect(caughtUp.events.map((e: ThreadEventView) => e.kind)).toEqual(kinds);
    const text = JSON.stringify(caughtUp);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(first);
    expect(text).not.toContain(edited);
    expect(caughtUp.events[1].message).toMatchObject({ id: m2, body: null, state: "hidden_moderator", replyTo: { id: m1, excerpt: null } });
    const fromMiddle = await sync(late, { threadId, after: 8 });
    expect(fromMiddle.events.map((e: ThreadEventView) => e.seq)).toEqual([9, 10, 11]);
  });

  it("keeps a commission's review thread to that commission, and answers bad input without harm", async () => {
    const neighbor = await resident("زهرا محمدی");
    const { threadId: publicThreadId } = await place.proposalThread(neighbor.id);
    const room = `thread:${commissionThreadId}`;

    const member = record(await pool.openConnected({ cookie: reviewer.cookie }));
    const outsiders = {
      resident: record(await pool.openConnected({ cookie: neighbor.cookie })),
      anonymous: record(await pool.openConnected()),
      otherCommission: record(await pool.openConnected({ cookie: otherReviewer.cookie })),
      districtManager: record(await pool.openConnected({ cookie: manager.cookie })),
    };
    for (const outsider of Object.values(outsiders)) {
      expect(await join(outsider.socket, { room })).toEqual({ ok: false, error: "forbidden" });
      // The same thread under another spelling of its id is still the same thread.
      expect(await join(outsider.socket, { room: `thread:${commissionThreadId.toUpperCase()}` })).toEqual({
        ok: false,
        error: "forbidden",
      });
      expect(await sync(outsider.socket, { threadId: commissionThreadId, after: 0 })).toEqual({ ok: false, error: "not_joined" });
      // Leaving a room one is not in changes nothing.
      outsider.socket.emit("room:leave", { room });
    }
    expect(await join(member.socket, { room })).toEqual({ ok: true, room });
    expect(await sync(member.socket, { threadId: commissionThreadId, after: 0 })).toMatchObject({ ok: true, lastSeq: 0, events: [] });

    // Bad input is turned away before it reaches the database: nothing goes wrong on the server.
    const errors = vi.spyOn(app.server.services.logger, "error");
    const prober = record(await pool.openConnected());
    expect(await join(prober.socket, { room: `thread:${crypto.randomUUID()}` })).toEqual({ ok: false, error: "not_found" });
    for (const payload of [
      room, // a bare string
      [{ room }], // an array
      { room: 42 },
      { room: [room] },
      { room: null },
      { room: "thread:not-a-uuid" },
      { room: `thread:${commissionThreadId}x` },
      { room: "thread:" },
      { room: `thread:${"a".repeat(200)}` },
      42,
      true,
    ]) {
      expect(await join(prober.socket, payload)).toEqual({ ok: false, error: "bad_request" });
    }
    expect(await join(prober.socket)).toEqual({ ok: false, error: "bad_request" });

    // Catch-up without joining, and with arguments that are not a count of events.
    expect(await sync(prober.socket, { threadId: publicThreadId, after: 0 })).toEqual({ ok: false, error: "not_joined" });
    expect(await join(prober.socket, { room: `thread:${publicThreadId}` })).toMatchObject({ ok: true });
    // An id in capitals joins the same (lower-case) room the events are sent to.
    const shouting = record(await pool.openConnected());
    expect(await join(shouting.socket, { room: `thread:${publicThreadId.toUpperCase()}` })).toEqual({
      ok: true,
      room: `thread:${publicThreadId}`,
    });
    expect(await sync(shouting.socket, { threadId: publicThreadId, after: 0 })).toMatchObject({ ok: true });
    for (const payload of [
      { threadId: publicThreadId, after: -1 },
      { threadId: publicThreadId, after: 1.5 },
      { threadId: publicThreadId, after: "3" },
      { threadId: publicThreadId, after: null },
      { threadId: publicThreadId },
      { threadId: publicThreadId, after: 2 ** 31 }, // past the largest number a thread can have
      { threadId: publicThreadId, after: Number.MAX_SAFE_INTEGER + 2 },
      { threadId: "not-a-uuid", after: 0 },
      { threadId: 7, after: 0 },
      { after: 0 },
      [publicThreadId, 0],
      publicThreadId,
      null,
    ]) {
      expect(await sync(prober.socket, payload)).toEqual({ ok: false, error: "bad_request" });
    }
    expect(await sync(prober.socket)).toEqual({ ok: false, error: "bad_request" });
    expect(await sync(prober.socket, { threadId: publicThreadId, after: 0 })).toMatchObject({ ok: true, events: [], more: false });
    // Nothing to answer to, nothing to break.
    prober.socket.emit(SYNC, { threadId: publicThreadId, after: 0 });
    prober.socket.emit(JOIN, { room });
    prober.socket.emit(EVENT, { threadId: commissionThreadId, seq: 1 });
    expect(await sync(prober.socket, { threadId: publicThreadId, after: 2 ** 31 - 1 })).toMatchObject({ ok: true, events: [] });
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();

    // Too big for the server: that socket is dropped, everyone else carries on.
    for (const [event, payload] of [
      [JOIN, { room: `thread:${"x".repeat(20 * 1024)}` }],
      [SYNC, { threadId: publicThreadId, after: 0, padding: "😀".repeat(5000) }],
    ] as const) {
      const flooder = await pool.openConnected();
      const dropped = nextEvent(flooder, "disconnect", 3000);
      flooder.emit(event, payload, () => {});
      expect((await dropped)[0]).toMatch(/transport (close|error)/);
    }
    expect(prober.socket.connected).toBe(true);
    expect(await sync(prober.socket, { threadId: publicThreadId, after: 0 })).toMatchObject({ ok: true });
    const fresh = await pool.openConnected();
    expect(await join(fresh, { room })).toEqual({ ok: false, error: "forbidden" });

    // The commission writes; only its member's socket hears it, in the public thread nobody does.
    expect((await threadPost(reviewer, commissionThreadId, { intent: "post", body: "نظر کارشناسی: هزینه برآورد شود" })).status).toBe(302);
    expect((await threadPost(reviewer, commissionThreadId, { intent: "post", body: "برآورد اولیه پیوست شد" })).status).toBe(302);
    // A resident cannot even write there.
    expect((await threadPost(neighbor, commissionThreadId, { intent: "post", body: "من هم نظری دارم" })).status).toBe(404);
    await waitFor(() => member.of(commissionThreadId).length === 2, 3000, "the member to hear the commission's messages");
    // Raw arrival order is not promised (each post publishes after its own commit); followers order by number.
    expect(
      member
        .of(commissionThreadId)
        .map((e) => e.seq)
        .sort((a, b) => a - b),
    ).toEqual([1, 2]);
    await holdsFor(
      () =>
        [...Object.values(outsiders), prober].every((o) => o.of(commissionThreadId).length === 0) &&
        member.of(commissionThreadId).length === 2,
      300,
      "nobody else hears the commission",
    );
    for (const outsider of [...Object.values(outsiders), prober]) {
      expect(outsider.of(commissionThreadId)).toEqual([]);
    }
    expect(prober.events).toEqual([]);
  });

  it("sends a message hidden by readers' reports to everyone without its text", async () => {
    const author = await resident("رضا تندرو");
    const reporters = [await resident("گزارشگر یک"), await resident("گزارشگر دو"), await resident("گزارشگر سه")];
    const { threadId } = await place.proposalThread(author.id);
    const readers = [
      record(await pool.openConnected()),
      record(await pool.openConnected({ cookie: author.cookie })),
      record(await pool.openConnected({ cookie: reporters[0]!.cookie })),
    ];
    for (const reader of readers) expect(await join(reader.socket, { room: `thread:${threadId}` })).toMatchObject({ ok: true });

    const rude = "متن زننده‌ای که گزارش می‌شود";
    expect((await threadPost(author, threadId, { intent: "post", body: rude })).status).toBe(302);
    const messageId = await messageAt(db, threadId, 1);
    // The charter hides at three reports: the first two change nothing anyone sees.
    for (const reporter of reporters) {
      expect((await threadPost(reporter, threadId, { intent: "report", messageId, reason: "بی‌احترامی به اهالی" })).status).toBe(302);
    }
    expect((await threadPost(reporters[0]!, threadId, { intent: "report", messageId, reason: "دوباره" })).status).toBe(409);
    await waitFor(() => readers.every((r) => r.of(threadId).length === 2), 3000, "the hide to reach every reader");
    await holdsFor(() => readers.every((r) => r.of(threadId).length === 2), 200, "nothing more, nothing twice");
    for (const reader of readers) {
      const [posted, hidden] = reader.of(threadId);
      expect(reader.of(threadId).map((e) => [e.seq, e.kind])).toEqual([
        [1, "posted"],
        [2, "hidden"],
      ]);
      expect(posted!.message!.body).toBe(rude);
      expect(hidden!.message).toMatchObject({ id: messageId, body: null, state: "hidden_reports", hiddenReason: null });
      expect(JSON.stringify(hidden)).not.toContain(rude);
    }
  });

  it(
    "catches a late reader up over several answers when a thread has many events",
    async () => {
      const authors = [await resident("پرگو یک"), await resident("پرگو دو")];
      const { threadId } = await place.proposalThread(authors[0]!.id);
      const TOTAL = 520; // more than one catch-up answer carries
      for (let i = 0; i < TOTAL; i++) {
        const result = await postMessage(db, { threadId, authorId: authors[i % 2]!.id, body: `پیام شماره ${i + 1}` });
        expect(result.ok).toBe(true);
      }
      const socket = await pool.openConnected();
      expect(await join(socket, { room: `thread:${threadId}` })).toMatchObject({ ok: true });
      const firstPage = await sync(socket, { threadId, after: 0 });
      expect(firstPage).toMatchObject({ ok: true, more: true, lastSeq: TOTAL });
      expect(firstPage.events.map((e: ThreadEventView) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      const secondPage = await sync(socket, { threadId, after: 500 });
      expect(secondPage).toMatchObject({ ok: true, more: false, lastSeq: TOTAL });
      expect(secondPage.events.map((e: ThreadEventView) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 501));

      // A follower from the start, and one whose page already showed up to 510.
      const fromStart: ThreadEventView[] = [];
      const fromPage: number[] = [];
      const followers = [
        new ThreadFollower(await pool.openConnected(), threadId, 0, { apply: (e) => fromStart.push(e) }).start(),
        new ThreadFollower(await pool.openConnected(), threadId, 510, { apply: (e) => fromPage.push(e.seq) }).start(),
      ];
      await waitFor(() => followers.every((f) => f.lastSeq === TOTAL), 10_000, "both followers to catch up");
      await holdsFor(() => fromStart.length === TOTAL && fromPage.length === 10, 200, "nothing applied twice");
      expect(fromStart.map((e) => e.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      expect(fromStart.at(-1)!.message!.body).toBe(`پیام شماره ${TOTAL}`);
      expect(fromPage).toEqual(Array.from({ length: 10 }, (_, i) => i + 511));
      for (const follower of followers) follower.stop();
    },
    scaled(60_000),
  );

  it(
    "applies every event exactly once, in order, while readers drop and reconnect",
    async () => {
      const authors = [await resident("نویسنده یک"), await resident("نویسنده دو"), await resident("نویسنده سه")];
      const { threadId } = await place.proposalThread(authors[0]!.id);
      const io = app.server.services.io;

      const FOLLOWERS = 6;
      const EVENTS_PER_WORKER = 90;
      const MAX_DROPS = 40;
      const clients = [] as { socket: Socket; follower: ThreadFollower; applied: number[]; kinds: string[]; disconnects: number }[];
      for (let i = 0; i < FOLLOWERS; i++) {
        const cookie = i % 2 === 0 ? undefined : authors[(i - 1) / 2]!.cookie;
        const socket = pool.open({ cookie, reconnect: true });
        const client = {
          socket,
          applied: [] as number[],
          kinds: [] as string[],
          disconnects: 0,
          follower: null as unknown as ThreadFollower,
        };
        client.follower = new ThreadFollower(socket, threadId, 0, {
          apply: (event) => {
            client.applied.push(event.seq);
            client.kinds.push(event.kind);
          },
          refused: (error) => {
            throw new Error(`join refused: ${error}`);
          },
        }).start();
        socket.on("disconnect", () => client.disconnects++);
        clients.push(client);
      }
      await Promise.all(clients.map((c) => connected(c.socket)));

      // Two writers at once (so events may also be published out of order), posting, editing, hiding.
      // No wall-clock budget for the writing: on a busy machine it takes longer, and a budget would
      // cut the writers short (fewer events than the test asks for) rather than find a lost one.
      const mine = new Map<string, string[]>(authors.map((a) => [a.id, []]));
      let writing = true;
      const writer = async (seed: number) => {
        const rng = mulberry32(seed);
        let produced = 0;
        while (produced < EVENTS_PER_WORKER) {
          const author = authors[Math.floor(rng() * authors.length)]!;
          const roll = rng();
          const own = mine.get(author.id)!;
          let seqs: number[] = [];
          if (roll < 0.15 && own.length) {
            const messageId = own[Math.floor(rng() * own.length)]!;
            const result = await editMessage(db, { messageId, actorId: author.id, body: `ویرایش ${seed}-${produced}` });
            if (result.ok) seqs = result.seqs;
          } else if (roll < 0.22 && own.length) {
            const messageId = own[Math.floor(rng() * own.length)]!;
            const result = await hideMessage(db, { actorId: manager.id, messageId, reason: "خارج از موضوع" });
            if (result.ok) seqs = result.seqs;
          } else {
            const result = await postMessage(db, { threadId, authorId: author.id, body: `پیام ${seed}-${produced}` });
            if (!result.ok) throw new Error(result.error);
            own.push(result.messageId);
            seqs = result.seqs;
          }
          await publishThreadEvents(io, db, threadId, seqs);
          produced += seqs.length;
          await pause(rng() * 12);
        }
      };

      // Meanwhile readers lose their connection: the network goes (the client reconnects by itself),
      // or the page drops the socket and opens it again a moment later.
      let drops = 0;
      const reconnects: Promise<void>[] = [];
      const chaos = async () => {
        const rng = mulberry32(20240611);
        while (writing && drops < MAX_DROPS) {
          await pause(15 + rng() * 60);
          const client = clients[Math.floor(rng() * clients.length)]!;
          const cut = rng() < 0.5;
          const downFor = 10 + rng() * 300;
          if (!client.socket.connected) continue;
          drops++;
          if (cut) client.socket.io.engine.close();
          else {
            client.socket.disconnect();
            reconnects.push(pause(downFor).then(() => void client.socket.connect()));
          }
        }
      };
      const chaosDone = chaos();
      await Promise.all([writer(1), writer(2)]);
      writing = false;
      await chaosDone;
      await Promise.all(reconnects);

      const total = await lastSeqOf(db, threadId);
      expect(total).toBeGreaterThanOrEqual(2 * EVENTS_PER_WORKER);
      expect(total).toBeLessThan(2 * EVENTS_PER_WORKER + 10);
      expect(drops).toBeGreaterThanOrEqual(10);
      expect(clients.reduce((n, c) => n + c.disconnects, 0)).toBeGreaterThanOrEqual(drops);

      await waitFor(() => clients.every((c) => c.follower.lastSeq === total), 20_000, "every follower to reach the last number");
      await holdsFor(() => clients.every((c) => c.applied.length === total), 300, "nothing applied twice");
      const expected = Array.from({ length: total }, (_, i) => i + 1);
      const kinds = (
        await db
          .select({ kind: threadEvents.kind })
          .from(threadEvents)
          .where(eq(threadEvents.threadId, threadId))
          .orderBy(asc(threadEvents.seq))
      ).map((e) => e.kind);
      expect(new Set(kinds)).toEqual(new Set(["posted", "edited", "hidden"]));
      for (const client of clients) {
        expect(client.applied).toEqual(expected);
        expect(client.kinds).toEqual(kinds);
      }
      for (const client of clients) client.follower.stop();
    },
    scaled(90_000),
  );

  it("closes a reader's sockets when that session signs out; the reconnected socket is anonymous", async () => {
    const laptop = await signedInPerson(place, app.baseUrl, "عضو کمیسیون عمران دوم", {
      role: "commission_member",
      commissionId: place.reviewCommissionId,
    });
    const room = `thread:${commissionThreadId}`;
    const socket = await pool.openConnected({ cookie: laptop.cookie });
    const seen = record(socket);
    const refusals: string[] = [];
    const follower = new ThreadFollower(socket, commissionThreadId, await lastSeqOf(db, commissionThreadId), {
      apply: () => {},
      refused: (error) => refusals.push(error),
    }).start();
    expect(await join(socket, { room })).toEqual({ ok: true, room });
    // The commission's other member stays signed in elsewhere.
    const colleague = record(await pool.openConnected({ cookie: reviewer.cookie }));
    expect(await join(colleague.socket, { room })).toMatchObject({ ok: true });

    const gone = nextEvent(socket, "disconnect", 3000);
    expect((await laptop.client.post("/logout", {})).status).toBe(302);
    expect((await gone)[0]).toBe("io server disconnect");
    await holdsFor(() => colleague.socket.connected, 100, "the colleague's socket stays");

    // Same browser, same (now dead) cookie: it comes back as nobody in particular.
    socket.connect();
    await connected(socket);
    await waitFor(() => refusals.length === 1, 3000, "the follower's rejoin to be refused");
    expect(refusals).toEqual(["forbidden"]);
    expect(await join(socket, { room })).toEqual({ ok: false, error: "forbidden" });
    expect(await sync(socket, { threadId: commissionThreadId, after: 0 })).toEqual({ ok: false, error: "not_joined" });

    const before = seen.events.length;
    expect((await threadPost(reviewer, commissionThreadId, { intent: "post", body: "پس از خروج همکار" })).status).toBe(302);
    await waitFor(() => colleague.of(commissionThreadId).length === 1, 3000, "the colleague to hear the message");
    await holdsFor(() => seen.events.length === before, 300, "the signed-out socket hears nothing more");
    follower.stop();
  });

  it("tells a muted person's sockets, and refuses their next message without writing it", async () => {
    const talker = await resident("حسن پرحرف");
    const bystanderPerson = await resident("مریم آرام");
    const { threadId } = await place.proposalThread(bystanderPerson.id);
    const talkerReading = record(await pool.openConnected({ cookie: talker.cookie }));
    expect(await join(talkerReading.socket, { room: `thread:${threadId}` })).toMatchObject({ ok: true });
    const talkerElsewhere = record(await pool.openConnected({ cookie: talker.cookie })); // another tab, not in the thread
    const bystander = record(await pool.openConnected({ cookie: bystanderPerson.cookie }));
    expect(await join(bystander.socket, { room: `thread:${threadId}` })).toMatchObject({ ok: true });

    expect((await threadPost(talker, threadId, { intent: "post", body: "پیام پیش از سکوت" })).status).toBe(302);
    await waitFor(() => bystander.of(threadId).length === 1, 3000, "the first message");

    // Only a moderator mutes.
    expect(
      (await threadPost(bystanderPerson, threadId, { intent: "mute", userId: talker.id, days: "1", reason: "پیام‌های تکراری" })).status,
    ).toBe(403);
    await holdsFor(() => talkerReading.standing.length === 0, 200, "no standing change after a refused mute");

    expect((await threadPost(manager, threadId, { intent: "mute", userId: talker.id, days: "1", reason: "پیام‌های تکراری" })).status).toBe(
      302,
    );
    await waitFor(
      () => talkerReading.standing.length === 1 && talkerElsewhere.standing.length === 1,
      3000,
      "thread:standing on both of the talker's sockets",
    );
    expect(talkerReading.standing).toEqual([{ threadId }]);
    expect(talkerElsewhere.standing).toEqual([{ threadId }]);

    const seqBefore = await lastSeqOf(db, threadId);
    const refused = await threadPost(talker, threadId, { intent: "post", body: "پیام پس از سکوت" });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(await lastSeqOf(db, threadId)).toBe(seqBefore);
    const [written] = await db
      .select({ n: count() })
      .from(threadMessages)
      .where(and(eq(threadMessages.threadId, threadId), eq(threadMessages.authorId, talker.id)));
    expect(Number(written!.n)).toBe(1);
    await holdsFor(
      () => bystander.of(threadId).length === 1 && talkerReading.of(threadId).length === 1,
      300,
      "the refused message reaches nobody",
    );
    expect(bystander.of(threadId).length).toBe(1);
    expect(talkerReading.of(threadId).length).toBe(1);
    expect(bystander.standing).toEqual([]);

    // Unmuted: told again, and may write again.
    expect((await threadPost(manager, threadId, { intent: "unmute", userId: talker.id })).status).toBe(302);
    await waitFor(() => talkerReading.standing.length === 2, 3000, "the second thread:standing");
    expect((await threadPost(talker, threadId, { intent: "post", body: "دوباره می‌نویسم" })).status).toBe(302);
    await waitFor(() => bystander.of(threadId).length === 2, 3000, "the message after the unmute");
    expect(bystander.of(threadId).map((e) => e.seq)).toEqual([1, 2]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("thread sockets across two instances on one PostgreSQL database", () => {
  let a: TestApp;
  let b: TestApp;
  let db: Db;
  let place: Place;
  const pool = socketPool(() => a.baseUrl);

  beforeAll(async () => {
    a = await startTestApp("postgres");
    b = await startTestApp("postgres", {}, { sameDatabaseAs: a.database });
    db = a.database.db;
    place = await buildPlace(db);
    // The instances find each other through their heartbeats.
    await waitFor(
      async () =>
        (await a.server.services.io.of("/").adapter.serverCount()) === 2 &&
        (await b.server.services.io.of("/").adapter.serverCount()) === 2,
      15_000,
      "the two instances to see each other",
    );
  }, scaled(120_000));
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    pool.closeAll();
    await b?.close();
    await a?.close();
  });

  it("relays events between instances, large ones included, and counts people on both", async () => {
    const writer = await signedInPerson(place, a.baseUrl, "نویسنده روی الف");
    const viewer = await signedInPerson(place, a.baseUrl, "خواننده دو دستگاه");
    const { threadId } = await place.proposalThread(writer.id);
    const room = `thread:${threadId}`;
    /** The same browser session, its requests sent to instance B. */
    const onB = (person: Person) => ({ ...person, client: Object.assign(new Browserless(b.baseUrl), { cookies: person.client.cookies }) });

    // The same person on both instances (two devices), and an anonymous reader on each.
    const viewerA = record(await pool.openConnected({ url: a.baseUrl, cookie: viewer.cookie }));
    const viewerB = record(await pool.openConnected({ url: b.baseUrl, cookie: viewer.cookie }));
    const anonA = record(await pool.openConnected({ url: a.baseUrl }));
    const anonB = record(await pool.openConnected({ url: b.baseUrl }));
    const all = [viewerA, viewerB, anonA, anonB];
    for (const reader of all) {
      expect(await join(reader.socket, { room })).toEqual({ ok: true, room });
      await pause(50);
    }
    // Three people: the viewer once however many devices, and each anonymous tab.
    await waitFor(() => all.every((r) => r.lastPresence(threadId) === 3), 8000, "presence 3 on every reader");
    await holdsFor(() => all.every((r) => r.lastPresence(threadId) === 3), 900, "presence stays 3");

    // A post through A reaches the reader on B; one through B reaches the reader on A.
    expect((await threadPost(writer, threadId, { intent: "post", body: "از نمونه الف" })).status).toBe(302);
    expect((await threadPost(onB(writer), threadId, { intent: "post", body: "از نمونه ب" })).status).toBe(302);
    // Over NOTIFY's 8000 bytes: the adapter carries it through its attachments table.
    const big = "😀".repeat(2000);
    const attachmentsBefore = Number((await db.select({ n: count() }).from(socketIoAttachments))[0]!.n);
    expect((await threadPost(writer, threadId, { intent: "post", body: big })).status).toBe(302);
    // One character more is refused (characters are counted, not UTF-16 units).
    expect((await threadPost(writer, threadId, { intent: "post", body: `${big}😀` })).status).toBe(400);
    await waitFor(() => all.every((r) => r.of(threadId).length === 3), 8000, "all three events on every reader");
    for (const reader of all) {
      const events = reader.of(threadId);
      expect(events.map((e) => e.seq).sort((x, y) => x - y)).toEqual([1, 2, 3]);
      expect(events.find((e) => e.seq === 1)!.message!.body).toBe("از نمونه الف");
      expect(events.find((e) => e.seq === 2)!.message!.body).toBe("از نمونه ب");
      const large = events.find((e) => e.seq === 3)!;
      expect(large.message!.body).toBe(big);
      expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(8000);
    }
    expect(Number((await db.select({ n: count() }).from(socketIoAttachments))[0]!.n)).toBeGreaterThan(attachmentsBefore);

    // One device and one anonymous tab go: the viewer is still here on the other device.
    viewerA.socket.disconnect();
    anonA.socket.disconnect();
    await waitFor(() => [viewerB, anonB].every((r) => r.lastPresence(threadId) === 2), 8000, "presence 2 after two sockets left");

    // Signing out through A closes that session's socket on B.
    const phoneSession = await signedInPerson(place, a.baseUrl, "خواننده سوم");
    const sessionOnB = await pool.openConnected({ url: b.baseUrl, cookie: phoneSession.cookie });
    expect(await join(sessionOnB, { room })).toMatchObject({ ok: true });
    const gone = nextEvent(sessionOnB, "disconnect", 5000);
    expect((await phoneSession.client.post("/logout", {})).status).toBe(302);
    expect((await gone)[0]).toBe("io server disconnect");
  });

  it(
    "lets an instance shut down with readers in a thread without work left behind",
    async () => {
      const author = await signedInPerson(place, a.baseUrl, "نویسنده پیش از خاموشی");
      const { threadId } = await place.proposalThread(author.id);
      const c = await startTestApp("postgres", {}, { sameDatabaseAs: a.database });
      try {
        await waitFor(
          async () => (await c.server.services.io.of("/").adapter.serverCount()) >= 2,
          15_000,
          "the third instance to see another",
        );
        const readers = [await pool.openConnected({ url: c.baseUrl }), await pool.openConnected({ url: c.baseUrl })];
        const presence = readers.map((socket) => record(socket));
        for (const socket of readers) expect(await join(socket, { room: `thread:${threadId}` })).toMatchObject({ ok: true });
        // The presence recount for the joins is done once each reader has heard "two here".
        await waitFor(() => presence.every((p) => p.lastPresence(threadId) === 2), 5000, "the presence recount after the joins");
        const warnings = vi.spyOn(c.server.services.logger, "warn");
        const errors = vi.spyOn(c.server.services.logger, "error");
        const gone = readers.map((socket) => nextEvent(socket, "disconnect", 5000));
        await c.close();
        await Promise.all(gone);
        // Readers leaving as it closes must not start presence recounts on a closed server.
        await holdsFor(
          () => errors.mock.calls.length === 0 && warnings.mock.calls.length === 0,
          1200,
          "no error or warning after the shutdown",
        );
        expect(errors).not.toHaveBeenCalled();
        expect(warnings).not.toHaveBeenCalled();
      } finally {
        await c.close();
      }
    },
    scaled(60_000),
  );

  it(
    "keeps exactly-once order for followers on both instances when both publish",
    async () => {
      const author = await signedInPerson(place, a.baseUrl, "نویسنده پرکار");
      const { threadId } = await place.proposalThread(author.id);
      const followers = [a, b, a, b].map((app) => {
        const socket = pool.open({ url: app.baseUrl, reconnect: true });
        const applied: number[] = [];
        const follower = new ThreadFollower(socket, threadId, 0, { apply: (e) => applied.push(e.seq) }).start();
        return { socket, applied, follower };
      });
      await Promise.all(followers.map((f) => connected(f.socket)));
      // Every follower has joined the thread's room (on either instance) before anything is written.
      await waitFor(
        async () => (await a.server.services.io.in(`thread:${threadId}`).fetchSockets()).length === followers.length,
        10_000,
        "every follower to join",
      );
      const TOTAL = 60;
      const rng = mulberry32(7);
      // Each instance publishes what its own requests wrote, as it would behind a load balancer.
      await Promise.all(
        [a, b].map(async (app, n) => {
          for (let i = 0; i < TOTAL / 2; i++) {
            const result = await postMessage(app.database.db, { threadId, authorId: author.id, body: `پیام ${n}-${i}` });
            if (!result.ok) throw new Error(result.error);
            await publishThreadEvents(app.server.services.io, app.database.db, threadId, result.seqs);
            if (rng() < 0.1) followers[Math.floor(rng() * followers.length)]!.socket.io.engine.close();
            await pause(rng() * 5);
          }
        }),
      );
      await waitFor(() => followers.every((f) => f.follower.lastSeq === TOTAL), 20_000, "every follower to reach the last number");
      await holdsFor(() => followers.every((f) => f.applied.length === TOTAL), 300, "nothing applied twice");
      for (const f of followers) {
        expect(f.applied).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
        f.follower.stop();
      }
    },
    scaled(60_000),
  );
});
