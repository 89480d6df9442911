/**
 * Part 2 of `npm run bench:cluster`: the CCU a cluster of one and of two processes carries on
 * this machine, by the pass rule of `npm run bench` applied to every process.
 *
 * Per ladder run, on a fresh cluster: two client processes, one driving the light players
 * (bench/load's LoadRun with {@link ClusterLightClient}: raw `wss://` through nginx, 30 inputs a
 * second batched two to a message as the browser sends them), the other a few probes (the same
 * client, every patch timed, in a process that does nothing else so its clock can be trusted).
 * `npm run bench` probes with full SDK clients; these time the same patch arrivals without
 * decoding them, and know their process from the seat reservation, so each process is judged by
 * its own probes.
 * CCU climbs the steps; each step ramps the new players in, settles, then holds, and passes when
 * over the hold:
 * - every game server process uses < 90 % of a core (/proc),
 * - every process's probe p99 patch inter-arrival is < 75 ms (1.5 × the 50 ms patch interval;
 *   a process no probe landed on is judged by the sampled light players on it),
 * - no join failed and no player was disconnected.
 * A hold where a client process lagged (event-loop p99 > 20 ms), or where other work on the
 * machine took more than a quarter of a core, says nothing about the servers: the step is held
 * once more, and is invalid if that happens again. The ladder stops at the first step that does
 * not pass; its capacity is the last step passed.
 *
 * The two cores are shared by the server processes, nginx (TLS both ways), Redis and the client
 * processes: the figures say what this machine carries, not what a core carries.
 */
import { probesFor } from "../measure.ts";
import type { PhaseStats } from "../load/loadtest.ts";
import { spread, type Spread } from "../verdict.ts";
import type { ClientProcess } from "./client-handle.ts";
import type { Cluster } from "./cluster-process.ts";
import type { HoldResult } from "./client-protocol.ts";
import { cpuWindow } from "./cpu.ts";
import { cpuGroups, processNames, sleep, withClients, withCluster, type BenchContext } from "./common.ts";

export interface CcuLimits {
  readonly cpuPercent: number;
  readonly patchP99Ms: number;
  readonly clientLagP99Ms: number;
  /** A hold during which other work used more than this, % of one core, is invalid. */
  readonly otherCpuPercent: number;
}

export interface CcuSettings {
  /** Server processes of each ladder (1 and 2 by default). */
  readonly ladders: readonly number[];
  readonly steps: readonly number[];
  readonly runs: number;
  readonly holdSeconds: number;
  readonly settleSeconds: number;
  /** Joins per second while ramping to the next step. */
  readonly rampRate: number;
  /** Probes per step at most (never more than an eighth of the players). */
  readonly probes: number;
  readonly inputRate: number;
  /** One light player in this many times its patches (the fallback for a process without probes). */
  readonly lightTapEvery: number;
  readonly limits: CcuLimits;
}

/** One game server process over one hold. */
export interface CcuProcessFigures {
  readonly name: string;
  readonly cpuPercent: number;
  readonly players: number;
  readonly probes: number;
  /** The p99 judged: the probes' on this process, or the sampled light players' without probes. */
  readonly patchP99Ms: number | null;
  readonly patchSource: "probes" | "light players" | "none";
}

export interface CcuStep {
  readonly target: number;
  readonly ccu: number;
  readonly verdict: "pass" | "fail" | "invalid";
  readonly why: string[];
  readonly invalidWhy: string[];
  /** True when the first hold was invalid and this is the second. */
  readonly reheld: boolean;
  readonly processes: CcuProcessFigures[];
  readonly nginxCpuPercent: number;
  readonly redisCpuPercent: number;
  /** scripts/cluster.ts, relaying the servers' output. */
  readonly supervisorCpuPercent: number;
  readonly loadCpuPercent: number;
  readonly probeCpuPercent: number;
  /** Busy share of the whole machine (all cores) over the hold. */
  readonly machineCpuPercent: number;
  /** Work beyond the cluster and the benchmark, % of one core. */
  readonly otherCpuPercent: number;
  readonly joinsFailed: number;
  readonly joinErrors: Record<string, number>;
  readonly disconnectsByCode: Record<string, number>;
  readonly loadLagP99Ms: number;
  readonly probeLagP99Ms: number;
  readonly timeToSeatP95Ms: number;
}

