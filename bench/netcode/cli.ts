/**
 * `npm run bench:netcode`: measures the netcode targets (issue 7) against real servers and
 * prints a table of figure, value, target, pass/fail and spread. It reports; a missed target does
 * not fail it (exit 0), only a figure it could not measure does (exit 1).
 *
 *   npm run bench:netcode                  full run (under ~5 minutes)
 *   npm run bench:netcode -- --ci          short run (under ~90 s): fewer trials, shorter windows
 *   npm run bench:netcode -- --json        one JSON object on stdout, nothing else (the table,
 *                                          progress and warnings go to stderr)
 *
 * Every game server is its own child process (servers.ts): the production entry
 * `server/main.ts` (serving the built client for Chromium; a second one with `MAP=large
 * ROOM_PLAYERS=64`; a fresh one for the tick-rate load), and two servers on an open field
 * (field-server.ts) with and without lag compensation. They start together, idle until their
 * measurement, and are stopped (their temporary data folders removed) at the end. The
 * measurements run one after another so they do not disturb each other, except the two
 * lag-compensation duels, which run side by side (one per server process), and, with --ci, the
 * prediction figures, which run beside the duels (both are exact or tick-counted figures, not
 * timings), and the tick-rate check (its own server, under its own load), which runs beside
 * the byte counts. Methods: see each module's header.
 */
import {
  measureEntityUpdates,
  measureTraffic,
  summarizeTraffic,
  type EntityUpdateResult,
  type TrafficResult,
  type TrafficRuns,
} from "./bandwidth.ts";
import { measureInterpolation, type InterpolationResult } from "./interpolation.ts";
import { measureKeyToMove, type KeyToMoveResult } from "./key-to-move.ts";
import { measureHitRate, type HitRate } from "./lag-compensation.ts";
import { measureHold5fps, measureReconcile, type HoldResult, type ReconcileResult } from "./prediction.ts";
import { clientBuild, killServers, startServer, type BenchServer } from "./servers.ts";
import { note, range, withTimeout } from "./stats.ts";
import { measureTickRate, type TickRateResult } from "./tick-rate.ts";

/** How much of everything a run does. */
interface Settings {
  readonly keyTrials: number;
  readonly reconcileSeconds: number;
  readonly holdTrials: number;
  readonly interpolationSeconds: number;
  readonly duelShots: number;
  readonly entityWindows: number;
  readonly entityWindowSeconds: number;
  readonly trafficWindows: number;
  readonly trafficWindowSeconds: number;
  /** Traffic measurements of each size (a fresh swarm each), the median one quoted. */
  readonly trafficRuns: number;
  readonly tickSeconds: number;
}

const FULL: Settings = {
  keyTrials: 20,
  reconcileSeconds: 30,
  holdTrials: 5,
  interpolationSeconds: 20,
  duelShots: 24,
  entityWindows: 5,
  entityWindowSeconds: 2,
  trafficWindows: 5,
  trafficWindowSeconds: 3,
  trafficRuns: 3,
  tickSeconds: 60,
};

const CI: Settings = {
  keyTrials: 8,
  reconcileSeconds: 10,
  holdTrials: 3,
  interpolationSeconds: 8,
  duelShots: 12,
  entityWindows: 3,
  entityWindowSeconds: 1,
  trafficWindows: 3,
  trafficWindowSeconds: 1.5,
  trafficRuns: 1,
  tickSeconds: 15,
};

/** The parts of a run, each measuring some of the figures (`--only`). */
const PARTS = ["keys", "prediction", "duels", "interpolation", "entities", "traffic", "tick"] as const;
type Part = (typeof PARTS)[number];

const USAGE = `usage: npm run bench:netcode -- [--ci] [--json] [--only PART,...]
  --ci    short run (fewer trials, shorter windows; under ~90 s)
  --json  print one JSON object on stdout instead of the table
  --only  measure only these parts (the others print n/a): ${PARTS.join(", ")}`;

/** The figures every run reports, in table order. */
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
type Key = (typeof KEYS)[number];

/** One row of the table. */
interface Row {
  readonly key: Key;
  readonly label: string;
  readonly value: number | null;
  readonly unit: string;
  readonly target: string;
  /** Met, missed, or null when the figure has no target or no value. */
  readonly pass: boolean | null;
  readonly spread: string;
}

