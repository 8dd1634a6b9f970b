import crypto from "node:crypto";
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject as RouteObject } from "@remix-run/router";
import type express from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Server as SocketServer, Socket } from "socket.io";
import type { DbActivity, DbOperation } from "../../db/client.server";
import { SERVER_EVENTS } from "../realtime/events";
import type { AdapterKind } from "../realtime/socket.server";
import { isLoopbackClient } from "./dev-outbox.server";
import type { ShedReason } from "./load-shedding.server";

/**
 * What an operator watches, in Prometheus's text format at `/metrics` (prom-client). One registry
 * per server (tests run several in one process). Every label takes its values from a set fixed by
 * the code — a Remix route id, never a raw address; an event or room kind the app defines, else
 * "other" — so no visitor can grow the number of series.
 * See docs/decisions/019-metrics-health-backups-and-replicas.md.
 */

const PREFIX = "mahalleh_";

/** Paths the server answers itself, outside Remix; each is its own route label. */
const SERVER_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Events the server sends (a bounded set); anything else is counted as "other". */
const KNOWN_EVENTS: Set<string> = new Set(Object.values(SERVER_EVENTS));

/** Room kinds (app/utils/permissions.ts `mayJoinRoom`, plus each session's and person's own rooms). */
const ROOM_KINDS = new Set([
  "city",
  "deputy",
  "admin",
  "district",
  "council",
  "proposal",
  "thread",
  "district-staff",
  "commission",
  "user",
  "session",
]);

const UUID_SEGMENT = /(?<=\/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;
const ANY_UUID = "00000000-0000-0000-0000-000000000000";
const LABELS_KEPT = 2_000;

/**
 * Maps a request to the Remix route that answers it, from the build's own route table
 * (`/proposals/…` and `/proposals/….data` are both `routes/proposals.$proposalId`).
 */
export function routeMatcher(getBuild: () => ServerBuild | undefined) {
  let built: ServerBuild | undefined;
  let tree: RouteObject[] = [];
  const treeOf = (build: ServerBuild) => {
    if (build === built) return tree;
    const byParent = new Map<string | undefined, ServerBuild["routes"][string][]>();
    for (const route of Object.values(build.routes)) {
      const list = byParent.get(route.parentId) ?? [];
      list.push(route);
      byParent.set(route.parentId, list);
    }
    const children = (parentId: string | undefined): RouteObject[] =>
      (byParent.get(parentId) ?? []).map((route) =>
        route.index
          ? { id: route.id, index: true, path: route.path, caseSensitive: route.caseSensitive }
          : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: children(route.id) },
      );
    built = build;
    tree = children(undefined);
    labels.clear();
    return tree;
  };
  // Matching walks and ranks the whole route table: done once per address shape, not per request.
  // Addresses differ mostly by the ids in them, and no static route segment is a UUID, so every
  // UUID can stand for any other; what is left is remembered up to LABELS_KEPT shapes.
  const labels = new Map<string, string>();
  return (pathname: string): string => {
    if (SERVER_PATHS.has(pathname)) return pathname;
    if (pathname.startsWith("/build/") || (/\.[A-Za-z0-9]+$/.test(pathname) && !pathname.endsWith(".data"))) return "static";
    const build = getBuild();
    if (!build) return "unmatched";
    let path = pathname;
    if (path.endsWith(".data")) path = path === "/_root.data" ? "/" : path.slice(0, -".data".length);
    const routes = treeOf(build);
    const shape = path.replace(UUID_SEGMENT, ANY_UUID);
    const known = labels.get(shape);
    if (known) return known;
    const matches = matchRoutes(routes, shape);
    // The splat route ($.tsx) answers every address nothing else does: one label for all of them.
    const label = matches?.at(-1)?.route.id ?? "unmatched";
    if (labels.size >= LABELS_KEPT) labels.clear();
    labels.set(shape, label);
    return label;
  };
}

