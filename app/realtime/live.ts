import { useEffect, useRef, useState } from "react";
import type { ShouldRevalidateFunctionArgs } from "@remix-run/react";
import { CLIENT_EVENTS, SERVER_EVENTS, type JoinAck, type ProposalLive } from "./events";
import { useSocket } from "./socket-provider";

/**
 * Live proposal state on a page: joins the rooms of the proposals it shows and keeps the newest
 * state seen for each (by `v`, the time it was read). Loader data read after a state wins over it
 * (`loadedAt`), so a reload never goes backwards and a late event never undoes a reload.
 */
export function useProposalLive(ids: readonly string[], loadedAt: number): (id: string) => ProposalLive | null {
  const { socket } = useSocket();
  const [latest, setLatest] = useState<ReadonlyMap<string, ProposalLive>>(() => new Map());
  const key = [...new Set(ids.map((id) => id.toLowerCase()))].sort().join(",");

  useEffect(() => {
    if (!socket || !key) return;
    const wanted = new Set(key.split(","));
    const rooms = [...wanted].map((id) => `proposal:${id}`);
    const join = () => {
      for (const room of rooms) socket.emit(CLIENT_EVENTS.join, { room }, (_ack: JoinAck) => {});
    };
    const onState = (payload: ProposalLive) => {
      const id = typeof payload?.proposalId === "string" ? payload.proposalId.toLowerCase() : "";
      if (!wanted.has(id) || typeof payload.v !== "number") return;
      setLatest((prev) => {
        const current = prev.get(id);
        if (current && current.v >= payload.v) return prev;
        const next = new Map(prev);
        next.set(id, payload);
        return next;
      });
    };
    socket.on(SERVER_EVENTS.proposalState, onState);
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      socket.off(SERVER_EVENTS.proposalState, onState);
      socket.off("connect", join);
      for (const room of rooms) socket.emit(CLIENT_EVENTS.leave, { room });
    };
  }, [socket, key]);

  return (id: string) => {
    const live = latest.get(id.toLowerCase());
    return live && live.v > loadedAt ? live : null;
  };
}

/** A list item with the live state laid over it (supports, messages, status). */
export function patchListItem<T extends { id: string; status: string; supportCount: number; messageCount?: number | null }>(
  item: T,
  live: ProposalLive | null,
): T {
  if (!live) return item;
  return { ...item, status: live.status, supportCount: live.supportCount, messageCount: live.messageCount };
}

/** What a proposal page showed when its loader ran, as far as the live state can tell it apart. */
export interface ShownProposal {
  status: string;
  events: number;
  voteId: string | null;
  voteStatus: string | null;
}

/**
 * Whether a live state carries a change the page cannot patch: a status transition or a new
 * timeline entry (the forms shown and what the viewer may do depend on them), or a vote opened or
 * closed. Supports, message counts and an open ballot's tally are patched in place.
 */
export function needsReload(shown: ShownProposal, live: ProposalLive | null): boolean {
  if (!live) return false;
  return (
    live.status !== shown.status ||
    live.events !== shown.events ||
    (live.vote?.id ?? null) !== shown.voteId ||
    (live.vote?.status ?? null) !== shown.voteStatus
  );
}

/**
 * Calls `reload` once per state that needs it (the decision is needsReload's); a reload already
 * asked for the same state is not asked again.
 */
export function useReloadWhen(live: ProposalLive | null, shown: ShownProposal, reload: () => void) {
  const asked = useRef(0);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const needed = needsReload(shown, live);
  const v = live?.v ?? 0;
  useEffect(() => {
    if (needed && asked.current < v) {
      asked.current = v;
      reloadRef.current();
    }
  }, [needed, v]);
}

/**
 * The revalidation rule of pages that listen live. A message posted from a page's thread (by
 * fetcher) needs no loader run: the thread shows it from its own numbered event, like everyone
 * else's. Anything else is Remix's default (navigations, other actions, explicit reloads, which
 * the live layer asks for only when needsReload says so).
 */
export function liveShouldRevalidate({ formMethod, formAction, formData, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (
    formMethod?.toUpperCase() === "POST" &&
    formAction &&
    /^\/threads\/[^/?#]+$/.test(formAction.split("?")[0]!) &&
    formData?.get("intent") === "post"
  ) {
    return false;
  }
  return defaultShouldRevalidate;
}
