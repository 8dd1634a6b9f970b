import type { Server as SocketServer } from "socket.io";
import type { Db, DbDriver } from "../../db/client.server";
import type { ReadMarks } from "../domain/read-marks.server";
import type { Env } from "./env.server";
import type { Logger } from "./logger.server";
import type { SmsSender } from "./sms.server";

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
