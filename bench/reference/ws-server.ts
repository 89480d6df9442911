/**
 * The bare-`ws` reference server of the capacity benchmark: the transport's limit on this
 * machine, measured by the same harness as Tick Arena. It exchanges the same messages as Tick
 * Arena and does next to nothing else:
 * - clients are seated in join order in rooms of 16 (MAX_PLAYERS);
 * - every client sends a 16 B input at 30 Hz; the server keeps the latest one per client;
 * - every room runs its own 30 Hz step timer (a trivial step: move each slot by its latest
 *   input) and its own 20 Hz patch timer, like a Colyseus room's `setTimestep` and patch interval;
 * - each patch is one frame per client of `patchBytes` (Tick Arena's measured mean patch size
 *   when the harness has it, else 200 B), the room's positions plus the client's own input ack;
 * - it pings every client every 3 s and drops one after two missed pongs, as Colyseus does.
 * `GET /healthz` and `GET /metrics.json?window=N` answer like Tick Arena's, so the harness samples it
 * the same way. Whatever this carries per core is what any Node WebSocket game server can hope for.
 */
import http from "node:http";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import { DEFAULT_TICK_RATE, MAX_PAYLOAD_BYTES, MAX_PLAYERS, PATCH_RATE_HZ } from "../../shared/constants.ts";
import { CloseCodes } from "../../shared/protocol.ts";
import { DEFAULT_PATCH_BYTES, PATCH_HEADER_BYTES, RefMessage, readInputs } from "./protocol.ts";
import { ServerMetrics } from "../../server/metrics/server-metrics.ts";
import { listen, serveMetrics, startHeartbeat } from "../server-kit.ts";

/** Slot speed of the trivial step, px per tick, and the square it moves in. */
const SPEED = 8;
const ARENA = 2000;

/** Options of {@link startReferenceServer}. */
export interface ReferenceServerOptions {
  port: number;
  host: string;
  tickRate?: number;
  patchRateHz?: number;
  roomSize?: number;
  /** Bytes of every patch frame per client (≥ 9); default 200. */
  patchBytes?: number;
}

/** A started reference server. */
export interface RunningReferenceServer {
  readonly url: string;
  readonly port: number;
  stats(): { rooms: number; ccu: number };
  stop(): Promise<void>;
}

interface Peer {
  readonly socket: WebSocket;
  room: ReferenceRoom | null;
  slot: number;
  lastSeq: number;
  moveX: number;
  moveY: number;
  missedPings: number;
}

class ReferenceRoom {
  readonly peers: (Peer | null)[];
  size = 0;
  private tick = 0;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  /** The room's part of every patch (positions), written once per patch. */
  private readonly body: Buffer;
  private readonly tickTimer: NodeJS.Timeout;
  private readonly patchTimer: NodeJS.Timeout;

  constructor(
    readonly capacity: number,
    tickRate: number,
    patchRateHz: number,
    private readonly patchBytes: number,
    private readonly metrics: ServerMetrics,
  ) {
    this.peers = new Array<Peer | null>(capacity).fill(null);
    this.x = new Float64Array(capacity).fill(ARENA / 2);
    this.y = new Float64Array(capacity).fill(ARENA / 2);
    this.body = Buffer.alloc(patchBytes - PATCH_HEADER_BYTES);
    this.tickTimer = setInterval(() => this.step(), 1000 / tickRate);
    this.patchTimer = setInterval(() => this.patch(), 1000 / patchRateHz);
  }

  join(peer: Peer): void {
    const slot = this.peers.indexOf(null);
    this.peers[slot] = peer;
    this.size += 1;
    peer.room = this;
    peer.slot = slot;
    const seat = Buffer.alloc(this.patchBytes);
    seat[0] = RefMessage.Seat;
    if (peer.socket.readyState === WebSocket.OPEN) peer.socket.send(seat);
  }

  leave(peer: Peer): void {
    this.peers[peer.slot] = null;
    this.size -= 1;
    peer.room = null;
  }

