import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { assignRole, revokeRole } from "~/domain/roles.server";
import type { CurrentUser } from "~/domain/users.server";
import { RevokeSchema } from "~/forms/admin";
import { notifyAuthChanged } from "~/realtime/notify.server";
import { can } from "~/utils/permissions";
import { intent } from "./intent.server";

type AssignInput = Parameters<typeof assignRole>[2];
type Within = { districtId?: string; commissionId?: string };

/**
 * The admin's assign/revoke flow, written once: the city's roles page, a district's page and a
 * commission's page each hand these intents to `runIntent`. Whoever gains or loses a role is told
 * (their session's permissions change); `changed` tells the rest (e.g. the city's lists).
 */
export function roleIntents(context: AppLoadContext, user: CurrentUser, opts: { within?: Within; changed?: () => void } = {}) {
  const guard = () => can(user, "role.assign");
  return {
    assign<Schema extends z.ZodTypeAny, Done extends string>(schema: Schema, input: (value: z.output<Schema>) => AssignInput, done: Done) {
      return intent({
        schema,
        guard,
        run: async (value) => {
          const outcome = await assignRole(context.db, user.id, input(value), context.requestId);
          if (!outcome.ok) return outcome;
          notifyAuthChanged(context.io, outcome.userId);
          if (outcome.replaced) notifyAuthChanged(context.io, outcome.replaced);
          opts.changed?.();
          return { ok: true as const, done, resetForm: true };
        },
      });
    },
    /** Ends a role; with `within`, only a role of that district or commission (the page's own scope). */
    revoke: intent({
      schema: RevokeSchema,
      guard,
      run: async (value) => {
        const outcome = await revokeRole(context.db, user.id, value.assignmentId, context.requestId, opts.within);
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        opts.changed?.();
        return { ok: true as const, done: "revoked" };
      },
    }),
  };
}
