/**
 * Builds the game server: Colyseus with the WebSocket transport, the `arena` room, a health
 * route and (in production) the built client, all on one port.
 */
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { defineRoom, defineServer, matchMaker, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import { MAX_PAYLOAD_BYTES } from "../shared/constants.ts";
import { RoomName } from "../shared/protocol.ts";
import type { ServerConfig } from "./config.ts";
import { ServerMetrics } from "./metrics/server-metrics.ts";
import { ArenaRoom, type ArenaCreateOptions } from "./rooms/ArenaRoom.ts";

/** Heartbeat: ping every 3 s; a socket that misses two pings in a row is terminated. */
const PING_INTERVAL_MS = 3000;
const PING_MAX_RETRIES = 2;

/** A started game server. */
export interface RunningServer {
  readonly server: Server;
  /** The port actually bound (useful when 0 was asked for). */
  readonly port: number;
  /** Base HTTP URL, e.g. http://127.0.0.1:2567 */
  readonly url: string;
  /** The server's own performance figures (also served at GET /metrics). */
  readonly metrics: ServerMetrics;
  /** Graceful shutdown: locks rooms, disconnects clients (4001), closes the port. */
  stop(): Promise<void>;
}

/** Starts a game server with the given configuration and resolves once it listens. */
export async function startGameServer(config: ServerConfig): Promise<RunningServer> {
  const startedAt = Date.now();
  const metrics = new ServerMetrics(1000 / config.tickRate, () => ({
    ccu: matchMaker.stats.local.ccu,
    rooms: matchMaker.stats.local.roomCount,
  }));
  const arenaOptions: ArenaCreateOptions = {
    settings: {
      tickRate: config.tickRate,
      matchSeconds: config.matchSeconds,
      resultsSeconds: config.resultsSeconds,
      ...(config.seed !== undefined ? { seed: config.seed } : {}),
      ...(config.map !== undefined ? { map: config.map } : {}),
      metrics,
    },
  };
  const transport = new WebSocketTransport({
    pingInterval: PING_INTERVAL_MS,
    pingMaxRetries: PING_MAX_RETRIES,
    maxPayload: MAX_PAYLOAD_BYTES,
  });

  const server = defineServer({
    rooms: { [RoomName.Arena]: defineRoom(ArenaRoom, arenaOptions) },
    transport,
    greet: config.greet ?? false,
    // Tests and embedders stop the server themselves; `main.ts` wires the signals.
    gracefullyShutdown: false,
    express: (app) => {
      app.disable("x-powered-by");
      app.get("/healthz", (_req, res) => {
        res.json({
          status: "ok",
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          rooms: matchMaker.stats.local.roomCount,
          ccu: matchMaker.stats.local.ccu,
        });
      });
      app.get("/metrics", (req, res) => {
        const window = Number(req.query["window"] ?? 10);
        res.setHeader("Cache-Control", "no-store");
        res.json(metrics.snapshot(Number.isFinite(window) ? window : 10));
      });
      if (config.staticDir !== null) serveClient(app, config.staticDir);
    },
  });

  await server.listen(config.port, config.host);
  const address = transport.server?.address() as AddressInfo | null;
  const port = address?.port ?? config.port;
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return {
    server,
    port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    metrics,
    stop: async () => {
      metrics.stop();
      await server.gracefullyShutdown(false);
    },
  };
}

/** Serves the built client: hashed assets cached for a year, index.html never cached. */
function serveClient(app: express.Application, staticDir: string): void {
  const dir = path.resolve(staticDir);
  const index = path.join(dir, "index.html");
  if (!existsSync(index)) {
    throw new Error(`no built client at ${dir} (run "npm run build")`);
  }
  app.use("/assets", express.static(path.join(dir, "assets"), { immutable: true, maxAge: "1y", fallthrough: false }));
  app.use(express.static(dir, { index: false, maxAge: "1h" }));
  app.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
}
