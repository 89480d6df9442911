/**
 * The benchmark's rules, as pure functions over measured figures: when one run of a step is
 * valid and passes, how N runs of a step become one verdict (the majority) and one set of figures
 * (medians with min–max spread), what a server's capacity is, and the headline summary. Kept apart
 * from the process juggling in measure.ts so the rules read in one place.
 */
import type { MetricsSnapshot } from "../server/metrics/server-metrics.ts";
import type { LatencySummary } from "./load/exact-histogram.ts";
import type { LagSummary } from "./load/loadtest.ts";
import type { ServerKind } from "./load/worker-protocol.ts";

/** The limits a step is judged by. */
export interface Limits {
  /** A run passes only below this server CPU, % of one core. */
  readonly cpuPercentLimit: number;
  /** A run passes only below this probe p99 patch inter-arrival, ms. */
  readonly patchP99LimitMs: number;
  readonly tickBudgetMs: number;
  /** A run passes only if the server's p99 tick is at most this, ms (servers reporting ticks). */
  readonly tickP99LimitMs: number;
  readonly patchIntervalMs: number;
  /** A run is invalid when the load or the probe process lagged more than this (p99), ms. */
  readonly clientLagP99LimitMs: number;
  /**
   * A failing run is invalid when the server's core was busier than the server itself by more
   * than this, % of the core: another process (or the hypervisor, as steal) took time the server
   * needed. A run that passed despite that stands.
   */
  readonly serverCoreOtherLimitPercent: number;
}

/** One measured run of one step, on a fresh server. */
export interface RunResult {
  readonly target: number;
  /** 1-based run number, and 2 when this run is the re-run of an invalid attempt. */
  readonly run: number;
  readonly attempt: number;
  readonly ccu: number;
  readonly verdict: "pass" | "fail" | "invalid";
  /** Why it failed (limits broken) and why it is invalid (client processes lagged). */
  readonly why: string[];
  readonly invalidWhy: string[];
  readonly probes: number;
  /** Server CPU over the hold, % of one core (from /proc). */
  readonly cpuPercent: number;
  /** How busy the server's core was beyond the server itself over the hold, % (null: not pinned). */
  readonly serverCoreOtherPercent: number | null;
  readonly serverCpuMicros: number;
  readonly idleRssBytes: number;
  /** Largest RSS seen during the hold. */
  readonly rssBytes: number;
  readonly memoryPerClientBytes: number;
  /** Probe patch inter-arrival (the judged figure) and input-to-ack latency (Tick Arena only). */
  readonly probePatchMs: LatencySummary;
  readonly probeAckMs: LatencySummary;
  /** Patch inter-arrival of one in 20 light clients (informational). */
  readonly lightPatchMs: LatencySummary;
  readonly timeToSeatMs: LatencySummary;
  readonly loadLagMs: LagSummary;
  readonly probeLagMs: LagSummary;
  readonly joinsFailed: number;
  readonly joinErrors: Record<string, number>;
  readonly disconnectsByCode: Record<string, number>;
  readonly bytesDownPerClientPerSec: number;
  readonly bytesUpPerClientPerSec: number;
  /** Mean payload of a server → client message at the light clients, bytes. */
  readonly meanDownMessageBytes: number;
  /** WebSocket messages all clients sent / received during the hold. */
  readonly messagesIn: number;
  readonly messagesOut: number;
  /** Server CPU µs ÷ (messages in + out) over the hold. */
  readonly serverUsPerMessage: number;
  readonly holdSeconds: number;
  /** The server's own figures over the hold (`GET /metrics.json`), null when unreachable. */
  readonly server: MetricsSnapshot | null;
  readonly tickP99Ms: number | null;
  /** Per second of the hold: the probes' patch p99 and lag, the server's CPU. */
  readonly timeline: { t: number; probePatchP99Ms: number; probeLagP99Ms: number; cpuPercent: number | null }[];
}

/** A median with its min–max spread over runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** N runs of one step, summarised. */
export interface StepSummary {
  readonly target: number;
  readonly verdict: "pass" | "fail" | "invalid";
  readonly votes: { readonly pass: number; readonly fail: number; readonly invalid: number };
  /** Figures over the valid runs (all runs when none is valid). */
  readonly ccu: Spread;
  readonly cpuPercent: Spread;
  readonly probeP99Ms: Spread;
  readonly tickP99Ms: Spread | null;
  readonly bytesDownPerClientPerSec: Spread;
  readonly meanDownMessageBytes: Spread;
  readonly memoryPerClientBytes: Spread;
  readonly serverUsPerMessage: Spread;
  readonly loadLagP99Ms: Spread;
  readonly probeLagP99Ms: Spread;
  /** The runs that count (an invalid attempt re-run once is replaced by its re-run). */
  readonly runs: RunResult[];
  /** Invalid first attempts that were re-run, kept for the record. */
  readonly discarded: RunResult[];
}

