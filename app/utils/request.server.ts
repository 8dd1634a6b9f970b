import type { AppLoadContext } from "@remix-run/node";

export function clientMeta(request: Request, context: AppLoadContext) {
  return { ip: context.clientIp, userAgent: request.headers.get("User-Agent") };
}

/** Seconds to whole minutes, at least one: "try again in N minutes". */
export function minutesFrom(seconds: number | undefined) {
  return Math.max(1, Math.ceil((seconds ?? 60) / 60));
}