/** Runs two parts of the benchmark side by side (`--ci`, to keep the run short) or one after the other. */
async function pair(sideBySide: boolean, first: () => Promise<void>, second: () => Promise<void>): Promise<void> {
  if (sideBySide) await Promise.all([first(), second()]);
  else {
    await first();
    await second();
  }
}

function parseArgs(argv: readonly string[]): { ci: boolean; json: boolean; only: ReadonlySet<Part> | null } {
  let ci = false;
  let json = false;
  let only: Set<Part> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--ci") ci = true;
    else if (arg === "--json") json = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const list = arg === "--only" ? (argv[++i] ?? "") : arg.slice("--only=".length);
      only = new Set();
      for (const name of list.split(",").filter((n) => n !== "")) {
        if (!(PARTS as readonly string[]).includes(name)) {
          process.stderr.write(`bench:netcode: unknown part ${name}\n${USAGE}\n`);
          process.exit(2);
        }
        only.add(name as Part);
      }
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`bench:netcode: unknown argument ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return { ci, json, only };
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);
const spreadOf = (values: readonly number[], digits: number): string => {
  if (values.length === 0) return "—";
  const { min, max } = range(values);
  return `${fmt(min, digits)}–${fmt(max, digits)}`;
};

/** Everything measured; a measurement that failed is null (its error is in `errors`). */
interface Measured {
  keys: KeyToMoveResult | null;
  reconcile: ReconcileResult | null;
  hold: HoldResult | null;
  compensated: HitRate | null;
  uncompensated: HitRate | null;
  interpolation: InterpolationResult | null;
  entities: EntityUpdateResult | null;
  traffic16: TrafficRuns | null;
  traffic64: TrafficRuns | null;
  tick: TickRateResult | null;
}

/** The table rows from what was measured. */
function rows(m: Measured): Row[] {
  const k = m.keys;
  const keyTarget = k !== null ? k.frameMs + 20 : 40;
  const down16 = m.traffic16?.downKBps ?? null;
  const t64 = m.traffic64;
  const row = (r: Omit<Row, "pass">, check: ((v: number) => boolean) | null): Row => ({
    ...r,
    pass: r.value === null || !Number.isFinite(r.value) || check === null ? null : check(r.value),
  });
  return [
    row(
      {
        key: "keyToMoveMsP50",
        label: "key to move p50 (Chromium, ?lag=150)",
        value: k?.p50Ms ?? null,
        unit: "ms",
        target: `≤ ${fmt(keyTarget)} (1 frame + 20)`,
        spread: k
          ? `n=${k.trials}, frames ${spreadOf(k.frames, 0)}, max ${fmt(k.maxMs)} ms, frame ${fmt(k.frameMs)} ms`
          : "—",
      },
      (v) => v <= keyTarget,
    ),
    row(
      {
        key: "keyToMoveMsP95",
        label: "key to move p95",
        value: k?.p95Ms ?? null,
        unit: "ms",
        target: "—",
        spread: k && k.notMoved > 0 ? `${k.notMoved} trials saw no move in 60 frames` : "exact, nearest rank",
      },
      null,
    ),
    row(
      {
        key: "reconcileCorrectionPx",
        label: `prediction correction, ${m.reconcile?.seconds ?? "?"} s at 150 ms RTT`,
        value: m.reconcile?.totalCorrectionPx ?? null,
        unit: "px",
        target: "= 0",
        spread: m.reconcile ? `${m.reconcile.mismatches} mismatches in ${m.reconcile.reconciles} reconciles` : "—",
      },
      (v) => v === 0,
    ),
    row(
      {
        key: "holdDistanceRatio5fps",
        label: "held-key distance ratio at ~5 fps",
        value: m.hold?.ratio ?? null,
        unit: "",
        target: "≥ 0.97",
        spread: m.hold ? `trials ${spreadOf(m.hold.ratios, 3)} (n=${m.hold.ratios.length})` : "—",
      },
      (v) => v >= 0.97,
    ),
    row(
      {
        key: "hitRateCompensated",
        label: "hit rate at 250 ms RTT, compensated",
        value: m.compensated?.rate ?? null,
        unit: "",
        target: "≥ 0.95",
        spread: m.compensated
          ? `${m.compensated.hits}/${m.compensated.counted} counted of ${m.compensated.fired} shots`
          : "—",
      },
      (v) => v >= 0.95,
    ),
    row(
      {
        key: "hitRateUncompensated",
        label: "hit rate, LAG_COMPENSATION_MS=0",
        value: m.uncompensated?.rate ?? null,
        unit: "",
        target: "— (contrast)",
        spread: m.uncompensated
          ? `${m.uncompensated.hits}/${m.uncompensated.counted} counted of ${m.uncompensated.fired} shots`
          : "—",
      },
      null,
    ),
    row(
      {
        key: "remoteJumpFrames",
        label: "remote ship stall/jump frames (100 ms ± 30)",
        value: m.interpolation ? m.interpolation.stalls + m.interpolation.jumps : null,
        unit: "frames",
        target: "= 0",
        spread: m.interpolation
          ? `${m.interpolation.stalls} stalls + ${m.interpolation.jumps} jumps of ${m.interpolation.frames} frames; ` +
            `${m.interpolation.atReversals} more at reversals (not counted)`
          : "—",
      },
      (v) => v === 0,
    ),
    row(
      {
        key: "bytesPerEntityUpdate",
        label: "patch bytes per moving-entity update",
        value: m.entities?.bytesPerEntityUpdate ?? null,
        unit: "B",
        target: "≤ 8",
        spread: m.entities
          ? `windows ${spreadOf(m.entities.perWindow, 2)}; marginal ${fmt(m.entities.marginalBytesPerEntity, 2)} B; ` +
            `${fmt(m.entities.bytesPerPatch)} B × ${fmt(m.entities.patchesPerSecond)} patches/s`
          : "—",
      },
      (v) => v <= 8,
    ),
    row(
      {
        key: "downKBps16",
        label: "down per client, 16 players, standard map",
        value: down16,
        unit: "KB/s",
        target: "≤ 2",
        spread: m.traffic16
          ? `${runsOf(m.traffic16.runsDownKBps)}; median run: windows ${spreadOf(m.traffic16.downPerWindow, 2)}, ` +
            `${fmt(m.traffic16.shotsPerClientPerSec, 1)} projectiles received per client per s; ${kinds(m.traffic16)}`
          : "—",
      },
      (v) => v <= 2,
    ),
    row(
      {
        key: "downKBps64",
        label: "down per client, 64 players, MAP=large",
        value: t64?.downKBps ?? null,
        unit: "KB/s",
        target: down16 !== null ? `≤ ${fmt(1.5 * down16, 2)} (1.5 × 16)` : "≤ 1.5 × downKBps16",
        spread: t64
          ? `${runsOf(t64.runsDownKBps)}${ratiosOf(m.traffic16, t64)}; median run: windows ${spreadOf(t64.downPerWindow, 2)}, ` +
            `clients ${fmt(t64.downClients.min, 2)}–${fmt(t64.downClients.max, 2)}, ` +
            `server: ${t64.serverRooms ?? "?"} room(s), ${t64.serverCcu ?? "?"} clients; ` +
            `${fmt(t64.shotsPerClientPerSec, 1)} projectiles and ${fmt(t64.shipEntriesPerClientPerSec, 1)} ships entering the view ` +
            `per client per s; ${kinds(t64)}`
          : "—",
      },
      down16 !== null ? (v) => v <= 1.5 * down16 : null,
    ),
    row(
      {
        key: "upKBps",
        label: "up per client while playing (16 players)",
        value: m.traffic16?.upKBps ?? null,
        unit: "KB/s",
        target: "—",
        spread: m.traffic16 ? runsOf(m.traffic16.runsUpKBps, 3) : "—",
      },
      null,
    ),
    row(
      {
        key: "tickRateErrorPct",
        label: `tick-rate error, ${m.tick?.clients ?? 48} clients in 3 rooms`,
        value: m.tick?.errorPct ?? null,
        unit: "%",
        target: "≤ 0.5",
        spread: m.tick ? `worst room; rooms ${m.tick.ratesHz.map((r) => r.toFixed(3)).join(", ")} Hz` : "—",
      },
      (v) => v <= 0.5,
    ),
  ];
}

/** A figure for the table: integers as they are, small values with three decimals. */
function show(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return fmt(value, Math.abs(value) < 10 ? 3 : 1);
}

/** The table, the notes on method, and the warnings, as text. */
function renderTable(table: Row[], ci: boolean, seconds: number): string {
  const head = ["figure", "value", "target", "pass", "what; spread / detail"];
  const body = table.map((r) => [
    r.key,
    r.value === null ? "n/a" : `${show(r.value)} ${r.unit}`.trim(),
    r.target,
    r.pass === null ? (r.value === null ? "n/a" : "—") : r.pass ? "PASS" : "FAIL",
    `${r.label}; ${r.spread}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    `Tick Arena netcode benchmark (${ci ? "--ci" : "full"} run, ${seconds.toFixed(0)} s)`,
    "",
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
    "",
    "Method notes:",
    "  bytesPerEntityUpdate: 15 light clients glide (a new direction each second, never firing) beside one",
    "    decoding SDK client; state-patch payload bytes (whole messages) ÷ ships whose position changed in",
    "    each patch. 'marginal' = (patch bytes − an idle room's patch bytes) ÷ moving ships per patch.",
    "  down/up KB/s: the browser client's session module driven by the bots' brain; TCP payload of each room",
    "    WebSocket through a counting proxy (WebSocket frames with their headers, keep-alive pings/pongs;",
    "    no TCP/IP headers, no HTTP), 1 KB = 1000 B; a run's figure is its whole hold, the mean over",
    "    clients; the median of the runs is quoted (3 runs of each size, a fresh swarm and room each; 1 with --ci).",
    "  Figures are medians over repeated trials or windows where given; percentiles are exact (nearest rank).",
  ].join("\n");
}

