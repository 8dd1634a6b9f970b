import type express from "express";
import { getTForLocale, localeFromCookieHeader } from "../utils/i18n.server";
import type { Logger } from "../utils/logger.server";

/**
 * Bounded concurrency for page requests (everything the Remix handler answers: pages, their data
 * and form posts). At most `maxInflight` run at once; others wait in a bounded queue. A page view
 * that would wait longer than `maxWaitMs` (judged from the queue ahead of it and the recent time
 * per request) or finds the queue full is answered at once with a Persian 503 and `Retry-After`;
 * one that still waits `maxWaitMs` (a sudden slowdown) gets the same answer then. Under overload
 * the server keeps finishing the work it took instead of letting every request queue for seconds
 * until clients give up and the work is wasted.
 * Writes (form posts: a ballot, a support, a message) are never turned away here: they wait ahead
 * of page views, and the database's own limits (rate limits, row locks) bound them.
 * Health checks, static files and sockets never reach it.
 * See docs/decisions/012-request-cost-and-load-shedding.md.
 */
export interface LoadSheddingOptions {
  maxInflight: number;
  maxQueue: number;
  maxWaitMs: number;
  /** Told at most once a second, with how many were turned away since (not once per request). */
  logger?: Pick<Logger, "warn">;
}

export type ShedReason = "queue_full" | "would_wait_too_long" | "waited_too_long";

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
  // Recent time from start to finish of one request (moving average), to judge a wait up front.
  let serviceMs = 0;
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
    const now = Date.now();
    if (options.logger && now - lastLog >= 1000) {
      options.logger.warn({ reason, turnedAway: unlogged, inflight, queued: writes.length + reads.length }, "overloaded: requests turned away");
      lastLog = now;
      unlogged = 0;
    }
    if (res.headersSent || res.writableEnded) return;
    void busyPage(req, res, retryAfter);
  };

  const middleware: express.RequestHandler = (req, res, next_) => {
    const run = () => {
      inflight++;
      const started = performance.now();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        inflight--;
        const took = performance.now() - started;
        serviceMs = serviceMs === 0 ? took : serviceMs * 0.9 + took * 0.1;
        next();
      };
      res.once("finish", release);
      res.once("close", release);
      next_();
    };
    if (inflight < maxInflight && writes.length === 0 && reads.length === 0) return run();

    const write = !(req.method === "GET" || req.method === "HEAD");
    const queue = write ? writes : reads;
    if (!write) {
      const ahead = writes.length + reads.length;
      if (ahead >= maxQueue) return refuse(req, res, "queue_full");
      if (((ahead + 1) * serviceMs) / maxInflight > maxWaitMs) return refuse(req, res, "would_wait_too_long");
    }
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

/** A small Persian page (or English, for those who chose it), with no database work at all. */
async function busyPage(req: express.Request, res: express.Response, retryAfter: string) {
  const locale = localeFromCookieHeader(req.headers.cookie);
  const t = await getTForLocale(locale);
  const dir = locale === "fa" ? "rtl" : "ltr";
  res
    .status(503)
    .set("Retry-After", retryAfter)
    .set("Cache-Control", "no-store")
    .type("html")
    .send(
      `<!doctype html><html lang="${locale}" dir="${dir}"><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("errors.busy_title")}</title>` +
        `<body style="font-family:sans-serif;padding:2rem;line-height:1.8"><h1>${t("errors.busy_title")}</h1>` +
        `<p>${t("errors.busy_body")}</p><p><a href="">${t("errors.busy_retry")}</a></p></body></html>`,
    );
}
