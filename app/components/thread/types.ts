import type { ThreadBundle } from "~/utils/thread.server";

/** A thread as its page's loader sends it (dates arrive as strings). */
export type Bundle = Omit<ThreadBundle, "mutes" | "escalation"> & {
  mutes: { userId: string; name: string; until: string; reason: string }[];
  escalation: {
    id: string;
    state: string;
    urgency: string;
    note: string | null;
    stateNote: string | null;
    stateChangedAt: string | Date;
    escalatedAt: string | Date | null;
    escalatedBy: string | null;
  } | null;
};

/** A refusal from a plain (no JavaScript) submission, shown on the form that sent it. */
export interface ThreadActionResult {
  ok: boolean;
  error?: string;
  intent?: string;
  messageId?: string | null;
  kept?: Record<string, string>;
  max?: number;
  retryAfter?: number;
}

/** What every form of one thread needs to know: where it posts, where a plain form comes back to. */
export interface Ctx {
  threadId: string;
  action: string;
  returnTo: string;
  hydrated: boolean;
  plainResult: ThreadActionResult | null;
  anchor: string;
}
