/**
 * The benchmark's CI variant, end to end: `npm run bench -- --ci` starts both servers, drives
 * them with light clients and probes at small scale, and writes a result with every figure
 * filled in. Timing limits are not asserted here (the machine is shared); the figures are.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BenchResult } from "../../bench/run.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

function runBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "bench", "--", "--ci", "--out", outDir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("npm run bench -- --ci", () => {
  it("measures both servers and writes the JSON and HTML report", { timeout: 180_000 }, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "tick-arena-bench-"));
    const { code, output } = await runBench(out);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Capacity: \d+ CCU/);
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith("-ci.json"));
    expect(json, files.join(",")).toBeDefined();
    expect(files).toContain(json!.replace(/\.json$/, ".html"));
    const r = JSON.parse(readFileSync(path.join(out, json!), "utf8")) as BenchResult;

    for (const run of [r.tickArena, r.baseline]) {
      expect(run.steps.length).toBeGreaterThan(0);
      const first = run.steps[0]!;
      expect(first.ccu).toBe(first.target);
      expect(first.rampUp.joinsFailed).toBe(0);
      expect(first.hold.patchIntervalMs.count).toBeGreaterThan(0);
      expect(first.hold.bytesDownPerClientPerSec).toBeGreaterThan(0);
      expect(first.hold.bytesUpPerClientPerSec).toBeGreaterThan(0);
      expect(first.cpuPercent).toBeGreaterThan(0);
      expect(run.timeline.length).toBeGreaterThan(3);
    }
    const ta = r.tickArena.steps[0]!;
    expect(ta.server?.tickMs.count).toBeGreaterThan(0);
    expect(ta.hold.inputAckMs.count).toBeGreaterThan(0);
    expect(r.summary.bytesDownRatio).not.toBeNull();
    expect(r.summary.cpuPerClientRatio).not.toBeNull();
    // Delta patches against full JSON state: far fewer bytes even at this small scale.
    expect(r.summary.bytesDownRatio!).toBeGreaterThan(1);
    console.log(output.slice(output.indexOf("server  target")));
  });
});
