/**
 * The JSON baseline for the capacity benchmark: the seed's pattern, without Colyseus. A plain `ws`
 * server seats players in rooms of MAX_PLAYERS in join order; every room runs the same shared
 * simulation at the same tick rate with each player's latest input (the naive pattern: no input
 * buffer, no sequence-driven consumption), and broadcasts the FULL state as JSON to every client
 * at the patch rate from its own pair of timers. One `JSON.stringify` per room and patch (numbers
 * rounded as a developer would: 0.1 px positions); the text is encoded to bytes once and the same
 * buffer goes to every client of the room. It times its steps and patches and serves them at
 * `GET /metrics.json?window=N` in Tick Arena's shape, so the benchmark applies the tick rule to it too.
 */
import http from "node:http";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_TICK_RATE,
  MAX_PAYLOAD_BYTES,
  MAX_PLAYERS,
  PATCH_RATE_HZ,
  RESULTS_SECONDS,
} from "../../shared/constants.ts";
import { CloseCodes } from "../../shared/protocol.ts";
import { addShip, createWorld, removeShip, step, type InputFrame, type World } from "../../shared/sim/index.ts";
import { ServerMetrics } from "../../server/metrics/server-metrics.ts";
import { listen, serveMetrics, startHeartbeat } from "../server-kit.ts";
import {
  DEVELOPER_ROUNDING,
  parseBaselineMessage,
  parseBaselineName,
  serializeState,
  welcomeMessage,
  type StateRounding,
} from "./protocol.ts";

/** Options of {@link startBaselineServer}. */
export interface BaselineServerOptions {
  port: number;
  host: string;
  tickRate?: number;
  patchRateHz?: number;
  maxPlayers?: number;
  matchSeconds?: number;
  /** World seed of the first room; later rooms count up from it. Random when absent. */
  seed?: number;
  /** How numbers are rounded in states; default {@link DEVELOPER_ROUNDING}. */
  rounding?: StateRounding;
}

/** A started baseline server. */
export interface RunningBaselineServer {
  /** Base HTTP URL, e.g. http://127.0.0.1:2568 (WebSockets on the same host and port). */
  readonly url: string;
  readonly port: number;
  /** Rooms open and players seated right now. */
  stats(): { rooms: number; ccu: number };
  /** Closes every socket (4001), stops every room timer and the port. */
  stop(): Promise<void>;
}

interface Player {
  readonly id: string;
  readonly socket: WebSocket;
  room: BaselineRoom | null;
  lastSeq: number;
  missedPings: number;
}

class BaselineRoom {
  readonly world: World;
  readonly players = new Map<string, Player>();
  /** Latest input of each player, applied on every step until a newer one arrives. */
  readonly inputs = new Map<string, InputFrame>();
  private readonly tickTimer: NodeJS.Timeout;
  private readonly patchTimer: NodeJS.Timeout;

  constructor(
    seed: number,
    tickRate: number,
    patchRateHz: number,
    matchSeconds: number,
    private readonly rounding: StateRounding,
    private readonly metrics: ServerMetrics,
  ) {
    this.world = createWorld({ seed, tickRate, matchSeconds, resultsSeconds: RESULTS_SECONDS });
    this.tickTimer = setInterval(() => {
      const t0 = performance.now();
      step(this.world, this.inputs);
      this.metrics.recordTick(performance.now() - t0);
    }, 1000 / tickRate);
    this.patchTimer = setInterval(() => this.broadcast(), 1000 / patchRateHz);
  }

  join(player: Player, name: string): void {
    player.room = this;
    this.players.set(player.id, player);
    addShip(this.world, player.id, name);
    if (player.socket.readyState !== WebSocket.OPEN) return;
    player.socket.send(welcomeMessage(player.id));
    player.socket.send(serializeState(this.world, this.rounding));
  }

  leave(player: Player): void {
    this.players.delete(player.id);
    this.inputs.delete(player.id);
    removeShip(this.world, player.id);
    player.room = null;
  }

