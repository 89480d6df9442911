/**
 * The server's own performance figures, so operators and the benchmark read them instead of
 * guessing: simulation tick and patch durations, event-loop lag, CPU, memory, CCU and rooms,
 * over a rolling window of whole seconds (`GET /metrics.json`), and the same tick and patch
 * durations plus the WebSocket traffic as totals since start (`GET /metrics`, Prometheus; see
 * `prometheus.ts`). One instance per server process, created by `startGameServer` and handed to
 * rooms through their settings (no module globals).
 */
import { monitorEventLoopDelay, type ELDHistogram } from "node:perf_hooks";
import { CumulativeHistogram, DurationHistogram, type DurationSummary } from "./histogram.ts";
import { newWireCounters, type WireCounters } from "./wire-counters.ts";

/**
 * What a room reports; implemented by {@link ServerMetrics}. One call feeds both the rolling
 * window and the totals since start.
 */
export interface RoomMetricsSink {
  /** One simulation step took `ms`. */
  recordTick(ms: number): void;
  /** One patch (project, encode, send to every client) took `ms`. */
  recordPatch(ms: number): void;
}

/** Upper bounds of the Prometheus tick-duration buckets, in ms (the tick budget is added). */
const TICK_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 50, 100];
/** Upper bounds of the Prometheus patch-duration buckets, in ms. */
const PATCH_BUCKETS_MS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 50];

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
  readonly eventLoopLagMs: EventLoopLag;
}

/** Event-loop delay beyond the monitor's sampling interval, in ms. */
export interface EventLoopLag {
  /** The median of the per-second medians. */
  readonly p50: number;
  /** The worst per-second p99. */
  readonly p99: number;
  /** The worst delay. */
  readonly max: number;
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
  /** Every step since start, in Prometheus buckets (one of them the tick budget). */
  readonly tickTotals: CumulativeHistogram;
  /** Every patch since start, in Prometheus buckets. */
  readonly patchTotals = new CumulativeHistogram(PATCH_BUCKETS_MS);
  /** WebSocket traffic since start; counted by the transport's sockets (`wire-counters.ts`). */
  readonly wire: WireCounters = newWireCounters();

  /**
   * @param tickBudgetMs the simulation step's time budget (1000 / tick rate)
   * @param counts connected clients and rooms of this process now
   */
  constructor(
    private readonly tickBudgetMs: number,
    readonly counts: () => { ccu: number; rooms: number },
  ) {
    const budget = Math.round(tickBudgetMs * 1000) / 1000;
    const bounds = TICK_BUCKETS_MS.includes(budget) ? TICK_BUCKETS_MS : [...TICK_BUCKETS_MS, budget];
    this.tickTotals = new CumulativeHistogram(bounds.filter((b) => b > 0).sort((a, b) => a - b));
    this.loop.enable();
    this.timer = setInterval(() => this.roll(), 1000);
    this.timer.unref();
  }

  recordTick(ms: number): void {
    this.current.tick.record(ms);
    this.tickTotals.record(ms);
  }

  recordPatch(ms: number): void {
    this.current.patch.record(ms);
    this.patchTotals.record(ms);
  }

  /** Event-loop lag over the last `windowSeconds` complete seconds (1–60). */
  eventLoopLag(windowSeconds = 10): EventLoopLag {
    const n = Math.max(1, Math.min(MAX_WINDOW_SECONDS, Math.floor(windowSeconds)));
    const seconds = this.ring.slice(-n);
    const loopP50: number[] = [];
    let p99 = 0;
    let max = 0;
    for (const s of seconds) {
      loopP50.push(s.loopP50);
      p99 = Math.max(p99, s.loopP99);
      max = Math.max(max, s.loopMax);
    }
    loopP50.sort((a, b) => a - b);
    return { p50: loopP50[Math.floor(loopP50.length / 2)] ?? 0, p99, max };
  }

  /** Figures over the last `windowSeconds` complete seconds (1–60). */
  snapshot(windowSeconds = 10): MetricsSnapshot {
    const n = Math.max(1, Math.min(MAX_WINDOW_SECONDS, Math.floor(windowSeconds)));
    const seconds = this.ring.slice(-n);
    const tick = new DurationHistogram();
    const patch = new DurationHistogram();
    let cpu = 0;
    let wall = 0;
    for (const s of seconds) {
      tick.merge(s.tick);
      patch.merge(s.patch);
      cpu += s.cpuMicros;
      wall += s.wallMs;
    }
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
      eventLoopLagMs: this.eventLoopLag(n),
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
