/** The cluster benchmark's outputs: the readable table and the one JSON object of `--json`. */
import type { LatencySummary } from "../load/exact-histogram.ts";
import { spread, type Spread } from "../verdict.ts";
import type { CcuResult } from "./ccu.ts";
import type { SeatResult } from "./seat.ts";
import type { MatchmakingResult } from "./matchmaking.ts";
import type { SigkillResult } from "./sigkill.ts";

export interface ClusterBenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly ci: boolean;
  readonly machine: { readonly cpus: string; readonly cores: number; readonly node: string };
  readonly seat: SeatResult | null;
  readonly ccu: CcuResult | null;
  readonly sigkill: SigkillResult | null;
  readonly matchmaking: MatchmakingResult | null;
}

export const CAVEAT =
  "This machine's cores are shared by the game server processes, nginx (TLS both ways), Redis and the " +
  "client processes: the figures say what this machine carries, not what one core carries.";

const r0 = (v: number): string => Math.round(v).toLocaleString("en-US");
const sp = (s: Spread | null, digits = 0): string =>
  s === null
    ? "–"
    : s.min === s.max
      ? s.median.toFixed(digits)
      : `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

const spreadOf = (values: readonly number[]): Spread => spread(values) ?? { median: 0, min: 0, max: 0 };

function seatSection(seat: SeatResult): string {
  const s = seat.settings;
  const runs = seat.runs;
  const used = runs.filter((r) => r.valid).length > 0 ? runs.filter((r) => r.valid) : runs;
  const row = (label: string, pick: (r: (typeof runs)[number]) => LatencySummary): string[] => [
    label,
    ...(["p50", "p95", "p99", "max"] as const).map((k) => sp(spreadOf(used.map((r) => pick(r)[k])))),
  ];
  const failures = new Map<string, number>();
  for (const r of runs)
    for (const [k, n] of Object.entries(r.failuresByKind)) failures.set(k, (failures.get(k) ?? 0) + n);
  const rooms = runs.map(
    (r) =>
      `run ${r.run}: ${r.rooms} rooms (${Object.entries(r.roomsPerProcess)
        .sort()
        .map(([n, c]) => `${n} ${c}`)
        .join(", ")}), players ${Object.entries(r.playersPerProcess)
        .sort()
        .map(([n, c]) => `${n} ${c}`)
        .join(", ")}, most in one room ${r.maxPlayersPerRoom}`,
  );
  const cpuKeys = [...new Set(runs.flatMap((r) => Object.keys(r.cpuPercent)))].sort();
  const valid = runs.filter((r) => r.valid).length;
  return [
    `## 1. Time to seat: ${r0(s.count)} quick plays at ${r0(s.rate)}/s (open loop) through nginx with TLS, 2 processes`,
    "",
    `${runs.length} run(s), fresh cluster each, ${valid} valid; ms, median [min–max] over ${seat.figuresFrom === "valid runs" ? "the valid runs" : "all runs (none valid)"}; each run's percentiles exact.`,
    "",
    table(
      ["", "p50", "p95", "p99", "max"],
      [
        row("time to seat (arrival → JOIN_ROOM)*", (r) => r.seatMs),
        row("… of the seated arrivals only", (r) => r.seatedOnlyMs),
        row("… → first state (seated)", (r) => r.stateMs),
        row("  matchmaking (POST → seat reservation)", (r) => r.stages.matchmake),
        row("  TLS handshake to nginx", (r) => r.stages.tls),
        row("  WebSocket upgrade (nginx → process)", (r) => r.stages.upgrade),
        row("  join (socket open → JOIN_ROOM)", (r) => r.stages.join),
        row("generator start lateness", (r) => r.lateMs),
      ],
    ),
    "",
    `(* every arrival; one not seated within ${s.connectTimeoutMs / 1000} s counts as ${s.connectTimeoutMs} ms. The stages: seated arrivals.)`,
    "",
    `- Target p95 ≤ 300 ms: ${seat.p95.median <= 300 ? "met" : "NOT met"} (p95 ${sp(seat.p95)} ms).`,
    `- Failures: ${seat.failures}${failures.size > 0 ? ` (${[...failures].map(([k, n]) => `${n}× ${k}`).join(", ")})` : ""}.`,
    `- Rooms over cap: ${seat.roomsOverCap} (Redis listings: clients ≤ maxClients, players ≤ maxPlayers; players' own count ≤ 16).`,
    ...rooms.map((l) => `- ${l}`),
    `- CPU over the arrivals, % of one core (median of runs): ${cpuKeys
      .map((k) => `${k} ${spreadOf(runs.map((r) => r.cpuPercent[k] ?? 0)).median.toFixed(0)}`)
      .join(", ")}; machine ${spreadOf(runs.map((r) => r.machineCpuPercent)).median.toFixed(0)} % of all cores ` +
      `(other work ${spreadOf(runs.map((r) => r.otherCpuPercent)).median.toFixed(0)} % of a core; a run is invalid above ${s.maxOtherCpuPercent}).`,
    `- Seated players received ${r0(spreadOf(runs.map((r) => r.framesIn)).median)} messages (their rooms' patches) until the last join settled (median of runs).`,
    `- Generator: event-loop lag p99 ${sp(spreadOf(runs.map((r) => r.generatorLagMs.p99)), 1)} ms; a run is invalid when its p99 start lateness exceeds ${s.maxLateP99Ms} ms.`,
    ...runs.filter((r) => !r.valid).map((r) => `- Run ${r.run} INVALID: ${r.invalidWhy.join("; ")}`),
  ].join("\n");
}

