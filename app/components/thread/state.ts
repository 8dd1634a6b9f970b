import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { MessageView, ThreadEventView, ThreadState } from "~/domain/thread-view";
import type { Bundle } from "./types";

/**
 * Messages merged by id, the newest version of each winning: loader pages, earlier pages and live
 * events all come through here, in any order, and nothing goes backwards.
 */
export function mergeMessages(prev: ReadonlyMap<string, MessageView>, incoming: Iterable<MessageView>) {
  const next = new Map(prev);
  for (const message of incoming) {
    const current = next.get(message.id);
    if (!current || current.version <= message.version) next.set(message.id, message);
  }
  return next;
}

function threadStateOf(bundle: Bundle): ThreadState {
  return { locked: bundle.locked, lockReason: bundle.lockReason, pinnedMessageId: bundle.pinnedMessageId };
}

/**
 * What a thread shows, kept in the browser: the messages, the lock and the pin, the count and how
 * many arrived live. Fed by the loader (`bundle`), by earlier pages (`merge`) and by live events
 * (`apply`), each applied by version or number so none undoes a newer one.
 */
export function useThreadState(bundle: Bundle) {
  const meId = bundle.me?.id ?? null;
  const [messages, setMessages] = useState(() => mergeMessages(new Map(), bundle.messages));
  const [state, setState] = useState<ThreadState>(() => threadStateOf(bundle));
  const [pinned, setPinned] = useState<MessageView | null>(bundle.pinned);
  const [count, setCount] = useState(bundle.messageCount);
  const [liveNew, setLiveNew] = useState(0);
  const knownSeq = useRef(bundle.lastSeq);

  const merge = useCallback((incoming: Iterable<MessageView>) => setMessages((prev) => mergeMessages(prev, incoming)), []);

  // Fresh loader data (after an action, or a reload) is merged, never allowed to go backwards.
  useEffect(() => {
    merge(bundle.messages);
    if (bundle.lastSeq >= knownSeq.current) {
      knownSeq.current = bundle.lastSeq;
      setCount(bundle.messageCount);
      setState(threadStateOf(bundle));
      setPinned(bundle.pinned);
    }
  }, [bundle, merge]);

  /** One live event, in order and once (the follower sees to that). */
  const apply = useCallback(
    (event: ThreadEventView) => {
      knownSeq.current = Math.max(knownSeq.current, event.seq);
      if (event.message) {
        const message = event.message;
        merge([message]);
        setPinned((p) => (p && p.id === message.id ? (message.state === "visible" ? message : null) : p));
        if (event.kind === "posted") {
          setCount((n) => n + 1);
          if (message.authorId !== meId) setLiveNew((n) => n + 1);
        }
      }
      if (event.thread) {
        const threadState = event.thread;
        setState(threadState);
        if (event.kind === "pinned" && event.message) setPinned(event.message);
        if (event.kind === "unpinned" || !threadState.pinnedMessageId) setPinned(null);
      }
    },
    [merge, meId],
  );

  const ordered = useMemo(() => [...messages.values()].sort((a, b) => a.seq - b.seq), [messages]);
  return { messages, ordered, state, pinned, count, liveNew, clearLiveNew: () => setLiveNew(0), merge, apply };
}
