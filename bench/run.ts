/**
 * `npm run bench`: the capacity benchmark in one command. Measures three servers the same way,
 * each on core 0 with its clients on the last core:
 * - **tick-arena**: the production server (server/main.ts);
 * - **json-baseline**: the naive pattern without Colyseus, full state as (rounded) JSON (bench/baseline);
 * - **ws-reference**: a bare `ws` server moving the same messages of the same sizes and doing
 *   nothing else (bench/reference): the transport's limit on this machine.
 * Each climbs the same CCU steps; every step runs `--runs` times on a fresh server, light clients
 * and full probes in two separate child processes (bench/measure.ts). A run passes when server CPU
 * < 90 % of its core, the probes' p99 patch inter-arrival < 75 ms, the server's p99 tick ≤ 25 % of
 * the tick budget, with no failed joins and no disconnects; it is invalid (re-run once) when either
 * client process's event-loop lag p99 > 20 ms, or when it failed while the server's core was more
 * than 15 % busy with other work. A step's verdict is the majority of its runs, its
 * figures the medians with min–max spread; a server's capacity is the largest step passed with
 * every smaller step passed too. The run prints Tick Arena's "fraction of the transport limit".
 *
 * Output: a table on stdout (progress on stderr), or with `--json` exactly one JSON object on
 * stdout; always bench/results/bench-<time>.json and .html (plus SVG plots).
 * `npm run bench -- --ci` runs a small, fast variant that keeps the harness honest in CI.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { INPUT_BATCH_FRAMES } from "../shared/protocol.ts";
import { DEFAULT_TICK_RATE, MAX_PLAYERS, PATCH_RATE_HZ } from "../shared/constants.ts";
import { SERVER_KINDS, type ServerKind } from "./load/worker-protocol.ts";
import { ChildRegistry, measureServer, type MeasureSettings } from "./measure.ts";
import { DEFAULT_PATCH_BYTES } from "./reference/protocol.ts";
import { renderCharts, renderConsoleTable, renderHtml } from "./report.ts";
import {
  capacityOf,
  figuresStep,
  summarise,
  type Limits,
  type ServerResult,
  type StepSummary,
  type Summary,
} from "./verdict.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Default steps of the full run, the same for every server (the reference needs the top ones). */
const FULL_STEPS = [250, 375, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000];
const CI_STEPS = [32, 64];

/** Benchmark settings (defaults are the full run; `--ci` shrinks them). */
export interface BenchSettings {
  readonly ci: boolean;
  readonly json: boolean;
  readonly servers: readonly ServerKind[];
  readonly steps: Readonly<Record<ServerKind, readonly number[]>>;
  readonly runs: number;
  readonly holdSeconds: number;
  readonly settleSeconds: number;
  readonly joinRate: number;
  readonly probes: number;
  readonly outDir: string;
  readonly verbose: boolean;
}

/** Everything a benchmark run produced (the file bench/results/bench-<time>.json). */
export interface BenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings: BenchSettings;
  readonly machine: { cpus: string; cores: number; memGiB: number; node: string; pinned: boolean };
  readonly limits: Limits;
  readonly servers: Partial<Record<ServerKind, ServerResult>>;
  readonly summary: Summary;
}

const TICK_BUDGET_MS = 1000 / DEFAULT_TICK_RATE;
const PATCH_INTERVAL_MS = 1000 / PATCH_RATE_HZ;
const LIMITS: Limits = {
  cpuPercentLimit: 90,
  patchP99LimitMs: 1.5 * PATCH_INTERVAL_MS,
  tickBudgetMs: TICK_BUDGET_MS,
  tickP99LimitMs: 0.25 * TICK_BUDGET_MS,
  patchIntervalMs: PATCH_INTERVAL_MS,
  clientLagP99LimitMs: 20,
  serverCoreOtherLimitPercent: 15,
};

