/**
 * `npm run dev`: one command for development. Runs the game server under `tsx watch`
 * (restarts on server/ or shared/ changes) and the Vite dev server with hot reload; the page
 * Vite serves connects to the game server on its own port (see client/src/net/server-url.ts).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { DEFAULT_PORT } from "../shared/constants.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const gamePort = process.env.PORT ?? String(DEFAULT_PORT);

const game = spawn(
  process.execPath,
  [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "watch", "server/main.ts"],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PORT: gamePort, STATIC_DIR: "", HOST: process.env.HOST ?? "127.0.0.1" },
  },
);

const vite = await createServer({ configFile: path.join(root, "vite.config.ts") });
await vite.listen();
vite.printUrls();
console.log(`  ➜  Game server: http://127.0.0.1:${gamePort} (health: /healthz)\n`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  game.kill("SIGTERM");
  await vite.close();
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
