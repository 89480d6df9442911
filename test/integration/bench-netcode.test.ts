/**
 * The netcode benchmark's CI variant, end to end: `npm run bench:netcode -- --ci --json` starts
 * its servers, measures every figure (headless Chromium included) and prints exactly one JSON
 * object on stdout. Targets are not asserted here (the machine is shared and the benchmark
 * reports them itself); what must hold on any machine is: every figure is there and finite,
 * prediction is exact, lag compensation beats none, the tick rate keeps up, and a held key at
 * ~5 fps moves the ship nearly as far as it should.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

const KEYS = [
  "keyToMoveMsP50",
  "keyToMoveMsP95",
  "reconcileCorrectionPx",
  "holdDistanceRatio5fps",
  "hitRateCompensated",
  "hitRateUncompensated",
  "remoteJumpFrames",
  "bytesPerEntityUpdate",
  "downKBps16",
  "downKBps64",
  "upKBps",
  "tickRateErrorPct",
] as const;

/** Runs the benchmark; SIGTERM after `timeoutMs` (it then stops its servers), SIGKILL 5 s later. */
function runBench(timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "bench:netcode", "--", "--ci", "--json"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const term = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 5000);
    child.on("exit", (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run bench:netcode -- --ci --json", () => {
  it("prints one JSON object with every netcode figure", { timeout: 150_000 }, async () => {
    const { code, stdout, stderr } = await runBench(140_000);
    const tail = stderr.split("\n").slice(-30).join("\n");
    expect(code, tail).toBe(0);
    const text = stdout.trim();
    expect(text.startsWith("{") && text.endsWith("}") && !text.includes("\n"), `stdout:\n${stdout}`).toBe(true);
    const result = JSON.parse(text) as Record<string, unknown>;

    for (const key of KEYS) {
      expect(typeof result[key], `${key} in ${text.slice(0, 400)}`).toBe("number");
      expect(Number.isFinite(result[key]), key).toBe(true);
    }
    const r = result as Record<(typeof KEYS)[number], number>;
    expect(r.reconcileCorrectionPx).toBe(0);
    expect(r.hitRateCompensated).toBeGreaterThan(r.hitRateUncompensated);
    expect(r.tickRateErrorPct).toBeLessThan(2);
    expect(r.holdDistanceRatio5fps).toBeGreaterThan(0.9);
    console.log(KEYS.map((k) => `${k}=${r[k]}`).join(" "));
  });
});