const DESCRIPTIONS: Record<ServerKind, string> = {
  "tick-arena":
    "Tick Arena (server/main.ts): Colyseus 0.18 rooms of 16, 30 Hz step, 20 Hz delta patches; light clients send pre-encoded inputs, probes are full @colyseus/sdk clients",
  "json-baseline":
    "JSON baseline (bench/baseline): plain ws, the same simulation, full state as JSON rounded to 0.1 px at 20 Hz; probes JSON.parse every state",
  "ws-reference":
    "bare-ws reference (bench/reference): 16 B inputs at 30 Hz in, one patch-sized frame per client at 20 Hz out, rooms of 16 with a trivial 30 Hz step",
};

const USAGE = `usage: npm run bench -- [--ci] [--json] [--runs n] [--steps 250,500,...]
  [--baseline-steps ...] [--reference-steps ...] [--servers tick-arena,json-baseline,ws-reference]
  [--hold s] [--settle s] [--rate joins/s] [--probes n] [--out dir] [--verbose]`;

/** Parses the command line; throws with the usage on anything it does not know. */
export function parseArgs(argv: readonly string[]): BenchSettings {
  const flags = new Set(["ci", "json", "verbose"]);
  const valued = new Set([
    "runs",
    "steps",
    "baseline-steps",
    "reference-steps",
    "servers",
    "hold",
    "settle",
    "rate",
    "probes",
    "out",
  ]);
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
  const num = (name: string, fallback: number): number => {
    const v = Number(seen.get(name) ?? fallback);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return v;
  };
  const list = (name: string, fallback: readonly number[]): number[] => {
    const raw = seen.get(name);
    if (raw === undefined) return [...fallback];
    const xs = raw.split(",").map((x) => Number(x));
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 2))
      throw new Error(`--${name} must be a list of CCU counts ≥ 2\n${USAGE}`);
    return [...new Set(xs)].sort((a, b) => a - b);
  };
  const steps = list("steps", ci ? CI_STEPS : FULL_STEPS);
  const serversRaw = seen.get("servers");
  const servers =
    serversRaw === undefined ? [...SERVER_KINDS] : (serversRaw.split(",").map((s) => s.trim()) as ServerKind[]);
  if (servers.length === 0 || servers.some((s) => !SERVER_KINDS.includes(s)))
    throw new Error(`--servers takes ${SERVER_KINDS.join(", ")}\n${USAGE}`);
  const runs = num("runs", ci ? 1 : 3);
  const settle = Number(seen.get("settle") ?? (ci ? 1 : 3));
  if (!(settle >= 0)) throw new Error(`--settle must be a number of seconds ≥ 0\n${USAGE}`);
  if (!Number.isInteger(runs)) throw new Error(`--runs must be an integer\n${USAGE}`);
  return {
    ci,
    json: seen.has("json"),
    verbose: seen.has("verbose"),
    servers: SERVER_KINDS.filter((k) => servers.includes(k)),
    steps: {
      "tick-arena": steps,
      "json-baseline": list("baseline-steps", steps),
      "ws-reference": list("reference-steps", steps),
    },
    runs,
    holdSeconds: num("hold", ci ? 4 : 15),
    settleSeconds: settle,
    joinRate: num("rate", ci ? 200 : 500),
    probes: Math.floor(num("probes", ci ? 4 : 16)),
    outDir: path.resolve(seen.get("out") ?? path.join(ROOT, "bench", "results")),
  };
}

/**
 * Re-runs this script pinned to the last core, so the servers can have core 0 to themselves (the
 * load and probe processes are pinned there too). False when it cannot pin (one core, no taskset).
 */
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

/** The reference's patch size: Tick Arena's mean message size at its capacity step, when measured. */
function referencePatchBytes(tickArena: ServerResult | undefined): { bytes: number; source: string } {
  const step = tickArena === undefined ? null : figuresStep(tickArena);
  const measured = step?.meanDownMessageBytes.median ?? 0;
  return measured > 0
    ? { bytes: Math.round(measured), source: `Tick Arena's mean message at ${step!.target} CCU in this run` }
    : { bytes: DEFAULT_PATCH_BYTES, source: "default (Tick Arena not measured in this run)" };
}

