/**
 * Part 1 of `npm run bench:cluster`: time to seat under open-loop quick-play arrivals.
 *
 * Per run, on a fresh cluster of two processes behind nginx with TLS:
 * 1. the client process fetches one guest token per arrival (outside the timed part: a browser
 *    has its token at the menu), then warms the cluster up with a few quick plays that leave
 *    again (the first joins of a fresh Node process compile the join path);
 * 2. arrivals on a fixed schedule (`rate` per second, `count` of them, whatever happened to the
 *    earlier ones): `POST /matchmake/joinOrCreate/arena`, then `wss://` to the seat through
 *    nginx, then JOIN_ROOM. Time to seat = scheduled arrival → JOIN_ROOM received, so a late
 *    generator counts against the server, never for it; an arrival not seated within the
 *    give-up time (15 s) counts as that time. How late each arrival started is measured too,
 *    and a run whose p99 start lateness exceeds {@link SeatSettings.maxLateP99Ms}, or during
 *    which other work took more than {@link SeatSettings.maxOtherCpuPercent} of a core, is
 *    invalid (something else than the cluster set its pace);
 * 3. with every player still seated: no room over its cap (Redis `roomcaches`: clients ≤
 *    maxClients and players ≤ maxPlayers; and the players' own view: seats per room ≤ 16), and
 *    rooms per process.
 * Percentiles are exact (perf_hooks histograms, integer µs).
 */
import { MAX_PLAYERS } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ExactHistogram, type LatencySummary } from "../load/exact-histogram.ts";
import type { LagSummary } from "../load/loadtest.ts";
import { spread, type Spread } from "../verdict.ts";
import type { SeatRecord } from "./client-protocol.ts";
import { cpuWindow } from "./cpu.ts";
import { cpuGroups, processNames, withClients, withCluster, type BenchContext } from "./common.ts";

export interface SeatSettings {
  readonly count: number;
  readonly rate: number;
  /** Quick plays (which then leave) before the timed arrivals. */
  readonly warmup: number;
  readonly runs: number;
  readonly connectTimeoutMs: number;
  /** A run whose p99 start lateness is above this is invalid, ms. */
  readonly maxLateP99Ms: number;
  /** A run during which other work used more than this, % of one core, is invalid. */
  readonly maxOtherCpuPercent: number;
}

/** One run's figures. */
export interface SeatRun {
  readonly run: number;
  readonly valid: boolean;
  readonly invalidWhy: string[];
  readonly arrivals: number;
  readonly seated: number;
  readonly failures: number;
  readonly failuresByKind: Record<string, number>;
  /** One example message per failure kind. */
  readonly failureExamples: Record<string, string>;
  /**
   * Scheduled arrival → JOIN_ROOM (the time to seat), over every arrival: one that was never
   * seated counts as the give-up time (`connectTimeoutMs`), so a percentile that lands on a
   * failure reads that bound, never better.
   */
  readonly seatMs: LatencySummary;
  /** The same over the seated arrivals only. */
  readonly seatedOnlyMs: LatencySummary;
  /** Scheduled arrival → first full state (seated arrivals). */
  readonly stateMs: LatencySummary;
  /** Where the time goes: matchmaking (→ seat reservation), TLS handshake to nginx, WebSocket
   * upgrade (nginx → the room's process), the server's join (→ JOIN_ROOM). */
  readonly stages: Record<"matchmake" | "tls" | "upgrade" | "join", LatencySummary>;
  /** How late arrivals started against the schedule. */
  readonly lateMs: LatencySummary;
  readonly generatorLagMs: LagSummary;
  readonly generatorCpuPercent: number;
  readonly durationMs: number;
  /** Messages the seated players received until the last join settled (their rooms' patches). */
  readonly framesIn: number;
  /** Rooms over a cap (listing or the players' own count), and why. */
  readonly roomsOverCap: number;
  readonly overCap: string[];
  /** Most players one room seated, by the players' own view. */
  readonly maxPlayersPerRoom: number;
  readonly rooms: number;
  readonly roomsPerProcess: Record<string, number>;
  readonly playersPerProcess: Record<string, number>;
  /** CPU over the arrivals (until every join settled), % of one core; machine % of all cores. */
  readonly cpuPercent: Record<string, number>;
  readonly machineCpuPercent: number;
  /** Work on the machine beyond the cluster and the benchmark, % of one core. */
  readonly otherCpuPercent: number;
}