export interface Metrics {
  registry: Registry;
  /** First in the chain: times every request and counts it by route, method and status. */
  middleware: express.RequestHandler;
  /** The `/metrics` endpoint, with its access rule. */
  handler: express.RequestHandler;
  shed(reason: ShedReason): void;
  databaseUnavailableAnswer(): void;
  watchDatabase(activity: DbActivity, handle: "primary" | "read"): void;
  watchSockets(io: SocketServer, adapter: AdapterKind): void;
  adapterError(adapter: AdapterKind, stage: "publish" | "connection"): void;
  smsSent(provider: string, ok: boolean): void;
  /**
   * Where the SMS outbox's depth comes from: messages accepted but not yet handed to the gateway.
   * Sending is synchronous today (no queue), so nothing sets it; a queued sender registers its
   * count here and the gauge appears.
   */
  setSmsOutboxDepth(read: (() => number | Promise<number>) | null): void;
  /** Messages kept by the local provider's development outbox (outside production only). */
  setDevOutboxSize(read: (() => Promise<number>) | null): void;
}

export interface MetricsOptions {
  /** Bearer token that opens `/metrics` to other machines (METRICS_TOKEN); loopback always may. */
  token?: string;
  getBuild: () => ServerBuild | undefined;
}

/** A value read while scraping, given up after a second (a scrape never waits on a dead database). */
async function bounded<T>(read: () => T | Promise<T>, ms = 1000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(read),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export function mayReadMetrics(req: express.Request, token: string | undefined) {
  if (isLoopbackClient({ socketAddress: req.socket.remoteAddress, clientIp: req.ip })) return true;
  if (!token) return false;
  const header = req.headers.authorization ?? "";
  const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(token).digest();
  return given.length > 0 && crypto.timingSafeEqual(a, b);
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const routeOf = routeMatcher(options.getBuild);

  const requests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: "HTTP requests answered, by Remix route id (or healthz/readyz/metrics/static/unmatched), method and status code.",
    labelNames: ["route", "method", "code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: "Time from a request's arrival to the end of its answer, by Remix route id and method.",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const sheds = new Counter({
    name: `${PREFIX}load_shed_total`,
    help: "Page requests turned away with the busy 503 page (queue full, or waited too long).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const unavailable = new Counter({
    name: `${PREFIX}database_unavailable_answers_total`,
    help: "Requests answered with the 503 'database unavailable' page.",
    registers: [registry],
  });
  const dbDuration = new Histogram({
    name: `${PREFIX}db_operation_duration_seconds`,
    help: "Database statements (outside transactions) and whole transactions, by handle and outcome.",
    labelNames: ["handle", "operation", "outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const databases: { handle: string; activity: DbActivity }[] = [];
  new Gauge({
    name: `${PREFIX}db_pool_in_use`,
    help: "Connections busy now (statements and transactions running, at most the pool size).",
    labelNames: ["handle"] as const,
    registers: [registry],
    collect() {
      for (const d of databases) this.set({ handle: d.handle }, Math.min(d.activity.inflight, d.activity.poolSize));
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_waiting`,
    help: "Statements and transactions waiting for a free connection now.",
    labelNames: ["handle"] as const,
    registers: [registry],
    collect() {
      for (const d of databases) this.set({ handle: d.handle }, Math.max(0, d.activity.inflight - d.activity.poolSize));
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_size`,
    help: "The most connections the handle opens (DATABASE_POOL_SIZE; 1 for embedded PGlite).",
    labelNames: ["handle"] as const,
    registers: [registry],
    collect() {
      for (const d of databases) this.set({ handle: d.handle }, d.activity.poolSize);
    },
  });

  let io: SocketServer | null = null;
  new Gauge({
    name: `${PREFIX}sockets_connected`,
    help: "socket.io connections open on this instance.",
    registers: [registry],
    collect() {
      this.set(io ? io.engine.clientsCount : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}socket_rooms`,
    help: "Rooms with at least one socket on this instance, by kind (a socket's own room is not counted).",
    labelNames: ["kind"] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (!io) return;
      const adapter = io.of("/").adapter;
      const counts = new Map<string, number>();
      for (const room of adapter.rooms.keys()) {
        if (adapter.sids.has(room)) continue;
        const prefix = room.split(":", 1)[0]!;
        const kind = ROOM_KINDS.has(prefix) ? prefix : "other";
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      for (const [kind, n] of counts) this.set({ kind }, n);
    },
  });
  const published = new Counter({
    name: `${PREFIX}socket_events_published_total`,
    help: "Events this instance emitted to rooms (each goes to every instance through the adapter), by event.",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  const delivered = new Counter({
    name: `${PREFIX}socket_events_delivered_total`,
    help: "Events written to sockets connected to this instance (one per socket), by event.",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  const adapterErrors = new Counter({
    name: `${PREFIX}socket_adapter_errors_total`,
    help: "Errors of the socket.io adapter linking the instances (publishing, or its connection), by adapter.",
    labelNames: ["adapter", "stage"] as const,
    registers: [registry],
  });
  const adapterInfo = new Gauge({
    name: `${PREFIX}socket_adapter_info`,
    help: "Which socket.io adapter links the instances (1 for the one in use).",
    labelNames: ["adapter"] as const,
    registers: [registry],
  });
  const sms = new Counter({
    name: `${PREFIX}sms_sent_total`,
    help: "Text messages handed to the SMS provider, by provider and result.",
    labelNames: ["provider", "result"] as const,
    registers: [registry],
  });
  let outboxDepth: (() => number | Promise<number>) | null = null;
  new Gauge({
    name: `${PREFIX}sms_outbox_depth`,
    help: "Text messages accepted but not yet handed to the gateway (reported only by a queued SMS sender).",
    registers: [registry],
    async collect() {
      this.reset();
      if (!outboxDepth) return;
      const value = await bounded(outboxDepth);
      if (value !== undefined) this.set(value);
    },
  });
  let devOutbox: (() => Promise<number>) | null = null;
  new Gauge({
    name: `${PREFIX}sms_dev_outbox_messages`,
    help: "Messages kept by the local provider's development outbox (/dev/outbox; not in production).",
    registers: [registry],
    async collect() {
      this.reset();
      if (!devOutbox) return;
      const value = await bounded(devOutbox);
      if (value !== undefined) this.set(value);
    },
  });

  const eventLabel = (name: unknown) => (typeof name === "string" && KNOWN_EVENTS.has(name) ? name : "other");

  return {
    registry,
    middleware: (req, res, next) => {
      const started = process.hrtime.bigint();
      res.once("finish", () => {
        const route = routeOf(req.path);
        const method = req.method === "GET" || req.method === "HEAD" || req.method === "POST" ? req.method : "other";
        requests.inc({ route, method, code: String(res.statusCode) });
        duration.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
    handler: async (req, res) => {
      if (!mayReadMetrics(req, options.token)) {
        res.status(403).set("Cache-Control", "no-store").type("text/plain").send("forbidden\n");
        return;
      }
      try {
        const body = await registry.metrics();
        res.status(200).set("Cache-Control", "no-store").type(registry.contentType).send(body);
      } catch (err) {
        res
          .status(500)
          .type("text/plain")
          .send(`metrics failed: ${(err as Error).message}\n`);
      }
    },
    shed: (reason) => sheds.inc({ reason }),
    databaseUnavailableAnswer: () => unavailable.inc(),
    watchDatabase(activity, handle) {
      databases.push({ handle, activity });
      activity.onDone = (operation: DbOperation, seconds: number, ok: boolean) =>
        dbDuration.observe({ handle, operation, outcome: ok ? "ok" : "error" }, seconds);
    },
    watchSockets(server, adapter) {
      io = server;
      adapterInfo.set({ adapter }, 1);
      const nsp = server.of("/");
      const instance = nsp.adapter as unknown as { broadcast: (packet: { data?: unknown[] }, opts: unknown) => unknown };
      const broadcast = instance.broadcast.bind(instance);
      // Called for emits that start here only; events relayed from other instances are not counted twice.
      instance.broadcast = (packet, opts) => {
        published.inc({ event: eventLabel(packet.data?.[0]) });
        return broadcast(packet, opts);
      };
      nsp.on("connection", (socket: Socket) => {
        socket.onAnyOutgoing((event) => delivered.inc({ event: eventLabel(event) }));
      });
    },
    adapterError: (adapter, stage) => adapterErrors.inc({ adapter, stage }),
    smsSent: (provider, ok) => sms.inc({ provider, result: ok ? "ok" : "failed" }),
    setSmsOutboxDepth(read) {
      outboxDepth = read;
    },
    setDevOutboxSize(read) {
      devOutbox = read;
    },
  };
}
