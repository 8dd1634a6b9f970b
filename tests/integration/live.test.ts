import { io as connect, type Socket } from "socket.io-client";
import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureThread } from "../../app/domain/threads/lookup.server";
import { closeDueVotes } from "../../app/domain/votes.server";
import { LIVE_WINDOW_MS, publishProposalState } from "../../app/realtime/live.server";
import type { ProposalLive } from "../../app/realtime/events";
import { startTestApp, type TestApp } from "../support/app";
import { BACKENDS } from "../support/database";
import { Browserless, visibleText } from "../support/http";
import { appFactories, type AppFactories, type Person } from "../support/factories";

const STATE = "proposal:state";

type Someone = Person & { client: Browserless };
/** Scales every wait with a loaded machine (SLOW=3 triples them). */
const SLOW = Number(process.env.TEST_SLOWDOWN ?? 1) || 1;
const WAIT = 10_000 * SLOW;

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("not connected")), WAIT);
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

/** Everything a socket receives, in order, with a way to wait for a condition on it. */
function recorder(socket: Socket) {
  const events: { name: string; payload: unknown }[] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  return {
    events,
    states: () => events.filter((e) => e.name === STATE).map((e) => e.payload as ProposalLive),
    async until<T>(find: () => T | undefined | null | false, what: string): Promise<T> {
      const deadline = Date.now() + WAIT;
      for (;;) {
        const found = find();
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`waited for ${what}; got ${JSON.stringify(events.map((e) => e.name))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

async function turboData(response: Response) {
  const decoded = await decode(response.body!);
  await decoded.done;
  return decoded.value as Record<string, { data?: Record<string, unknown> }>;
}

describe.each(BACKENDS)("live events carry what changed, on %s", (backend) => {
  let app: TestApp;
  const sockets: Socket[] = [];
  let make: AppFactories;
  let openCouncil = "";
  let secretCouncil = "";

  async function listener(room: string) {
    const socket = connect(app.baseUrl, {
      transports: ["websocket"],
      extraHeaders: { origin: app.baseUrl },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await connected(socket);
    const rec = recorder(socket);
    expect(await socket.timeout(WAIT).emitWithAck("room:join", { room })).toMatchObject({ ok: true });
    return rec;
  }

  let chair: Someone;
  let author: Someone;
  const voters: Someone[] = [];
  let bystander: Someone;

  beforeAll(async () => {
    app = await startTestApp(backend);
    make = appFactories(app, { firstPhone: "+989125000000" });
    const districtId = await make.district({ number: 3, name: "منطقه سه" });
    const category = await make.category("روشنایی");
    // Proposals here reach the agenda by the chair, never by supports.
    Object.assign(make.defaults, { districtId, categoryId: category, charter: { supportThreshold: 1000 } });
    chair = await make.signedIn({ name: "رئیس شورا" });
    author = await make.signedIn({ name: "نویسنده طرح" });
    for (const n of ["آرش", "بهار", "پرستو", "تینا"]) voters.push(await make.signedIn({ name: `رأی‌دهنده ${n}` }));
    bystander = await make.signedIn({ name: "عضو بی‌رأی" });
    // Two councils of the same people, the chair first: one votes openly, one in secret.
    for (const ballot of ["open", "secret"] as const) {
      const made = await make.council({ founderId: chair.id, neighborhood: `کوی ${ballot}`, charter: { ballot } });
      await make.seat(made.id, [chair, author, ...voters, bystander], { chairFirst: true });
      if (ballot === "open") openCouncil = made.id;
      else secretCouncil = made.id;
    }
  }, 120_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("a support sends the proposal's room its new count (no reload signal)", async () => {
    const id = (await make.proposal({ councilId: openCouncil, authorId: author.id })).id;
    const room = await listener(`proposal:${id}`);
    const supporter = await make.signedIn({ name: "حامی یک" });
    expect((await supporter.client.post(`/proposals/${id}`, { intent: "support" })).status).toBe(302);
    const state = await room.until(() => room.states().find((s) => s.supportCount === 1), "a state with one support");
    expect(state).toMatchObject({ proposalId: id, status: "open", supportCount: 1, messageCount: 0, vote: null });
    expect(typeof state.v).toBe("number");
    expect(room.events.every((e) => e.name === STATE)).toBe(true);
  });

  it("50 supports at once reach the room as a few states, the final count last", async () => {
    const id = (await make.proposal({ councilId: openCouncil, authorId: author.id, title: "بازگشایی کتابخانه محله" })).id;
    const room = await listener(`proposal:${id}`);
    const supporters = [];
    for (let i = 0; i < 50; i++) supporters.push(await make.signedIn({ name: `حامی گروهی ${i}` }));
    const started = Date.now();
    const answers = await Promise.all(
      supporters.map((s) => s.client.post(`/proposals/${id}`, { intent: "support" }).then((r) => r.status)),
    );
    expect(answers.filter((s) => s !== 302)).toEqual([]);
    await room.until(() => room.states().some((s) => s.supportCount === 50), "the final count");
    const span = Date.now() - started;
    // The final count is last: wait one more window's worth for anything trailing it, by condition:
    // a state sent after ours is seen once a later change (a message) arrives.
    const thread = await ensureThread(app.database.db, { kind: "proposal", proposalId: id });
    expect((await supporters[0]!.client.post(`/threads/${thread}`, { intent: "post", body: "موافقم." })).status).toBeLessThan(400);
    await room.until(() => room.states().some((s) => s.messageCount === 1), "the message count");
    const states = room.states();
    const counts = states.map((s) => s.supportCount);
    expect(counts.at(-1)).toBe(50);
    // Never backwards, and coalesced per room: sends of one room are at least a window apart, so
    // however slow the machine made the burst, the room got at most one state per window of it
    // (and the count it ended on, once more, for the message).
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    const upToFinal = states.findIndex((s) => s.supportCount === 50) + 1;
    expect(upToFinal).toBeLessThanOrEqual(Math.floor(span / LIVE_WINDOW_MS) + 1);
  });

  it("a post sends its thread the numbered message and the proposal's room the new message count", async () => {
    const id = (await make.proposal({ councilId: openCouncil, authorId: author.id, title: "درختکاری پیاده‌رو" })).id;
    const threadId = await ensureThread(app.database.db, { kind: "proposal", proposalId: id });
    const room = await listener(`proposal:${id}`);
    const readers = await listener(`thread:${threadId}`);
    const poster = voters[0]!;
    expect((await poster.client.post(`/threads/${threadId}`, { intent: "post", body: "چه خوب؛ من هم کمک می‌کنم." })).status).toBeLessThan(
      400,
    );
    const event = await readers.until(
      () => readers.events.find((e) => e.name === "thread:event" && (e.payload as { kind: string }).kind === "posted"),
      "the posted event",
    );
    expect(event.payload).toMatchObject({ threadId, seq: 1, message: { body: "چه خوب؛ من هم کمک می‌کنم." } });
    const state = await room.until(() => room.states().find((s) => s.messageCount === 1), "the message count");
    expect(state).toMatchObject({ proposalId: id, messageCount: 1 });
  });

  it("an open ballot is announced live with its tally and roll call", async () => {
    const { proposalId } = await make.openVote({ councilId: openCouncil, by: chair.id, authorId: author.id, hours: 24 });
    const room = await listener(`proposal:${proposalId}`);
    expect(
      (await voters[0]!.client.post(`/proposals/${proposalId}`, { intent: "ballot", choice: "for", voteId: await currentVote(proposalId) }))
        .status,
    ).toBe(302);
    const state = await room.until(() => room.states().find((s) => s.vote?.tally?.for === 1), "the tally");
    expect(state.vote).toMatchObject({
      status: "open",
      secret: false,
      tally: { for: 1, against: 0, abstain: 0 },
      voters: [{ name: voters[0]!.name, choice: "for" }],
    });
  });

  it.runIf(backend === "postgres")("a state reaches the room's sockets on another instance, coalesced there too", async () => {
    const other = await startTestApp(backend, {}, { sameDatabaseAs: app.database });
    try {
      const id = (await make.proposal({ councilId: openCouncil, authorId: author.id, title: "سایه‌بان ایستگاه اتوبوس" })).id;
      const socket = connect(other.baseUrl, {
        transports: ["websocket"],
        extraHeaders: { origin: other.baseUrl },
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await connected(socket);
      const room = recorder(socket);
      expect(await socket.timeout(WAIT).emitWithAck("room:join", { room: `proposal:${id}` })).toMatchObject({ ok: true });
      const supporters = [];
      for (let i = 0; i < 10; i++) supporters.push(await make.signedIn({ name: `حامی دوردست ${i}` }));
      const answers = await Promise.all(
        supporters.map((s) => s.client.post(`/proposals/${id}`, { intent: "support" }).then((r) => r.status)),
      );
      expect(answers.filter((s) => s !== 302)).toEqual([]);
      await room.until(() => room.states().some((s) => s.supportCount === 10), "the final count on the other instance");
      const counts = room.states().map((s) => s.supportCount);
      expect(counts.at(-1)).toBe(10);
      for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    } finally {
      await other.close();
    }
  });

  async function currentVote(proposalId: string) {
    const response = await new Browserless(app.baseUrl).get(`/proposals/${proposalId}.data`);
    const data = await turboData(response);
    return (data["routes/proposals.$proposalId"]!.data as { vote: { id: string } }).vote.id;
  }

  describe("a secret ballot", () => {
    const choices = ["for", "against", "for", "abstain"] as const;

    async function pageSeenBy(client: Browserless, proposalId: string) {
      const html = await (await client.get(`/proposals/${proposalId}`)).text();
      const dataResponse = await client.get(`/proposals/${proposalId}.data`);
      expect(dataResponse.status).toBe(200);
      const raw = await dataResponse.clone().text();
      const data = (await turboData(dataResponse))["routes/proposals.$proposalId"]!.data as {
        vote: Record<string, unknown>;
        timeline: unknown;
      };
      return { html, text: visibleText(html), raw, data };
    }

    it("shows no tally, no roll and sends no event per ballot while open; totals only after closing", async () => {
      const { proposalId, voteId, closesAt } = await make.openVote({
        councilId: secretCouncil,
        by: chair.id,
        authorId: author.id,
        hours: 24,
      });
      const threadId = await ensureThread(app.database.db, { kind: "proposal", proposalId });
      const room = await listener(`proposal:${proposalId}`);
      const before = room.events.length;
      for (const [i, choice] of choices.entries()) {
        expect((await voters[i]!.client.post(`/proposals/${proposalId}`, { intent: "ballot", voteId, choice })).status).toBe(302);
      }
      // A later public change (a message) reaches the room; nothing from the ballots came before it.
      expect(
        (await author.client.post(`/threads/${threadId}`, { intent: "post", body: "رأی‌ها را پس از پایان ببینیم." })).status,
      ).toBeLessThan(400);
      const marker = await room.until(() => room.states().find((s) => s.messageCount === 1), "the message count");
      const seen = room.events.slice(before);
      expect(seen.map((e) => e.name)).toEqual([STATE]);
      expect(marker.vote).toMatchObject({ status: "open", secret: true, tally: null, voters: null });

      const anonymous = new Browserless(app.baseUrl);
      for (const [who, client, self] of [
        ["anonymous", anonymous, null],
        ["a member who has not voted", bystander.client, null],
        ["a voter", voters[1]!.client, voters[1]!.name],
      ] as const) {
        const page = await pageSeenBy(client, proposalId);
        // (A signed-in voter's own name is in the header.)
        for (const v of voters.filter((x) => x.name !== self)) {
          expect(page.text, `${who} sees a voter's name`).not.toContain(v.name);
          expect(page.raw, `${who} gets a voter's name in .data`).not.toContain(v.name);
        }
        expect(page.text, `${who} sees a tally`).not.toMatch(/موافق: /);
        expect(page.data.vote).toMatchObject({ status: "open", secret: true, tally: null, voters: null });
        expect(JSON.stringify(page.data.timeline)).not.toMatch(/"for"|"against"|"abstain"/);
      }
      // The voter sees their own choice, and nobody else's.
      expect((await pageSeenBy(voters[1]!.client, proposalId)).data.vote).toMatchObject({ myChoice: "against" });
      expect((await pageSeenBy(bystander.client, proposalId)).data.vote).toMatchObject({ myChoice: null });

      // Closing: the room gets the totals, never who chose what.
      await closeDueVotes(app.database.db, new Date(closesAt.getTime() + 1_000));
      publishProposalState(app.server.services.io, app.database.db, proposalId);
      const closed = await room.until(() => room.states().find((s) => s.vote?.status === "closed"), "the closed vote");
      expect(closed.vote).toMatchObject({ secret: true, tally: { for: 2, against: 1, abstain: 1 }, voters: null });
      const after = await pageSeenBy(anonymous, proposalId);
      expect(after.data.vote).toMatchObject({ status: "closed", tally: { for: 2, against: 1, abstain: 1 }, voters: null });
      for (const v of voters) {
        expect(after.text).not.toContain(v.name);
        expect(after.raw).not.toContain(v.name);
      }
      expect(after.text).toMatch(/موافق: ۲/);
    });
  });
});