  dispose(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.patchTimer);
  }

  /** The trivial step: every occupied slot moves by its latest input, inside the square. */
  private step(): void {
    const t0 = performance.now();
    this.tick += 1;
    for (let i = 0; i < this.capacity; i++) {
      const p = this.peers[i];
      if (p === null || p === undefined) continue;
      this.x[i] = Math.min(ARENA, Math.max(0, this.x[i]! + p.moveX * SPEED));
      this.y[i] = Math.min(ARENA, Math.max(0, this.y[i]! + p.moveY * SPEED));
    }
    this.metrics.recordTick(performance.now() - t0);
  }

  /** One frame per client: header with its own ack, then the room's positions. */
  private patch(): void {
    const t0 = performance.now();
    const room = this.body;
    for (let i = 0; i < this.capacity && i * 4 + 4 <= room.length; i++) {
      room.writeInt16LE(Math.round(this.x[i]!), i * 4);
      room.writeInt16LE(Math.round(this.y[i]!), i * 4 + 2);
    }
    for (const p of this.peers) {
      if (p === null || p.socket.readyState !== WebSocket.OPEN) continue;
      const frame = Buffer.allocUnsafe(this.patchBytes);
      frame[0] = RefMessage.Patch;
      frame.writeUInt32LE(p.lastSeq >>> 0, 1);
      frame.writeUInt32LE(this.tick >>> 0, 5);
      room.copy(frame, PATCH_HEADER_BYTES);
      p.socket.send(frame);
    }
    this.metrics.recordPatch(performance.now() - t0);
  }
}

/** Starts the reference server and resolves once it listens. */
export async function startReferenceServer(options: ReferenceServerOptions): Promise<RunningReferenceServer> {
  const tickRate = options.tickRate ?? DEFAULT_TICK_RATE;
  const patchRateHz = options.patchRateHz ?? PATCH_RATE_HZ;
  const roomSize = options.roomSize ?? MAX_PLAYERS;
  const patchBytes = Math.max(PATCH_HEADER_BYTES, Math.round(options.patchBytes ?? DEFAULT_PATCH_BYTES));
  const startedAt = Date.now();
  const rooms: ReferenceRoom[] = [];
  const peers = new Set<Peer>();
  const counts = (): { rooms: number; ccu: number } => ({
    rooms: rooms.length,
    ccu: rooms.reduce((n, r) => n + r.size, 0),
  });
  const metrics = new ServerMetrics(1000 / tickRate, counts);

  const seat = (peer: Peer): void => {
    let room = rooms.find((r) => r.size < r.capacity);
    if (room === undefined) {
      room = new ReferenceRoom(roomSize, tickRate, patchRateHz, patchBytes, metrics);
      rooms.push(room);
    }
    room.join(peer);
  };

  const unseat = (peer: Peer): void => {
    peers.delete(peer);
    const room = peer.room;
    if (room === null) return;
    room.leave(peer);
    if (room.size === 0) {
      room.dispose();
      rooms.splice(rooms.indexOf(room), 1);
    }
  };

  const server = http.createServer((req, res) => {
    if (serveMetrics(metrics, req, res)) return;
    if (req.method === "GET" && req.url?.split("?")[0] === "/healthz") {
      const body = JSON.stringify({
        status: "ok",
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...counts(),
      });
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  });

  const wss = new WebSocketServer({ server, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  wss.on("connection", (socket) => {
    const peer: Peer = { socket, room: null, slot: -1, lastSeq: 0, moveX: 0, moveY: 0, missedPings: 0 };
    peers.add(peer);
    socket.on("error", () => socket.terminate());
    socket.on("pong", () => {
      peer.missedPings = 0;
    });
    socket.on("close", () => unseat(peer));
    socket.on("message", (data: RawData) => {
      const ok = readInputs(data as Buffer, (seq, moveX, moveY) => {
        if (seq <= peer.lastSeq) return;
        peer.lastSeq = seq;
        peer.moveX = moveX;
        peer.moveY = moveY;
      });
      if (!ok) socket.close(CloseCodes.ProtocolError, "malformed message");
    });
    seat(peer);
  });

  const heartbeat = startHeartbeat(peers);

  const { port, host } = await listen(server, options.port, options.host);

  let stopped: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    clearInterval(heartbeat);
    metrics.stop();
    for (const room of rooms) room.dispose();
    rooms.length = 0;
    for (const s of wss.clients) s.close(CloseCodes.ServerShutdown, "server shutting down");
    await new Promise((r) => setTimeout(r, 200));
    for (const s of wss.clients) s.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: counts,
    stop: () => (stopped ??= stop()),
  };
}