/**
 * The server for 64 players: `MAP=large ROOM_PLAYERS=64`. A server that refuses those settings
 * (exits at start) is started without them, one after the other, with a warning: the 64 players
 * are then measured on whatever that server does with them (and further warnings say so).
 */
async function startLargeServer(warn: (message: string) => void): Promise<BenchServer> {
  const attempts: Record<string, string>[] = [{ MAP: "large", ROOM_PLAYERS: "64" }, { ROOM_PLAYERS: "64" }, {}];
  for (const [i, env] of attempts.entries()) {
    try {
      return await startServer({ label: "large", env });
    } catch (error) {
      if (i === attempts.length - 1) throw error;
      const last = (error instanceof Error ? error.message : String(error)).split("\n").slice(-3).join(" | ");
      warn(`the server refused ${JSON.stringify(env)} (${last}); trying without ${Object.keys(env)[0]}`);
    }
  }
  throw new Error("unreachable");
}

/** Every run's figure, in the order they ran: "runs 2.91, 3.05, 2.88". */
function runsOf(values: readonly number[], digits = 2): string {
  return `${values.length === 1 ? "run" : "runs"} ${values.map((v) => fmt(v, digits)).join(", ")}`;
}

/** The 64 ÷ 16 ratio of each pair of runs (run i of each size ran one after the other). */
function ratiosOf(t16: TrafficRuns | null, t64: TrafficRuns): string {
  if (t16 === null || t16.runsDownKBps.length !== t64.runsDownKBps.length || t64.runsDownKBps.length < 2) return "";
  const ratios = t64.runsDownKBps.map((d, i) => d / t16.runsDownKBps[i]!);
  return ` (÷ the 16-player run before it: ${ratios.map((r) => fmt(r, 2)).join(", ")})`;
}

