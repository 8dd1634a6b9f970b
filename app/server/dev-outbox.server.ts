import type { Env } from "../utils/env.server";
import type { Logger } from "../utils/logger.server";

/**
 * The development outbox (/dev/outbox) shows every verification and password-reset code the local
 * SMS provider "sent". Whoever reads it can take over any account, so outside production it is
 * still only for the person at the machine: loopback clients only. See
 * docs/decisions/008-surviving-the-database.md.
 */

/** 127.0.0.0/8, ::1, and IPv4 loopback written as an IPv6-mapped address. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.trim().toLowerCase();
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice("::ffff:".length) : a;
  return /^127(\.\d{1,3}){3}$/.test(v4);
}

/**
 * Whether this request comes from the machine itself. Both must be loopback: the address the
 * connection really comes from (a header cannot change it), and the client address as the proxy
 * setting reads it (so behind a reverse proxy on the same machine, which connects from loopback
 * for everyone, the visitor's own address decides, and with TRUST_PROXY=0 X-Forwarded-For is
 * ignored altogether).
 */
export function isLoopbackClient(request: { socketAddress: string | undefined; clientIp: string | undefined }) {
  return isLoopbackAddress(request.socketAddress) && isLoopbackAddress(request.clientIp);
}

/** The outbox exists outside production with the local provider, and only for loopback clients. */
export function mayReadOutbox(env: Pick<Env, "NODE_ENV" | "SMS_PROVIDER">, fromLoopback: boolean) {
  return env.NODE_ENV !== "production" && env.SMS_PROVIDER === "local" && fromLoopback;
}

/** Says loudly at start when a development-mode server can be reached from other machines. */
export function warnIfServedBeyondLoopback(env: Pick<Env, "NODE_ENV">, host: string, logger: Logger) {
  if (env.NODE_ENV === "production") return false;
  const loopbackHost = isLoopbackAddress(host) || host.toLowerCase() === "localhost";
  if (loopbackHost) return false;
  logger.warn(
    { host, NODE_ENV: env.NODE_ENV },
    "!!! NOT IN PRODUCTION MODE BUT LISTENING BEYOND LOOPBACK: this server uses development settings " +
      "(insecure cookies, a generated session secret). Set NODE_ENV=production for any server other people reach, " +
      "or HOST=127.0.0.1 to keep it on this machine. The development outbox answers loopback clients only.",
  );
  return true;
}