function ccuSection(ccu: CcuResult): string {
  const s = ccu.settings;
  const lines: string[] = [
    `## 2. CCU carried by ${s.ladders.join(" vs ")} process(es)`,
    "",
    `Pass per step (${s.holdSeconds} s hold): every server process < ${s.limits.cpuPercent} % CPU, every process's probe p99 patch ` +
      `inter-arrival < ${s.limits.patchP99Ms} ms, no failed join, no disconnect; invalid when, in two holds running, a client ` +
      `process lagged (p99 > ${s.limits.clientLagP99Ms} ms) or other work took > ${s.limits.otherCpuPercent} % of a core. Light players through nginx (wss), ${s.inputRate} inputs/s batched 2 per message.`,
    "",
    table(
      ["processes", "CCU carried (median [min–max])", "runs", "what stopped each run"],
      ccu.ladders.map((l) => [
        String(l.processes),
        sp(l.capacity),
        String(l.runs.length),
        l.runs.map((r) => r.stoppedBy).join(" / "),
      ]),
    ),
    "",
    CAVEAT,
  ];
  for (const l of ccu.ladders) {
    const names = [...new Set(l.runs.flatMap((r) => r.steps.flatMap((st) => st.processes.map((p) => p.name))))].sort();
    lines.push(
      "",
      `Steps on ${l.processes} process(es):`,
      "",
      table(
        [
          "run",
          "step",
          "verdict",
          "ccu",
          ...names.map((n) => `${n} CPU % / p99 ms`),
          "nginx %",
          "load %",
          "machine %",
          "lag load/probe ms",
        ],
        l.runs.flatMap((r) =>
          r.steps.map((st) => [
            String(r.run),
            String(st.target),
            st.verdict + (st.reheld ? " (2nd hold)" : ""),
            String(st.ccu),
            ...names.map((n) => {
              const p = st.processes.find((q) => q.name === n);
              if (p === undefined) return "–";
              const p99 = p.patchP99Ms === null ? "–" : p.patchP99Ms.toFixed(1);
              return `${p.cpuPercent.toFixed(0)} / ${p99}${p.patchSource === "light players" ? "*" : ""}`;
            }),
            st.nginxCpuPercent.toFixed(0),
            st.loadCpuPercent.toFixed(0),
            st.machineCpuPercent.toFixed(0),
            `${st.loadLagP99Ms.toFixed(1)} / ${st.probeLagP99Ms.toFixed(1)}`,
          ]),
        ),
      ),
    );
  }
  const fallback = ccu.ladders.some((l) =>
    l.runs.some((r) => r.steps.some((st) => st.processes.some((p) => p.patchSource === "light players"))),
  );
  if (fallback) lines.push("", "(* no probe on that process: its sampled light players' p99.)");
  return lines.join("\n");
}

function sigkillSection(k: SigkillResult): string {
  return [
    `## 3. SIGKILL → every displaced player playing again (${k.settings.bots} SDK bots, 2 processes)`,
    "",
    table(
      ["run", "killed", "bots on it / other", "listings gone ms", "all displaced playing ms", "others disturbed"],
      k.runs.map((r) => [
        String(r.run),
        r.victim,
        `${r.displaced} / ${r.bystanders}`,
        r.listingsGoneMs === null ? "TIMEOUT" : r0(r.listingsGoneMs),
        r.replayMs === null ? `TIMEOUT (${r.stranded} stranded)` : r0(r.replayMs),
        String(r.bystandersDisturbed),
      ]),
    ),
    "",
    `- Listings gone: ${sp(k.listingsGoneMs)} ms; every displaced bot playing again: ${sp(k.replayMs)} ms ` +
      `(median [min–max]; polled every 50 ms, from the kill).`,
    ...(k.timedOut > 0 ? [`- ${k.timedOut} run(s) did not finish within ${k.settings.timeoutMs / 1000} s.`] : []),
  ].join("\n");
}

