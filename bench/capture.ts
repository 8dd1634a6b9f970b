/**
 * Records the SQL an app process sends to PostgreSQL, so the bare baseline can run exactly the
 * same statements with the same parameters. A loopback TCP relay between the app and the server
 * reads the frontend side of the wire protocol (Parse, Bind, Query); it is only in the path while
 * statements are captured, never while load is measured.
 */
import net from "node:net";

export interface Statement {
  sql: string;
  params: (string | null)[];
}

/** Connection housekeeping and the realtime adapter's traffic, which no page loader sends. */
const IGNORED = /^\s*(begin|commit|rollback|savepoint|release|listen|unlisten|notify|set|reset|discard|deallocate|select pg_notify)\b/i;

export function isLoaderStatement(s: Statement) {
  return !IGNORED.test(s.sql);
}

export interface CaptureProxy {
  port: number;
  statements: Statement[];
  close(): Promise<void>;
}

export async function startCaptureProxy(target: { host: string; port: number }): Promise<CaptureProxy> {
  const statements: Statement[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const prepared = new Map<string, string>();
    let pending: Buffer = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          // SSL and GSS encryption requests come before the real start-up message.
          if (code !== 80877103 && code !== 80877104) startup = false;
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const body = pending.subarray(5, 1 + length);
        pending = pending.subarray(1 + length);
        try {
          readMessage(type, body, prepared, statements);
        } catch {
          // A message this reader does not understand is still relayed unchanged.
        }
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function readMessage(type: string, body: Buffer, prepared: Map<string, string>, out: Statement[]) {
  let at = 0;
  const cstring = () => {
    const end = body.indexOf(0, at);
    const value = body.toString("utf8", at, end);
    at = end + 1;
    return value;
  };
  if (type === "Q") {
    out.push({ sql: cstring(), params: [] });
  } else if (type === "P") {
    const name = cstring();
    prepared.set(name, cstring());
  } else if (type === "B") {
    cstring(); // portal
    const name = cstring();
    const formatCount = body.readInt16BE(at);
    at += 2;
    const formats: number[] = [];
    for (let i = 0; i < formatCount; i++, at += 2) formats.push(body.readInt16BE(at));
    const count = body.readInt16BE(at);
    at += 2;
    const params: (string | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = body.readInt32BE(at);
      at += 4;
      if (length < 0) {
        params.push(null);
        continue;
      }
      const format = formats.length === 0 ? 0 : formats.length === 1 ? formats[0] : formats[i];
      params.push(format === 1 ? `\\x${body.toString("hex", at, at + length)}` : body.toString("utf8", at, at + length));
      at += length;
    }
    const sql = prepared.get(name);
    if (sql !== undefined) out.push({ sql, params });
  }
}