/** The downstream by kind, KB/s: "patch 2.31, msg:kill 0.12, …", and what compression would leave of it. */
function kinds(t: TrafficRuns): string {
  const byKind = Object.entries(t.downByKind)
    .map(([k, bps]) => `${k} ${fmt(bps / 1000, 2)}`)
    .join(", ");
  const deflate =
    t.deflate === null
      ? ""
      : `; permessage-deflate would send ${fmt(t.deflate.defaultWindow, 2)} of it (32 KB window), ` +
        `${fmt(t.deflate.leanWindow, 2)} (1 KB window)`;
  return byKind + deflate;
}

/** JSON with NaN and ±Infinity as null, numbers rounded to 4 decimals. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "number") return v;
    if (!Number.isFinite(v)) return null;
    return Math.round(v * 10_000) / 10_000;
  });
}

async function main(): Promise<number> {
  const { ci, json, only } = parseArgs(process.argv.slice(2));
  const wanted = (part: Part): boolean => only === null || only.has(part);
  // Libraries log with console.*: all of it goes to stderr, stdout is the table or the JSON.
  for (const level of ["log", "info", "warn", "debug"] as const) console[level] = console.error;
  const settings = ci ? CI : FULL;
  const started = performance.now();
  const warnings: string[] = [];
  const errors: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    process.stderr.write(`WARNING: ${message}\n`);
  };
  /**
   * Runs one measurement; a failure is recorded and the run goes on. One that hangs is given up
   * after `expectedS` × 3 + 60 s (its clients are left to the final exit).
   */
  const attempt = async <T>(name: string, expectedS: number, run: () => Promise<T>): Promise<T | null> => {
    const t = performance.now();
    note(`${name}…`);
    try {
      const result = await withTimeout(run(), (expectedS * 3 + 60) * 1000, name);
      note(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      const message = `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      errors.push(message);
      process.stderr.write(`ERROR ${message}\n`);
      return null;
    }
  };

  const build = clientBuild();
  const servers: BenchServer[] = [];
  const measured: Measured = {
    keys: null,
    reconcile: null,
    hold: null,
    compensated: null,
    uncompensated: null,
    interpolation: null,
    entities: null,
    traffic16: null,
    traffic64: null,
    tick: null,
  };
  try {
    const field = "bench/netcode/field-server.ts";
    const starts = await Promise.allSettled([
      startServer({ label: "main", env: { STATIC_DIR: build.dir } }),
      startServer({ label: "field", entry: field }),
      startServer({ label: "field without lag compensation", entry: field, env: { LAG_COMPENSATION_MS: "0" } }),
      startServer({ label: "tick-rate load" }),
      startLargeServer(warn),
    ]);
    for (const s of starts) if (s.status === "fulfilled") servers.push(s.value);
    const failedStart = starts.find((s) => s.status === "rejected");
    if (failedStart !== undefined) throw (failedStart as PromiseRejectedResult).reason;
    const [mainServer, fieldServer, bareServer, clockServer, largeServer] = servers as [
      BenchServer,
      BenchServer,
      BenchServer,
      BenchServer,
      BenchServer,
    ];
    note(`servers up: ${servers.map((s) => `${s.label} ${s.url}`).join(", ")}`);

    if (wanted("keys"))
      measured.keys = await attempt("key to move (Chromium)", settings.keyTrials + 10, () =>
        measureKeyToMove(mainServer.url, settings.keyTrials),
      );

    const prediction = async (): Promise<void> => {
      if (!wanted("prediction")) return;
      measured.reconcile = await attempt("prediction correction", settings.reconcileSeconds + 5, () =>
        measureReconcile(mainServer.url, settings.reconcileSeconds),
      );
      measured.hold = await attempt("held key at ~5 fps", settings.holdTrials * 4, () =>
        measureHold5fps(mainServer.url, settings.holdTrials),
      );
    };
    const duels = async (): Promise<void> => {
      if (!wanted("duels")) return;
      [measured.compensated, measured.uncompensated] = await Promise.all([
        attempt("lag compensation: compensated duel", settings.duelShots * 2, () =>
          measureHitRate(fieldServer.url, 1, settings.duelShots),
        ),
        attempt("lag compensation: uncompensated duel", settings.duelShots * 2, () =>
          measureHitRate(bareServer.url, 1, settings.duelShots),
        ),
      ]);
    };
    await pair(ci, prediction, duels);

    if (wanted("interpolation"))
      measured.interpolation = await attempt("remote ship interpolation", settings.interpolationSeconds + 5, () =>
        measureInterpolation(fieldServer.url, settings.interpolationSeconds),
      );
    // Byte counts (entities, traffic) do not depend on timing; with --ci the tick-rate check,
    // which has a server of its own, runs beside them to keep the CI run short.
    const bytes = async (): Promise<void> => {
      if (wanted("entities"))
        measured.entities = await attempt(
          "bytes per entity update",
          settings.entityWindows * settings.entityWindowSeconds + 10,
          () => measureEntityUpdates(mainServer.url, settings.entityWindows, settings.entityWindowSeconds),
        );
      if (wanted("traffic")) {
        // Run i of 16 players, then run i of 64: a fresh swarm and room each time, so a lull or a
        // brawl in one run does not set the figure.
        const runs16: TrafficResult[] = [];
        const runs64: TrafficResult[] = [];
        const runs = settings.trafficRuns;
        const label = (r: number): string => (runs > 1 ? `, run ${r + 1} of ${runs}` : "");
        for (let r = 0; r < runs; r++) {
          const t16 = await attempt(
            `traffic, 16 players${label(r)}`,
            settings.trafficWindows * settings.trafficWindowSeconds + 10,
            () =>
              measureTraffic(mainServer.url, 16, settings.trafficWindows, settings.trafficWindowSeconds, 16 + 100 * r),
          );
          if (t16 !== null) runs16.push(t16);
          const t64 = await attempt(
            `traffic, 64 players (MAP=large ROOM_PLAYERS=64)${label(r)}`,
            settings.trafficWindows * settings.trafficWindowSeconds + 15,
            () =>
              measureTraffic(largeServer.url, 64, settings.trafficWindows, settings.trafficWindowSeconds, 64 + 100 * r),
          );
          if (t64 !== null) runs64.push(t64);
        }
        measured.traffic16 = summarizeTraffic(runs16);
        measured.traffic64 = summarizeTraffic(runs64);
      }
    };
    const tick = async (): Promise<void> => {
      if (wanted("tick"))
        measured.tick = await attempt("tick rate under load", settings.tickSeconds + 10, () =>
          measureTickRate(clockServer.url, settings.tickSeconds),
        );
    };
    await pair(ci, bytes, tick);
    const t64 = measured.traffic64;
    if (t64 !== null) {
      if (t64.serverRooms !== 1) {
        warn(
          `the large server put the 64 players in ${t64.serverRooms ?? "an unknown number of"} rooms ` +
            `(ROOM_PLAYERS=64 refused or ignored?): downKBps64 is what those rooms sent`,
        );
      }
      if (!t64.beyondDefaultMap) {
        warn("no ship was seen outside the standard map's bounds: MAP=large may have been ignored");
      }
    }
    for (const t of [measured.traffic16, t64]) {
      if (t !== null && t.brainErrors > 0) {
        warn(`the bots' brain failed on ${t.brainErrors} frames (${t.players} players); random moves were sent`);
      }
    }
  } catch (error) {
    errors.push(`setup: ${error instanceof Error ? error.message : String(error)}`);
    process.stderr.write(`ERROR ${errors.at(-1)}\n`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    build.dispose();
  }

  const seconds = (performance.now() - started) / 1000;
  const table = rows(measured);
  if (json) {
    const figures = Object.fromEntries(KEYS.map((key) => [key, table.find((r) => r.key === key)?.value ?? null]));
    const pass = Object.fromEntries(table.map((r) => [r.key, r.pass]));
    const targets = Object.fromEntries(table.map((r) => [r.key, r.target]));
    process.stdout.write(
      `${toJson({ ...figures, mode: ci ? "ci" : "full", seconds, pass, targets, details: measured, warnings, errors })}\n`,
    );
  }
  // The table goes to stdout, or to stderr when stdout carries the JSON.
  const out = json ? process.stderr : process.stdout;
  out.write(`${renderTable(table, ci, seconds)}\n`);
  for (const w of warnings) out.write(`WARNING: ${w}\n`);
  for (const e of errors) out.write(`ERROR: ${e.split("\n")[0]}\n`);
  // A partial run (--only) is judged on the figures it measured.
  return errors.length > 0 || (only === null && table.some((r) => r.value === null)) ? 1 : 0;
}

process.on("exit", killServers);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killServers();
    process.exit(130);
  });
}
const code = await main();
// Sockets a library still holds must not keep the process alive.
process.exit(code);
