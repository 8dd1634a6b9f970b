import { redirect, type AppLoadContext } from "@remix-run/node";
import { lookupSession, type SessionLookup } from "../domain/sessions.server";
import type { CurrentUser } from "../domain/users.server";
import { sessionCookie } from "../utils/session-cookie.server";

/**
 * Who sends a request: the session cookie read for loaders and actions, and the guards that send
 * everyone else to sign in. The sessions themselves (made, looked up, ended) are the domain's.
 */

function cookieFor(context: AppLoadContext) {
  return sessionCookie(context.env.SESSION_SECRET, context.env.NODE_ENV === "production");
}

export async function commitSession(context: AppLoadContext, token: string) {
  return cookieFor(context).serialize(token);
}

export async function clearSessionCookie(context: AppLoadContext) {
  return cookieFor(context).serialize("", { maxAge: 0, expires: new Date(0) });
}

// A page's loaders (root and route) run for the same request and all ask who is signed in: one
// lookup per request answers them all. The load context is made per request. Writes (actions)
// always look again, since an action may sign someone in or out before the loaders run.
const lookups = new WeakMap<AppLoadContext, Promise<SessionLookup>>();

export function getSession(request: Request, context: AppLoadContext) {
  const read = request.method === "GET" || request.method === "HEAD";
  const cached = read ? lookups.get(context) : undefined;
  if (cached) return cached;
  const lookup = lookupSession(context.db, cookieFor(context), request.headers.get("Cookie"));
  if (read) lookups.set(context, lookup);
  return lookup;
}

export async function getUser(request: Request, context: AppLoadContext) {
  return (await getSession(request, context)).user;
}

/** Guards throw: a page that needs a signed-in person sends everyone else to sign in and back. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

export async function requireAnonymous(request: Request, context: AppLoadContext) {
  const user = await getUser(request, context);
  if (user) throw redirect("/");
}
