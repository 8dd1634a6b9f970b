import type { MessageView, ThreadState } from "~/domain/thread-view";
import type { ThreadActionResult } from "./types";

/**
 * A refusal that has no form on the page to be shown on (the form is gone because the thread or the
 * message changed meanwhile, or the request named something that is not here): shown at the top.
 */
export function orphanRefusal(
  result: ThreadActionResult,
  messages: MessageView[],
  state: ThreadState,
  meId: string | null,
): ThreadActionResult | null {
  const intent = result.intent ?? "";
  // A tool this person is not offered has no form here to answer on (the composer shows its own).
  if (result.error === "thread_forbidden" && intent !== "post") return result;
  if (["post", "escalate"].includes(intent)) return null;
  if (intent === "lock") return state.locked ? result : null;
  if (intent === "unlock") return state.locked ? null : result;
  if (intent === "unpin") return state.pinnedMessageId ? null : result;
  if (intent === "unmute") return result;
  const message = result.messageId ? messages.find((m) => m.id === result.messageId) : undefined;
  if (!message) return result;
  // The message is here; its menu opens with the refusal unless the form for it is not drawn.
  if (intent === "report") return message.state === "visible" && message.authorId !== meId ? null : result;
  if (intent === "pin" || intent === "hide") return message.state === "visible" ? null : result;
  if (intent === "restore") return message.state === "visible" ? result : null;
  if (intent === "delete") return message.state === "deleted" ? result : null;
  return null;
}
