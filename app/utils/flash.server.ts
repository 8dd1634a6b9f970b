import { createCookie } from "@remix-run/node";

/** One-shot notices shown on the next page ("you are signed out"), as locale keys only. */
export const FLASH_KEYS = ["signed_out", "signed_in", "welcome", "password_reset", "sessions_revoked", "saved"] as const;
export type FlashKey = (typeof FLASH_KEYS)[number];

const flashCookie = createCookie("mahalleh_flash", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 });

export function setFlash(key: FlashKey) {
  return flashCookie.serialize(key);
}

export async function readFlash(request: Request): Promise<{ flash: FlashKey | null; clear: string | null }> {
  const header = request.headers.get("Cookie");
  if (!header?.includes("mahalleh_flash=")) return { flash: null, clear: null };
  const value = await flashCookie.parse(header).catch(() => null);
  const flash = (FLASH_KEYS as readonly string[]).includes(value) ? (value as FlashKey) : null;
  return { flash, clear: await flashCookie.serialize("", { maxAge: 0 }) };
}
