import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { openDatabase, refreshStatistics, type Database } from "../../db/client.server";
import { endExpiredTerms } from "../domain/councils.server";
import { closeDueVotes } from "../domain/votes.server";
import { publishProposalState } from "../realtime/live.server";
import { createRealtime } from "../realtime/socket.server";
import { isLoopbackClient, warnIfServedBeyondLoopback } from "./dev-outbox.server";
import { DatabaseHealth, guardBuild, guardUnhandledConnectionErrors, unavailableGate } from "./database-health.server";
import { ReadMarks } from "../domain/read-marks.server";
import { createDrain } from "./drain.server";
import { startSearchIndexer } from "../domain/search/indexer.server";
import { installRouteMatchCache, installRouteTreeMemory } from "./route-matching.server";
import { startInboxWorker } from "./inbox-worker.server";
import { createLoadShedder } from "./load-shedding.server";
import { createPageCache } from "./page-cache.server";
import { createMetrics, type Metrics } from "./metrics.server";
import { smsMessages, smsOutbox } from "../../db/schema";
import { count, inArray } from "drizzle-orm";
import type { AppServices, RequestContext } from "./app-context.server";
import type { Env } from "../utils/env.server";
import { getTForLocale } from "../utils/i18n.server";
import { createLogger, type Logger } from "../utils/logger.server";
import { isCrossSiteWrite } from "../utils/origin.server";
import { pruneRateLimits } from "../utils/rate-limit.server";
import { pruneSessions } from "../domain/sessions.server";
import { HttpSmsSender, LocalSmsSender, type SmsSender } from "../utils/sms.server";

export interface AppServerOptions {
  env: Env;
  /** Returns the current Remix build (re-read on change in development). */
  getBuild: () => ServerBuild | Promise<ServerBuild>;
  /** Folder served at / (favicon, fonts and /build). */
  publicDir: string;
  logger?: Logger;
  /** Tests pass an in-memory database; otherwise DATA_DIR / DATABASE_URL decide. */
  database?: Database;
  sms?: SmsSender;
  mode?: "development" | "production";
  /** How long readers' places wait to be written together (tests lengthen it). */
  readMarkDelayMs?: number;
}

/**
 * A request whose reads may come from the read handle (a replica a moment behind): a page (its
 * first rendering, not its `.data`) asked for by someone with no session (no cookie but the
 * language, no Authorization). Such a visitor wrote nothing the page could miss, and the same pages
 * are already kept for a second for them (decision 015). Anyone signed in reads the primary, so
 * their own writes always show.
 */
export function readsMayLag(req: { method: string; path: string; headers: http.IncomingHttpHeaders }) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  // Data requests are what a live event makes an open page ask again: they read the primary, so
  // the page shows the change the event announced.
  if (req.path.endsWith(".data")) return false;
  if (req.headers.authorization) return false;
  const cookie = req.headers.cookie;
  if (!cookie) return true;
  return cookie.split(";").every((pair) => {
    const name = pair.trim().split("=")[0];
    return !name || name === "lng";
  });
}

/** No form of the app sends more than this; a discussion message of a megabyte still gets its own answer. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface AppServer {
  httpServer: http.Server;
  services: AppServices;
  metrics: Metrics;
  /**
   * Draining: `/readyz` answers 503 (a load balancer stops sending new visitors) while requests
   * already taken are finished. Called on SIGTERM before the server closes.
   */
  setDraining(draining: boolean): void;
  readonly draining: boolean;
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Leaves the load balancer's rotation, then stops: readiness answers "draining" until the
   * balancers that check it have been told; the server stops listening; sockets are closed so
   * that their clients reconnect to another instance; requests in flight finish (at most
   * `inflightMs`); then live events and the database close. Safe to call twice.
   */
  close(options?: { drainWaitMs?: number; inflightMs?: number }): Promise<void>;
}

