/**
 * `npm run bench:cluster -- --ci --json` (bench/cluster/cli.ts) end to end, as an operator runs
 * it: real clusters (redis-server, game server processes, nginx with TLS) started and stopped by
 * the benchmark itself, quick plays through nginx, CCU ladders, a SIGKILL. It must finish, print
 * one JSON object whose headline figures are numbers, and meet the sanity rules: no room over
 * its cap, no failed quick play at the CI rate, displaced players back within 10 s.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const NUMERIC_KEYS = [
  "seatP50Ms",
  "seatP95Ms",
  "seatP99Ms",
  "seatFailures",
  "roomsOverCap",
  "ccuOneProcess",
  "ccuTwoProcesses",
  "sigkillListingsGoneMs",
  "sigkillReplayMs",
  "matchmakingRoomsOverCap",
  "matchmakingFailures",
] as const;

/**
 * Runs the benchmark in its own process group: on a timeout the whole group (npm, the benchmark,
 * its clusters and client processes) gets SIGTERM, and SIGKILL 30 s later; npm alone would not
 * pass the signal on.
 */
function runBench(
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "bench:cluster", "--", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const term = setTimeout(() => group("SIGTERM"), timeoutMs);
    const kill = setTimeout(() => group("SIGKILL"), timeoutMs + 30_000);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run bench:cluster -- --ci --json", () => {
  it(
    "measures seats, CCU, a SIGKILL and matchmaking on real clusters and prints sane figures",
    { timeout: 240_000 },
    async () => {
      const { code, stdout, stderr } = await runBench(["--ci", "--json"], 180_000);
      const tail = stderr.split("\n").slice(-60).join("\n");
      expect(code, `exit code; stderr:\n${tail}`).toBe(0);
      const lines = stdout.trim().split("\n");
      expect(lines, "stdout is one JSON line").toHaveLength(1);
      const result = JSON.parse(lines[0]!) as Record<string, unknown>;
      for (const key of NUMERIC_KEYS) {
        expect(typeof result[key], `${key} is a number (stderr:\n${tail})`).toBe("number");
        expect(Number.isFinite(result[key]), `${key} is finite`).toBe(true);
      }
      const n = (key: (typeof NUMERIC_KEYS)[number]): number => result[key] as number;
      expect(n("roomsOverCap"), "rooms over their cap").toBe(0);
      expect(n("matchmakingRoomsOverCap"), "rooms over their cap (matchmaking part)").toBe(0);
      expect(n("matchmakingFailures"), "failed quick plays (matchmaking part)").toBe(0);
      // Both matchmakers measured at the CI rate, each a positive p95.
      const cells = result["matchmakingP95Ms"] as { rate: number; matchmaker: string; p95: number }[];
      expect(cells.map((c) => c.matchmaker).sort()).toEqual(["colyseus", "spread"]);
      for (const c of cells) expect(c.p95, `${c.matchmaker} p95`).toBeGreaterThan(0);
      expect(n("seatFailures"), "failed quick plays").toBe(0);
      expect(n("seatP50Ms")).toBeGreaterThan(0);
      expect(n("seatP50Ms")).toBeLessThanOrEqual(n("seatP95Ms"));
      expect(n("seatP95Ms")).toBeLessThanOrEqual(n("seatP99Ms"));
      expect(n("sigkillListingsGoneMs")).toBeGreaterThan(0);
      expect(n("sigkillReplayMs"), "every displaced bot playing again within 10 s").toBeLessThanOrEqual(10_000);
      expect(n("ccuOneProcess")).toBeGreaterThanOrEqual(0);
      expect(n("ccuTwoProcesses")).toBeGreaterThanOrEqual(0);
    },
  );
});
