/**
 * `npm run bench`: the capacity benchmark in one command. Starts the production Tick Arena
 * server pinned to one core, drives it from the other with light clients plus a few full SDK
 * probes, ramps CCU in steps, and finds the largest CCU per server process at which
 *   p99 tick duration ≤ 25 % of the tick budget and p99 patch inter-arrival ≤ 1.5× the patch
 *   interval (with no failed joins and no disconnects).
 * Then runs the JSON full-state baseline server the same way and reports bytes and CPU per
 * client as ratios. Prints a table and writes bench/results/bench-<time>.json and .html.
 *
 * `npm run bench -- --ci` runs a small, fast variant that keeps the harness honest in CI.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_TICK_RATE, MAX_PLAYERS, PATCH_RATE_HZ } from "../shared/constants.ts";
import { LOOPBACK_LOAD_ENV } from "../server/config.ts";
import type { MetricsSnapshot } from "../server/metrics/server-metrics.ts";
import { baselineLightClient } from "./light/baseline-light-client.ts";
import { createColyseusLightClientFactory } from "./light/colyseus-light-client.ts";
import { fetchGuestTokens, tokenFor } from "./light/guest-tokens.ts";
import { LoadRun, type PhaseStats, type TimelinePoint } from "./load/loadtest.ts";
import { ProbeClient } from "./load/probe-client.ts";
import { serverSampler, readProcStat } from "./load/server-sampler.ts";
import { renderCharts, renderConsoleTable, renderHtml } from "./report.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Benchmark settings (defaults are the full run; `--ci` shrinks them). */
export interface BenchSettings {
  steps: number[];
  baselineSteps: number[];
  holdSeconds: number;
  joinRate: number;
  probes: number;
  outDir: string;
  ci: boolean;
}

/** One CCU step of one server. */
export interface StepResult {
  readonly target: number;
  readonly ccu: number;
  readonly rampUp: PhaseStats;
  readonly hold: PhaseStats;
  readonly server: MetricsSnapshot | null;
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  readonly pass: boolean;
  readonly why: string[];
}

/** The figures of one server under test. */
export interface ServerRun {
  readonly name: string;
  readonly mode: string;
  readonly idleRssBytes: number;
  readonly steps: StepResult[];
  readonly timeline: TimelinePoint[];
  readonly rampDown: PhaseStats | null;
}

/** Everything a benchmark run produced. */
export interface BenchResult {
  readonly startedAt: string;
  readonly settings: BenchSettings;
  readonly machine: { cpus: string; cores: number; memGiB: number; node: string; pinned: boolean };
  readonly limits: { tickBudgetMs: number; tickP99LimitMs: number; patchIntervalMs: number; patchP99LimitMs: number };
  readonly tickArena: ServerRun;
  readonly baseline: ServerRun;
  readonly summary: {
    capacityCcu: number;
    seatP95At500: number | null;
    comparedAtCcu: number | null;
    bytesDownRatio: number | null;
    cpuPerClientRatio: number | null;
    bytesDownPerClientPerSec: number | null;
    memoryPerClientBytes: number | null;
  };
}

const TICK_BUDGET_MS = 1000 / DEFAULT_TICK_RATE;
const PATCH_INTERVAL_MS = 1000 / PATCH_RATE_HZ;
const LIMITS = {
  tickBudgetMs: TICK_BUDGET_MS,
  tickP99LimitMs: 0.25 * TICK_BUDGET_MS,
  patchIntervalMs: PATCH_INTERVAL_MS,
  patchP99LimitMs: 1.5 * PATCH_INTERVAL_MS,
};

function parseArgs(argv: string[]): BenchSettings {
  const ci = argv.includes("--ci");
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (v: string | undefined, d: number[]): number[] =>
    v === undefined
      ? d
      : v
          .split(",")
          .map((x) => Number.parseInt(x, 10))
          .filter((x) => x > 0);
  const settings: BenchSettings = {
    ci,
    steps: list(get("steps"), ci ? [32, 64] : [250, 375, 500, 750, 1000, 1500, 2000, 2500, 3000]),
    baselineSteps: list(get("baseline-steps"), ci ? [32, 64] : [250, 500, 750, 1000, 1500, 2000, 2500]),
    holdSeconds: Number(get("hold") ?? (ci ? 4 : 15)),
    joinRate: Number(get("rate") ?? (ci ? 100 : 500)),
    probes: Number(get("probes") ?? (ci ? 4 : 16)),
    outDir: path.resolve(get("out") ?? path.join(ROOT, "bench", "results")),
  };
  if (settings.steps.length === 0 || !(settings.holdSeconds > 0) || !(settings.joinRate > 0)) {
    throw new Error(
      "usage: npm run bench -- [--ci] [--steps 250,500,...] [--baseline-steps ...] [--hold s] [--rate joins/s] [--probes n] [--out dir]",
    );
  }
  return settings;
}

