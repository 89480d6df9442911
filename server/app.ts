/**
 * Builds the game server: Colyseus with the WebSocket transport, the `arena` room, a health
 * route and (in production) the built client, all on one port, behind the guards of
 * `security/` (matchmaking validation and rate limits, connection limits, body and header caps).
 */
import { timingSafeEqual } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuthContext, createRouter, defineRoom, defineServer, matchMaker, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import { LAG_COMPENSATION_MS, MAX_PAYLOAD_BYTES } from "../shared/constants.ts";
import { checkJoinOptions, RoomName } from "../shared/protocol.ts";
import type { ServerConfig } from "./config.ts";
import { colyseusLogger, FaultLog } from "./log/fault-log.ts";
import { PrometheusMetrics } from "./metrics/prometheus.ts";
import { ServerMetrics } from "./metrics/server-metrics.ts";
import { countingWebSocket } from "./metrics/wire-counters.ts";
import { GuestTokens, loadTokenSecret } from "./identity/guest-tokens.ts";
import { arenaRoomWithTokens, pilotCap, type ArenaCreateOptions } from "./rooms/ArenaRoom.ts";
import { installQuickPlay, QuickPlayAllocator } from "./matchmaking/quick-play.ts";
import { guardedLobbyRoom, RANKED_QUEUE_OPTIONS, rankedQueueRoom } from "./rooms/social-rooms.ts";
import { mountPlayerApi } from "./routes/player-api.ts";
import { DRAINING_MESSAGE, HttpGuard, type OptionsValidator } from "./security/http-guard.ts";
import { DEFAULT_LIMITS } from "./security/limits.ts";
import { openPlayerStore, type PlayerStore } from "./store/player-store.ts";
import { LiveFeed, oneLine } from "./live/live-feed.ts";
import { monitorRoutes } from "./ops/monitor.ts";
import { createScaleOut, type ScaleOut } from "./scale/scale-out.ts";
import { LiveKind, LIVE_TEXT_MAX } from "../shared/live.ts";
import { logger } from "./log/logger.ts";

/** Heartbeat: ping every 3 s; a socket that misses two pings in a row is terminated. */
export const PING_INTERVAL_MS = 3000;
export const PING_MAX_RETRIES = 2;
/** WebSocket fragments one message may arrive in, and unanswered pings from a client. */
const MAX_FRAGMENTS_PER_MESSAGE = 64;
const MAX_PENDING_PONGS = 16;

/** A started game server. */
export interface RunningServer {
  readonly server: Server;
  /** The port actually bound (useful when 0 was asked for). */
  readonly port: number;
  /** Base HTTP URL, e.g. http://127.0.0.1:2567 */
  readonly url: string;
  /** The server's own performance figures (GET /metrics.json, and GET /metrics for Prometheus). */
  readonly metrics: ServerMetrics;
  /** Client faults, counted and logged rate-limited. */
  readonly faults: FaultLog;
  /** Where ratings are kept (embedded SQLite, or PostgreSQL with `DATABASE_URL`). */
  readonly store: PlayerStore;
  /** Issues and verifies guest tokens (tests sign their own with it). */
  readonly tokens: GuestTokens;
  /** The server-wide live feed (announcements, match events; `GET /events`). */
  readonly live: LiveFeed;
  /** This process among its siblings (Redis) or alone. */
  readonly scale: ScaleOut;
  /**
   * Stops handing out seats (matchmaking answers 503, the registry marks the process draining
   * and siblings stop placing rooms here); players keep playing until `stop()`.
   */
  drain(): Promise<void>;
  /** Graceful shutdown: locks rooms, disconnects clients (4001), closes the port. */
  stop(): Promise<void>;
}

/**
 * Join-option validators by room type, run at the matchmaking request. The lobby lists arenas
 * only; the ranked queue takes no options (the rating comes from the store).
 */
const JOIN_VALIDATORS: Readonly<Record<string, OptionsValidator>> = {
  [RoomName.Arena]: checkJoinOptions,
  [RoomName.ArenaLarge]: checkJoinOptions,
  [RoomName.Lobby]: () => ({ ok: true, value: { filter: { name: RoomName.Arena } } }),
  [RoomName.Ranked]: () => ({ ok: true, value: {} }),
};

