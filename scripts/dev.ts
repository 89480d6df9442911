/**
 * `npm run dev`: one command for development. Runs the game server under `tsx watch`
 * (restarts on server/ or shared/ changes) and the Vite dev server with hot reload; the page
 * Vite serves connects to the game server on its port (`PORT`, default 2567, handed to the page
 * as `VITE_GAME_PORT`; see client/src/net/server-url.ts). The page itself is on `VITE_PORT`
 * (default 5173). A taken port stops the command with one line and a non-zero exit, before
 * anything starts.
 */
import { spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { DEFAULT_PORT } from "../shared/constants.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const gamePort = Number(process.env.PORT ?? DEFAULT_PORT);
const gameHost = process.env.HOST ?? "127.0.0.1";
/** The page's own port (Vite): `VITE_PORT`, default 5173 (vite.config.ts). */
const vitePort = Number(process.env.VITE_PORT ?? 5173);
const viteHost = "127.0.0.1";

for (const [name, port] of [
  ["PORT", gamePort],
  ["VITE_PORT", vitePort],
] as const) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`npm run dev: ${name} must be a port number (1-65535), not "${process.env[name]}"`);
    process.exit(2);
  }
}

/** Resolves with the error code when `port` cannot be bound on `host`, or null when it is free. */
function portProblem(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

for (const [name, port, host, what] of [
  ["PORT", gamePort, gameHost, "another game server?"],
  ["VITE_PORT", vitePort, viteHost, "another dev server?"],
] as const) {
  const problem = await portProblem(port, host);
  if (problem !== null) {
    const why = problem === "EADDRINUSE" ? `is already in use (${what})` : `cannot be used (${problem})`;
    console.error(`npm run dev: port ${port} on ${host} ${why}; choose another with ${name}=<port> npm run dev`);
    process.exit(1);
  }
}

// The page learns the game server's port from Vite's env (import.meta.env.VITE_GAME_PORT).
process.env.VITE_GAME_PORT = String(gamePort);

const game = spawn(
  process.execPath,
  [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "watch", "server/main.ts"],
  {
    cwd: root,
    stdio: "inherit",
    // No drain window unless asked for (DRAIN_SECONDS): no load balancer watches a dev server,
    // and tsx watch restarts it with SIGTERM on every change (SIGKILL after 5 s).
    env: {
      ...process.env,
      PORT: String(gamePort),
      STATIC_DIR: "",
      HOST: gameHost,
      DRAIN_SECONDS: process.env.DRAIN_SECONDS ?? "0",
    },
  },
);
const gameExited = new Promise<void>((resolve) => game.once("exit", () => resolve()));

const vite = await createServer({
  configFile: path.join(root, "vite.config.ts"),
  server: { port: vitePort, host: viteHost, strictPort: true },
});
await vite.listen();
vite.printUrls();
console.log(`  ➜  Game server: http://${gameHost}:${gamePort} (health: /healthz)\n`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  game.kill("SIGTERM");
  // The game server's port is free when this returns (tsx watch kills it 5 s after SIGTERM).
  await Promise.all([vite.close(), Promise.race([gameExited, new Promise((r) => setTimeout(r, 8000))])]);
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
game.on("exit", (code) => {
  if (!stopping) {
    console.error(`game server exited (${code ?? "signal"})`);
    void stop(code ?? 1);
  }
});
