/**
 * Measuring one server the benchmark's way. For every run of every step:
 * 1. a fresh server process (Tick Arena, the JSON baseline or the bare-`ws` reference), pinned to
 *    core 0, with a fresh data folder;
 * 2. two load child processes pinned to the last core (bench/load/worker.ts): one drives the
 *    light clients, the other the full probes; both ramp at the same time so the probes spread
 *    over the rooms;
 * 3. a settle, then the hold: the parent reads the server's CPU and RSS from /proc, each worker
 *    its clients' figures and its own event-loop lag, and the server its tick durations
 *    (`GET /metrics.json`);
 * 4. the run is judged (verdict.ts); an invalid run (a client process lagged) is re-run once.
 * Steps climb until one does not pass by majority. Progress goes to stderr.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOOPBACK_LOAD_ENV, SERVER_NODE_FLAGS } from "../server/config.ts";
import type { MetricsSnapshot } from "../server/metrics/server-metrics.ts";
import { fetchGuestTokens } from "./light/guest-tokens.ts";
import type { PhaseStats } from "./load/loadtest.ts";
import { coreBusyPercent, readCoreStat, readProcStat } from "./load/server-sampler.ts";
import { LoadWorker } from "./load/worker-handle.ts";
import type { ServerKind } from "./load/worker-protocol.ts";
import { judgeRun, summariseStep, type Limits, type RunResult, type StepSummary } from "./verdict.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The entry script of each server. */
const SCRIPTS: Record<ServerKind, string> = {
  "tick-arena": "server/main.ts",
  "json-baseline": "bench/baseline/main.ts",
  "ws-reference": "bench/reference/main.ts",
};

/** How every server is measured (the same for all three). */
export interface MeasureSettings {
  readonly runs: number;
  readonly holdSeconds: number;
  readonly settleSeconds: number;
  readonly joinRate: number;
  readonly probes: number;
  readonly inputRate: number;
  /** One light client in this many also times its patches (informational). */
  readonly lightPatchSampleEvery: number;
  /** Pin servers to core 0 and clients to the last core. */
  readonly pinned: boolean;
  readonly verbose: boolean;
  readonly limits: Limits;
}

/** Every child process the benchmark started, so an abort can kill them all. */
export class ChildRegistry {
  private readonly alive = new Set<ChildProcess>();

  track = (child: ChildProcess, alive: boolean): void => {
    if (alive) this.alive.add(child);
    else this.alive.delete(child);
  };

  /** Kills every child still running (on abort or exit). */
  killAll(): void {
    for (const child of this.alive) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    this.alive.clear();
  }
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A bound for a race: its timer does not keep the process alive once the race is won. */
const atMost = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a !== null ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The V8 flags of every measured server (all three the same way): the production ones, or for an
 * A/B the space-separated list in BENCH_SERVER_NODE_FLAGS (set but empty: none).
 */
export function serverNodeFlags(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const override = env["BENCH_SERVER_NODE_FLAGS"];
  return override === undefined ? SERVER_NODE_FLAGS : override.split(" ").filter((f) => f !== "");
}

interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
}

/**
 * Starts a server as its own process (on core 0 when pinned), its output on our stderr, its data
 * folder (`DATA_DIR`: Tick Arena's token secret and ratings store) a fresh temporary one, never
 * the repository's `data/`; resolves once `/healthz` answers.
 */
