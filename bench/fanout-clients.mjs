// Worker thread for bench/fanout.ts: holds the client sockets on their own event loop, so the
// server being measured does not also pay for decoding every delivery. Plain JavaScript, so it
// runs as a worker however the bench itself was started.
import { parentPort } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { io as connect } from "socket.io-client";

const now = () => performance.timeOrigin + performance.now();
/** tag → { sockets, arrivals: Map<seq, number[]> } */
const groups = new Map();

async function open(tag, url, count, room, event) {
  const group = { sockets: [], size: count, arrivals: new Map(), received: 0 };
  groups.set(tag, group);
  const one = () =>
    new Promise((resolve, reject) => {
      const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { origin: url } });
      socket.on(event, (payload) => {
        const at = now();
        group.received++;
        // A thread event is keyed by its number, a proposal state by its support count.
        const seq = payload?.seq ?? payload?.supportCount;
        let list = group.arrivals.get(seq);
        if (!list) group.arrivals.set(seq, (list = []));
        list.push(at);
        if (list.length === group.size) {
          group.arrivals.delete(seq);
          parentPort.postMessage({ type: "round", tag, seq, times: list });
        }
      });
      socket.once("connect_error", reject);
      socket.once("connect", () =>
        socket
          .timeout(30_000)
          .emit("room:join", { room }, (err, ack) => (err || !ack?.ok ? reject(err ?? new Error(JSON.stringify(ack))) : resolve(socket))),
      );
    });
  // In batches: a thousand handshakes at once would only measure the accept queue.
  for (let i = 0; i < count; i += 50) {
    group.sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, one))));
  }
}

parentPort.on("message", async (message) => {
  try {
    if (message.type === "open") {
      await open(message.tag, message.url, message.count, message.room, message.event);
      parentPort.postMessage({ type: "opened", tag: message.tag });
    } else if (message.type === "stats") {
      parentPort.postMessage({ type: "stats", tag: message.tag, received: groups.get(message.tag)?.received ?? 0 });
    } else if (message.type === "close") {
      for (const group of groups.values()) for (const socket of group.sockets) socket.close();
      groups.clear();
      parentPort.postMessage({ type: "closed" });
    }
  } catch (err) {
    parentPort.postMessage({ type: "error", error: String(err?.stack ?? err) });
  }
});