function matchmakingSection(m: MatchmakingResult): string {
  const s = m.settings;
  const rows = m.cells.map((c) => [
    `${r0(c.rate)}/s`,
    c.matchmaker === "spread" ? "ours (spread)" : "Colyseus joinOrCreate",
    sp(c.p50, 1),
    sp(c.p95, 1),
    sp(c.p99, 1),
    sp(c.rooms),
    String(c.failures),
    String(c.roomsOverCap),
    `${c.validRuns}/${s.runs}`,
  ]);
  return [
    `## 4. Matchmaking alone: ${r0(s.count)} quick plays (open loop) over 2 processes on Redis, plain HTTP`,
    "",
    `${s.runs} run(s) per cell, fresh cluster each, variants alternating; ms, median [min–max] of the runs' exact ` +
      `percentiles (valid runs; all runs if none). The fewest rooms possible: ${Math.ceil(s.count / 16)}.`,
    "",
    table(["rate", "matchmaker", "p50", "p95", "p99", "rooms", "failures", "over cap", "valid"], rows),
    "",
    `- Latency: scheduled arrival → seat reservation answered; an unanswered request counts as ${s.timeoutMs / 1000} s.`,
    `- A run is invalid when the generator started its p99 arrival more than ${s.maxLateP99Ms} ms late.`,
  ].join("\n");
}

/** The readable report. */
export function renderTable(r: ClusterBenchResult): string {
  return [
    `# Tick Arena cluster benchmark${r.ci ? " (CI variant)" : ""}: ${r.startedAt}`,
    `${r.machine.cpus}, ${r.machine.cores} cores, Node ${r.machine.node}. ${CAVEAT}`,
    ...(r.seat !== null ? ["", seatSection(r.seat)] : []),
    ...(r.ccu !== null ? ["", ccuSection(r.ccu)] : []),
    ...(r.sigkill !== null ? ["", sigkillSection(r.sigkill)] : []),
    ...(r.matchmaking !== null ? ["", matchmakingSection(r.matchmaking)] : []),
  ].join("\n");
}

/** The `--json` object: headline keys first (null for a part not run), then every figure. */
export function jsonSummary(r: ClusterBenchResult, resultFile: string | null): Record<string, unknown> {
  const ladder = (n: number): number | null => r.ccu?.ladders.find((l) => l.processes === n)?.capacity.median ?? null;
  return {
    seatP50Ms: r.seat?.p50.median ?? null,
    seatP95Ms: r.seat?.p95.median ?? null,
    seatP99Ms: r.seat?.p99.median ?? null,
    seatMaxMs: r.seat?.max.median ?? null,
    seatFailures: r.seat?.failures ?? null,
    roomsOverCap: r.seat?.roomsOverCap ?? null,
    seatValidRuns: r.seat === null ? null : r.seat.runs.filter((x) => x.valid).length,
    ccuOneProcess: ladder(1),
    ccuTwoProcesses: ladder(2),
    sigkillListingsGoneMs: r.sigkill?.listingsGoneMs?.median ?? null,
    sigkillReplayMs: r.sigkill?.replayMs?.median ?? null,
    matchmakingRoomsOverCap: r.matchmaking?.cells.reduce((n, c) => n + c.roomsOverCap, 0) ?? null,
    matchmakingFailures: r.matchmaking?.cells.reduce((n, c) => n + c.failures, 0) ?? null,
    matchmakingP95Ms:
      r.matchmaking?.cells.map((c) => ({ rate: c.rate, matchmaker: c.matchmaker, p95: c.p95.median })) ?? null,
    spreads: {
      seatP50Ms: r.seat?.p50 ?? null,
      seatP95Ms: r.seat?.p95 ?? null,
      seatP99Ms: r.seat?.p99 ?? null,
      seatMaxMs: r.seat?.max ?? null,
      ccu: r.ccu?.ladders.map((l) => ({ processes: l.processes, capacity: l.capacity })) ?? null,
      sigkillListingsGoneMs: r.sigkill?.listingsGoneMs ?? null,
      sigkillReplayMs: r.sigkill?.replayMs ?? null,
      matchmaking: r.matchmaking?.cells ?? null,
    },
    caveat: CAVEAT,
    machine: r.machine,
    ci: r.ci,
    resultFile,
  };
}
