import net from "node:net";

/**
 * A small TCP load balancer on loopback, as in front of several instances: each new connection
 * goes to the next backend that accepts it; when a backend dies its connections drop with it and
 * clients come back through here to another one.
 */
export async function startBalancer(backends: () => { port: number; alive: boolean }[]) {
  let next = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const candidates = backends().filter((b) => b.alive);
    const tryAt = (i: number) => {
      if (i >= candidates.length) return client.destroy();
      const backend = candidates[(next + i) % candidates.length]!;
      const upstream = net.connect(backend.port, "127.0.0.1");
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        next++;
        upstream.on("error", () => client.destroy());
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once("error", () => {
        if (connected) return;
        upstream.destroy();
        tryAt(i + 1);
      });
    };
    tryAt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
