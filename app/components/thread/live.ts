import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { ThreadEventView } from "~/domain/thread-view";
import { SERVER_EVENTS } from "~/realtime/events";
import { useSocket } from "~/realtime/socket-provider";
import { ThreadFollower } from "~/realtime/thread-sync";

/**
 * The thread's live wiring: follows its numbered events over the page's socket (each applied once,
 * in order, from `fromSeq` on), counts who is here, and reloads the page's data when the thread's
 * standing or its escalation changes. Answers the number of people here, once the server says.
 */
export function useThreadLive(threadId: string, fromSeq: number, apply: (event: ThreadEventView) => void) {
  const { socket } = useSocket();
  const revalidator = useRevalidator();
  const [presence, setPresence] = useState<number | null>(null);
  const applyRef = useRef(apply);
  applyRef.current = apply;
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    if (!socket) return;
    const follower = new ThreadFollower(socket, threadId, fromSeq, {
      apply: (event) => applyRef.current(event),
      presence: setPresence,
    }).start();
    const standing = (payload: { threadId?: string }) => {
      if (payload?.threadId === threadId) revalidateRef.current();
    };
    socket.on(SERVER_EVENTS.threadStanding, standing);
    socket.on(SERVER_EVENTS.escalationChanged, standing);
    return () => {
      follower.stop();
      socket.off(SERVER_EVENTS.threadStanding, standing);
      socket.off(SERVER_EVENTS.escalationChanged, standing);
    };
    // The follower lives as long as the page shows this thread, from the number it opened at;
    // later loader data is merged by useThreadState.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [socket, threadId]);

  return presence;
}
