/**
 * Fails loudly when the ws internals that `server/transport/ws-seam.ts` relies on change: the
 * pinned version, the private fields it reads on a live server socket, and that the fast path
 * is really taken (one write per message, no cork). Then checks what a client sees: the same
 * bytes on the wire as ws's own framing, at every length class, the order of frames kept among
 * ws's own (text, ping), callbacks called, and ws's path whenever compression was negotiated.
 */
import { readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer, type ServerOptions } from "ws";
import { countingWebSocket, newWireCounters, type WireCounters } from "../../../server/metrics/wire-counters.ts";
import { frameOf, installedWs, VERIFIED_WS, type WsInternals } from "../../../server/transport/ws-seam.ts";

const servers: WebSocketServer[] = [];
const clients: Array<WebSocket | net.Socket> = [];

afterEach(async () => {
  for (const c of clients.splice(0)) {
    if (c instanceof WebSocket) c.terminate();
    else c.destroy();
  }
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A loopback ws server, with our socket class unless `plain`. */
async function listen(
  options: ServerOptions = {},
  plain = false,
): Promise<{ server: WebSocketServer; port: number; wire: WireCounters }> {
  const wire = newWireCounters();
  const server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    ...(plain ? {} : { WebSocket: countingWebSocket(wire) }),
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return { server, port: (server.address() as AddressInfo).port, wire };
}

/** Counts the writes and corks on a server socket's TCP socket from now on. */
function spyWrites(ws: WebSocket): { writes: number; corks: number } {
  const socket = (ws as unknown as WsInternals)._socket!;
  const counts = { writes: 0, corks: 0 };
  const cork = socket.cork.bind(socket);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.cork = () => {
    counts.corks += 1;
    cork();
  };
  socket.write = ((...args: unknown[]) => {
    counts.writes += 1;
    return write(...args);
  }) as typeof socket.write;
  return counts;
}

/** Resolves with the first `n` messages `client` receives. */
function messages(client: WebSocket, n: number): Promise<Buffer[]> {
  const received: Buffer[] = [];
  return new Promise((resolve) =>
    client.on("message", (data: Buffer) => {
      received.push(data);
      if (received.length === n) resolve(received);
    }),
  );
}

function nextConnection(server: WebSocketServer): Promise<WebSocket> {
  return new Promise((resolve) => server.once("connection", (socket: WebSocket) => resolve(socket)));
}

/** A client connected to `port`, open; errors after the test are its own (it is terminated). */
async function openClient(
  port: number,
  options: WebSocket.ClientOptions = {},
  Socket: typeof WebSocket = WebSocket,
): Promise<WebSocket> {
  const client = new Socket(`ws://127.0.0.1:${port}`, options);
  clients.push(client);
  client.on("error", () => undefined);
  await new Promise((resolve) => client.once("open", resolve));
  return client;
}

/**
 * A loopback server (`serverOptions`, our socket class), one `ws` client open on it, and the
 * server's side of that connection.
 */
async function pair(
  serverOptions: ServerOptions = {},
  clientOptions: WebSocket.ClientOptions = {},
): Promise<{ client: WebSocket; ws: WebSocket; wire: WireCounters }> {
  const { server, port, wire } = await listen(serverOptions);
  const connected = nextConnection(server);
  const client = await openClient(port, clientOptions);
  return { client, ws: await connected, wire };
}

/** Payload lengths across the three header sizes and their edges. */
const LENGTHS = [0, 1, 125, 126, 127, 1000, 65535, 65536, 70000];

function payloadOf(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + length) & 0xff;
  return b;
}

/**
 * The raw bytes a server writes after the handshake when its connection sends every payload of
 * LENGTHS: read over a plain TCP socket, so nothing parses or hides them.
 */
async function rawBytesSent(plain: boolean): Promise<Buffer> {
  const { server, port } = await listen({}, plain);
  const total = LENGTHS.reduce((n, l) => n + l + (l < 126 ? 2 : l < 65536 ? 4 : 10), 0);
  const connected = nextConnection(server);
  const socket = net.connect(port, "127.0.0.1");
  clients.push(socket);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      if (end >= 0 && all.length - (end + 4) >= total) resolve(all.subarray(end + 4));
    });
  });
  socket.write(
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const ws = await connected;
  for (const length of LENGTHS) ws.send(payloadOf(length), { binary: true });
  return done;
}