/** The compact per-server step table `--json` prints (the runs are in the result file). */
function stepTable(steps: readonly StepSummary[]): Omit<StepSummary, "runs" | "discarded">[] {
  return steps.map(({ runs: _runs, discarded: _discarded, ...rest }) => rest);
}

async function main(): Promise<void> {
  let settings: BenchSettings;
  try {
    settings = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const pinned = pinSelf();
  const registry = new ChildRegistry();
  process.on("exit", () => registry.killAll());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      registry.killAll();
      process.exit(130);
    });
  }
  const startedAt = new Date().toISOString();
  console.error(
    `Tick Arena capacity benchmark${settings.ci ? " (CI variant)" : ""}: servers on core 0, clients on core ${os.cpus().length - 1}` +
      `${pinned ? "" : " (taskset unavailable: not pinned)"}; ${settings.runs} run(s) per step, ${settings.holdSeconds} s hold`,
  );
  const measure: MeasureSettings = {
    runs: settings.runs,
    holdSeconds: settings.holdSeconds,
    settleSeconds: settings.settleSeconds,
    joinRate: settings.joinRate,
    probes: settings.probes,
    inputRate: DEFAULT_TICK_RATE,
    lightPatchSampleEvery: 20,
    pinned,
    verbose: settings.verbose,
    limits: LIMITS,
  };
  const servers: Partial<Record<ServerKind, ServerResult>> = {};
  // The reference goes last: it sends Tick Arena's measured message size.
  for (const kind of settings.servers) {
    const patchBytes = kind === "ws-reference" ? referencePatchBytes(servers["tick-arena"]) : undefined;
    const env: Record<string, string> = patchBytes === undefined ? {} : { PATCH_BYTES: String(patchBytes.bytes) };
    const steps = await measureServer(kind, settings.steps[kind], measure, env, registry);
    servers[kind] = {
      kind,
      description: DESCRIPTIONS[kind],
      steps,
      capacityCcu: capacityOf(steps),
      ...(patchBytes !== undefined ? { patchBytes } : {}),
    };
  }
  const cpus = os.cpus();
  const result: BenchResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    settings,
    machine: {
      cpus: cpus[0]?.model ?? "unknown",
      cores: cpus.length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      pinned,
    },
    limits: LIMITS,
    servers,
    summary: summarise(servers),
  };
  mkdirSync(settings.outDir, { recursive: true });
  const stem = path.join(settings.outDir, `bench-${startedAt.replace(/[:.]/g, "-")}${settings.ci ? "-ci" : ""}`);
  writeFileSync(`${stem}.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${stem}.html`, renderHtml(result));
  for (const [name, svg] of Object.entries(renderCharts(result))) writeFileSync(`${stem}-${name}.svg`, svg);
  const table = renderConsoleTable(result);
  if (settings.json) {
    console.error(table);
    const out = {
      ...result.summary,
      servers: Object.fromEntries(
        Object.values(servers).map((s) => [
          s.kind,
          {
            capacityCcu: s.capacityCcu,
            ...(s.patchBytes !== undefined ? { patchBytes: s.patchBytes } : {}),
            steps: stepTable(s.steps),
          },
        ]),
      ),
      runsPerStep: settings.runs,
      resultFile: `${stem}.json`,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    console.log(table);
    console.log(`\nWrote ${stem}.json and ${stem}.html`);
  }
  console.error(
    `(${MAX_PLAYERS}-player rooms, ${DEFAULT_TICK_RATE} Hz simulation, ${PATCH_RATE_HZ} Hz patches, every client sending ${DEFAULT_TICK_RATE} inputs/s, ${INPUT_BATCH_FRAMES} to a message)`,
  );
}

await main();
