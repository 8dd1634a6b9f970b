import type express from "express";
import { supportedLngs, type Locale } from "../utils/i18n";
import { i18nInstance, localeFromCookieHeader } from "../utils/i18n.server";
import type { Logger } from "../utils/logger.server";
import { isApiPath } from "./database-health.server";

/**
 * Bounded concurrency for page requests (everything the Remix handler answers: pages, their data
 * and form posts). At most `maxInflight` run at once; others wait in a bounded first-come queue.
 * A page view that finds the queue full is answered at once with a Persian 503 and `Retry-After`;
 * one that has waited `maxWaitMs` gets the same answer then. The queue is sized to hold the
 * requests a busy hour brings (100 people waiting on one instance still get their pages, no
 * fewer per second than 10 would), not to hide an overload behind seconds of waiting. Under overload
 * the server keeps finishing the work it took instead of letting every request queue for seconds
 * until clients give up and the work is wasted.
 * Writes (form posts: a ballot, a support, a message) are never turned away here: they wait ahead
 * of page views, and the database's own limits (rate limits, row locks) bound them.
 * It runs first (after the metrics' timer), before logging, security headers and compression:
 * health and readiness checks, metrics, files and sockets pass straight through; a refusal is a prepared page.
 * See docs/decisions/012-request-cost-and-load-shedding.md.
 */
export interface LoadSheddingOptions {
  maxInflight: number;
  maxQueue: number;
  maxWaitMs: number;
  /** Told at most once a second, with how many were turned away since (not once per request). */
  logger?: Pick<Logger, "warn">;
  /** Told of every request turned away (metrics). */
  onShed?: (reason: ShedReason) => void;
}

export type ShedReason = "queue_full" | "waited_too_long";

interface Waiter {
  start: () => void;
  timer?: NodeJS.Timeout;
  req: express.Request;
}

export interface LoadShedder {
  middleware: express.RequestHandler;
  /** Requests running and waiting now, and how many were turned away since start. */
  stats(): { inflight: number; queued: number; shed: number };
}

export function createLoadShedder(options: LoadSheddingOptions): LoadShedder {
  const { maxInflight, maxQueue, maxWaitMs } = options;
  const retryAfter = String(Math.max(1, Math.ceil(maxWaitMs / 1000)));
  let inflight = 0;
  let shed = 0;
  // Writes wait ahead of reads: a vote or a message already typed matters more than a page view.
  const writes: Waiter[] = [];
  const reads: Waiter[] = [];

  const next = () => {
    while (inflight < maxInflight) {
      const waiter = writes.shift() ?? reads.shift();
      if (!waiter) return;
      clearTimeout(waiter.timer);
      waiter.start();
    }
  };

  let lastLog = 0;
  let unlogged = 0;
  const refuse = (req: express.Request, res: express.Response, reason: ShedReason) => {
    shed++;
    unlogged++;
    options.onShed?.(reason);
    const now = Date.now();
    if (options.logger && now - lastLog >= 1000) {
      options.logger.warn(
        { reason, turnedAway: unlogged, inflight, queued: writes.length + reads.length },
        "overloaded: requests turned away",
      );
      lastLog = now;
      unlogged = 0;
    }
    if (res.headersSent || res.writableEnded) return;
    const locale = localeFromCookieHeader(req.headers.cookie);
    const api = isApiPath(req.path);
    const page = (api ? busyJson : busyPages).get(locale) ?? (api ? busyJson : busyPages).get("fa")!;
    res.writeHead(503, {
      "Content-Type": api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
      "Content-Length": page.length,
      "Retry-After": retryAfter,
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(page);
  };

  const middleware: express.RequestHandler = (req, res, next_) => {
    if (exempt(req.path)) return next_();
    const run = () => {
      inflight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        inflight--;
        next();
      };
      res.once("finish", release);
      res.once("close", release);
      next_();
    };
    if (inflight < maxInflight && writes.length === 0 && reads.length === 0) return run();

    const write = !(req.method === "GET" || req.method === "HEAD");
    const queue = write ? writes : reads;
    if (!write && writes.length + reads.length >= maxQueue) return refuse(req, res, "queue_full");
    const waiter: Waiter = {
      req,
      start: () => {
        res.off("close", gone);
        run();
      },
      timer: write
        ? undefined
        : setTimeout(() => {
            remove();
            refuse(req, res, "waited_too_long");
          }, maxWaitMs),
    };
    const remove = () => {
      const at = queue.indexOf(waiter);
      if (at !== -1) queue.splice(at, 1);
      res.off("close", gone);
    };
    // A client that gave up while waiting leaves the queue: no work is done for nobody.
    const gone = () => {
      clearTimeout(waiter.timer);
      remove();
    };
    res.once("close", gone);
    queue.push(waiter);
    // A slot may have freed between the check and now (never with a single thread, but cheap).
    next();
  };

  return { middleware, stats: () => ({ inflight, queued: writes.length + reads.length, shed }) };
}

/** Health checks and files (the build, the favicon) are never held; pages and their `.data` are. */
function exempt(path: string) {
  return (
    path === "/healthz" ||
    path === "/readyz" ||
    path === "/metrics" ||
    path.startsWith("/build/") ||
    (/\.[A-Za-z0-9]+$/.test(path) && !path.endsWith(".data"))
  );
}

/**
 * The 503 page, made once per language: a small Persian page (or English, for those who chose
 * it). Answering it costs no database work, no rendering and none of the per-request middleware,
 * so turning requests away stays cheap when there are many of them.
 */
const busyPages = new Map<Locale, Buffer>(
  supportedLngs.map((locale) => {
    const t = i18nInstance(locale).getFixedT(locale, "common");
    const dir = locale === "fa" ? "rtl" : "ltr";
    const html =
      `<!doctype html><html lang="${locale}" dir="${dir}"><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("errors.busy_title")}</title>` +
      `<body style="font-family:sans-serif;padding:2rem;line-height:1.8"><h1>${t("errors.busy_title")}</h1>` +
      `<p>${t("errors.busy_body")}</p><p><a href="">${t("errors.busy_retry")}</a></p></body></html>`;
    return [locale, Buffer.from(html)];
  }),
);

/** The open data API's answer when busy: its own error shape, `{ error: { code, message } }`. */
const busyJson = new Map<Locale, Buffer>(
  supportedLngs.map((locale) => {
    const t = i18nInstance(locale).getFixedT(locale, "common");
    return [locale, Buffer.from(JSON.stringify({ error: { code: "busy", message: t("errors.busy_body") } }))];
  }),
);
