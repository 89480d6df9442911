/**
 * The server's own performance figures, so operators and the benchmark read them instead of
 * guessing: simulation tick and patch durations, event-loop lag, CPU, memory, CCU and rooms,
 * over a rolling window of whole seconds. One instance per server process, created by
 * `startGameServer` and handed to rooms through their settings (no module globals).
 */
import { monitorEventLoopDelay, type ELDHistogram } from "node:perf_hooks";
import { DurationHistogram, type DurationSummary } from "./histogram.ts";

/** What a room reports; implemented by {@link ServerMetrics}. */
export interface RoomMetricsSink {
  recordTick(ms: number): void;
  recordPatch(ms: number): void;
}

/** Sampling interval of the event-loop monitor, in ms. */
const LOOP_RESOLUTION_MS = 5;

/** Longest window a snapshot can cover, in seconds. */
export const MAX_WINDOW_SECONDS = 60;

/** One second of figures. */
interface Second {
  readonly tick: DurationHistogram;
  readonly patch: DurationHistogram;
  loopP50: number;
  loopP99: number;
  loopMax: number;
  cpuMicros: number;
  wallMs: number;
}

/** A snapshot of the server's figures over the last `windowSeconds`. */
export interface MetricsSnapshot {
  readonly windowSeconds: number;
  readonly uptimeSeconds: number;
  readonly ccu: number;
  readonly rooms: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Process CPU (user + system) as a percentage of one core. */
  readonly cpuPercent: number;
  readonly tickBudgetMs: number;
  readonly tickMs: DurationSummary;
  readonly patchMs: DurationSummary;
  /** Event-loop delay: the medians and the worst per-second p99 and max over the window. */
  readonly eventLoopLagMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** Collects per-second figures in a ring; `snapshot()` merges the newest seconds. */
export class ServerMetrics implements RoomMetricsSink {
  private readonly ring: Second[] = [];
  private current: Second = newSecond();
  private readonly loop: ELDHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly startedAt = performance.now();
  private lastCpu = process.cpuUsage();
  private lastRoll = performance.now();

  constructor(
    private readonly tickBudgetMs: number,
    private readonly counts: () => { ccu: number; rooms: number },
  ) {
    this.loop.enable();
    this.timer = setInterval(() => this.roll(), 1000);
    this.timer.unref();
  }

  recordTick(ms: number): void {
    this.current.tick.record(ms);
  }

  recordPatch(ms: number): void {
    this.current.patch.record(ms);
  }

  /** Figures over the last `windowSeconds` complete seconds (1–60). */
  snapshot(windowSeconds = 10): MetricsSnapshot {
    const n = Math.max(1, Math.min(MAX_WINDOW_SECONDS, Math.floor(windowSeconds)));
    const seconds = this.ring.slice(-n);
    const tick = new DurationHistogram();
    const patch = new DurationHistogram();
    let cpu = 0;
    let wall = 0;
    const loopP50: number[] = [];
    let loopP99 = 0;
    let loopMax = 0;
    for (const s of seconds) {
      tick.merge(s.tick);
      patch.merge(s.patch);
      cpu += s.cpuMicros;
      wall += s.wallMs;
      loopP50.push(s.loopP50);
      loopP99 = Math.max(loopP99, s.loopP99);
      loopMax = Math.max(loopMax, s.loopMax);
    }
    loopP50.sort((a, b) => a - b);
    const mem = process.memoryUsage();
    const { ccu, rooms } = this.counts();
    return {
      windowSeconds: seconds.length,
      uptimeSeconds: Math.round((performance.now() - this.startedAt) / 1000),
      ccu,
      rooms,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      cpuPercent: wall > 0 ? (cpu / 1000 / wall) * 100 : 0,
      tickBudgetMs: this.tickBudgetMs,
      tickMs: tick.summary(),
      patchMs: patch.summary(),
      eventLoopLagMs: { p50: loopP50[Math.floor(loopP50.length / 2)] ?? 0, p99: loopP99, max: loopMax },
    };
  }

  /** Stops the sampling timer and the event-loop monitor. */
  stop(): void {
    clearInterval(this.timer);
    this.loop.disable();
  }

  /** Closes the current second and starts the next. */
  private roll(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    const s = this.current;
    s.cpuMicros = cpu.user + cpu.system;
    s.wallMs = now - this.lastRoll;
    // The monitor reports nanoseconds between its samples; lag is what exceeds the interval.
    const lag = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : 0);
    s.loopP50 = lag(this.loop.percentile(50));
    s.loopP99 = lag(this.loop.percentile(99));
    s.loopMax = lag(this.loop.max);
    this.loop.reset();
    this.lastRoll = now;
    this.ring.push(s);
    if (this.ring.length > MAX_WINDOW_SECONDS) this.ring.shift();
    this.current = newSecond();
  }
}

function newSecond(): Second {
  return {
    tick: new DurationHistogram(),
    patch: new DurationHistogram(),
    loopP50: 0,
    loopP99: 0,
    loopMax: 0,
    cpuMicros: 0,
    wallMs: 0,
  };
}
