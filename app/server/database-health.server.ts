import type { ServerBuild } from "@remix-run/node";
import type express from "express";
import type { Locale } from "../utils/i18n";
import { getTForLocale } from "../utils/i18n.server";
import type { Logger } from "../utils/logger.server";

/**
 * Surviving the database going away (a restart, a failover, a dropped connection).
 *
 * The server keeps one small piece of state: is PostgreSQL reachable? A connection error anywhere
 * (a loader, an action, the health check) flips it to "unavailable"; from then on the server pings
 * the database every RECHECK_MS and flips it back at the first answer. While it is unavailable,
 * pages are answered at once with a Persian 503 page (nothing waits on a dead connection), and a
 * loader or action that failed with a connection error is answered with the same page instead of
 * a 500. Nothing is retried on anyone's behalf: a write that was not answered OK was not
 * acknowledged, and a write that was acknowledged was committed.
 *
 * See docs/decisions/008-surviving-the-database.md.
 */

/** Node socket errors that mean the database is not there (or the way to it is broken). */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** postgres.js's own connection errors. */
const DRIVER_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);
/** SQLSTATEs of a server that is shutting down, starting up, or has dropped the connection. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/**
 * True when the error (or anything in its `cause` chain, as drizzle wraps driver errors) says the
 * database could not be reached, rather than that a query was wrong.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || SQLSTATES.has(code) || code.startsWith("08")) return true;
    }
    // node-postgres reports a connection lost mid-query by message only.
    if (typeof message === "string" && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export type DatabaseStatus = "ok" | "unavailable";

export interface DatabaseHealthOptions {
  ping(): Promise<void>;
  logger: Logger;
  /** How often an unavailable database is asked again (ms). */
  recheckMs?: number;
  /** A ping that takes longer than this counts as failed (ms). */
  pingTimeoutMs?: number;
}

const RECHECK_MS = 500;
const PING_TIMEOUT_MS = 2_000;

export class DatabaseHealth {
  private state: DatabaseStatus = "ok";
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private closed = false;
  /** When the database was last seen unavailable (ms since epoch). */
  unavailableSince: number | null = null;
  private readonly listeners = new Set<(status: DatabaseStatus) => void>();

  constructor(private readonly options: DatabaseHealthOptions) {}

  get status(): DatabaseStatus {
    return this.state;
  }

  get available() {
    return this.state === "ok";
  }

