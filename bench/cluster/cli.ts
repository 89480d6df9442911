/**
 * `npm run bench:cluster`: what a cluster (`npm run start:cluster`: Redis, game server processes,
 * nginx with TLS) does on this machine, measured against real clusters on free loopback ports:
 * 1. **seat**: time to seat under open-loop quick-play arrivals (1,000/s for 2 s) across two
 *    processes, failures by kind, no room over its cap, rooms per process (seat.ts);
 * 2. **ccu**: the CCU one and two processes carry by `npm run bench`'s pass rule applied to
 *    every process (ccu.ts);
 * 3. **sigkill**: a process SIGKILLed under 64 SDK bots, until its listings are gone and every
 *    displaced bot plays again (sigkill.ts);
 * 4. **matchmaking**: quick-play matchmaking alone (HTTP, no TLS, no sockets) at several open-loop
 *    rates, our allocator against Colyseus's own joinOrCreate, on fresh two-process clusters
 *    (matchmaking.ts).
 * Each part repeats `--runs` times on fresh clusters; figures are medians with min–max spread,
 * percentiles exact.
 *
 * The cluster's nginx serves a self-signed certificate made here (deploy/tls/make-cert.sh in a
 * temporary folder). Clients must trust it when their process starts (`NODE_EXTRA_CA_CERTS`), so
 * this script re-runs itself with it set; every child (clusters, client processes) inherits it.
 * Every wait is bounded; every child is stopped on exit, on an error, on Ctrl-C and SIGTERM.
 *
 * Output: a table on stdout (progress on stderr), or with `--json` one JSON object on stdout and
 * the table on stderr; always bench/results/cluster-<time>.json. `--ci` is a small variant
 * (about a minute: 200 quick plays at 100/s, one step of 100 CCU on one and on two processes,
 * one SIGKILL, matchmaking at 200/s); `--only seat,ccu,sigkill,matchmaking` runs some parts.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_TICK_RATE, PATCH_RATE_HZ } from "../../shared/constants.ts";
import { measureCcu, type CcuSettings } from "./ccu.ts";
import { Running } from "./client-handle.ts";
import type { BenchContext } from "./common.ts";
import { jsonSummary, renderTable, type ClusterBenchResult } from "./report.ts";
import { measureSeat, type SeatSettings } from "./seat.ts";
import { measureMatchmaking, type MatchmakingSettings } from "./matchmaking.ts";
import { measureSigkill, type SigkillSettings } from "./sigkill.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PARTS = ["seat", "ccu", "sigkill", "matchmaking"] as const;
type Part = (typeof PARTS)[number];

const USAGE = `usage: npm run bench:cluster -- [--ci] [--json] [--only seat,ccu,sigkill,matchmaking] [--runs n]
  [--seat-count n] [--seat-rate n] [--steps 250,500,...] [--hold s] [--mm-rates 200,500,1000]
  [--out dir] [--verbose]`;

export interface ClusterBenchSettings {
  readonly ci: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly parts: readonly Part[];
  readonly outDir: string;
  readonly seat: SeatSettings;
  readonly ccu: CcuSettings;
  readonly sigkill: SigkillSettings;
  readonly matchmaking: MatchmakingSettings;
}

/** Parses the command line; throws with the usage on anything it does not know. */
export function parseArgs(argv: readonly string[]): ClusterBenchSettings {
  const flags = new Set(["ci", "json", "verbose"]);
  const valued = new Set(["only", "runs", "seat-count", "seat-rate", "steps", "hold", "mm-rates", "out"]);
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.startsWith("--") ? a.slice(2) : "";
    if (flags.has(name)) seen.set(name, "true");
    else if (valued.has(name) && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--"))
      seen.set(name, argv[++i]!);
    else throw new Error(`unknown or incomplete argument "${a}"\n${USAGE}`);
  }
  const ci = seen.has("ci");
  const positive = (name: string, fallback: number): number => {
    const v = Number(seen.get(name) ?? fallback);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return v;
  };
  const only = seen.get("only");
  const parts = only === undefined ? [...PARTS] : only.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !(PARTS as readonly string[]).includes(p)))
    throw new Error(`--only takes ${PARTS.join(", ")}\n${USAGE}`);
  const runs = positive("runs", ci ? 1 : 3);
  if (!Number.isInteger(runs)) throw new Error(`--runs must be an integer\n${USAGE}`);
  const stepsRaw = seen.get("steps");
  const steps =
    stepsRaw === undefined
      ? ci
        ? [100]
        : [100, 200, 300, 400, 500, 600, 800, 1000, 1250, 1500]
      : [...new Set(stepsRaw.split(",").map(Number))].sort((a, b) => a - b);
  if (steps.some((x) => !Number.isInteger(x) || x < 2)) throw new Error(`--steps must be CCU counts ≥ 2\n${USAGE}`);
  const seatCount = positive("seat-count", ci ? 200 : 2000);
  // The CI variant stays at a rate this shared 2-core machine carries with TLS and sockets: it
  // checks the harness, and must not fail on the machine's capacity.
  const seatRate = positive("seat-rate", ci ? 100 : 1000);
  const mmRatesRaw = seen.get("mm-rates");
  const mmRates =
    mmRatesRaw === undefined ? (ci ? [200] : [200, 500, 1000]) : [...new Set(mmRatesRaw.split(",").map(Number))];
  if (mmRates.some((x) => !Number.isFinite(x) || x <= 0)) throw new Error(`--mm-rates must be rates > 0\n${USAGE}`);
  return {
    ci,
    json: seen.has("json"),
    verbose: seen.has("verbose"),
    parts: PARTS.filter((p) => parts.includes(p)),
    outDir: path.resolve(seen.get("out") ?? path.join(ROOT, "bench", "results")),
    seat: {
      count: Math.floor(seatCount),
      rate: seatRate,
      warmup: ci ? 16 : 32,
      runs,
      connectTimeoutMs: 15_000,
      maxLateP99Ms: 50,
      maxOtherCpuPercent: 25,
    },
    ccu: {
      ladders: [1, 2],
      steps,
      runs,
      holdSeconds: positive("hold", ci ? 4 : 8),
      settleSeconds: ci ? 1 : 2,
      rampRate: 250,
      probes: 16,
      inputRate: DEFAULT_TICK_RATE,
      lightTapEvery: 10,
      limits: { cpuPercent: 90, patchP99Ms: 1.5 * (1000 / PATCH_RATE_HZ), clientLagP99Ms: 20, otherCpuPercent: 25 },
    },
    sigkill: { bots: 64, runs, staggerMs: 20, timeoutMs: 20_000 },
    matchmaking: { rates: mmRates, count: ci ? 400 : 1000, runs, maxLateP99Ms: 50, timeoutMs: 15_000 },
  };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The outer process: makes the certificate, runs this script again with it trusted, passes on
 * its exit code, and removes the certificate. Ctrl-C reaches both (one process group); the inner
 * one cleans up, the outer one waits for it.
 */
