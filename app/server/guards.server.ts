import type { AppLoadContext } from "@remix-run/node";
import { can, type Action, type Scope } from "../utils/permissions";
import { requireUser } from "./session.server";
import type { CurrentUser } from "~/domain/users.server";

/**
 * Throws 403 (the error page) unless the permission module said yes: for pages a person may not
 * open at all. A form's refusal is answered on the form instead (app/server/intent.server.ts).
 */
export function requireAllowed(allowed: boolean) {
  if (!allowed) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

/** Throws 403 unless the person may do the action in the scope. */
export function requirePermission(user: CurrentUser | null, action: Action, scope: Scope = { kind: "city" }) {
  requireAllowed(can(user, action, scope));
}

/** Signed in (else redirect to sign in) and allowed (else 403). */
export async function requireUserWith(request: Request, context: AppLoadContext, action: Action, scope?: Scope) {
  const user = await requireUser(request, context);
  requirePermission(user, action, scope);
  return user;
}

/** Throws 404 when a row is missing, so routes read top to bottom without null checks. */
export function invariantFound<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Response("Not Found", { status: 404, statusText: "Not Found" });
  return value;
}

export { isUuid } from "../utils/uuid";
