import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import { useRevalidator } from "@remix-run/react";
import { CLIENT_EVENTS, type JoinAck } from "./events";
import { retryRefusedHandshakes } from "./handshake-retry";

export type ConnectionStatus = "connecting" | "online" | "offline";

interface SocketState {
  socket: Socket | null;
  status: ConnectionStatus;
}

const SocketContext = createContext<SocketState>({ socket: null, status: "connecting" });

/**
 * One socket per tab, opened after hydration. `identity` (the signed-in user id) changes on
 * sign-in and sign-out, and the socket is re-opened so the handshake sees the new cookie.
 */
export function SocketProvider({ identity, children }: { identity: string | null; children: ReactNode }) {
  const [state, setState] = useState<SocketState>({ socket: null, status: "connecting" });
  const revalidator = useRevalidator();
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    const socket = io({ transports: ["websocket", "polling"], withCredentials: true });
    const online = () => setState({ socket, status: "online" });
    const offline = (reason?: unknown) => {
      setState({ socket, status: "offline" });
      // The server ended this socket (signed out elsewhere, roles changed): reload what the page
      // shows and reconnect with whatever the cookie now says.
      if (reason === "io server disconnect") {
        revalidateRef.current();
        setTimeout(() => socket.connect(), 500);
      }
    };
    socket.on("connect", online);
    socket.on("disconnect", offline);
    socket.on("connect_error", offline);
    const stopRetrying = retryRefusedHandshakes(socket);
    setState({ socket, status: socket.connected ? "online" : "connecting" });
    return () => {
      stopRetrying();
      socket.off("connect", online);
      socket.off("disconnect", offline);
      socket.off("connect_error", offline);
      socket.close();
    };
  }, [identity]);

  return <SocketContext.Provider value={state}>{children}</SocketContext.Provider>;
}

export function useSocket() {
  return useContext(SocketContext);
}

/**
 * Joins a room while the component is mounted and calls `onEvent` for the named events.
 * The join is repeated after every reconnect, and `onJoined` runs after each acknowledged join,
 * which is where a page catches up on what it missed.
 */
export function useRoom(room: string | null, handlers: Record<string, (payload: unknown) => void>, onJoined?: () => void) {
  const { socket } = useSocket();
  const handlersRef = useRef(handlers);
  const joinedRef = useRef(onJoined);
  handlersRef.current = handlers;
  joinedRef.current = onJoined;
  const eventNames = Object.keys(handlers).sort().join("|");

  useEffect(() => {
    if (!socket || !room) return;
    const join = () => {
      socket.emit(CLIENT_EVENTS.join, { room }, (ack: JoinAck) => {
        if (ack?.ok) joinedRef.current?.();
      });
    };
    const listeners = eventNames
      .split("|")
      .filter(Boolean)
      .map((name) => {
        const listener = (payload: unknown) => handlersRef.current[name]?.(payload);
        socket.on(name, listener);
        return [name, listener] as const;
      });
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      socket.off("connect", join);
      for (const [name, listener] of listeners) socket.off(name, listener);
      socket.emit(CLIENT_EVENTS.leave, { room });
    };
  }, [socket, room, eventNames]);
}