describe("the ws seam", () => {
  it("runs on the ws version it was verified on (pinned in package.json)", () => {
    expect(installedWs()).toBe(VERIFIED_WS);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies["ws"]).toBe(VERIFIED_WS);
  });

  it("finds the private fields it reads on a live server socket", async () => {
    const inner = (await pair()).ws as unknown as WsInternals;
    expect(inner._socket).toBeInstanceOf(net.Socket);
    expect(inner._sender).toBeTruthy();
    // Idle (ws/lib/sender.js `DEFAULT = 0`) and at a message boundary.
    expect(inner._sender!._state).toBe(0);
    expect(inner._sender!._firstFragment).toBe(true);
    expect(inner._extensions).toEqual({});
  });

  it("writes each binary message once, without ws's cork/uncork (the fast path is live)", async () => {
    const { client, ws } = await pair();
    const all = messages(client, 10);
    const counts = spyWrites(ws);
    for (let i = 0; i < 10; i++) ws.send(Uint8Array.of(i, i + 1, i + 2));
    const received = await all;
    expect(counts).toEqual({ writes: 10, corks: 0 });
    expect(received.map((b) => [...b])).toEqual(Array.from({ length: 10 }, (_, i) => [i, i + 1, i + 2]));
  });

  it("puts on the wire exactly the bytes ws's own framing does, at every length class", async () => {
    const ours = await rawBytesSent(false);
    const theirs = await rawBytesSent(true);
    expect(ours.length).toBe(theirs.length);
    expect(ours.equals(theirs)).toBe(true);
    // And frameOf itself, header by header.
    expect([...frameOf(Uint8Array.of(9)).subarray(0, 2)]).toEqual([0x82, 1]);
    expect([...frameOf(new Uint8Array(126)).subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
    expect([...frameOf(new Uint8Array(65536)).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("keeps the order of its frames among ws's own (text, ping), and calls every callback", async () => {
    const { client, ws } = await pair();
    const seen: string[] = [];
    const finished = new Promise<void>((resolve) => {
      client.on("message", (data: Buffer, isBinary: boolean) => {
        seen.push(isBinary ? `b${data[0]}` : `t${data.toString()}`);
        // Seven messages and the ping.
        if (seen.length === 8) resolve();
      });
      client.on("ping", () => seen.push("ping"));
    });
    let callbacks = 0;
    const cb = (err?: Error): void => {
      if (err === undefined || err === null) callbacks += 1;
    };
    ws.send(Uint8Array.of(1), cb);
    ws.send("2", cb);
    ws.ping();
    ws.send(Uint8Array.of(3), { binary: true }, cb);
    ws.send(Buffer.from([4]));
    ws.send("5");
    ws.send(Uint8Array.of(6), { binary: true, compress: true, fin: true }, cb);
    ws.send(Uint8Array.of(7));
    await finished;
    expect(seen).toEqual(["b1", "t2", "ping", "b3", "b4", "t5", "b6", "b7"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(callbacks).toBe(4);
  });

  it("leaves framing to ws when permessage-deflate was negotiated", async () => {
    const { client, ws } = await pair({ perMessageDeflate: { threshold: 0 } }, { perMessageDeflate: true });
    const all = messages(client, 3);
    expect(Object.keys((ws as unknown as WsInternals)._extensions!)).toEqual(["permessage-deflate"]);
    const counts = spyWrites(ws);
    const big = payloadOf(5000);
    ws.send(big);
    ws.send(Uint8Array.of(1, 2, 3));
    ws.send(big);
    const received = await all;
    // ws framed all three (compressed, header and payload corked together), none went our way.
    expect(counts.corks).toBe(3);
    expect(received[0]!.equals(big)).toBe(true);
    expect([...received[1]!]).toEqual([1, 2, 3]);
    expect(received[2]!.equals(big)).toBe(true);
  });

  it("sends nothing, and counts nothing, on a closed socket (ws's own error path)", async () => {
    const { client, ws, wire } = await pair();
    const closed = new Promise((resolve) => ws.once("close", resolve));
    client.close();
    await closed;
    const before = wire.messagesOut;
    const error = await new Promise<Error | undefined>((resolve) => ws.send(Uint8Array.of(1), resolve));
    expect(error).toBeInstanceOf(Error);
    expect(wire.messagesOut).toBe(before);
  });

  it("keeps a message behind one ws is still reading from a Blob (its sender is busy)", async () => {
    const { client, ws } = await pair();
    const all = messages(client, 2);
    ws.send(new Blob([Uint8Array.of(1, 2, 3)]));
    ws.send(Uint8Array.of(4));
    expect((await all).map((b) => [...b])).toEqual([[1, 2, 3], [4]]);
  });

  it("continues a fragmented message through ws instead of starting a new one inside it", async () => {
    const { client, ws } = await pair();
    const all = messages(client, 2);
    ws.send(Uint8Array.of(1, 2), { binary: true, fin: false });
    ws.send(Uint8Array.of(3, 4));
    ws.send(Uint8Array.of(5));
    expect((await all).map((b) => [...b])).toEqual([[1, 2, 3, 4], [5]]);
  });

  it("leaves a client socket's frames (masked) to ws", async () => {
    const { server, port } = await listen({}, true);
    const connected = nextConnection(server);
    const client = await openClient(port, {}, countingWebSocket(newWireCounters()));
    const ws = await connected;
    const got = new Promise<Buffer>((resolve) => ws.once("message", (data: Buffer) => resolve(data)));
    client.send(Uint8Array.of(7, 8, 9));
    expect([...(await got)]).toEqual([7, 8, 9]);
  });

  it("leaves a frame to ws when an option is given as undefined (ws's defaults are then overridden)", async () => {
    const { client, ws } = await pair();
    const got = new Promise<[Buffer, boolean]>((resolve) =>
      client.once("message", (data: Buffer, isBinary: boolean) => resolve([data, isBinary])),
    );
    ws.send(Buffer.from("hi"), { binary: undefined });
    const [data, isBinary] = await got;
    // ws sends it as text, as it would without our class.
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe("hi");
  });
});