export interface SeatResult {
  readonly settings: SeatSettings;
  readonly runs: SeatRun[];
  /** Runs the figures come from (the valid ones; all when none is valid). */
  readonly figuresFrom: "valid runs" | "all runs (none valid)";
  readonly p50: Spread;
  readonly p95: Spread;
  readonly p99: Spread;
  readonly max: Spread;
  readonly failures: number;
  readonly roomsOverCap: number;
}

const ZERO: Spread = { median: 0, min: 0, max: 0 };

function summaryOf(values: readonly (number | null)[]): LatencySummary {
  const h = new ExactHistogram();
  for (const v of values) if (v !== null) h.record(v);
  return h.summary();
}

const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/** Players seated per room, by the players' own view (their seat reservations). */
export function seatsPerRoom(records: readonly SeatRecord[]): Map<string, number> {
  const perRoom = new Map<string, number>();
  for (const r of records)
    if (r.failure === null && r.roomId !== null) perRoom.set(r.roomId, (perRoom.get(r.roomId) ?? 0) + 1);
  return perRoom;
}

/** The figures of one run from its records; a failed arrival counts as `giveUpMs` (pure). */
export function figuresOf(
  records: readonly SeatRecord[],
  giveUpMs: number,
): Pick<
  SeatRun,
  | "arrivals"
  | "seated"
  | "failures"
  | "failuresByKind"
  | "failureExamples"
  | "seatMs"
  | "seatedOnlyMs"
  | "stateMs"
  | "stages"
  | "lateMs"
  | "maxPlayersPerRoom"
> {
  const ok = records.filter((r) => r.failure === null && r.joinRoomMs !== null);
  const failuresByKind: Record<string, number> = {};
  const failureExamples: Record<string, string> = {};
  for (const r of records) {
    if (r.failure === null) continue;
    failuresByKind[r.failure] = (failuresByKind[r.failure] ?? 0) + 1;
    failureExamples[r.failure] ??= r.failureDetail ?? "";
  }
  return {
    arrivals: records.length,
    seated: ok.length,
    failures: records.length - ok.length,
    failuresByKind,
    failureExamples,
    seatMs: summaryOf(records.map((r) => (r.failure === null && r.joinRoomMs !== null ? r.joinRoomMs : giveUpMs))),
    seatedOnlyMs: summaryOf(ok.map((r) => r.joinRoomMs)),
    stateMs: summaryOf(ok.map((r) => r.stateMs)),
    stages: {
      matchmake: summaryOf(ok.map((r) => diff(r.reservationMs, r.lateMs))),
      tls: summaryOf(ok.map((r) => diff(r.secureMs, r.reservationMs))),
      upgrade: summaryOf(ok.map((r) => diff(r.openMs, r.secureMs))),
      join: summaryOf(ok.map((r) => diff(r.joinRoomMs, r.openMs))),
    },
    lateMs: summaryOf(records.map((r) => r.lateMs)),
    maxPlayersPerRoom: Math.max(0, ...seatsPerRoom(records).values()),
  };
}