  /** Called with the new status whenever it changes. */
  onChange(listener: (status: DatabaseStatus) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells the health state about an error. Returns true (and turns "unavailable") when it was a
   * connection error; any other error is left to whoever handles it.
   */
  report(error: unknown): boolean {
    if (!isDatabaseUnavailableError(error)) return false;
    this.markUnavailable(error);
    return true;
  }

  /**
   * Tells the health state about a connection error whose origin is unknown (a rejection nobody
   * awaited: it may come from PostgreSQL's driver, or from another connection such as Redis's).
   * Nothing changes on its word alone: the database is pinged at once, and only a failed ping makes
   * it "unavailable". Returns true when the error looked like a lost connection.
   */
  suspect(error: unknown): boolean {
    if (!isDatabaseUnavailableError(error)) return false;
    if (this.state === "ok" && !this.checking && !this.closed) {
      this.checking = true;
      void this.check().finally(() => {
        this.checking = false;
      });
    }
    return true;
  }

  /** One ping now, bounded in time; updates the state either way. */
  async check(): Promise<{ ok: boolean; latencyMs: number; error?: unknown }> {
    const started = Date.now();
    try {
      await withTimeout(this.options.ping(), this.options.pingTimeoutMs ?? PING_TIMEOUT_MS);
      this.markAvailable();
      return { ok: true, latencyMs: Date.now() - started };
    } catch (error) {
      this.markUnavailable(error);
      return { ok: false, latencyMs: Date.now() - started, error };
    }
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private markUnavailable(error: unknown) {
    if (this.closed) return;
    if (this.state !== "unavailable") {
      this.state = "unavailable";
      this.unavailableSince = Date.now();
      this.options.logger.error({ err: error }, "database unavailable: answering 503 until it is back");
      this.emit();
    }
    this.scheduleRecheck();
  }

  private markAvailable() {
    if (this.state === "ok") return;
    const downMs = this.unavailableSince ? Date.now() - this.unavailableSince : undefined;
    this.state = "ok";
    this.unavailableSince = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.options.logger.info({ downMs }, "database available again");
    this.emit();
  }

  private scheduleRecheck() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(async () => {
      this.timer = null;
      if (this.checking || this.closed) return;
      this.checking = true;
      try {
        await this.check();
      } finally {
        this.checking = false;
      }
    }, this.options.recheckMs ?? RECHECK_MS);
    this.timer.unref();
  }

  private emit() {
    for (const listener of this.listeners) {
      try {
        listener(this.state);
      } catch (err) {
        this.options.logger.warn({ err }, "database health listener failed");
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`database ping took over ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The page shown while the database is unavailable: self-contained, needs nothing from the database. */
export async function unavailablePage(locale: Locale): Promise<string> {
  const t = await getTForLocale(locale);
  const dir = locale === "fa" ? "rtl" : "ltr";
  const title = escapeHtml(t("errors.unavailable_title"));
  return (
    `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${title}</title></head><body style="font-family:Vazirmatn,Tahoma,sans-serif;padding:2rem;line-height:1.8">` +
    `<main><h1>${title}</h1><p>${escapeHtml(t("errors.unavailable_body"))}</p>` +
    `<p><a href="">${escapeHtml(t("errors.unavailable_retry"))}</a></p></main></body></html>`
  );
}

/** The open data API answers its refusals as JSON (`{ error: { code, message } }`), not as pages. */
export const isApiPath = (path: string) => path === "/api" || path.startsWith("/api/");

/** The API's "database unavailable" answer body. */
export async function unavailableJson(locale: Locale): Promise<string> {
  const t = await getTForLocale(locale);
  return JSON.stringify({ error: { code: "unavailable", message: t("errors.unavailable_body") } });
}

function localeOf(cookieHeader: string | null | undefined): Locale {
  return /(?:^|;\s*)lng=[^;]*en/.test(cookieHeader ?? "") ? "en" : "fa";
}

export async function unavailableResponse(request: Request): Promise<Response> {
  const locale = localeOf(request.headers.get("cookie"));
  const api = isApiPath(new URL(request.url).pathname);
  return new Response(api ? await unavailableJson(locale) : await unavailablePage(locale), {
    status: 503,
    headers: {
      "Content-Type": api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
      "Retry-After": String(RETRY_AFTER_SECONDS),
      "Cache-Control": "no-store",
    },
  });
}

/**
 * Express middleware: while the database is unavailable every request that would reach the app
 * (pages, data requests, forms) gets the 503 page at once. Static files and /healthz come before it.
 */
export function unavailableGate(health: DatabaseHealth, onAnswer: () => void = () => {}): express.RequestHandler {
  return (req, res, next) => {
    if (health.available) return next();
    onAnswer();
    const api = isApiPath(req.path);
    const locale = localeOf(req.headers.cookie);
    (api ? unavailableJson(locale) : unavailablePage(locale))
      .then((body) => {
        res
          .status(503)
          .set({ "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" })
          .type(api ? "application/json; charset=utf-8" : "html")
          .send(body);
      })
      .catch(next);
  };
}

/**
 * The Remix build with its server entry wrapped so that a loader or action that failed because the
 * database is unreachable is answered 503 with the unavailable page (not the 500 error page), and
 * the health state learns about it. Data requests keep their body (the client shows its error
 * view) but carry the 503 status.
 */
export function guardBuild(build: ServerBuild, health: DatabaseHealth, onAnswer: () => void = () => {}): ServerBuild {
  const entry = build.entry.module;
  const failed = new WeakSet<Request>();
  const handleError: NonNullable<typeof entry.handleError> = (error, args) => {
    if (health.report(error)) failed.add(args.request);
    entry.handleError?.(error, args);
  };
  const handleDocument: typeof entry.default = async (request, status, headers, context, loadContext) => {
    if (status >= 500 && failed.has(request)) {
      onAnswer();
      return unavailableResponse(request);
    }
    return entry.default(request, status, headers, context, loadContext);
  };
  const handleDataRequest: NonNullable<typeof entry.handleDataRequest> = async (response, args) => {
    const answer = entry.handleDataRequest ? await entry.handleDataRequest(response, args) : response;
    if (!failed.has(args.request)) return answer;
    onAnswer();
    // Single fetch answers 200 with the error inside the body; the status still has to say it.
    const headers = new Headers(answer.headers);
    headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
    return new Response(answer.body, { status: 503, headers });
  };
  // Resource routes (the open data API, CSV downloads) answer their own bodies, so a loader of theirs
  // cut off from the database would be Remix's bare 500: it answers 503 here instead, as JSON under /api.
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader } = route.module;
    if (route.module.default || !loader) {
      routes[id] = route;
      continue;
    }
    const guarded: typeof loader = async (args) => {
      try {
        return await loader(args);
      } catch (error) {
        if (!health.report(error)) throw error;
        onAnswer();
        throw await unavailableResponse(args.request);
      }
    };
    routes[id] = { ...route, module: { ...route.module, loader: guarded } };
  }
  return {
    ...build,
    routes,
    entry: { ...build.entry, module: { ...entry, default: handleDocument, handleError, handleDataRequest } },
  };
}

const guarded = new Set<DatabaseHealth>();
let guardInstalled = false;

/**
 * The last line: a database connection error that nobody awaited must not end the process.
 * postgres.js (3.4) can reject a promise of its own, that no caller holds, with the server's
 * "terminating connection" error when PostgreSQL shuts down under an idle connection; Node's
 * default for an unhandled rejection is to exit. Such a rejection is logged and told to the
 * health state; any other unhandled rejection still ends the process as before.
 */
export function guardUnhandledConnectionErrors(health: DatabaseHealth, logger: Logger) {
  guarded.add(health);
  if (!guardInstalled) {
    guardInstalled = true;
    process.on("unhandledRejection", (reason) => {
      if (isDatabaseUnavailableError(reason)) {
        logger.warn({ err: reason }, "connection error with no one waiting for it (ignored; the database is pinged)");
        for (const h of guarded) h.suspect(reason);
        return;
      }
      // Not ours: keep Node's default (end the process) unless someone else handles it too.
      if (process.listenerCount("unhandledRejection") === 1) {
        logger.fatal({ err: reason }, "unhandled rejection");
        throw reason;
      }
    });
  }
  return () => guarded.delete(health);
}
