/**
 * Production entry: reads the environment, starts the game server with the built client,
 * keeps serving through stray errors (process-safety.ts), and shuts down gracefully on
 * SIGTERM/SIGINT (rooms lock, clients get close code 4001).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configFromEnv } from "./config.ts";
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

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining, then shutting down`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed", error);
        process.exit(1);
      },
    );
  });
}
