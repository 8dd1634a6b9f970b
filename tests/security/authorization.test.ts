import fs from "node:fs";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_EVENTS } from "../../app/realtime/events";
import { loadBuild } from "../support/app";
import { BACKENDS } from "../support/database";
import { scaled } from "../support/wait";
import { ROLES, buildWorld, rowCounts, type RoleKey, type World } from "./world";

/**
 * The authorization matrix, generated from what the app serves: every route of the Remix build
 * (GET where it has a loader, POST where it has an action) and every socket room kind the server
 * emits to, for every role in its own and a foreign scope. The expected sets are written down
 * below; a route or room the table does not name fails the test, so nothing new skips it.
 */

const EVERYONE: RoleKey[] = [...ROLES];
const SIGNED_IN: RoleKey[] = ROLES.filter((r) => r !== "anonymous");
const NOBODY: RoleKey[] = [];
const only = (...roles: RoleKey[]) => roles;

interface RouteRule {
  /** Who gets past authorization with GET / POST. Omit a method the route does not have. */
  get?: RoleKey[];
  post?: RoleKey[];
  /** Query string for the request (the route's page needs it to make sense). */
  query?: string;
  /** Overrides of the URL parameters for this row (by default they point into district A). */
  params?: Record<string, string>;
  /** The form sent with POST (empty by default: whoever gets past authorization is refused on the form). */
  fields?: Record<string, string>;
  /** Why, when it is not obvious. */
  note?: string;
}

/** Route id (as in the build) → rows. A route with several rows is checked under each. */
type Table = Record<string, RouteRule[]>;