export interface CcuLadder {
  readonly processes: number;
  readonly run: number;
  readonly steps: CcuStep[];
  /** The last step passed (every smaller step passed too); 0 when the first did not. */
  readonly capacity: number;
  /** Why the ladder stopped ("top step passed" when it never failed). */
  readonly stoppedBy: string;
}

export interface CcuResult {
  readonly settings: CcuSettings;
  /** Per ladder size: its runs and the capacity as median [min–max]. */
  readonly ladders: { readonly processes: number; readonly runs: CcuLadder[]; readonly capacity: Spread }[];
}

const sumCounts = (...maps: Record<string, number>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Judges one hold (pure). */
export function judgeStep(
  limits: CcuLimits,
  input: {
    processes: readonly CcuProcessFigures[];
    joinsFailed: number;
    disconnects: number;
    loadLagP99Ms: number;
    probeLagP99Ms: number;
    otherCpuPercent: number;
  },
): { verdict: CcuStep["verdict"]; why: string[]; invalidWhy: string[] } {
  const why: string[] = [];
  for (const p of input.processes) {
    if (p.cpuPercent >= limits.cpuPercent)
      why.push(`${p.name} CPU ${p.cpuPercent.toFixed(0)} % ≥ ${limits.cpuPercent}`);
    if (p.patchP99Ms !== null && p.patchP99Ms >= limits.patchP99Ms)
      why.push(
        `${p.name} p99 ${p.patchP99Ms.toFixed(1)} ms ≥ ${limits.patchP99Ms}${p.patchSource === "light players" ? " (light players)" : ""}`,
      );
  }
  if (input.joinsFailed > 0) why.push(`${input.joinsFailed} joins failed`);
  if (input.disconnects > 0) why.push(`${input.disconnects} disconnects`);
  const invalidWhy: string[] = [];
  if (input.loadLagP99Ms > limits.clientLagP99Ms)
    invalidWhy.push(`load process lag p99 ${input.loadLagP99Ms.toFixed(1)} ms > ${limits.clientLagP99Ms}`);
  if (input.probeLagP99Ms > limits.clientLagP99Ms)
    invalidWhy.push(`probe process lag p99 ${input.probeLagP99Ms.toFixed(1)} ms > ${limits.clientLagP99Ms}`);
  if (input.otherCpuPercent > limits.otherCpuPercent)
    invalidWhy.push(
      `other work on the machine: ${input.otherCpuPercent.toFixed(0)} % of a core > ${limits.otherCpuPercent}`,
    );
  const verdict = invalidWhy.length > 0 ? "invalid" : why.length > 0 ? "fail" : "pass";
  return { verdict, why, invalidWhy };
}

/**
 * Holds one step and judges it. `earlier` are the phases since the previous step that count too
 * (its ramps, and a first hold when this is the second): their failed joins and disconnects.
 */
async function holdStep(
  s: CcuSettings,
  target: number,
  earlier: PhaseStats[],
  clients: { load: ClientProcess; probe: ClientProcess },
  cluster: Cluster,
  names: Map<string, string>,
): Promise<{ step: Omit<CcuStep, "reheld">; phases: PhaseStats[] }> {
  const window = await cpuWindow(await cpuGroups(cluster, clients));
  const holdMs = s.holdSeconds * 1000 + 30_000;
  const [probeHold, loadHold] = await Promise.all([
    clients.probe.call("load.hold", { seconds: s.holdSeconds }, holdMs),
    clients.load.call("load.hold", { seconds: s.holdSeconds }, holdMs),
  ]);
  const cpu = await window.end();
  const byName = (stats: HoldResult): Map<string, HoldResult["byProcess"][string]> =>
    new Map(Object.entries(stats.byProcess).map(([id, v]) => [names.get(id) ?? id, v]));
  const probesOn = byName(probeHold);
  const lightOn = byName(loadHold);
  const processes: CcuProcessFigures[] = cluster.processes.map(({ name }) => {
    const probe = probesOn.get(name);
    const light = lightOn.get(name);
    const source =
      probe !== undefined && probe.tapped > 0
        ? "probes"
        : light !== undefined && light.tapped > 0
          ? "light players"
          : "none";
    return {
      name,
      cpuPercent: cpu.percent[name] ?? 0,
      players: (probe?.clients ?? 0) + (light?.clients ?? 0),
      probes: probe?.clients ?? 0,
      patchP99Ms: source === "probes" ? probe!.patchMs.p99 : source === "light players" ? light!.patchMs.p99 : null,
      patchSource: source,
    };
  });
  const phases = [...earlier, probeHold.phase, loadHold.phase];
  const disconnectsByCode = sumCounts(...phases.map((p) => p.disconnectsByCode));
  const joinsFailed = earlier.reduce((a, p) => a + p.joinsFailed, 0);
  const judged = judgeStep(s.limits, {
    processes,
    joinsFailed,
    disconnects: Object.values(disconnectsByCode).reduce((a, b) => a + b, 0),
    loadLagP99Ms: loadHold.phase.loadLagMs.p99,
    probeLagP99Ms: probeHold.phase.loadLagMs.p99,
    otherCpuPercent: cpu.otherPercent,
  });
  const seat = earlier.map((p) => p.timeToSeatMs).filter((t) => t.count > 0);
  const step = {
    target,
    ccu: probeHold.phase.ccuEnd + loadHold.phase.ccuEnd,
    ...judged,
    processes,
    nginxCpuPercent: cpu.percent["nginx"] ?? 0,
    redisCpuPercent: cpu.percent["redis"] ?? 0,
    supervisorCpuPercent: cpu.percent["supervisor"] ?? 0,
    loadCpuPercent: cpu.percent["load"] ?? 0,
    probeCpuPercent: cpu.percent["probe"] ?? 0,
    machineCpuPercent: cpu.machinePercent,
    otherCpuPercent: cpu.otherPercent,
    joinsFailed,
    joinErrors: sumCounts(...earlier.map((p) => p.joinErrors)),
    disconnectsByCode,
    loadLagP99Ms: loadHold.phase.loadLagMs.p99,
    probeLagP99Ms: probeHold.phase.loadLagMs.p99,
    timeToSeatP95Ms: Math.max(0, ...seat.map((t) => t.p95)),
  };
  return { step, phases };
}

const f0 = (v: number): string => v.toFixed(0);

function stepLine(processes: number, step: CcuStep): string {
  const per = step.processes
    .map(
      (p) =>
        `${p.name} ${p.players} players CPU ${f0(p.cpuPercent)} % p99 ${p.patchP99Ms === null ? "–" : p.patchP99Ms.toFixed(1)} ms` +
        `${p.patchSource === "light players" ? " (light)" : ""}`,
    )
    .join(", ");
  const status =
    step.verdict === "pass"
      ? "pass"
      : step.verdict === "fail"
        ? `FAIL (${step.why.join("; ")})`
        : `INVALID (${step.invalidWhy.join("; ")})`;
  return (
    `[ccu ${processes}p] ${step.target} CCU${step.reheld ? " (held again)" : ""}: ccu ${step.ccu}; ${per}; nginx ${f0(step.nginxCpuPercent)} %, ` +
    `load ${f0(step.loadCpuPercent)} %, machine ${f0(step.machineCpuPercent)} % (other ${f0(step.otherCpuPercent)} % of a core); lag load/probe ` +
    `${step.loadLagP99Ms.toFixed(1)}/${step.probeLagP99Ms.toFixed(1)} ms: ${status}`
  );
}

async function ladderOnce(ctx: BenchContext, s: CcuSettings, processes: number, run: number): Promise<CcuLadder> {
  return withCluster(ctx, processes, (cluster) =>
    withClients(ctx, "ccu load", (load) =>
      withClients(ctx, "ccu probe", async (probe) => {
        const firstStep = s.steps[0]!;
        const url = cluster.url;
        await Promise.all([
          load.call(
            "load.init",
            { url, role: "load", tokens: firstStep, inputRate: s.inputRate, tapEvery: s.lightTapEvery },
            120_000,
          ),
          probe.call(
            "load.init",
            { url, role: "probe", tokens: s.probes, inputRate: s.inputRate, tapEvery: 1 },
            60_000,
          ),
        ]);
        const names = await processNames(cluster);
        const steps: CcuStep[] = [];
        let capacity = 0;
        let stoppedBy = "top step passed";
        let light = 0;
        let probes = 0;
        try {
          for (const target of s.steps) {
            const wantProbes = probesFor(target, s.probes);
            const wantLight = target - wantProbes;
            const rampSeconds = Math.max(1, (wantLight - light) / s.rampRate);
            const rampMs = rampSeconds * 1000 + 60_000;
            const ramps = await Promise.all([
              probe.call(
                "load.ramp",
                { target: wantProbes, rate: Math.max(1, (wantProbes - probes) / rampSeconds) },
                rampMs,
              ),
              load.call("load.ramp", { target: wantLight, rate: s.rampRate }, rampMs),
            ]);
            light = wantLight;
            probes = wantProbes;
            await sleep(s.settleSeconds * 1000);
            const first = await holdStep(s, target, ramps, { load, probe }, cluster, names);
            let step: CcuStep = { ...first.step, reheld: false };
            if (step.verdict === "invalid") {
              // A lagging client process: hold once more before calling it.
              ctx.log(stepLine(processes, step));
              const second = await holdStep(s, target, first.phases, { load, probe }, cluster, names);
              step = { ...second.step, reheld: true };
            }
            steps.push(step);
            ctx.log(stepLine(processes, step));
            if (step.verdict !== "pass") {
              stoppedBy = `${target}: ${step.verdict} (${(step.verdict === "fail" ? step.why : step.invalidWhy).join("; ")})`;
              break;
            }
            capacity = target;
          }
        } finally {
          await Promise.all([
            load.call("load.stop", {}, 30_000).catch(() => null),
            probe.call("load.stop", {}, 30_000).catch(() => null),
          ]);
        }
        return { processes, run, steps, capacity, stoppedBy };
      }),
    ),
  );
}

/** Runs part 2: each ladder `settings.runs` times, alternating ladder sizes, fresh clusters. */
export async function measureCcu(ctx: BenchContext, settings: CcuSettings): Promise<CcuResult> {
  const byLadder = new Map<number, CcuLadder[]>(settings.ladders.map((n) => [n, []]));
  for (let run = 1; run <= settings.runs; run++) {
    for (const processes of settings.ladders) {
      ctx.log(
        `[ccu ${processes}p] run ${run} of ${settings.runs}: steps ${settings.steps.join(", ")}, ${settings.holdSeconds} s holds`,
      );
      const ladder = await ladderOnce(ctx, settings, processes, run);
      byLadder.get(processes)!.push(ladder);
      ctx.log(`[ccu ${processes}p] run ${run}: carried ${ladder.capacity} CCU (stopped by ${ladder.stoppedBy})`);
    }
  }
  return {
    settings,
    ladders: settings.ladders.map((processes) => {
      const runs = byLadder.get(processes)!;
      return { processes, runs, capacity: spread(runs.map((r) => r.capacity)) ?? { median: 0, min: 0, max: 0 } };
    }),
  };
}
