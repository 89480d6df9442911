/**
 * The benchmark's CI variant, end to end: `npm run bench -- --ci --json` measures all three
 * servers (Tick Arena, the JSON baseline, the bare-`ws` reference) at small scale, prints exactly
 * one JSON object on stdout and writes the result files. Timing limits are not asserted here (the
 * machine is shared, so a step may fail or be invalid); the figures, their types, and the rules
 * that turn runs into verdicts and capacities are. The rules themselves (bench/verdict.ts) and
 * the exact histogram are checked first, on made-up figures.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EMPTY_SUMMARY, ExactHistogram, type LatencySummary } from "../../bench/load/exact-histogram.ts";
import type { BenchResult } from "../../bench/run.ts";
import {
  capacityOf,
  judgeRun,
  majority,
  spread,
  summariseStep,
  type Limits,
  type RunResult,
  type StepSummary,
} from "../../bench/verdict.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SERVERS = ["tick-arena", "json-baseline", "ws-reference"] as const;

function runBench(outDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "bench", "--", "--ci", "--json", "--out", outDir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGINT"), 170_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const LIMITS: Limits = {
  cpuPercentLimit: 90,
  patchP99LimitMs: 75,
  tickBudgetMs: 1000 / 30,
  tickP99LimitMs: 250 / 30,
  patchIntervalMs: 50,
  clientLagP99LimitMs: 20,
  serverCoreOtherLimitPercent: 15,
};

/** A run with only a verdict and a few figures filled in (the rules read nothing else). */
function fakeRun(verdict: RunResult["verdict"], figures: Partial<RunResult> = {}): RunResult {
  return { verdict, target: 100, ccu: 100, cpuPercent: 50, tickP99Ms: null, ...figures } as RunResult;
}

const step = (target: number, verdict: StepSummary["verdict"]): StepSummary => ({ target, verdict }) as StepSummary;

describe("the benchmark's rules", () => {
  it("passes a step on a strict majority of its runs; invalid when half or more are invalid", () => {
    const [p, f, i] = [fakeRun("pass"), fakeRun("fail"), fakeRun("invalid")];
    expect(majority([p])).toBe("pass");
    expect(majority([i])).toBe("invalid");
    expect(majority([p, p, f])).toBe("pass");
    expect(majority([p, p, i])).toBe("pass");
    expect(majority([p, f, f])).toBe("fail");
    expect(majority([p, f, i])).toBe("fail");
    expect(majority([p, i, i])).toBe("invalid");
    expect(majority([p, i])).toBe("invalid");
  });

  it("gives the capacity as the largest step passed with every smaller step passing", () => {
    expect(capacityOf([])).toBe(0);
    expect(capacityOf([step(250, "fail")])).toBe(0);
    expect(capacityOf([step(250, "pass"), step(500, "pass"), step(750, "fail")])).toBe(500);
    expect(capacityOf([step(250, "pass"), step(500, "invalid"), step(750, "pass")])).toBe(250);
  });

  it("reports medians with their spread, over the valid runs only", () => {
    expect(spread([])).toBeNull();
    expect(spread([3, 1, 2])).toStrictEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 2, 3])).toStrictEqual({ median: 2.5, min: 1, max: 4 });
    const zero = { p50: 0, p99: 0, max: 0 };
    const runs = [10, 20, 90].map((cpu, k) =>
      fakeRun(k === 2 ? "invalid" : "pass", {
        cpuPercent: cpu,
        probePatchMs: EMPTY_SUMMARY,
        loadLagMs: zero,
        probeLagMs: zero,
      }),
    );
    const s = summariseStep(100, runs);
    expect(s.verdict).toBe("pass");
    expect(s.votes).toStrictEqual({ pass: 2, fail: 0, invalid: 1 });
    expect(s.cpuPercent).toStrictEqual({ median: 15, min: 10, max: 20 });
  });

  it("judges a run by CPU, probe p99, tick p99, joins and drops; invalid when a client process lagged", () => {
    const lag = (p99: number): { p50: number; p99: number; max: number } => ({ p50: 0, p99, max: p99 });
    const probe = (p99: number): LatencySummary => ({
      ...EMPTY_SUMMARY,
      count: 100,
      p50: 50,
      p99,
    });
    const good = {
      target: 500,
      ccu: 500,
      cpuPercent: 60,
      probePatchMs: probe(60),
      tickP99Ms: 1,
      joinsFailed: 0,
      disconnects: 0,
      loadLagMs: lag(2),
      probeLagMs: lag(2),
      serverCoreOtherPercent: 1,
    };
    expect(judgeRun(LIMITS, good).verdict).toBe("pass");
    expect(judgeRun(LIMITS, { ...good, cpuPercent: 90 }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, probePatchMs: probe(75) }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, probePatchMs: EMPTY_SUMMARY }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, tickP99Ms: 8.4 }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, joinsFailed: 1 }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, disconnects: 1 }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, ccu: 499 }).verdict).toBe("fail");
    expect(judgeRun(LIMITS, { ...good, loadLagMs: lag(21) }).verdict).toBe("invalid");
    expect(judgeRun(LIMITS, { ...good, probeLagMs: lag(21) }).verdict).toBe("invalid");
    // Another process on the server's core voids a failure, not a pass.
    expect(judgeRun(LIMITS, { ...good, serverCoreOtherPercent: 40 }).verdict).toBe("pass");
    expect(judgeRun(LIMITS, { ...good, probePatchMs: probe(90), serverCoreOtherPercent: 40 }).verdict).toBe("invalid");
  });

  it("reports recorded values to 0.1 %, not bucket edges", () => {
    const h = new ExactHistogram();
    for (let ms = 1; ms <= 100; ms++) h.record(ms);
    const s = h.summary();
    expect(s.count).toBe(100);
    expect(s.p50).toBeGreaterThanOrEqual(50);
    expect(s.p50).toBeLessThanOrEqual(50 * 1.001);
    expect(s.p99).toBeGreaterThanOrEqual(99);
    expect(s.p99).toBeLessThanOrEqual(99 * 1.001);
    expect(s.max).toBeLessThanOrEqual(100 * 1.001);
    h.record(74.98);
    expect(h.percentile(100)).toBeGreaterThan(99);
    const one = new ExactHistogram();
    one.record(74.98);
    expect(one.percentile(99)).toBeLessThan(75);
  });
});