function expectedTable(w: World): Table {
  const { ids } = w;
  return {
    root: [{ get: EVERYONE }],
    "routes/_index": [{ get: EVERYONE }],
    "routes/$": [{ get: NOBODY, params: { "*": "no-such-page" }, note: "an unknown address is a Persian 404 for everyone" }],
    "routes/login": [{ get: EVERYONE, post: EVERYONE }],
    "routes/signup": [{ get: EVERYONE, post: EVERYONE }],
    "routes/verify": [{ get: EVERYONE, post: EVERYONE }],
    "routes/forgot-password": [{ get: EVERYONE, post: EVERYONE }],
    "routes/reset-password": [{ get: EVERYONE, post: EVERYONE }],
    "routes/set-language": [{ get: EVERYONE, post: EVERYONE }],
    "routes/logout": [{ get: EVERYONE, post: EVERYONE }],
    "routes/dev.outbox": [
      {
        get: NOBODY,
        post: NOBODY,
        note: "verification codes are never handed to a client from the network (every device here comes through the proxy from a 10.x address)",
      },
    ],
    "routes/account": [{ get: SIGNED_IN, post: SIGNED_IN }],
    "routes/me.councils": [{ get: SIGNED_IN, post: SIGNED_IN }],
    "routes/inbox._index": [{ get: SIGNED_IN, post: SIGNED_IN }],
    "routes/inbox.settings": [{ get: SIGNED_IN, post: SIGNED_IN }],
    "routes/inbox.$notificationId": [
      {
        get: SIGNED_IN,
        post: NOBODY,
        params: { notificationId: "00000000-0000-4000-8000-000000000000" },
        fields: { intent: "open" },
        note: "an item that is not the person's own is not found, for everyone",
      },
    ],
    "routes/sms.inbound": [
      { post: NOBODY, note: "the SMS gateway only, with its token (none is set in tests: the address does not exist)" },
    ],
    "routes/sms.report": [{ post: NOBODY, note: "the SMS gateway only, with its token" }],
    "routes/track": [{ get: EVERYONE, query: "?code=1234567890", note: "a tracking code is looked up without signing in" }],
    "routes/p.$number": [{ get: NOBODY, params: { number: "99999999" }, note: "a short link to no proposal is a 404" }],
    "routes/districts.$districtId": [{ get: EVERYONE }],
    "routes/neighborhoods.$neighborhoodId": [{ get: EVERYONE, post: SIGNED_IN }],
    "routes/councils.$councilId": [{ get: EVERYONE, post: SIGNED_IN }],
    "routes/proposals._index": [{ get: EVERYONE }],
    "routes/search": [{ get: EVERYONE }],
    "routes/data": [{ get: EVERYONE }],
    "routes/api.v1._index": [{ get: EVERYONE, note: "open data needs no sign-in" }],
    "routes/api.v1.$dataset": [
      { get: EVERYONE, params: { dataset: "proposals" } },
      { get: EVERYONE, params: { dataset: "votes.csv" }, note: "totals only, under the ballot rule, for everyone alike" },
      { get: NOBODY, params: { dataset: "users" }, note: "no dataset of people: a 404 for everyone" },
    ],
    "routes/record": [
      { get: EVERYONE, note: "the public record needs no sign-in" },
      { get: EVERYONE, query: "?district=__proto__&before=abc", note: "crafted filters give the page with a notice" },
    ],
    "routes/proposals.new": [{ get: SIGNED_IN, post: SIGNED_IN, query: `?council=${ids.councilA}` }],
    "routes/proposals.$proposalId": [{ get: EVERYONE, post: SIGNED_IN }],
    "routes/proposals.$proposalId_.edit": [{ get: only("resident"), post: only("resident"), note: "the author only" }],
    "routes/threads.$threadId": [
      { get: EVERYONE, post: SIGNED_IN, params: { threadId: ids.publicThread } },
      { get: EVERYONE, post: SIGNED_IN, params: { threadId: ids.councilThread } },
      {
        get: only("commissionOwn"),
        post: only("commissionOwn"),
        params: { threadId: ids.commissionThread },
        note: "a commission's review thread",
      },
    ],
    "routes/threads.$threadId_.digest": [
      { get: EVERYONE, params: { threadId: ids.publicThread } },
      { get: EVERYONE, params: { threadId: ids.councilThread } },
      { get: only("commissionOwn"), params: { threadId: ids.commissionThread }, note: "a commission's review thread's digest" },
    ],
    "routes/commissions.$commissionId": [
      { get: only("commissionOwn"), params: { commissionId: ids.commissionOwn } },
      { get: only("commissionForeign"), params: { commissionId: ids.commissionForeign } },
    ],
    "routes/deputy._index": [{ get: only("deputy", "deputyStaff"), post: only("deputy", "deputyStaff") }],
    "routes/deputy.settings": [{ get: only("deputy"), post: only("deputy") }],
    "routes/deputy.analytics": [
      { get: only("deputy", "deputyStaff"), query: "?year=1405&span=s3", note: "the deputy's office reads the city's analytics" },
    ],
    "routes/deputy.analytics[.]csv": [{ get: only("deputy", "deputyStaff"), query: "?table=units" }],
    "routes/manage.districts.$districtId.analytics": [
      { get: only("managerOwn"), note: "the district's own manager (not their staff); the deputy reads it from /deputy/analytics" },
    ],
    "routes/manage_.districts.$districtId.analytics[.]csv": [{ get: only("managerOwn", "deputy", "deputyStaff"), query: "?table=months" }],
    "routes/manage_.districts.$districtId.report": [
      {
        get: only("managerOwn", "deputy", "deputyStaff"),
        query: "?year=1405&month=9",
        note: "the monthly report: its manager sends it up, the deputy's office reads it",
      },
    ],
    "routes/manage": [{ get: only("managerOwn", "managerForeign", "staff") }],
    "routes/manage._index": [{ get: only("managerOwn", "managerForeign", "staff") }],
    "routes/manage.districts.$districtId._index": [{ get: only("managerOwn", "staff") }],
    "routes/manage.districts.$districtId.applications": [{ get: only("managerOwn", "staff"), post: only("managerOwn", "staff") }],
    "routes/manage.districts.$districtId.moderation": [{ get: only("managerOwn", "staff") }],
    "routes/manage.districts.$districtId.counter": [
      {
        get: only("managerOwn", "staff"),
        post: only("managerOwn", "staff"),
        note: "the district's manager and staff with the file-on-behalf power",
      },
    ],
    "routes/manage.districts.$districtId.neighborhoods.new": [{ get: only("managerOwn"), post: only("managerOwn") }],
    "routes/manage.districts.$districtId.staff": [{ get: only("managerOwn"), post: only("managerOwn") }],
    "routes/manage.neighborhoods.$neighborhoodId": [{ get: only("managerOwn"), post: only("managerOwn") }],
    "routes/manage.councils.$councilId": [
      {
        get: only("managerOwn", "staff"),
        post: only("managerOwn"),
        fields: { intent: "charter" },
        note: "staff see the council; only its manager changes it",
      },
    ],
    "routes/councils.$councilId_.meetings": [
      { get: EVERYONE, post: only("chair"), fields: { intent: "schedule" }, note: "the council's chair or secretary schedules" },
    ],
    "routes/meetings.$meetingId": [
      {
        get: EVERYONE,
        post: only("chair"),
        params: { meetingId: ids.meetingA },
        fields: { intent: "open" },
        note: "the chair or secretary runs a meeting",
      },
      {
        get: EVERYONE,
        post: only("member", "chair"),
        params: { meetingId: ids.meetingA },
        fields: { intent: "respond" },
        note: "any seat answers minutes (if present: refused on the form otherwise)",
      },
    ],
    "routes/meetings.$meetingId_.print": [{ get: EVERYONE, params: { meetingId: ids.meetingA }, note: "approved minutes are public" }],
    "routes/manage.districts.$districtId.meetings": [
      {
        get: only("managerOwn", "staff", "deputy", "deputyStaff"),
        post: only("managerOwn"),
        fields: { intent: "keep" },
        note: "the district's staff and the deputy's office read (the /manage layout lets the deputy into this page only); the manager reviews",
      },
    ],
    "routes/deputy.policies._index": [
      { get: only("deputy", "deputyStaff"), post: only("deputy", "deputyStaff"), fields: { intent: "create" } },
    ],
    "routes/deputy.policies.$policyId": [
      {
        get: only("deputy", "deputyStaff"),
        post: only("deputy", "deputyStaff"),
        params: { policyId: ids.policyId },
        fields: { intent: "publish" },
      },
    ],
    "routes/policies": [
      {
        get: SIGNED_IN,
        post: only("chair", "managerOwn", "managerForeign", "deputy", "deputyStaff"),
        fields: { intent: "acknowledge" },
        note: "whether a policy is addressed to the person is answered on the form",
      },
    ],
    "routes/admin": [{ get: only("admin") }],
    "routes/admin._index": [{ get: only("admin") }],
    "routes/admin.audit": [{ get: only("admin") }],
    "routes/admin.categories": [{ get: only("admin"), post: only("admin") }],
    "routes/admin.roles": [{ get: only("admin"), post: only("admin") }],
    "routes/admin.districts._index": [{ get: only("admin"), post: only("admin") }],
    "routes/admin.districts.$districtId": [{ get: only("admin"), post: only("admin") }],
    "routes/admin.commissions._index": [{ get: only("admin"), post: only("admin") }],
    "routes/admin.commissions.$commissionId": [{ get: only("admin"), post: only("admin") }],
  };
}

