import type { Socket } from "socket.io-client";

/**
 * A handshake the server refused (its session lookup failed: the database away for a moment) is
 * not asked again by socket.io's client, which retries only lost connections: the socket stays
 * inactive, and the page's live updates stop until it is reloaded. This asks again with a growing,
 * jittered delay (1 s, 2 s, 4 s … at most 30 s) until the server answers. Returns the cleanup.
 */
export function retryRefusedHandshakes(socket: Socket, options: { firstDelayMs?: number; maxDelayMs?: number } = {}) {
  const first = options.firstDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refused = () => {
    // An active socket is still being reconnected by the library itself.
    if (socket.active) return;
    clearTimeout(timer);
    const delay = Math.min(max, first * 2 ** attempts) * (0.5 + Math.random() / 2);
    attempts += 1;
    timer = setTimeout(() => {
      if (!socket.connected && !socket.active) socket.connect();
    }, delay);
  };
  const connected = () => {
    attempts = 0;
  };
  socket.on("connect_error", refused);
  socket.on("connect", connected);
  return () => {
    clearTimeout(timer);
    socket.off("connect_error", refused);
    socket.off("connect", connected);
  };
}