async function startServer(
  kind: ServerKind,
  pinned: boolean,
  env: Record<string, string>,
  registry: ChildRegistry,
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-bench-data-"));
  const nodeArgs = [...serverNodeFlags(), "--import", "tsx", path.join(ROOT, SCRIPTS[kind])];
  const [cmd, args] = pinned ? ["taskset", ["-c", "0", process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      // Stopping a bench server is not a deploy to drain.
      DRAIN_SECONDS: "0",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      DATA_DIR: dataDir,
      NODE_ENV: "production",
    },
    stdio: ["ignore", 2, 2],
  });
  registry.track(child, true);
  child.once("exit", () => registry.track(child, false));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const failure =
      child.exitCode !== null ? `exited with ${child.exitCode}` : Date.now() > deadline ? "did not start" : null;
    if (failure !== null) {
      child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${SCRIPTS[kind]} ${failure}`);
    }
    const up = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, child, dataDir };
    await sleep(200);
  }
}

/** SIGTERM, then SIGKILL after 10 s; removes the data folder. */
async function stopServer(server: RunningServer): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, atMost(10_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

/** Probes for a step: the configured count, but never more than an eighth of the clients. */
export function probesFor(target: number, probes: number): number {
  return Math.max(1, Math.min(probes, Math.floor(target / 8)));
}

const sumCounts = (...maps: Record<string, number>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** One run of one step on a fresh server. */
async function measureOnce(
  kind: ServerKind,
  target: number,
  run: number,
  attempt: number,
  settings: MeasureSettings,
  env: Record<string, string>,
  registry: ChildRegistry,
): Promise<RunResult> {
  const probes = probesFor(target, settings.probes);
  const lightCount = target - probes;
  const server = await startServer(kind, settings.pinned, env, registry);
  const pid = server.child.pid!;
  const workers: LoadWorker[] = [];
  try {
    // Every Tick Arena join needs a guest token, one per client (its own player id), all fetched
    // before anything is measured: a browser gets its token at the menu, not while joining.
    const tokens = kind === "tick-arena" ? await fetchGuestTokens(server.url, target) : [];
    const core = settings.pinned ? os.cpus().length - 1 : null;
    const common = { server: kind, url: server.url, inputRate: settings.inputRate, core, track: registry.track };
    const [probe, load] = await Promise.all([
      LoadWorker.start({
        ...common,
        role: "probe",
        tokens: tokens.slice(0, probes),
        patchSampleEvery: 1,
        verbose: settings.verbose,
      }),
      LoadWorker.start({
        ...common,
        role: "load",
        tokens: tokens.slice(probes),
        patchSampleEvery: settings.lightPatchSampleEvery,
        verbose: false,
      }),
    ]);
    workers.push(probe, load);
    await sleep(1500);
    const idleRssBytes = (await readProcStat(pid)).rssBytes;

    // Both ramps take the same time, so the probes join spread over the rooms, not all in one.
    const rampSeconds = Math.max(1, lightCount) / settings.joinRate;
    const [probeRamp, loadRamp] = await Promise.all([
      probe.rampTo(probes, Math.max(1, probes / rampSeconds)),
      load.rampTo(lightCount, settings.joinRate),
    ]);
    await sleep(settings.settleSeconds * 1000);

    // The hold: server CPU from /proc over exactly the window, RSS and CPU once a second.
    const core0 = settings.pinned ? await readCoreStat(0) : null;
    const cpu0 = await readProcStat(pid);
    const t0 = performance.now();
    let rssBytes = cpu0.rssBytes;
    const cpuPerSecond: number[] = [];
    let last = { cpuSeconds: cpu0.cpuSeconds, at: t0 };
    const sampler = setInterval(() => {
      void readProcStat(pid).then(
        (s) => {
          const now = performance.now();
          cpuPerSecond.push(((s.cpuSeconds - last.cpuSeconds) / ((now - last.at) / 1000)) * 100);
          last = { cpuSeconds: s.cpuSeconds, at: now };
          rssBytes = Math.max(rssBytes, s.rssBytes);
        },
        () => undefined,
      );
    }, 1000);
    const [probeHold, loadHold] = await Promise.all([
      probe.hold(settings.holdSeconds),
      load.hold(settings.holdSeconds),
    ]).finally(() => clearInterval(sampler));
    const cpu1 = await readProcStat(pid);
    const core1 = settings.pinned ? await readCoreStat(0) : null;
    const wallSeconds = (performance.now() - t0) / 1000;
    rssBytes = Math.max(rssBytes, cpu1.rssBytes);
    const window = Math.max(1, Math.floor(settings.holdSeconds) - 1);
    const metrics = await fetch(`${server.url}/metrics.json?window=${window}`, { signal: AbortSignal.timeout(5000) })
      .then((r) => (r.ok ? (r.json() as Promise<MetricsSnapshot>) : null))
      .catch(() => null);

    const serverCpuMicros = (cpu1.cpuSeconds - cpu0.cpuSeconds) * 1e6;
    const cpuPercent = (cpu1.cpuSeconds - cpu0.cpuSeconds) / wallSeconds / 0.01;
    const serverCoreOtherPercent =
      core0 === null || core1 === null ? null : Math.max(0, coreBusyPercent(core0, core1) - cpuPercent);
    const phases: PhaseStats[] = [probeRamp, loadRamp, probeHold.phase, loadHold.phase];
    const disconnectsByCode = sumCounts(...phases.map((p) => p.disconnectsByCode));
    const disconnects = Object.values(disconnectsByCode).reduce((a, b) => a + b, 0);
    const joinsFailed = probeRamp.joinsFailed + loadRamp.joinsFailed;
    const ccu = probeHold.phase.ccuEnd + loadHold.phase.ccuEnd;
    const messagesIn = probeHold.phase.framesOut + loadHold.phase.framesOut;
    const messagesOut = probeHold.phase.framesIn + loadHold.phase.framesIn;
    const tickP99Ms = metrics !== null && metrics.tickMs.count > 0 ? metrics.tickMs.p99 : null;
    const judged = judgeRun(settings.limits, {
      target,
      ccu,
      cpuPercent,
      probePatchMs: probeHold.phase.patchIntervalMs,
      tickP99Ms,
      joinsFailed,
      disconnects,
      loadLagMs: loadHold.phase.loadLagMs,
      probeLagMs: probeHold.phase.loadLagMs,
      serverCoreOtherPercent,
    });
    return {
      target,
      run,
      attempt,
      ccu,
      ...judged,
      probes,
      cpuPercent,
      serverCoreOtherPercent,
      serverCpuMicros,
      idleRssBytes,
      rssBytes,
      memoryPerClientBytes: ccu > 0 ? (rssBytes - idleRssBytes) / ccu : 0,
      probePatchMs: probeHold.phase.patchIntervalMs,
      probeAckMs: probeHold.phase.inputAckMs,
      lightPatchMs: loadHold.phase.patchIntervalMs,
      timeToSeatMs: loadRamp.timeToSeatMs,
      loadLagMs: loadHold.phase.loadLagMs,
      probeLagMs: probeHold.phase.loadLagMs,
      joinsFailed,
      joinErrors: sumCounts(probeRamp.joinErrors, loadRamp.joinErrors),
      disconnectsByCode,
      bytesDownPerClientPerSec: loadHold.phase.bytesDownPerClientPerSec,
      bytesUpPerClientPerSec: loadHold.phase.bytesUpPerClientPerSec,
      meanDownMessageBytes: loadHold.phase.framesIn > 0 ? loadHold.phase.bytesIn / loadHold.phase.framesIn : 0,
      messagesIn,
      messagesOut,
      serverUsPerMessage: messagesIn + messagesOut > 0 ? serverCpuMicros / (messagesIn + messagesOut) : 0,
      holdSeconds: wallSeconds,
      server: metrics,
      tickP99Ms,
      timeline: probeHold.timeline.map((p, i) => ({
        t: i + 1,
        probePatchP99Ms: p.patchP99Ms,
        probeLagP99Ms: p.loadLagP99Ms,
        cpuPercent: cpuPerSecond[i] ?? null,
      })),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await stopServer(server);
  }
}

const f1 = (v: number): string => v.toFixed(1);

function runLine(kind: ServerKind, r: RunResult): string {
  const tick = r.tickP99Ms === null ? "–" : r.tickP99Ms.toFixed(2);
  const status =
    r.verdict === "pass"
      ? "pass"
      : r.verdict === "fail"
        ? `FAIL (${r.why.join("; ")})`
        : `INVALID (${r.invalidWhy.join("; ")})`;
  return (
    `[${kind}] ${r.target} CCU run ${r.run}${r.attempt > 1 ? " (re-run)" : ""}: ccu ${r.ccu}, cpu ${f1(r.cpuPercent)} %, ` +
    `probe p99 ${f1(r.probePatchMs.p99)} ms, tick p99 ${tick} ms, ${f1(r.serverUsPerMessage)} µs/msg, ` +
    `lag load/probe ${f1(r.loadLagMs.p99)}/${f1(r.probeLagMs.p99)} ms, core 0 other ${r.serverCoreOtherPercent === null ? "–" : f1(r.serverCoreOtherPercent)} %: ${status}`
  );
}

/**
 * Climbs one server's steps, each measured `settings.runs` times on a fresh server, and stops at
 * the first step that does not pass by majority.
 */
export async function measureServer(
  kind: ServerKind,
  steps: readonly number[],
  settings: MeasureSettings,
  env: Record<string, string>,
  registry: ChildRegistry,
): Promise<StepSummary[]> {
  const summaries: StepSummary[] = [];
  for (const target of steps) {
    const runs: RunResult[] = [];
    const discarded: RunResult[] = [];
    for (let run = 1; run <= settings.runs; run++) {
      log(`[${kind}] step ${target} CCU, run ${run} of ${settings.runs}`);
      let r = await measureOnce(kind, target, run, 1, settings, env, registry);
      log(runLine(kind, r));
      if (r.verdict === "invalid") {
        // A lagging client process says nothing about the server: measure once more.
        discarded.push(r);
        r = await measureOnce(kind, target, run, 2, settings, env, registry);
        log(runLine(kind, r));
      }
      runs.push(r);
    }
    const step = summariseStep(target, runs, discarded);
    summaries.push(step);
    log(
      `[${kind}] step ${target}: ${step.verdict.toUpperCase()} (${step.votes.pass} pass, ${step.votes.fail} fail, ${step.votes.invalid} invalid)`,
    );
    if (step.verdict !== "pass") break;
  }
  return summaries;
}
