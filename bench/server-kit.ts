/**
 * What the benchmark's own servers (the bare-`ws` reference and the JSON baseline) share, so
 * both do it the same way: `GET /metrics.json?window=N` from the very `ServerMetrics` Tick Arena's
 * server uses (so the harness reads all three servers with one instrument), the WebSocket
 * heartbeat, listening, and stopping on a signal.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import type { ServerMetrics } from "../server/metrics/server-metrics.ts";

/** Heartbeat: a ping every 3 s; a socket that missed 2 in a row is cut (as Tick Arena's transport). */
const PING_INTERVAL_MS = 3000;
const PING_MAX_RETRIES = 2;

/**
 * Answers `GET /metrics.json?window=N` from `metrics`; returns false for any other request so the
 * caller can route it.
 */
export function serveMetrics(metrics: ServerMetrics, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? "/", "http://bench");
  if (req.method !== "GET" || url.pathname !== "/metrics.json") return false;
  const window = Number(url.searchParams.get("window") ?? 10);
  const body = JSON.stringify(metrics.snapshot(Number.isFinite(window) ? window : 10));
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
  return true;
}

/** A connection the heartbeat watches: its pong must reset `missedPings` to 0. */
export interface Heartbeaten {
  readonly socket: WebSocket;
  missedPings: number;
}

/** Pings every peer every 3 s and cuts those that missed two; returns the timer to clear. */
export function startHeartbeat(peers: Iterable<Heartbeaten>): NodeJS.Timeout {
  return setInterval(() => {
    for (const p of peers) {
      if (p.missedPings >= PING_MAX_RETRIES) {
        p.socket.terminate();
        continue;
      }
      p.missedPings += 1;
      if (p.socket.readyState === WebSocket.OPEN) p.socket.ping();
    }
  }, PING_INTERVAL_MS);
}

/** Listens on `port` and `host`; resolves with the address clients should use. */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; host: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, host: host === "0.0.0.0" ? "127.0.0.1" : host };
}

/** Stops `running` on SIGTERM or SIGINT (once), then exits 0, or 1 if stopping failed. */
export function stopOnSignals(running: { stop(): Promise<void> }): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("shutdown failed", error);
          process.exit(1);
        },
      );
    });
  }
}
