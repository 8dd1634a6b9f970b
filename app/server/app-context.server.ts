import type { Server as SocketServer } from "socket.io";
import type { Db, DbDriver } from "../../db/client.server";
import type { ReadMarks } from "../domain/read-marks.server";
import type { Env } from "../utils/env.server";
import type { Logger } from "../utils/logger.server";
import type { SmsSender } from "../utils/sms.server";

/**
 * What server.ts hands every loader and action. The database and socket server live in the
 * Express process and reach routes only through here, never through a module import.
 */
export interface AppServices {
  db: Db;
  dbDriver: DbDriver;
  env: Env;
  logger: Logger;
  sms: SmsSender;
  /**
   * For reads that may be a moment behind (analytics, open data, search): the DATABASE_READ_URL
   * handle (read-only transactions) when it is set, else the same handle as `db`.
   */
  readDb: Db;
  io: SocketServer;
  /** Fans out notices and sends text messages; `drain` runs both now (tests). */
  inbox: { drain(): Promise<void>; runScheduled(): Promise<void> };
  /** Readers' places in threads, written in batches off the page request. */
  readMarks: ReadMarks;
  pingDb(): Promise<void>;
}

export interface RequestContext extends AppServices {
  requestId: string;
  clientIp: string;
  /** The connection comes from this machine (its real peer and the proxy-aware client address). */
  fromLoopback: boolean;
  cspNonce: string;
  /**
   * The handle for public lists: `readDb` for a visitor with no session asking for a page (when the
   * read handle answers), `db` for everyone else. See `readsMayLag` in app-server.server.ts.
   */
  visitorDb: Db;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends RequestContext {}
}

declare module "@remix-run/server-runtime" {
  // Single fetch: loaders return plain objects (with Dates intact) typed as such.
  interface Future {
    v3_singleFetch: true;
  }
}