export async function createAppServer(options: AppServerOptions): Promise<AppServer> {
  // Remix's route matching, answered once per address shape, and its route tree made once (decision 030).
  installRouteMatchCache();
  installRouteTreeMemory();
  const { env } = options;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: env.DATABASE_URL,
      directUrl: env.DATABASE_DIRECT_URL,
      dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR,
      maxConnections: env.DATABASE_POOL_SIZE,
    }));

  // Reads that may be a little behind go to DATABASE_READ_URL when it is set (decision 019).
  const readDatabase = env.DATABASE_READ_URL
    ? await openDatabase({ databaseUrl: env.DATABASE_READ_URL, maxConnections: env.DATABASE_POOL_SIZE, migrate: false, readOnly: true })
    : null;

  let currentBuild: ServerBuild | undefined;
  const metrics = createMetrics({ token: env.METRICS_TOKEN, getBuild: () => currentBuild });
  metrics.watchDatabase(database.activity, "primary");
  if (readDatabase) metrics.watchDatabase(readDatabase.activity, "read");

  const keepOutbox = !options.sms && env.SMS_PROVIDER === "local" && env.NODE_ENV !== "production";
  const sender =
    options.sms ??
    (env.SMS_PROVIDER === "http"
      ? new HttpSmsSender(env.SMS_HTTP_URL!, env.SMS_HTTP_TOKEN, logger)
      : new LocalSmsSender(database.db, logger, env.NODE_ENV !== "production"));
  const sms: SmsSender = {
    name: sender.name,
    send: async (to, text) => {
      try {
        await sender.send(to, text);
        metrics.smsSent(sender.name, true);
      } catch (error) {
        metrics.smsSent(sender.name, false);
        throw error;
      }
    },
  };
  // Text messages waiting in the durable outbox (pending or being sent): what the gateway owes.
  metrics.setSmsOutboxDepth(async () => {
    const [row] = await database.db
      .select({ n: count() })
      .from(smsMessages)
      .where(inArray(smsMessages.status, ["pending", "sending"]));
    return Number(row?.n ?? 0);
  });
  if (keepOutbox) {
    metrics.setDevOutboxSize(async () => {
      const [row] = await database.db.select({ n: count() }).from(smsOutbox);
      return Number(row?.n ?? 0);
    });
  }

  // Is PostgreSQL reachable? Flipped by connection errors, re-checked by ping until it answers.
  const health = new DatabaseHealth({ ping: () => database.ping(), logger });
  const unguard = guardUnhandledConnectionErrors(health, logger);
  // The read handle's own state: while it cannot be reached, visitors' reads go to the primary.
  const readHealth = readDatabase ? new DatabaseHealth({ ping: () => readDatabase.ping(), logger, recheckMs: 2000 }) : null;
  const readCheckTimer = readHealth ? setInterval(() => void readHealth.check(), 2000) : undefined;
  readCheckTimer?.unref();

  const app = express();
  const httpServer = http.createServer(app);
  const realtime = await createRealtime(httpServer, { db: database.db, env, logger, metrics });

  // Notices fan out and text messages leave off the request path, on every instance (decision 022).
  const inbox = startInboxWorker({
    db: database.db,
    io: realtime.io,
    sms,
    logger,
    origin: env.APP_ORIGIN?.[0]?.replace(/\/$/, "") ?? null,
  });

  const services: AppServices = {
    inbox,
    db: database.db,
    dbDriver: database.driver,
    env,
    logger,
    sms,
    readDb: readDatabase?.db ?? database.db,
    io: realtime.io,
    readMarks: new ReadMarks(database.db, options.readMarkDelayMs ?? 1000, (err) => logger.warn({ err }, "writing read marks failed")),
    pingDb: () => database.ping(),
  };

  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);

  // First: every request is timed and counted, the ones turned away below included.
  app.use(metrics.middleware);

  // Leaving the balancer's rotation on shutdown (decision 018): no keep-alive is reused meanwhile.
  const drain = createDrain();
  app.use(drain.closeConnections);

  // Bounded concurrency for pages, their data and forms: excess gets a Persian 503 at once.
  const shedder = createLoadShedder({
    maxInflight: env.MAX_INFLIGHT,
    maxQueue: env.MAX_QUEUE,
    maxWaitMs: env.MAX_QUEUE_WAIT_MS,
    logger,
    onShed: metrics.shed,
  });
  app.use(shedder.middleware);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: {
        ignore: (req) =>
          req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics" || req.url?.startsWith("/build/") === true,
      },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString("base64");
    next();
  });

  const devOrigin = process.env.REMIX_DEV_ORIGIN;
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'", ...(devOrigin ? [devOrigin.replace(/^http/, "ws")] : [])],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          ...(env.NODE_ENV === "production" ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // Cross-origin isolation headers would also block nothing useful here and break downloads.
      crossOriginEmbedderPolicy: false,
      hsts: env.NODE_ENV === "production",
      referrerPolicy: { policy: "same-origin" },
    }),
  );
  // Fast levels: a page shrinks almost as much (an 85 KB discussion page to 11 KB with gzip 1
  // instead of 10 KB with gzip 6; 8.6 KB with brotli 2) for a fraction of the CPU, which under load
  // is what limits pages per second.
  app.use(compression({ level: 1, brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } } }));

  // Fingerprinted build output never changes under the same name: cache for a year.
  app.use("/build", express.static(path.join(options.publicDir, "build"), { immutable: true, maxAge: "1y" }));
  // Only what looks like a file is looked for on disk: a page request costs no failed stat.
  const publicFiles = express.static(options.publicDir, { maxAge: "1h" });
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) && !req.path.endsWith(".data") ? publicFiles(req, res, next) : next()));

  // Alive: the process answers. Nothing is asked of the database (a supervisor restarting the
  // process would not bring PostgreSQL back).
  app.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) });
  });

  // Ready: worth sending visitors to. The database answers, the socket adapter is linked, and the
  // instance is not draining. A load balancer takes an instance that answers 503 out of rotation;
  // while draining for a shutdown the instance waits until its balancers have been told (decision 018).
  // The database ping is waited for at most a second, then the health state answers: a ping queued
  // behind a busy pool must not take a busy but healthy instance out of rotation.
  app.get("/readyz", async (req, res) => {
    type Check = { ok: boolean; latencyMs: number | null };
    const bounded = (check: Promise<Check>, fallback: Check) =>
      Promise.race([check, new Promise<Check>((resolve) => setTimeout(() => resolve(fallback), 1000).unref())]);
    const [check, readCheck]: [Check, Check | undefined] = drain.draining
      ? [{ ok: health.available, latencyMs: null }, undefined]
      : await Promise.all([
          bounded(health.check(), { ok: health.available, latencyMs: null }),
          readHealth ? bounded(readHealth.check(), { ok: readHealth.available, latencyMs: null }) : undefined,
        ]);
    const adapterUp = realtime.adapter.ready();
    const draining = drain.draining;
    const ready = check.ok && adapterUp && !draining;
    const body = {
      status: ready ? "ok" : "error",
      draining,
      db: { status: check.ok ? "ok" : "unavailable", driver: database.driver, latencyMs: check.latencyMs },
      // Informational: while the read handle is down its reads go to the primary.
      ...(readCheck ? { readDb: { status: readCheck.ok ? "ok" : "unavailable", latencyMs: readCheck.latencyMs } } : {}),
      adapter: { kind: realtime.adapter.kind, status: adapterUp ? "ok" : "unavailable" },
    };
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json(body);
    drain.asked(req);
  });

  app.get("/metrics", metrics.handler);

  // While the database is unreachable, pages answer a Persian 503 page at once.
  app.use(unavailableGate(health, metrics.databaseUnavailableAnswer));

  // Visitors who are not signed in share one rendering of a page per second (decision 015).
  app.use(createPageCache({ ttlMs: env.PAGE_CACHE_MS ?? (env.NODE_ENV === "production" ? 1000 : 0) }));

  /** A bare Persian page for refusals made before the app renders anything. */
  const refusalPage = async (req: express.Request, res: express.Response, status: number, title: string, body: string) => {
    const t = await getTForLocale(req.headers.cookie?.includes("lng=en") ? "en" : "fa");
    res
      .status(status)
      .type("html")
      .send(
        `<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><title>${t(title)}</title>` +
          `<body style="font-family:sans-serif;padding:2rem"><h1>${t(title)}</h1><p>${t(body)}</p><p><a href="/">${t("nav.home")}</a></p></body></html>`,
      );
  };

  // Forms posted from another site are refused before they reach any action; so are bodies far
  // larger than any form of the app sends (the forms themselves explain their own limits).
  app.use(async (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const crossSite = isCrossSiteWrite(req.headers as Record<string, string>, env, req.get("host"), req.protocol);
    if (crossSite) {
      req.log.warn({ origin: req.headers.origin }, "cross-site write refused");
      return refusalPage(req, res, 403, "errors.cross_site_title", "errors.cross_site_body");
    }
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
      req.log.warn({ length: req.headers["content-length"] }, "request body too large");
      return refusalPage(req, res, 413, "errors.too_large_title", "errors.too_large_body");
    }
    next();
  });

  const mode = options.mode ?? (env.NODE_ENV === "production" ? "production" : "development");
  let handlerBuild: ServerBuild | undefined;
  let handler: ReturnType<typeof createRequestHandler> | undefined;
  app.all("*", async (req, res, next) => {
    try {
      const build = await options.getBuild();
      currentBuild = build;
      // One handler per build: a new build (development reload) gets a new handler.
      if (build !== handlerBuild || !handler) {
        handlerBuild = build;
        handler = createRequestHandler({
          // A loader or action cut off from the database answers 503, not 500.
          build: guardBuild(build, health, metrics.databaseUnavailableAnswer),
          mode,
          getLoadContext: (request, response) => {
            const context: RequestContext = {
              ...services,
              requestId: String(request.id),
              clientIp: request.ip ?? request.socket.remoteAddress ?? "unknown",
              fromLoopback: isLoopbackClient({ socketAddress: request.socket.remoteAddress, clientIp: request.ip }),
              cspNonce: response.locals.cspNonce as string,
              visitorDb: readDatabase && readHealth?.available && readsMayLag(request) ? readDatabase.db : services.db,
            };
            return context as unknown as AppLoadContext;
          },
        });
      }
      await handler(req, res, next);
    } catch (error) {
      next(error);
    }
  });

  // Periodic clean-up of expired sessions and old rate-limit windows.
  const housekeeping = setInterval(
    () => {
      Promise.all([pruneSessions(database.db), pruneRateLimits(database.db)]).catch((err) => logger.warn({ err }, "housekeeping failed"));
    },
    60 * 60 * 1000,
  );
  housekeeping.unref();

  // Embedded PGlite never gathers planner statistics by itself (no autovacuum): keep them fresh.
  // Not at start: the statistics from the last run are kept in the data folder, and on the one
  // PGlite connection an `analyze` would hold up the first requests (and the health check).
  const analyze = () => refreshStatistics(database).catch((err) => logger.warn({ err }, "refreshing statistics failed"));
  const statisticsTimer = setInterval(analyze, 10 * 60 * 1000);
  statisticsTimer.unref();
  const firstAnalyze = setTimeout(analyze, 60 * 1000);
  firstAnalyze.unref();

  // Council terms end on their last day; every instance checks, the guarded update keeps it single.
  const endTerms = () =>
    endExpiredTerms(database.db)
      .then((ended) => {
        if (ended) logger.info({ ended }, "council terms ended");
      })
      .catch((err) => logger.warn({ err }, "ending council terms failed"));
  void endTerms();
  const termTimer = setInterval(endTerms, 10 * 60 * 1000);
  termTimer.unref();

  // Votes close at their deadline: every instance looks every few seconds; one closer wins each vote.
  const closeVotes = () =>
    closeDueVotes(database.db)
      .then((closed) => {
        for (const c of closed) publishProposalState(realtime.io, database.db, c.proposalId);
        if (closed.length) logger.info({ closed: closed.length }, "votes closed");
      })
      .catch((err) => logger.warn({ err }, "closing votes failed"));
  void closeVotes();
  const voteTimer = setInterval(closeVotes, 15 * 1000);
  voteTimer.unref();

  // The public search's entries follow what changed, a batch at a time, shared between instances.
  const searchIndexer = startSearchIndexer(database.db, (err) => logger.warn({ err }, "search indexing failed"));

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    services,
    metrics,
    setDraining: (value: boolean) => {
      if (value) void drain.begin(0);
      else drain.cancel();
    },
    get draining() {
      return drain.draining;
    },
    listen: (port = env.PORT, host = env.HOST) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          warnIfServedBeyondLoopback(env, host, logger);
          const address = httpServer.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    close: (options = {}) =>
      (closing ??= (async () => {
        // 1. Out of the balancer's rotation: it is told "draining" before anything stops.
        const drained = await drain.begin(options.drainWaitMs);
        if (drained.told) {
          logger.info(drained, "draining: the load balancer was told; stopping");
          // A request the balancer sent just before it heard is on its way: let it arrive.
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        clearInterval(housekeeping);
        clearInterval(statisticsTimer);
        clearTimeout(firstAnalyze);
        clearInterval(termTimer);
        clearInterval(voteTimer);
        await searchIndexer.stop();
        await inbox.stop();
        // 2. No new connections (the balancer retries a refused one elsewhere); idle keep-alive ones close.
        const stopped = new Promise<void>((resolve) => {
          if (!httpServer.listening) return resolve();
          httpServer.close(() => resolve());
        });
        httpServer.closeIdleConnections?.();
        // 3. Sockets are closed under their clients, which reconnect through the balancer to
        //    another instance and catch up by number there; live events still flow meanwhile.
        realtime.dropConnections();
        // 4. Requests in flight finish; their events still reach other instances' readers. A
        //    connection that goes idle meanwhile (socket.io's long-polling answers bypass the
        //    `Connection: close` above) is closed instead of waiting out its keep-alive.
        const idle = setInterval(() => httpServer.closeIdleConnections?.(), 100);
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          stopped.then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), options.inflightMs ?? 15_000);
          }),
        ]);
        clearTimeout(timer);
        clearInterval(idle);
        if (!finished) {
          logger.warn("requests still running after the shutdown grace; closing their connections");
          httpServer.closeAllConnections?.();
        }
        // 5. Live events, read marks, the database.
        health.close();
        unguard();
        readHealth?.close();
        clearInterval(readCheckTimer);
        await realtime.close();
        await services.readMarks.flush();
        await database.close();
        await readDatabase?.close();
      })()),
  };
}
