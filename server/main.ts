/**
 * Production entry: reads the environment, starts the game server with the built client,
 * keeps serving through stray errors (process-safety.ts), and shuts down gracefully on
 * SIGTERM/SIGINT: it drains for `DRAIN_SECONDS` (default 2; matchmaking and `/healthz` answer
 * 503, seated players play on), then rooms lock and clients get close code 4001.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configFromEnv, DEFAULT_DRAIN_SECONDS } from "./config.ts";
import { startGameServer } from "./app.ts";
import { installProcessSafety } from "./process-safety.ts";

installProcessSafety();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = configFromEnv(process.env, path.join(root, "dist", "client"), path.join(root, "data"));
const running = await startGameServer({ ...config, greet: false }).catch((error: unknown) => {
  // The usual start failure gets one line a person can act on, not a stack trace.
  if ((error as NodeJS.ErrnoException | null)?.code === "EADDRINUSE") {
    console.error(`Tick Arena: port ${config.port} on ${config.host} is already in use; set PORT to a free port`);
  } else {
    console.error(`Tick Arena could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
// A URL you can click: "0.0.0.0" (every interface) is reached from this machine as localhost.
const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
const cluster = running.scale.clustered ? `, Redis cluster as ${config.publicAddress ?? "its own address"}` : "";
console.log(`Tick Arena listening on http://${shownHost}:${running.port} (tick ${config.tickRate} Hz${cluster})`);

// SIGTERM/SIGINT: drain first (matchmaking and /healthz answer 503, so a load balancer polling
// /healthz takes this process out; seated players play on), then stop (rooms lock, players get
// 4001) and exit 0. A second signal during the drain (1 s or more after the first) stops at once,
// and so does the first with DRAIN_SECONDS=0.
const drainSeconds = config.drainSeconds ?? DEFAULT_DRAIN_SECONDS;
/**
 * A repeat this soon after the first signal is the same request delivered twice, not a second
 * one: Ctrl-C or systemd signal the whole process group, and npm and tsx relay it once more.
 */
const REPEAT_MS = 1000;
let phase: "serving" | "draining" | "stopping" = "serving";
let drainStartedAt = 0;
let drainTimer: NodeJS.Timeout | undefined;

function shutDown(why: string): void {
  if (phase === "stopping") return;
  phase = "stopping";
  clearTimeout(drainTimer);
  console.log(`${why}: shutting down (rooms close with 4001)`);
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("shutdown failed", error);
      process.exit(1);
    },
  );
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (phase === "stopping") return;
    if (phase === "draining") {
      if (performance.now() - drainStartedAt < REPEAT_MS) return;
      return shutDown(`${signal} during the drain`);
    }
    if (drainSeconds === 0) return shutDown(`${signal} (DRAIN_SECONDS=0)`);
    phase = "draining";
    drainStartedAt = performance.now();
    console.log(`${signal}: draining for ${drainSeconds} s, then shutting down`);
    drainTimer = setTimeout(() => shutDown(`drained for ${drainSeconds} s`), drainSeconds * 1000);
    running.drain().catch((error: unknown) => console.error("drain failed", error));
  });
}
