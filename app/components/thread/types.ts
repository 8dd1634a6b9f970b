import { THREAD_ERROR_LIMITS } from "~/forms/thread";
import { allErrorsOf, type FormReply } from "~/forms/reply";
import type { ThreadBundle } from "~/domain/thread-view";

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

/**
 * The thread's action answers in the app's one reply shape (`FormReply`); its forms read it as
 * this: the first message, which form (intent, message) it belongs to, what was typed.
 */
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
  /** The address of this page of the thread without JavaScript, with `name=value` and a fragment. */
  plainLink: (name: string, value: string, fragment: string) => string;
  /** The message whose report form is drawn in place (`?report=` or a refused plain report). */
  reportId: string | null;
  /** With JavaScript: opens the thread's one report dialog for a message. */
  openReport: (messageId: string) => void;
}

/** The thread's view of a reply from its action (null when there is none). */
export function threadResultOf(reply: FormReply | null | undefined): ThreadActionResult | null {
  if (!reply || typeof reply !== "object" || !("result" in reply)) return null;
  const error = allErrorsOf(reply)[0];
  const kept = Object.fromEntries(
    Object.entries((reply.result.initialValue ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;
  return {
    ok: !error,
    error,
    intent: reply.intent,
    messageId: reply.key,
    kept,
    max: error ? THREAD_ERROR_LIMITS[error] : undefined,
    retryAfter: typeof reply.params?.seconds === "number" ? reply.params.seconds : undefined,
  };
}
