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
const running = await startGameServer({ ...config, greet: false });
console.log(`Tick Arena listening on http://${config.host}:${running.port} (tick ${config.tickRate} Hz)`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed", error);
        process.exit(1);
      },
    );
  });
}