/** The full URL pattern of a route, joined through its parents. */
function fullPath(routes: Record<string, { path?: string; parentId?: string }>, id: string): string {
  const parts: string[] = [];
  for (
    let route: { path?: string; parentId?: string } | undefined = routes[id];
    route;
    route = route.parentId ? routes[route.parentId] : undefined
  ) {
    if (route.path) parts.unshift(route.path);
  }
  return `/${parts.join("/")}`.replace(/\/+/g, "/");
}

type Outcome = "allowed" | "denied";

/** Past authorization (the page, a form answer, a redirect elsewhere) or turned away. */
function outcomeOf(response: Response): Outcome {
  const location = response.headers.get("location") ?? "";
  if ([401, 403, 404].includes(response.status)) return "denied";
  if (response.status >= 300 && response.status < 400 && /^\/login(\?|$)/.test(location.replace(/^https?:\/\/[^/]+/, ""))) return "denied";
  return "allowed";
}

/** Room kinds the server sends to, read from the source, so a new kind of room cannot skip the table. */
function emittedRoomKinds(): string[] {
  const root = path.resolve(import.meta.dirname, "..", "..", "app");
  const kinds = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.includes(".test.")) {
        const source = fs.readFileSync(file, "utf8");
        for (const m of source.matchAll(/\.(?:in|to|join)\(\s*[`"']([a-z-]+)(?=[:`"'])/g)) kinds.add(m[1]!);
      }
    }
  };
  walk(root);
  return [...kinds].sort();
}

interface RoomRule {
  /** Who may join; `room` builds the room name for the role (own-scope rooms use district A etc.). */
  join: RoleKey[];
  room: (w: World, role: RoleKey) => string;
  note?: string;
}

function roomTable(): Record<string, RoomRule[]> {
  return {
    city: [{ join: EVERYONE, room: () => "city" }],
    deputy: [{ join: only("deputy", "deputyStaff"), room: () => "deputy" }],
    admin: [{ join: only("admin"), room: () => "admin" }],
    district: [{ join: EVERYONE, room: (w) => `district:${w.ids.districtA}` }],
    council: [{ join: EVERYONE, room: (w) => `council:${w.ids.councilA}` }],
    proposal: [{ join: EVERYONE, room: (w) => `proposal:${w.ids.proposalId}` }],
    thread: [
      { join: EVERYONE, room: (w) => `thread:${w.ids.publicThread}` },
      { join: only("commissionOwn"), room: (w) => `thread:${w.ids.commissionThread}`, note: "a commission's review thread" },
    ],
    "district-staff": [{ join: only("managerOwn", "staff"), room: (w) => `district-staff:${w.ids.districtA}` }],
    commission: [{ join: only("commissionOwn"), room: (w) => `commission:${w.ids.commissionOwn}` }],
    user: [
      { join: SIGNED_IN, room: (w, role) => `user:${role === "anonymous" ? w.users.resident.id : w.users[role].id}`, note: "one's own" },
      { join: NOBODY, room: (w, role) => `user:${role === "resident" ? w.users.member.id : w.users.resident.id}`, note: "someone else's" },
    ],
    session: [{ join: NOBODY, room: () => "session:0123456789abcdef", note: "joined by the server alone" }],
    meeting: [{ join: EVERYONE, room: (w) => `meeting:${w.ids.meetingA}`, note: "the roll call is public, as the minutes will be" }],
    policy: [{ join: only("deputy", "deputyStaff"), room: (w) => `policy:${w.ids.policyId}`, note: "who has acknowledged, per district" }],
  };
}

const BUILD_ROUTES = (await loadBuild()).routes as unknown as Record<
  string,
  { id: string; path?: string; parentId?: string; module: { loader?: unknown; action?: unknown } }
>;
const ROUTE_IDS = Object.keys(BUILD_ROUTES).sort();

describe.each(BACKENDS)("authorization matrix on %s", (backend) => {
  let w: World;
  const routes = BUILD_ROUTES;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    w = await buildWorld(backend);
  }, scaled(120_000));
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await w?.app.close();
  });

  const urlFor = (id: string, rule: RouteRule) => {
    const params: Record<string, string> = {
      districtId: w.ids.districtA,
      neighborhoodId: w.ids.hoodA,
      councilId: w.ids.councilA,
      commissionId: w.ids.commissionOwn,
      proposalId: w.ids.proposalId,
      threadId: w.ids.publicThread,
      ...rule.params,
    };
    const pattern = fullPath(routes, id);
    const filled = pattern
      .replace(/:([A-Za-z]+)/g, (_, name: string) => {
        if (!params[name]) throw new Error(`no value for :${name} in ${pattern}`);
        return params[name]!;
      })
      .replace("*", params["*"] ?? "");
    return filled + (rule.query ?? "");
  };

  it("names every route of the build, with the methods it serves", () => {
    const table = expectedTable(w);
    const problems: string[] = [];
    for (const [id, route] of Object.entries(routes)) {
      const rows = table[id];
      if (!rows) {
        problems.push(
          `route "${id}" (${fullPath(routes, id)}) is not in the authorization matrix: add it to expectedTable in tests/security/authorization.test.ts with who may GET and POST`,
        );
        continue;
      }
      for (const row of rows) {
        if (Boolean(route.module.loader) !== Boolean(row.get))
          problems.push(
            `route "${id}": the table says GET ${row.get ? "is" : "is not"} served, the build says ${route.module.loader ? "it is" : "it is not"}`,
          );
        if (Boolean(route.module.action) !== Boolean(row.post))
          problems.push(
            `route "${id}": the table says POST ${row.post ? "is" : "is not"} served, the build says ${route.module.action ? "it is" : "it is not"}`,
          );
      }
    }
    for (const id of Object.keys(table))
      if (!routes[id]) problems.push(`the table names "${id}", which the build no longer has: remove it`);
    expect(problems).toEqual([]);
  });

  // One test per route and method, so that a refusal names its route.
  for (const id of ROUTE_IDS) {
    for (const method of ["GET", "POST"] as const) {
      const served = method === "GET" ? BUILD_ROUTES[id]!.module.loader : BUILD_ROUTES[id]!.module.action;
      if (!served) continue;
      it(
        `${method} ${id}: exactly the expected roles get past authorization${method === "POST" ? ", and an empty form writes nothing" : ""}`,
        async () => {
          const rows = expectedTable(w)[id];
          expect(rows, `route "${id}" is not in the authorization matrix: add it to expectedTable`).toBeDefined();
          const mismatches: string[] = [];
          const before = await rowCounts(w);
          for (const row of rows!) {
            const expected = method === "GET" ? row.get : row.post;
            if (!expected) continue;
            const url = urlFor(id, row);
            const allowed: RoleKey[] = [];
            for (const role of ROLES) {
              // Signing out ends the session it is sent with: every role signs out a device of its own.
              const device = id === "routes/logout" && method === "POST" && role !== "anonymous" ? await w.signIn(role) : w.client[role];
              const response = method === "GET" ? await device.get(url) : await device.post(url, row.fields ?? {});
              await response.arrayBuffer();
              if (response.status >= 500) mismatches.push(`${method} ${url} as ${role}: ${response.status}`);
              if (outcomeOf(response) === "allowed") allowed.push(role);
            }
            if (allowed.join() !== expected.join())
              mismatches.push(`${method} ${url}: allowed [${allowed.join(", ")}], expected [${expected.join(", ")}]`);
          }
          expect(mismatches).toEqual([]);
          if (method === "POST") expect(await rowCounts(w)).toEqual(before);
        },
        scaled(60_000),
      );
    }
  }

  it("names every socket event a client may send and every room kind the server sends to", () => {
    const events = Object.values(CLIENT_EVENTS).sort();
    expect(events, "a new client event needs its rows in the socket part of tests/security/authorization.test.ts").toEqual([
      "room:join",
      "room:leave",
      "thread:sync",
    ]);
    const kinds = emittedRoomKinds();
    const table = roomTable();
    const missing = kinds.filter((k) => !table[k]);
    expect(missing, "room kinds the server sends to but the matrix does not name: add them to roomTable").toEqual([]);
  });

  it(
    "lets exactly the expected roles join every room, and catch up only on threads they may read",
    async () => {
      const open = (role: RoleKey) =>
        new Promise<Socket>((resolve, reject) => {
          const headers: Record<string, string> = { origin: w.app.baseUrl };
          const cookie = w.client[role].cookieHeader();
          if (cookie) headers.cookie = cookie;
          const socket = connect(w.app.baseUrl, {
            transports: ["websocket"],
            extraHeaders: headers,
            forceNew: true,
            reconnection: false,
            timeout: scaled(5000),
          });
          sockets.push(socket);
          socket.once("connect", () => resolve(socket));
          socket.once("connect_error", reject);
        });
      const mismatches: string[] = [];
      const table = roomTable();
      const socketOf = new Map<RoleKey, Socket>();
      for (const role of ROLES) socketOf.set(role, await open(role));
      for (const [kind, rows] of Object.entries(table)) {
        for (const row of rows) {
          const allowed: RoleKey[] = [];
          for (const role of ROLES) {
            const room = row.room(w, role);
            const ack = await socketOf.get(role)!.timeout(scaled(3000)).emitWithAck(CLIENT_EVENTS.join, { room });
            if (ack?.ok) allowed.push(role);
            else if (!["forbidden", "not_found"].includes(ack?.error)) mismatches.push(`join ${room} as ${role}: ${JSON.stringify(ack)}`);
            // Leaving again answers nothing and keeps the socket usable.
            socketOf.get(role)!.emit(CLIENT_EVENTS.leave, { room });
          }
          if (allowed.join() !== row.join.join())
            mismatches.push(
              `join ${kind} (${row.note ?? row.room(w, "resident")}): allowed [${allowed.join(", ")}], expected [${row.join.join(", ")}]`,
            );
        }
      }
      // Catch-up (thread:sync) after a join attempt: only whoever may read the thread gets its events.
      for (const [threadId, readers] of [
        [w.ids.publicThread, EVERYONE],
        [w.ids.commissionThread, only("commissionOwn")],
      ] as const) {
        const allowed: RoleKey[] = [];
        for (const role of ROLES) {
          const socket = socketOf.get(role)!;
          await socket.timeout(scaled(3000)).emitWithAck(CLIENT_EVENTS.join, { room: `thread:${threadId}` });
          const ack = await socket.timeout(scaled(3000)).emitWithAck(CLIENT_EVENTS.threadSync, { threadId, after: 0 });
          if (ack?.ok && ack.events.length > 0) allowed.push(role);
          else if (ack?.ok) mismatches.push(`sync ${threadId} as ${role}: an empty answer`);
        }
        if (allowed.join() !== readers.join())
          mismatches.push(`sync thread ${threadId}: allowed [${allowed.join(", ")}], expected [${readers.join(", ")}]`);
      }
      for (const socket of socketOf.values()) expect(socket.connected).toBe(true);
      expect(mismatches).toEqual([]);
    },
    scaled(120_000),
  );
});