/** Re-runs this script pinned to the last core, so the server can have core 0 to itself. */
function pinSelf(): boolean {
  if (process.env.BENCH_PINNED === "1") return true;
  if (os.cpus().length < 2 || spawnSync("taskset", ["-V"]).status !== 0) return false;
  const core = String(os.cpus().length - 1);
  const child = spawnSync("taskset", ["-c", core, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(child.status ?? 1);
}

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
 * Starts a server script as its own process, on core 0 when taskset exists. Its data folder
 * (`DATA_DIR`: the token secret and the ratings store) is a fresh temporary one, never the
 * repository's `data/`; the caller removes it after {@link stopProcess}.
 */
async function startProcess(
  script: string,
  pinned: boolean,
): Promise<{ url: string; child: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-bench-data-"));
  const nodeArgs = ["--import", "tsx", path.join(ROOT, script)];
  const [cmd, args] = pinned ? ["taskset", ["-c", "0", process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(cmd, args as string[], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...LOOPBACK_LOAD_ENV,
      PORT: String(port),
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      DATA_DIR: dataDir,
      NODE_ENV: "production",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${script} exited with ${child.exitCode}`);
    }
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child, dataDir };
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${script} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Ramps one server through the CCU steps; stops at the first failing step. */
async function runServer(opts: {
  name: string;
  script: string;
  pinned: boolean;
  steps: number[];
  settings: BenchSettings;
  tickArena: boolean;
}): Promise<ServerRun> {
  const { url, child, dataDir } = await startProcess(opts.script, opts.pinned);
  const pid = child.pid!;
  // Every Tick Arena join needs a guest token. One per client (each its own player id, like real
  // players), all fetched now, before the idle memory reading and the first measured phase: a
  // browser gets its token at the menu, so the token request is neither part of the time to seat
  // nor load on the ramp being measured. Clients beyond the largest step (rejoins) reuse them.
  let tokens: string[] = [];
  try {
    if (opts.tickArena) tokens = await fetchGuestTokens(url, Math.max(...opts.steps) + opts.settings.probes);
  } catch (error) {
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  await new Promise((r) => setTimeout(r, 1500));
  const idleRssBytes = (await readProcStat(pid)).rssBytes;
  const run = new LoadRun({
    url,
    light: opts.tickArena ? createColyseusLightClientFactory({ tokens }) : baselineLightClient,
    probe: opts.tickArena ? (u, i) => new ProbeClient(u, `Probe ${i}`, tokenFor(tokens, i)) : null,
    probes: opts.tickArena ? opts.settings.probes : 0,
    inputRate: DEFAULT_TICK_RATE,
    patchSampleEvery: opts.tickArena ? 20 : 10,
    sampleServer: serverSampler(pid, opts.tickArena ? `${url}/metrics` : null),
    log: (line) => console.log(`  [${opts.name}] ${line}`),
  });
  run.start();
  const steps: StepResult[] = [];
  try {
    for (const target of opts.steps) {
      console.log(`[${opts.name}] step ${target} CCU: ramping at ${opts.settings.joinRate} joins/s`);
      const rampUp = await run.rampTo(target, opts.settings.joinRate);
      const hold = await run.hold(opts.settings.holdSeconds);
      const server = opts.tickArena
        ? await fetch(`${url}/metrics?window=${Math.max(1, Math.floor(opts.settings.holdSeconds) - 1)}`)
            .then((r) => r.json() as Promise<MetricsSnapshot>)
            .catch(() => null)
        : null;
      const step = judge(target, run.ccu, rampUp, hold, server);
      steps.push(step);
      console.log(`[${opts.name}] step ${target}: ${step.pass ? "PASS" : `FAIL (${step.why.join("; ")})`}`);
      if (!step.pass) break;
    }
    const rampDown = await run.rampDown(0, opts.settings.joinRate);
    return {
      name: opts.name,
      mode: opts.tickArena
        ? `light clients (raw WebSocket, pre-encoded inputs) + ${opts.settings.probes} full SDK probes`
        : "light clients (raw WebSocket, JSON inputs)",
      idleRssBytes,
      steps,
      timeline: run.timeline,
      rampDown,
    };
  } finally {
    await run.stop();
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function judge(
  target: number,
  ccu: number,
  rampUp: PhaseStats,
  hold: PhaseStats,
  server: MetricsSnapshot | null,
): StepResult {
  const why: string[] = [];
  const tickP99 = server?.tickMs.p99 ?? null;
  if (tickP99 !== null && tickP99 > LIMITS.tickP99LimitMs)
    why.push(`tick p99 ${tickP99.toFixed(2)} ms > ${LIMITS.tickP99LimitMs.toFixed(2)}`);
  if (hold.patchIntervalMs.count === 0) why.push("no patches measured");
  else if (hold.patchIntervalMs.p99 > LIMITS.patchP99LimitMs)
    why.push(`patch p99 ${hold.patchIntervalMs.p99.toFixed(1)} ms > ${LIMITS.patchP99LimitMs}`);
  if (rampUp.joinsFailed > 0) why.push(`${rampUp.joinsFailed} joins failed`);
  const drops = Object.values(hold.disconnectsByCode).reduce((a, b) => a + b, 0);
  if (drops > 0) why.push(`${drops} disconnects`);
  if (ccu < target) why.push(`only ${ccu} of ${target} connected`);
  return {
    target,
    ccu,
    rampUp,
    hold,
    server,
    cpuPercent: hold.serverCpuPercent,
    rssBytes: hold.serverRssBytes,
    pass: why.length === 0,
    why,
  };
}

function summarise(tickArena: ServerRun, baseline: ServerRun): BenchResult["summary"] {
  const passed = tickArena.steps.filter((s) => s.pass);
  const best = passed.at(-1) ?? null;
  // Compare at the largest CCU both servers passed, else at the first step both ran.
  const common = [...tickArena.steps]
    .reverse()
    .find((s) => s.pass && baseline.steps.some((b) => b.target === s.target && b.pass));
  const at = common ?? tickArena.steps.find((s) => baseline.steps.some((b) => b.target === s.target)) ?? null;
  const b = at === null ? undefined : baseline.steps.find((x) => x.target === at.target);
  const perClientCpu = (s: StepResult): number | null =>
    s.cpuPercent === null || s.ccu === 0 ? null : s.cpuPercent / s.ccu;
  const ratio = (x: number | null | undefined, y: number | null | undefined): number | null =>
    x == null || y == null || y === 0 ? null : x / y;
  const seatRamp = tickArena.steps.find((s) => s.rampUp.joinsOk >= 250);
  return {
    capacityCcu: best?.ccu ?? 0,
    seatP95At500: seatRamp?.rampUp.timeToSeatMs.p95 ?? null,
    comparedAtCcu: at?.target ?? null,
    bytesDownRatio: ratio(b?.hold.bytesDownPerClientPerSec, at?.hold.bytesDownPerClientPerSec),
    cpuPerClientRatio: ratio(b ? perClientCpu(b) : null, at ? perClientCpu(at) : null),
    bytesDownPerClientPerSec: best?.hold.bytesDownPerClientPerSec ?? null,
    memoryPerClientBytes:
      best !== null && best.rssBytes !== null && best.ccu > 0
        ? (best.rssBytes - tickArena.idleRssBytes) / best.ccu
        : null,
  };
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const pinned = pinSelf();
  const startedAt = new Date().toISOString();
  console.log(
    `Tick Arena benchmark${settings.ci ? " (CI variant)" : ""}: server on core 0, load on core ${os.cpus().length - 1}${pinned ? "" : " (taskset unavailable: not pinned)"}`,
  );
  const tickArena = await runServer({
    name: "tick-arena",
    script: "server/main.ts",
    pinned,
    steps: settings.steps,
    settings,
    tickArena: true,
  });
  // The baseline climbs its own steps until it fails too, so both capacities are measured.
  const baseline = await runServer({
    name: "json-baseline",
    script: "bench/baseline/main.ts",
    pinned,
    steps: settings.baselineSteps,
    settings,
    tickArena: false,
  });
  const cpus = os.cpus();
  const result: BenchResult = {
    startedAt,
    settings,
    machine: {
      cpus: cpus[0]?.model ?? "unknown",
      cores: cpus.length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      pinned,
    },
    limits: LIMITS,
    tickArena,
    baseline,
    summary: summarise(tickArena, baseline),
  };
  mkdirSync(settings.outDir, { recursive: true });
  const stem = path.join(settings.outDir, `bench-${startedAt.replace(/[:.]/g, "-")}${settings.ci ? "-ci" : ""}`);
  writeFileSync(`${stem}.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${stem}.html`, renderHtml(result));
  for (const [name, svg] of Object.entries(renderCharts(result))) writeFileSync(`${stem}-${name}.svg`, svg);
  console.log(renderConsoleTable(result));
  console.log(`\nWrote ${stem}.json and ${stem}.html`);
  console.log(
    `(${MAX_PLAYERS}-player rooms, ${DEFAULT_TICK_RATE} Hz simulation, ${PATCH_RATE_HZ} Hz patches, every client sending ${DEFAULT_TICK_RATE} inputs/s)`,
  );
}

await main();
