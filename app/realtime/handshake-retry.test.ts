import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdsFor, waitFor } from "../../tests/support/wait";
import { retryRefusedHandshakes } from "./handshake-retry";

/** A socket.io server whose handshake fails while `refusing` is above zero, as when its database is away. */
describe("a refused socket handshake", () => {
  let http: HttpServer;
  let server: Server;
  let url: string;
  let refusing = 0;
  let handshakes = 0;
  const clients: Socket[] = [];

  beforeEach(async () => {
    refusing = 0;
    handshakes = 0;
    http = createServer();
    server = new Server(http);
    server.use((_socket, next) => {
      handshakes += 1;
      if (refusing > 0) {
        refusing -= 1;
        next(new Error("handshake_failed"));
      } else next();
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = () => {
    const socket = connect(url, { transports: ["websocket"], reconnectionDelay: 10, reconnectionDelayMax: 20 });
    clients.push(socket);
    return socket;
  };

  it("is not asked again by socket.io's client on its own (why the retry exists)", async () => {
    refusing = 1;
    const socket = client();
    await waitFor(() => handshakes === 1 && !socket.active, 10_000, "the refusal");
    // Far longer than the library's reconnection delay (10–20 ms): still nothing.
    await holdsFor(() => handshakes === 1 && !socket.connected, 300, "no second handshake");
  });

  it("is asked again, backing off, until the server answers", async () => {
    refusing = 3;
    const socket = client();
    const stop = retryRefusedHandshakes(socket, { firstDelayMs: 10, maxDelayMs: 40 });
    await waitFor(() => socket.connected, 10_000, "the socket connected after three refusals");
    expect(handshakes).toBe(4);
    stop();
  });

  it("stops asking once its page is gone", async () => {
    refusing = 100;
    const socket = client();
    const stop = retryRefusedHandshakes(socket, { firstDelayMs: 10, maxDelayMs: 10 });
    await waitFor(() => handshakes >= 2, 10_000, "a second handshake");
    stop();
    socket.close();
    const after = handshakes;
    // One handshake may already be on its way when the page goes; none after it.
    await holdsFor(() => handshakes <= after + 1, 200, "no handshake after the page is gone");
  });
});
