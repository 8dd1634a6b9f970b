import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setFlash } from "~/utils/flash.server";
import { clearSessionCookie, getSession } from "~/server/session.server";
import { destroySession } from "~/domain/sessions.server";

/** Sign-out kills the session row (and its sockets), not just the cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { sessionHash } = await getSession(request, context);
  if (sessionHash) await destroySession(context, sessionHash);
  const headers = new Headers();
  headers.append("Set-Cookie", await clearSessionCookie(context));
  headers.append("Set-Cookie", await setFlash("signed_out"));
  return redirect("/", { headers });
}

export async function loader() {
  return redirect("/");
}