  private broadcast(): void {
    const t0 = performance.now();
    const bytes = Buffer.from(serializeState(this.world, this.rounding));
    for (const p of this.players.values()) {
      if (p.socket.readyState === WebSocket.OPEN) p.socket.send(bytes, { binary: false });
    }
    this.metrics.recordPatch(performance.now() - t0);
  }

  dispose(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.patchTimer);
  }
}

/** Starts the baseline server and resolves once it listens. */
export async function startBaselineServer(options: BaselineServerOptions): Promise<RunningBaselineServer> {
  const tickRate = options.tickRate ?? DEFAULT_TICK_RATE;
  const patchRateHz = options.patchRateHz ?? PATCH_RATE_HZ;
  const maxPlayers = options.maxPlayers ?? MAX_PLAYERS;
  const matchSeconds = options.matchSeconds ?? DEFAULT_MATCH_SECONDS;
  const rounding = options.rounding ?? DEVELOPER_ROUNDING;
  let nextSeed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startedAt = Date.now();
  const rooms: BaselineRoom[] = [];
  const players = new Set<Player>();
  let playerCount = 0;
  let joinCount = 0;
  const metrics = new ServerMetrics(1000 / tickRate, () => ({
    rooms: rooms.length,
    ccu: rooms.reduce((n, r) => n + r.players.size, 0),
  }));

  const seat = (player: Player, requested: string | null): void => {
    joinCount += 1;
    let room = rooms.find((r) => r.players.size < maxPlayers);
    if (room === undefined) {
      room = new BaselineRoom(nextSeed++, tickRate, patchRateHz, matchSeconds, rounding, metrics);
      rooms.push(room);
    }
    room.join(player, requested ?? `Pilot ${joinCount}`);
  };

  const unseat = (player: Player): void => {
    players.delete(player);
    const room = player.room;
    if (room === null) return;
    room.leave(player);
    if (room.players.size === 0) {
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
        rooms: rooms.length,
        ccu: rooms.reduce((n, r) => n + r.players.size, 0),
      });
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  });

  const wss = new WebSocketServer({ server, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  wss.on("connection", (socket, req) => {
    playerCount += 1;
    const player: Player = { id: `p${playerCount}`, socket, room: null, lastSeq: -1, missedPings: 0 };
    players.add(player);
    socket.on("error", () => socket.terminate());
    socket.on("pong", () => {
      player.missedPings = 0;
    });
    socket.on("close", () => unseat(player));
    socket.on("message", (data: RawData) => {
      const message = parseBaselineMessage(String(data));
      if (message === null) {
        socket.close(CloseCodes.ProtocolError, "malformed message");
        return;
      }
      if (message.kind === "join") {
        if (player.room === null) seat(player, message.name);
        return;
      }
      const room = player.room;
      if (room === null) {
        socket.close(CloseCodes.ProtocolError, "input before join");
        return;
      }
      if (message.seq <= player.lastSeq) return;
      player.lastSeq = message.seq;
      room.inputs.set(player.id, message.frame);
    });

    const query = new URL(req.url ?? "/", "ws://baseline").searchParams;
    if (query.has("name")) seat(player, parseBaselineName(query.get("name")));
  });

  const heartbeat = startHeartbeat(players);

  const { port, host } = await listen(server, options.port, options.host);

  let stopped: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    clearInterval(heartbeat);
    metrics.stop();
    for (const room of rooms) room.dispose();
    const open = [...wss.clients];
    const allClosed = Promise.all(
      open.map((s) =>
        s.readyState === WebSocket.CLOSED
          ? undefined
          : new Promise<void>((resolve) => s.once("close", () => resolve())),
      ),
    );
    for (const s of open) s.close(CloseCodes.ServerShutdown, "server shutting down");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    for (const s of wss.clients) s.terminate();
    rooms.length = 0;
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: () => ({ rooms: rooms.length, ccu: rooms.reduce((n, r) => n + r.players.size, 0) }),
    stop: () => (stopped ??= stop()),
  };
}
