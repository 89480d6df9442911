/**
 * CLI entry of the bare-`ws` reference server, so the benchmark runs it as its own process pinned
 * to a core like the other two: `PORT=2569 HOST=127.0.0.1 PATCH_BYTES=150 tsx bench/reference/main.ts`.
 * Prints one line `reference listening on <url>` once it accepts connections; SIGTERM/SIGINT stop it.
 */
import { DEFAULT_PATCH_BYTES, PATCH_HEADER_BYTES } from "./protocol.ts";
import { startReferenceServer } from "./ws-server.ts";
import { stopOnSignals } from "../server-kit.ts";

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

const running = await startReferenceServer({
  port: intFromEnv("PORT", 2569, 0, 65535),
  host: process.env.HOST || "127.0.0.1",
  patchBytes: intFromEnv("PATCH_BYTES", DEFAULT_PATCH_BYTES, PATCH_HEADER_BYTES, 64 * 1024),
});
console.log(`reference listening on ${running.url}`);

stopOnSignals(running);