/** One server's ladder. */
export interface ServerResult {
  readonly kind: ServerKind;
  readonly description: string;
  readonly steps: StepSummary[];
  /** The largest step passed by the majority of its runs, every smaller step passing too; 0 if none. */
  readonly capacityCcu: number;
  /** ws-reference only: the patch size it sent, and where that size came from. */
  readonly patchBytes?: { readonly bytes: number; readonly source: string };
}

/** Median (mean of the middle two for an even count) and extremes; null for no values. */
export function spread(values: readonly number[]): Spread | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, min: xs[0]!, max: xs.at(-1)! };
}

const ZERO: Spread = { median: 0, min: 0, max: 0 };

/** The fail and invalid reasons of one run's figures. */
export function judgeRun(
  limits: Limits,
  f: {
    target: number;
    ccu: number;
    cpuPercent: number;
    probePatchMs: LatencySummary;
    tickP99Ms: number | null;
    joinsFailed: number;
    disconnects: number;
    loadLagMs: LagSummary;
    probeLagMs: LagSummary;
    serverCoreOtherPercent: number | null;
  },
): { verdict: RunResult["verdict"]; why: string[]; invalidWhy: string[] } {
  const why: string[] = [];
  if (!(f.cpuPercent < limits.cpuPercentLimit))
    why.push(`CPU ${f.cpuPercent.toFixed(0)} % ≥ ${limits.cpuPercentLimit} %`);
  if (f.probePatchMs.count === 0) why.push("no probe patches measured");
  else if (!(f.probePatchMs.p99 < limits.patchP99LimitMs))
    why.push(`probe patch p99 ${f.probePatchMs.p99.toFixed(1)} ms ≥ ${limits.patchP99LimitMs} ms`);
  if (f.tickP99Ms !== null && f.tickP99Ms > limits.tickP99LimitMs)
    why.push(`tick p99 ${f.tickP99Ms.toFixed(2)} ms > ${limits.tickP99LimitMs.toFixed(2)} ms`);
  if (f.joinsFailed > 0) why.push(`${f.joinsFailed} joins failed`);
  if (f.disconnects > 0) why.push(`${f.disconnects} disconnects`);
  if (f.ccu < f.target) why.push(`only ${f.ccu} of ${f.target} connected`);
  const invalidWhy: string[] = [];
  for (const [name, lag] of [
    ["load", f.loadLagMs],
    ["probe", f.probeLagMs],
  ] as const) {
    if (lag.p99 > limits.clientLagP99LimitMs)
      invalidWhy.push(`${name} process event-loop lag p99 ${lag.p99.toFixed(1)} ms > ${limits.clientLagP99LimitMs} ms`);
  }
  // Other work on the server's core can only make the server look worse: a run that passed
  // anyway stands, one that failed says nothing about the server.
  if (
    why.length > 0 &&
    f.serverCoreOtherPercent !== null &&
    f.serverCoreOtherPercent > limits.serverCoreOtherLimitPercent
  )
    invalidWhy.push(
      `server core ${f.serverCoreOtherPercent.toFixed(0)} % busy with other work > ${limits.serverCoreOtherLimitPercent} %`,
    );
  const verdict = invalidWhy.length > 0 ? "invalid" : why.length > 0 ? "fail" : "pass";
  return { verdict, why, invalidWhy };
}

/**
 * The step's verdict from its runs: pass when a strict majority passed; otherwise invalid when at
 * least half were invalid (the valid runs cannot outvote them), otherwise fail.
 */
export function majority(runs: readonly RunResult[]): StepSummary["verdict"] {
  const n = runs.length;
  const pass = runs.filter((r) => r.verdict === "pass").length;
  const invalid = runs.filter((r) => r.verdict === "invalid").length;
  if (pass * 2 > n) return "pass";
  if (invalid * 2 >= n) return "invalid";
  return "fail";
}

/** Summarises the runs of one step (figures over the valid runs, or all when none is valid). */
export function summariseStep(target: number, runs: RunResult[], discarded: RunResult[] = []): StepSummary {
  const valid = runs.filter((r) => r.verdict !== "invalid");
  const use = valid.length > 0 ? valid : runs;
  const s = (pick: (r: RunResult) => number): Spread => spread(use.map(pick)) ?? ZERO;
  const ticks = use.flatMap((r) => (r.tickP99Ms === null ? [] : [r.tickP99Ms]));
  return {
    target,
    verdict: majority(runs),
    votes: {
      pass: runs.filter((r) => r.verdict === "pass").length,
      fail: runs.filter((r) => r.verdict === "fail").length,
      invalid: runs.filter((r) => r.verdict === "invalid").length,
    },
    ccu: s((r) => r.ccu),
    cpuPercent: s((r) => r.cpuPercent),
    probeP99Ms: s((r) => r.probePatchMs.p99),
    tickP99Ms: spread(ticks),
    bytesDownPerClientPerSec: s((r) => r.bytesDownPerClientPerSec),
    meanDownMessageBytes: s((r) => r.meanDownMessageBytes),
    memoryPerClientBytes: s((r) => r.memoryPerClientBytes),
    serverUsPerMessage: s((r) => r.serverUsPerMessage),
    loadLagP99Ms: s((r) => r.loadLagMs.p99),
    probeLagP99Ms: s((r) => r.probeLagMs.p99),
    runs,
    discarded,
  };
}

