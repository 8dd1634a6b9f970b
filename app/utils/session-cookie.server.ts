import { createCookie, type Cookie } from "@remix-run/node";

/** A session ends after two weeks unused, and after sixty days in any case. */
export const SESSION_IDLE_SECONDS = 14 * 24 * 60 * 60;
export const SESSION_ABSOLUTE_SECONDS = 60 * 24 * 60 * 60;

const cookies = new Map<string, Cookie>();

/** The signed cookie that carries a session's token (the same for HTTP and the socket handshake). */
export function sessionCookie(secret: string, secure: boolean): Cookie {
  const key = `${secure}:${secret}`;
  let cookie = cookies.get(key);
  if (!cookie) {
    cookie = createCookie(secure ? "__Host-mahalleh_session" : "mahalleh_session", {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      secrets: [secret],
      maxAge: SESSION_ABSOLUTE_SECONDS,
    });
    cookies.set(key, cookie);
  }
  return cookie;
}