async function seatOnce(ctx: BenchContext, s: SeatSettings, run: number): Promise<SeatRun> {
  return withCluster(ctx, 2, (cluster) =>
    withClients(ctx, "seat generator", async (gen) => {
      await gen.call("tokens", { url: cluster.url, count: s.count + s.warmup }, 120_000);
      if (s.warmup > 0) {
        const w = await gen.call("seat.warmup", { url: cluster.url, count: s.warmup, rate: 50 }, 60_000);
        if (w.failed > 0) ctx.log(`  warm-up: ${w.failed} of ${s.warmup} joins failed`);
        // Let the warm-up rooms empty and dispose.
        await new Promise((r) => setTimeout(r, 1000));
      }
      const window = await cpuWindow(await cpuGroups(cluster, { generator: gen }));
      const result = await gen.call(
        "seat.run",
        { url: cluster.url, count: s.count, rate: s.rate, connectTimeoutMs: s.connectTimeoutMs },
        (s.count / s.rate) * 1000 + s.connectTimeoutMs + 30_000,
      );
      const cpu = await window.end();

      // Every player still seated: the caps, from Redis and from the players' own view.
      const names = await processNames(cluster);
      const listings = [...(await cluster.listings()).values()].filter((l) => l.name === RoomName.Arena);
      const overCap: string[] = [];
      for (const l of listings) {
        const players = Number(l.metadata?.["players"] ?? 0);
        const maxPlayers = Number(l.metadata?.["maxPlayers"] ?? MAX_PLAYERS);
        if (l.clients > l.maxClients) overCap.push(`${l.roomId}: ${l.clients} clients > maxClients ${l.maxClients}`);
        if (players > maxPlayers) overCap.push(`${l.roomId}: ${players} players > ${maxPlayers}`);
      }
      const figures = figuresOf(result.records, s.connectTimeoutMs);
      for (const [roomId, n] of seatsPerRoom(result.records))
        if (n > MAX_PLAYERS) overCap.push(`${roomId}: ${n} players seated (their own count) > ${MAX_PLAYERS}`);
      const roomsOverCap = new Set(overCap.map((line) => line.split(":")[0])).size;
      const roomsPerProcess: Record<string, number> = {};
      for (const l of listings) {
        const name = names.get(l.processId) ?? l.processId;
        roomsPerProcess[name] = (roomsPerProcess[name] ?? 0) + 1;
      }
      const playersPerProcess: Record<string, number> = {};
      for (const r of result.records) {
        if (r.failure !== null || r.processId === null) continue;
        const name = names.get(r.processId) ?? r.processId;
        playersPerProcess[name] = (playersPerProcess[name] ?? 0) + 1;
      }
      await gen.call("seat.release", {}, 60_000);

      const invalidWhy: string[] = [];
      if (cpu.otherPercent > s.maxOtherCpuPercent)
        invalidWhy.push(
          `other work on the machine: ${cpu.otherPercent.toFixed(0)} % of a core > ${s.maxOtherCpuPercent}`,
        );
      if (figures.lateMs.p99 > s.maxLateP99Ms)
        invalidWhy.push(
          `the generator started arrivals late: p99 ${figures.lateMs.p99.toFixed(1)} ms > ${s.maxLateP99Ms} ms`,
        );
      return {
        run,
        valid: invalidWhy.length === 0,
        invalidWhy,
        ...figures,
        generatorLagMs: result.lagMs,
        generatorCpuPercent: result.cpuPercent,
        durationMs: result.durationMs,
        framesIn: result.framesIn,
        roomsOverCap,
        overCap,
        rooms: listings.length,
        roomsPerProcess,
        playersPerProcess,
        cpuPercent: cpu.percent,
        machineCpuPercent: cpu.machinePercent,
        otherCpuPercent: cpu.otherPercent,
      };
    }),
  );
}

const f0 = (v: number): string => v.toFixed(0);

/** Runs part 1 `settings.runs` times, each on a fresh cluster. */
export async function measureSeat(ctx: BenchContext, settings: SeatSettings): Promise<SeatResult> {
  const runs: SeatRun[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    ctx.log(
      `[seat] run ${run} of ${settings.runs}: ${settings.count} quick plays at ${settings.rate}/s through nginx (2 processes)`,
    );
    const r = await seatOnce(ctx, settings, run);
    runs.push(r);
    const kinds = Object.entries(r.failuresByKind)
      .map(([k, n]) => `${n}× ${k}`)
      .join(", ");
    ctx.log(
      `[seat] run ${run}: seated ${r.seated}/${r.arrivals}, p50 ${f0(r.seatMs.p50)} p95 ${f0(r.seatMs.p95)} ` +
        `p99 ${f0(r.seatMs.p99)} max ${f0(r.seatMs.max)} ms; start lateness p99 ${r.lateMs.p99.toFixed(1)} ms; ` +
        `rooms over cap ${r.roomsOverCap}; rooms ${JSON.stringify(r.roomsPerProcess)}` +
        `${kinds !== "" ? `; failures: ${kinds}` : ""}${r.valid ? "" : `; INVALID (${r.invalidWhy.join("; ")})`}`,
    );
  }
  const valid = runs.filter((r) => r.valid);
  const from = valid.length > 0 ? valid : runs;
  const of = (pick: (r: SeatRun) => number): Spread => spread(from.map(pick)) ?? ZERO;
  return {
    settings,
    runs,
    figuresFrom: valid.length > 0 ? "valid runs" : "all runs (none valid)",
    p50: of((r) => r.seatMs.p50),
    p95: of((r) => r.seatMs.p95),
    p99: of((r) => r.seatMs.p99),
    max: of((r) => r.seatMs.max),
    failures: runs.reduce((a, r) => a + r.failures, 0),
    roomsOverCap: runs.reduce((a, r) => a + r.roomsOverCap, 0),
  };
}
