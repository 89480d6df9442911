/**
 * CLI entry of the JSON baseline server, so the benchmark can run it as its own process pinned to
 * a core: `PORT=2568 HOST=127.0.0.1 tsx bench/baseline/main.ts` (optional `TICK_RATE`, `SEED`).
 * Prints one line `baseline listening on <url>` once it accepts connections; SIGTERM/SIGINT stop it.
 */
import { MAX_TICK_RATE, MIN_TICK_RATE } from "../../shared/constants.ts";
import { startBaselineServer } from "./server.ts";
import { stopOnSignals } from "../server-kit.ts";

function intFromEnv(name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

const port = intFromEnv("PORT", 2568, 0, 65535)!;
const host = process.env.HOST || "127.0.0.1";
const tickRate = intFromEnv("TICK_RATE", undefined, MIN_TICK_RATE, MAX_TICK_RATE);
const seed = intFromEnv("SEED", undefined, 0, 2 ** 31 - 1);

const running = await startBaselineServer({
  port,
  host,
  ...(tickRate !== undefined ? { tickRate } : {}),
  ...(seed !== undefined ? { seed } : {}),
});
console.log(`baseline listening on ${running.url}`);

stopOnSignals(running);