async function runOuter(): Promise<void> {
  try {
    parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-bench-tls-"));
  const made = spawnSync("bash", [path.join(ROOT, "deploy", "tls", "make-cert.sh"), dir], { encoding: "utf8" });
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    log(`bench:cluster: could not make a certificate: ${made.stderr || made.stdout}`);
    process.exit(1);
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, "cert.pem"), BENCH_CLUSTER_TLS_DIR: dir },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // The inner process stops everything; make sure it heard.
      if (child.exitCode === null) child.kill(signal);
    });
  }
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (c, s) => resolve([c, s])),
  );
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? (signal !== null ? 130 : 1));
}

async function runInner(tlsDir: string): Promise<void> {
  let settings: ClusterBenchSettings;
  try {
    settings = parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const running = new Running();
  process.on("exit", () => running.killNow());
  let stopping = false;
  const abort = (code: number): void => {
    if (stopping) return;
    stopping = true;
    log("bench:cluster: stopping every cluster and client process…");
    void running.stopAll().finally(() => process.exit(code));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort(130));

  const ctx: BenchContext = {
    tls: { cert: path.join(tlsDir, "cert.pem"), key: path.join(tlsDir, "key.pem") },
    running,
    verbose: settings.verbose,
    log,
  };
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  log(
    `Tick Arena cluster benchmark${settings.ci ? " (CI variant)" : ""}: ${settings.parts.join(", ")}; ` +
      `${os.cpus().length} cores shared by servers, nginx, Redis and clients`,
  );
  try {
    const has = (p: Part): boolean => settings.parts.includes(p);
    const seat = has("seat") ? await measureSeat(ctx, settings.seat) : null;
    const ccu = has("ccu") ? await measureCcu(ctx, settings.ccu) : null;
    const sigkill = has("sigkill") ? await measureSigkill(ctx, settings.sigkill) : null;
    const matchmaking = has("matchmaking") ? await measureMatchmaking(ctx, settings.matchmaking) : null;
    const result: ClusterBenchResult = {
      startedAt,
      finishedAt: new Date().toISOString(),
      ci: settings.ci,
      machine: { cpus: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version },
      seat,
      ccu,
      sigkill,
      matchmaking,
    };
    mkdirSync(settings.outDir, { recursive: true });
    const file = path.join(
      settings.outDir,
      `cluster-${startedAt.replace(/[:.]/g, "-")}${settings.ci ? "-ci" : ""}.json`,
    );
    writeFileSync(file, JSON.stringify({ settings, ...result }, null, 2));
    const table = renderTable(result);
    if (settings.json) {
      log(table);
      process.stdout.write(`${JSON.stringify(jsonSummary(result, file))}\n`);
    } else {
      console.log(table);
      console.log(`\nWrote ${file}`);
    }
    log(`bench:cluster: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } catch (error) {
    log(`bench:cluster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    stopping = true;
    await running.stopAll();
    process.exit(1);
  }
}

const tlsDir = process.env["BENCH_CLUSTER_TLS_DIR"];
if (tlsDir === undefined || tlsDir === "") await runOuter();
else await runInner(tlsDir);
