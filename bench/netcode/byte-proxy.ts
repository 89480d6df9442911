/**
 * A TCP proxy in front of a game server that counts the bytes of every connection both ways.
 * Clients are pointed at the proxy's URL instead of the server's; everything they say goes
 * through unchanged. What it counts is TCP payload: the WebSocket frames with their headers
 * (2–10 bytes down, 6–14 up with the client's mask), the keep-alive pings and pongs, and the
 * HTTP requests; not the TCP/IP headers. A connection that carried an HTTP upgrade to WebSocket
 * is a room connection; {@link ByteProxy.sample} reads the room connections only, and the
 * measurements take differences between samples taken after every client is seated, so
 * matchmaking and token requests never count towards a client's bandwidth.
 */
import net from "node:net";

/** A WebSocket upgrade request in an HTTP/1.1 stream (lowercased). */
const UPGRADE_REQUEST = /(?:^|[^a-z])get \/\S* http\/1\.1\r\n(?:[^\r\n]+\r\n)*?upgrade:\s*websocket\r\n/;

/** Running totals of one proxied connection. */
export interface ConnectionCount {
  /** True once it carried a WebSocket upgrade request. */
  webSocket: boolean;
  /** Bytes from the client to the server. */
  up: number;
  /** Bytes from the server to the client. */
  down: number;
  closed: boolean;
}

/** Per-connection totals at one moment, for the WebSocket connections. */
export type ProxySample = ReadonlyMap<ConnectionCount, { up: number; down: number }>;

/** A counting TCP proxy on 127.0.0.1. */
export class ByteProxy {
  private constructor(
    private readonly server: net.Server,
    readonly url: string,
    /** Every connection so far, in the order they were accepted. */
    readonly connections: readonly ConnectionCount[],
    private readonly sockets: Set<net.Socket>,
  ) {}

  /** Starts a proxy to `targetUrl` (http://127.0.0.1:PORT) on a free port. */
  static async start(targetUrl: string): Promise<ByteProxy> {
    const target = new URL(targetUrl);
    const connections: ConnectionCount[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const count: ConnectionCount = { webSocket: false, up: 0, down: 0, closed: false };
      connections.push(count);
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.setNoDelay(true);
        s.on("error", () => undefined);
        s.on("close", () => {
          sockets.delete(s);
          count.closed = true;
          client.destroy();
          upstream.destroy();
        });
      }
      // Until it upgrades, a connection speaks HTTP (keep-alive: several requests, and the
      // upgrade may come on a connection that already carried a matchmaking request).
      let http = "";
      client.on("data", (chunk: Buffer) => {
        if (!count.webSocket) {
          http = (http + chunk.subarray(0, 8192).toString("latin1").toLowerCase()).slice(-16384);
          if (UPGRADE_REQUEST.test(http)) count.webSocket = true;
        }
        count.up += chunk.length;
        if (!upstream.write(chunk)) client.pause();
      });
      upstream.on("drain", () => client.resume());
      upstream.on("data", (chunk: Buffer) => {
        count.down += chunk.length;
        if (!client.write(chunk)) upstream.pause();
      });
      client.on("drain", () => upstream.resume());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (typeof address !== "object" || address === null) throw new Error("proxy has no address");
    return new ByteProxy(server, `http://127.0.0.1:${address.port}`, connections, sockets);
  }

  /** Totals of every open WebSocket connection now. */
  sample(): ProxySample {
    const out = new Map<ConnectionCount, { up: number; down: number }>();
    for (const c of this.connections) if (c.webSocket && !c.closed) out.set(c, { up: c.up, down: c.down });
    return out;
  }

  /** Closes the listener and every connection through it. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Bytes per second each way of every WebSocket connection open at both samples, over the
 * `seconds` between them.
 */
export function ratesBetween(
  before: ProxySample,
  after: ProxySample,
  seconds: number,
): { upBps: number; downBps: number }[] {
  const out: { upBps: number; downBps: number }[] = [];
  for (const [c, a] of after) {
    const b = before.get(c);
    if (b === undefined) continue;
    out.push({ upBps: (a.up - b.up) / seconds, downBps: (a.down - b.down) / seconds });
  }
  return out;
}