/** Starts a game server with the given configuration and resolves once it listens. */
export async function startGameServer(config: ServerConfig): Promise<RunningServer> {
  const startedAt = Date.now();
  const limits = config.limits ?? DEFAULT_LIMITS;
  const faults = new FaultLog();
  faults.start();
  const roomCount = (): number => matchMaker.stats.local.roomCount;
  const hasRoomCapacity = (): boolean => roomCount() < limits.maxRooms;
  const metrics = new ServerMetrics(1000 / config.tickRate, () => ({
    ccu: matchMaker.stats.local.ccu,
    rooms: roomCount(),
  }));
  const scale = createScaleOut({
    redisUrl: config.redisUrl,
    publicAddress: config.publicAddress,
    localRoomNames: [RoomName.Lobby],
  });
  // Quick play's joinOrCreate spreads concurrent arrivals over open rooms (matchmaking/quick-play.ts).
  const quickPlay = new QuickPlayAllocator(
    new Set([RoomName.Arena, RoomName.ArenaLarge]),
    // Read when a room is opened, after the options below exist.
    (name) => pilotCap((name === RoomName.ArenaLarge ? largeOptions : quickPlayOptions).settings),
    () => scale.seatable(),
  );
  const prometheus = new PrometheusMetrics({ metrics, faults, quickPlay: quickPlay.stats });
  const live = new LiveFeed(() => matchMaker.processId);
  const guard = new HttpGuard({
    limits,
    validators: JOIN_VALIDATORS,
    byIdValidator: checkJoinOptions,
    faults,
    roomCount,
    draining: () => scale.draining,
    matchmake: async (method, roomName, options, request) => {
      // As Colyseus's own endpoint: no seats once the matchmaker shuts down.
      if (matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN) {
        throw Object.assign(new Error(DRAINING_MESSAGE), { code: 503 });
      }
      const reservation = (await matchMaker.controller.invokeMethod(
        method,
        roomName,
        options,
        createAuthContext({ headers: request.headers, req: request }),
      )) as Record<string, unknown>;
      if (transport.protocol !== undefined) reservation["protocol"] = transport.protocol;
      if (transport.fingerprint !== undefined) reservation["fingerprint"] = transport.fingerprint;
      return reservation;
    },
  });
  // Tests and embedders that name no data folder get a fresh one: nothing shared between runs.
  const dataDir = config.dataDir ?? mkdtempSync(path.join(tmpdir(), "tick-arena-"));
  const ownDataDir = config.dataDir === undefined;
  const tokens = new GuestTokens(loadTokenSecret(config.jwtSecret, dataDir));
  const store = await openPlayerStore({ databaseUrl: config.databaseUrl, dataDir });
  const arenaOptions: ArenaCreateOptions = {
    settings: {
      tickRate: config.tickRate,
      matchSeconds: config.matchSeconds,
      resultsSeconds: config.resultsSeconds,
      ...(config.minPlayers !== undefined ? { minPlayers: config.minPlayers } : {}),
      lagCompensationMs: config.lagCompensationMs ?? LAG_COMPENSATION_MS,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      ...(config.map !== undefined ? { map: config.map } : {}),
      metrics,
      limits,
      faults,
      roomCount,
      store,
      live,
    },
  };
  const largeOptions: ArenaCreateOptions = {
    settings: {
      ...arenaOptions.settings,
      variant: "large",
      ...(config.largeRoomPlayers !== undefined ? { largePlayers: config.largeRoomPlayers } : {}),
    },
  };
  const quickPlayOptions = config.quickPlayMap === "large" ? largeOptions : arenaOptions;

  // Node checks request timeouts every 30 s by default: a 10 s header timeout would be 10–40 s.
  const httpServer = createServer({ maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval: 1000 });
  const transport = new WebSocketTransport({
    server: httpServer,
    pingInterval: PING_INTERVAL_MS,
    pingMaxRetries: PING_MAX_RETRIES,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Set, not inherited from ws's defaults (16,384 fragments, 60 pending pongs): no honest
    // client fragments a 1 KiB message 64 ways or pings 16 times without reading the answers.
    maxFragments: MAX_FRAGMENTS_PER_MESSAGE,
    // ws 8.23 has this option; @types/ws does not know it yet.
    ...({ maxPendingAutoPongs: MAX_PENDING_PONGS } as object),
    beforeUpgrade: (_url, context) => guard.beforeUpgrade(context),
    // Its sockets count messages and bytes in and out (GET /metrics).
    WebSocket: countingWebSocket(metrics.wire),
  });

  const server = defineServer({
    // Quick play fills the fullest open room first; a full room locks itself (maxClients).
    rooms: {
      // Both arena kinds are listed live in the lobby (private and ranked arenas never are).
      [RoomName.Arena]: defineRoom(arenaRoomWithTokens(tokens), quickPlayOptions)
        .sortBy({ clients: -1 })
        .enableRealtimeListing(),
      [RoomName.ArenaLarge]: defineRoom(arenaRoomWithTokens(tokens), largeOptions)
        .sortBy({ clients: -1 })
        .enableRealtimeListing(),
      [RoomName.Lobby]: defineRoom(guardedLobbyRoom(faults, hasRoomCapacity)),
      [RoomName.Ranked]: defineRoom(
        rankedQueueRoom(tokens, store, faults, hasRoomCapacity, () => scale.draining),
        RANKED_QUEUE_OPTIONS,
      ),
    },
    transport,
    // With REDIS_URL: Redis presence and driver shared with sibling processes (scale/).
    ...(scale.presence !== undefined ? { presence: scale.presence } : {}),
    ...(scale.driver !== undefined ? { driver: scale.driver } : {}),
    ...(scale.publicAddress !== undefined ? { publicAddress: scale.publicAddress } : {}),
    ...(scale.selectProcessIdToCreateRoom !== undefined
      ? { selectProcessIdToCreateRoom: scale.selectProcessIdToCreateRoom }
      : {}),
    greet: config.greet ?? false,
    logger: colyseusLogger(faults),
    routes: createRouter(config.monitor !== undefined ? await monitorRoutes(config.monitor) : {}, {
      onRequest: guard.onRequest,
      onResponse: guard.onResponse,
    }),
    // Tests and embedders stop the server themselves; `main.ts` wires the signals.
    gracefullyShutdown: false,
    express: (app) => {
      app.disable("x-powered-by");
      app.get("/healthz", (_req, res, next) => {
        res.setHeader("Cache-Control", "no-store");
        scale
          .processes()
          .then(
            (processes) => {
              res.status(scale.draining ? 503 : 200).json({
                status: scale.draining ? "draining" : "ok",
                uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
                rooms: roomCount(),
                ccu: matchMaker.stats.local.ccu,
                processId: matchMaker.processId,
                clustered: scale.clustered,
                processes,
              });
            },
            // Redis away: this process is still up and says so, with what it knows alone.
            (error: unknown) => {
              res.status(scale.draining ? 503 : 200).json({
                status: scale.draining ? "draining" : "degraded",
                uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
                rooms: roomCount(),
                ccu: matchMaker.stats.local.ccu,
                processId: matchMaker.processId,
                clustered: scale.clustered,
                processes: [],
                error: `process registry unavailable: ${String(error).slice(0, 200)}`,
              });
            },
          )
          .catch(next);
      });
      app.get("/events", (req, res) => live.serveEvents(req, res));
      app.post("/admin/announce", express.json({ limit: 2048 }), (req, res) => {
        if (config.adminToken === undefined) {
          res.status(404).json({ error: "no such route: POST /admin/announce", code: 404 });
          return;
        }
        if (!bearerMatches(req.headers.authorization, config.adminToken)) {
          res.status(401).json({ error: "missing or wrong admin token", code: 401 });
          return;
        }
        const text = oneLine(String((req.body as { text?: unknown } | undefined)?.text ?? ""));
        if (text.length === 0 || text.length > LIVE_TEXT_MAX) {
          res.status(400).json({ error: `text must be 1-${LIVE_TEXT_MAX} characters`, code: 400 });
          return;
        }
        live.publish({ kind: LiveKind.Announcement, text });
        res.status(202).json({ published: true });
      });
      // The JSON figures over a window (tests, the benchmark); /metrics is for Prometheus.
      app.get("/metrics.json", (req, res) => {
        const window = Number(req.query["window"] ?? 10);
        res.setHeader("Cache-Control", "no-store");
        res.json({
          ...metrics.snapshot(Number.isFinite(window) ? window : 10),
          faults: Object.fromEntries(faults.totals),
        });
      });
      app.get("/metrics", (_req, res, next) => {
        prometheus.text().then((text) => {
          res.setHeader("Content-Type", prometheus.contentType);
          res.setHeader("Cache-Control", "no-store");
          res.send(text);
        }, next);
      });
      mountPlayerApi(app, { tokens, store, limit: guard.limitRequest, addressOf: (req) => guard.addressOf(req) });
      if (config.staticDir !== null) serveClient(app, config.staticDir);
      answerJsonErrors(app);
    },
  });

  // Colyseus's listen() never settles when the port cannot be bound (it listens for errors
  // only once listening): race it against the server's first error (EADDRINUSE, EACCES).
  let onListenError: ((error: Error) => void) | undefined;
  const listenFailed = new Promise<never>((_, reject) => {
    onListenError = reject;
    httpServer.once("error", reject);
  });
  try {
    await Promise.race([server.listen(config.port, config.host), listenFailed]);
  } catch (error) {
    await store.close().catch(() => undefined);
    metrics.stop();
    prometheus.stop();
    faults.stop();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (onListenError !== undefined) httpServer.off("error", onListenError);
  }
  // After listen: Colyseus bound its own request listener there; ours must run before it.
  guard.install(httpServer);
  const uninstallQuickPlay =
    config.quickPlayMatchmaker === "colyseus" ? (): void => undefined : installQuickPlay(quickPlay);
  // Listen registered the room handlers; no room exists yet.
  prometheus.countRooms(matchMaker.getAllHandlers());
  await live.attach(matchMaker.presence);
  scale.start();
  const address = httpServer.address() as AddressInfo | null;
  const port = address?.port ?? config.port;
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return {
    server,
    port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    metrics,
    faults,
    store,
    tokens,
    live,
    scale,
    drain: () => scale.drain(),
    stop: async () => {
      metrics.stop();
      prometheus.stop();
      faults.stop();
      await scale.drain();
      await live.close();
      await scale.stop();
      await server.gracefullyShutdown(false);
      uninstallQuickPlay();
      await store.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether an `Authorization` header carries `Bearer <token>` (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") === true ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Serves the built client: hashed assets cached for a year, index.html never cached. */
function serveClient(app: express.Application, staticDir: string): void {
  const dir = path.resolve(staticDir);
  const index = path.join(dir, "index.html");
  if (!existsSync(index)) {
    throw new Error(`no built client at ${dir} (run "npm run build")`);
  }
  app.use("/assets", express.static(path.join(dir, "assets"), { immutable: true, maxAge: "1y", fallthrough: false }));
  app.use(express.static(dir, { index: false, maxAge: "1h", dotfiles: "deny" }));
  app.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
}

/** Everything express does not answer gets a JSON 404; a client's bad request a JSON 4xx. */
function answerJsonErrors(app: express.Application): void {
  app.use((req, res) => {
    res.status(404).json({ error: `no such route: ${req.method} ${req.path.slice(0, 100)}`, code: 404 });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = httpStatusOf(error);
    if (status >= 500) logger.error({ event: "http-error", error: String(error) });
    // The status's own words, never the error's message: a static-file error names paths on disk.
    res.status(status).json({ error: (STATUS_CODES[status] ?? "error").toLowerCase(), code: status });
  });
}

/** The status an express error carries (static file errors carry 403/404/416), else 500. */
function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 600) return status;
  if (error instanceof URIError) return 400;
  return 500;
}