/** Capacity: the largest step passed by majority with every smaller step passed too; 0 if none. */
export function capacityOf(steps: readonly StepSummary[]): number {
  let capacity = 0;
  for (const step of [...steps].sort((a, b) => a.target - b.target)) {
    if (step.verdict !== "pass") break;
    capacity = step.target;
  }
  return capacity;
}

/** The step whose figures stand for a server: its capacity step, else its smallest measured step. */
export function figuresStep(server: ServerResult): StepSummary | null {
  return server.steps.find((s) => s.target === server.capacityCcu) ?? server.steps[0] ?? null;
}

/** The headline figures of a benchmark (`--json` prints these at the top level). */
export interface Summary {
  /** Tick Arena's capacity, CCU per core (median rule: the majority of runs). */
  readonly capacityCcu: number;
  readonly wsReferenceCcu: number | null;
  readonly baselineCcu: number | null;
  /** capacityCcu ÷ wsReferenceCcu. */
  readonly fractionOfTransportLimit: number | null;
  /** capacityCcu ÷ baselineCcu. */
  readonly ratioToBaseline: number | null;
  /** The Tick Arena step the per-client figures below come from (its capacity, else its first step). */
  readonly figuresAtCcu: number | null;
  readonly bytesDownPerClientPerSec: number | null;
  readonly memoryPerClientBytes: number | null;
  readonly serverUsPerMessage: number | null;
  readonly wsReferenceUsPerMessage: number | null;
  readonly baselineUsPerMessage: number | null;
  /** Baseline ÷ Tick Arena bytes down per client, at the largest step both passed (else the first both ran). */
  readonly bytesDownRatio: number | null;
  readonly cpuPerClientRatio: number | null;
  readonly comparedAtCcu: number | null;
}

/** The summary over whichever servers were measured. */
export function summarise(servers: Partial<Record<ServerKind, ServerResult>>): Summary {
  const ta = servers["tick-arena"];
  const ws = servers["ws-reference"];
  const bl = servers["json-baseline"];
  const at = ta === undefined ? null : figuresStep(ta);
  const usPerMessage = (s: ServerResult | undefined): number | null => {
    const step = s === undefined ? null : figuresStep(s);
    return step === null ? null : step.serverUsPerMessage.median;
  };
  const ratio = (x: number | null | undefined, y: number | null | undefined): number | null =>
    x == null || y == null || y === 0 ? null : x / y;
  // Bytes and CPU per client against the baseline: at the largest step both passed, else the
  // first step both measured.
  let common: StepSummary | undefined;
  let baseAt: StepSummary | undefined;
  if (ta !== undefined && bl !== undefined) {
    const both = (pass: boolean): StepSummary | undefined =>
      [...ta.steps]
        .reverse()
        .find((s) =>
          bl.steps.some((b) => b.target === s.target && (!pass || (b.verdict === "pass" && s.verdict === "pass"))),
        );
    common = both(true) ?? [...ta.steps].find((s) => bl.steps.some((b) => b.target === s.target));
    baseAt = common === undefined ? undefined : bl.steps.find((b) => b.target === common!.target);
  }
  const perClientCpu = (s: StepSummary | undefined): number | null =>
    s === undefined || s.ccu.median === 0 ? null : s.cpuPercent.median / s.ccu.median;
  return {
    capacityCcu: ta?.capacityCcu ?? 0,
    wsReferenceCcu: ws?.capacityCcu ?? null,
    baselineCcu: bl?.capacityCcu ?? null,
    fractionOfTransportLimit: ratio(ta?.capacityCcu, ws?.capacityCcu),
    ratioToBaseline: ratio(ta?.capacityCcu, bl?.capacityCcu),
    figuresAtCcu: at?.target ?? null,
    bytesDownPerClientPerSec: at?.bytesDownPerClientPerSec.median ?? null,
    memoryPerClientBytes: at?.memoryPerClientBytes.median ?? null,
    serverUsPerMessage: usPerMessage(ta),
    wsReferenceUsPerMessage: usPerMessage(ws),
    baselineUsPerMessage: usPerMessage(bl),
    bytesDownRatio: ratio(baseAt?.bytesDownPerClientPerSec.median, common?.bytesDownPerClientPerSec.median),
    cpuPerClientRatio: ratio(perClientCpu(baseAt), perClientCpu(common)),
    comparedAtCcu: common?.target ?? null,
  };
}