describe("npm run bench -- --ci --json", () => {
  it("measures the three servers the same way and prints one JSON object", { timeout: 200_000 }, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "tick-arena-bench-"));
    const { code, stdout, stderr } = await runBench(out);
    expect(code, stderr).toBe(0);

    // Exactly one JSON object on stdout: nothing before or after it.
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(typeof printed, stdout).toBe("object");
    for (const key of [
      "capacityCcu",
      "wsReferenceCcu",
      "baselineCcu",
      "bytesDownPerClientPerSec",
      "memoryPerClientBytes",
      "serverUsPerMessage",
    ]) {
      expect(typeof printed[key], key).toBe("number");
      expect(Number.isFinite(printed[key]), key).toBe(true);
    }
    expect(printed.bytesDownPerClientPerSec as number).toBeGreaterThan(0);
    expect(printed.serverUsPerMessage as number).toBeGreaterThan(0);
    expect(Object.keys(printed.servers as object).sort()).toStrictEqual([...SERVERS].sort());

    // The result file behind it, and the HTML report beside it.
    const file = printed.resultFile as string;
    expect(path.dirname(file)).toBe(out);
    expect(existsSync(file.replace(/\.json$/, ".html"))).toBe(true);
    const r = JSON.parse(readFileSync(file, "utf8")) as BenchResult;
    expect(r.settings.runs).toBe(1);

    for (const kind of SERVERS) {
      const server = r.servers[kind]!;
      expect(server, kind).toBeDefined();
      expect(server.steps.length, kind).toBeGreaterThan(0);
      // The capacity follows the stated rule from the verdicts, which follow from the runs.
      expect(server.capacityCcu, kind).toBe(capacityOf(server.steps));
      for (const step of server.steps) {
        expect(step.runs).toHaveLength(1);
        expect(step.verdict).toBe(majority(step.runs));
      }
      const run = server.steps[0]!.runs[0]!;
      // Every server measured the same way: probes in their own process, the server's own ticks.
      expect(run.ccu, kind).toBe(run.target);
      expect(run.joinsFailed, kind).toBe(0);
      expect(run.probePatchMs.count, kind).toBeGreaterThan(0);
      expect(run.probePatchMs.p99, kind).toBeGreaterThanOrEqual(run.probePatchMs.p50);
      expect(run.server?.tickMs.count, kind).toBeGreaterThan(0);
      expect(run.tickP99Ms, kind).not.toBeNull();
      expect(run.cpuPercent, kind).toBeGreaterThan(0);
      expect(run.messagesIn, kind).toBeGreaterThan(0);
      expect(run.messagesOut, kind).toBeGreaterThan(0);
      expect(run.bytesDownPerClientPerSec, kind).toBeGreaterThan(0);
      expect(Number.isFinite(run.loadLagMs.p99) && Number.isFinite(run.probeLagMs.p99), kind).toBe(true);
      expect(run.timeline.length, kind).toBeGreaterThanOrEqual(3);
    }

    // Only Tick Arena's probes are full SDK clients with input acks.
    expect(r.servers["tick-arena"]!.steps[0]!.runs[0]!.probeAckMs.count).toBeGreaterThan(0);
    // The reference sends Tick Arena's measured mean message size.
    const ta = r.servers["tick-arena"]!;
    const taStep = ta.steps.find((s) => s.target === ta.capacityCcu) ?? ta.steps[0]!;
    expect(r.servers["ws-reference"]!.patchBytes?.bytes).toBe(Math.round(taStep.meanDownMessageBytes.median));

    // Headline figures agree with the per-server tables.
    expect(printed.capacityCcu).toBe(ta.capacityCcu);
    expect(printed.wsReferenceCcu).toBe(r.servers["ws-reference"]!.capacityCcu);
    expect(printed.baselineCcu).toBe(r.servers["json-baseline"]!.capacityCcu);
    if ((printed.wsReferenceCcu as number) > 0) {
      expect(printed.fractionOfTransportLimit).toBeCloseTo(
        (printed.capacityCcu as number) / (printed.wsReferenceCcu as number),
      );
    }
    // Delta patches against full (rounded) JSON state: far fewer bytes even at this small scale.
    expect(r.summary.bytesDownRatio).not.toBeNull();
    expect(r.summary.bytesDownRatio!).toBeGreaterThan(1);
    expect(stderr).toMatch(/Fraction of the transport limit: /);
  });
});
