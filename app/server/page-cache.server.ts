import type express from "express";

/**
 * A very short cache of whole pages for people who are not signed in (docs/decisions/015).
 *
 * A page a visitor without a session sees is the same for every such visitor in the same language
 * (nothing personal is in it), so when a proposal is popular the server renders it once a second
 * instead of once per visitor. Live events keep the open page current after that second.
 * Only a GET of a page (not `.data`, not a form answer) by a request that carries no cookie but the
 * language, answered 200 with HTML and no `Set-Cookie`, is kept, for `ttlMs`. The page's script
 * nonce is different in every answer: the kept page is stored split around its nonce and joined
 * with the nonce of the request it answers, so the security headers and the page always agree.
 * While one request renders a page, others for the same page wait for it instead of rendering it
 * again; when the page is already kept but its time is up, they are answered at once with the
 * copy being replaced (at most `staleMs` older than its time), so a popular page's visitors never
 * wait in line behind its once-a-second render (decision 020).
 */
export interface PageCacheOptions {
  ttlMs: number;
  /** The most pages kept at once (oldest dropped first). */
  maxEntries?: number;
  /**
   * How long past its time a kept page may still answer visitors while one request renders its
   * replacement (default: the same as ttlMs). A failed render leaves the copy to expire.
   */
  staleMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

interface Entry {
  parts: string[];
  contentType: string;
  expires: number;
}

/**
 * The public reading pages, the only ones kept: the city, its districts, neighborhoods, councils,
 * proposals and discussions. Sign-in, verification, development and staff pages never are.
 */
const PUBLIC_PAGES = /^\/(?:(?:proposals|councils|neighborhoods|districts|threads)(?:\/[0-9a-fA-F-]{36})?)?$/;

/** A request may be answered from the cache: a public page view with no cookie but the language. */
function cacheKey(req: express.Request): string | null {
  if (req.method !== "GET" || !PUBLIC_PAGES.test(req.path)) return null;
  if (req.path.endsWith(".data") || "_data" in req.query) return null;
  if (req.headers.authorization) return null;
  let lng = "";
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const pair of cookie.split(";")) {
      const [name, value = ""] = pair.trim().split("=");
      if (!name) continue;
      if (name !== "lng") return null;
      lng = value;
    }
  }
  return `${lng}|${req.originalUrl}`;
}

export function createPageCache(options: PageCacheOptions): express.RequestHandler {
  const { ttlMs } = options;
  const maxEntries = options.maxEntries ?? 500;
  const staleMs = options.staleMs ?? ttlMs;
  const clock = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const rendering = new Map<string, Promise<Entry | null>>();

  const serve = (res: express.Response, entry: Entry, label = "hit") => {
    const nonce = String(res.locals.cspNonce ?? "");
    res.status(200).set("Content-Type", entry.contentType).set("X-Page-Cache", label).send(entry.parts.join(nonce));
  };

  return (req, res, next) => {
    if (ttlMs <= 0) return next();
    const key = cacheKey(req);
    if (!key) return next();
    const now = clock();
    const kept = entries.get(key);
    if (kept && kept.expires > now) return serve(res, kept);
    const stale = kept && kept.expires + staleMs > now ? kept : undefined;
    if (kept && !stale) entries.delete(key);

    const pending = rendering.get(key);
    if (pending) {
      // Its replacement is being rendered: the copy just past its time answers at once.
      if (stale) return serve(res, stale, "stale");
      void pending.then((entry) => (entry && !res.headersSent ? serve(res, entry) : next()));
      return;
    }

    // Render it, keeping what is written so the next visitors get it.
    let settle: (entry: Entry | null) => void = () => {};
    rendering.set(
      key,
      new Promise<Entry | null>((resolve) => {
        settle = resolve;
      }),
    );
    let finished = false;
    const done = (entry: Entry | null) => {
      if (finished) return;
      finished = true;
      rendering.delete(key);
      settle(entry);
    };
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    const keep = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"),
      );
    };
    res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      return write(chunk, encoding, cb);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      const result = end(chunk, encoding, cb);
      const contentType = String(res.getHeader("Content-Type") ?? "");
      const nonce = String(res.locals.cspNonce ?? "");
      const cacheControl = String(res.getHeader("Cache-Control") ?? "");
      if (
        res.statusCode === 200 &&
        !res.getHeader("Set-Cookie") &&
        contentType.startsWith("text/html") &&
        nonce &&
        !/no-store|private/.test(cacheControl)
      ) {
        const entry = { parts: Buffer.concat(chunks).toString("utf8").split(nonce), contentType, expires: clock() + ttlMs };
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, entry);
        done(entry);
      } else {
        done(null);
      }
      return result;
    }) as typeof res.end;
    res.once("close", () => done(null));
    res.set("X-Page-Cache", "miss");
    next();
  };
}
