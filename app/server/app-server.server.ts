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
import { startInboxWorker } from "./inbox-worker.server";
import { createLoadShedder } from "./load-shedding.server";
import { createPageCache } from "./page-cache.server";
import type { AppServices, RequestContext } from "../utils/app-context.server";
import type { Env } from "../utils/env.server";
import { getTForLocale } from "../utils/i18n.server";
import { createLogger, type Logger } from "../utils/logger.server";
import { isCrossSiteWrite } from "../utils/origin.server";
import { pruneRateLimits } from "../utils/rate-limit.server";
import { pruneSessions } from "../utils/session.server";
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

/** No form of the app sends more than this; a discussion message of a megabyte still gets its own answer. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface AppServer {
  httpServer: http.Server;
  services: AppServices;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export async function createAppServer(options: AppServerOptions): Promise<AppServer> {
  const { env } = options;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR,
      maxConnections: env.DATABASE_POOL_SIZE,
    }));

  const sms =
    options.sms ??
    (env.SMS_PROVIDER === "http"
      ? new HttpSmsSender(env.SMS_HTTP_URL!, env.SMS_HTTP_TOKEN, logger)
      : new LocalSmsSender(database.db, logger, env.NODE_ENV !== "production"));

  // Is PostgreSQL reachable? Flipped by connection errors, re-checked by ping until it answers.
  const health = new DatabaseHealth({ ping: () => database.ping(), logger });
  const unguard = guardUnhandledConnectionErrors(health, logger);

  const app = express();
  const httpServer = http.createServer(app);
  const realtime = await createRealtime(httpServer, { db: database.db, env, logger });

  // Notices fan out and text messages leave off the request path, on every instance (decision 022).
  const inbox = startInboxWorker({ db: database.db, io: realtime.io, sms, logger, origin: env.APP_ORIGIN?.[0]?.replace(/\/$/, "") ?? null });

  const services: AppServices = {
    inbox,
    db: database.db,
    dbDriver: database.driver,
    env,
    logger,
    sms,
    io: realtime.io,
    readMarks: new ReadMarks(database.db, options.readMarkDelayMs ?? 1000, (err) => logger.warn({ err }, "writing read marks failed")),
    pingDb: () => database.ping(),
  };

  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);

  // Bounded concurrency for pages, their data and forms: excess gets a Persian 503 at once.
  const shedder = createLoadShedder({
    maxInflight: env.MAX_INFLIGHT,
    maxQueue: env.MAX_QUEUE,
    maxWaitMs: env.MAX_QUEUE_WAIT_MS,
    logger,
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
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url?.startsWith("/build/") === true },
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

  app.get("/healthz", async (_req, res) => {
    const check = await health.check();
    const db = { status: check.ok ? "ok" : "unavailable", driver: database.driver, latencyMs: check.latencyMs };
    if (check.ok) return res.json({ status: "ok", db });
    res.status(503).set("Cache-Control", "no-store").json({ status: "error", db });
  });

  // While the database is unreachable, pages answer a Persian 503 at once.
  app.use(unavailableGate(health));

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
      // One handler per build: a new build (development reload) gets a new handler.
      if (build !== handlerBuild || !handler) {
        handlerBuild = build;
        handler = createRequestHandler({
          // A loader or action cut off from the database answers 503, not 500.
          build: guardBuild(build, health),
          mode,
          getLoadContext: (request, response) => {
            const context: RequestContext = {
              ...services,
              requestId: String(request.id),
              clientIp: request.ip ?? request.socket.remoteAddress ?? "unknown",
              fromLoopback: isLoopbackClient({ socketAddress: request.socket.remoteAddress, clientIp: request.ip }),
              cspNonce: response.locals.cspNonce as string,
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
  const housekeeping = setInterval(() => {
    Promise.all([pruneSessions(database.db), pruneRateLimits(database.db)]).catch((err) =>
      logger.warn({ err }, "housekeeping failed"),
    );
  }, 60 * 60 * 1000);
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

  let closed = false;
  return {
    httpServer,
    services,
    listen: (port = env.PORT, host = env.HOST) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          warnIfServedBeyondLoopback(env, host, logger);
          const address = httpServer.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      health.close();
      unguard();
      clearInterval(housekeeping);
      clearInterval(statisticsTimer);
      clearTimeout(firstAnalyze);
      clearInterval(termTimer);
      clearInterval(voteTimer);
      // socket.io closes the HTTP server too: stop taking requests, drop sockets, then the database.
      httpServer.closeIdleConnections?.();
      await inbox.stop();
      await realtime.close();
      await services.readMarks.flush();
      await database.close();
    },
  };
}
