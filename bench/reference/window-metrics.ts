/**
 * `GET /metrics?window=N` for the benchmark's own servers (the bare-`ws` reference and the JSON
 * baseline), in exactly the shape Tick Arena's server answers (`MetricsSnapshot` of
 * server/metrics/server-metrics.ts), so the harness reads all three servers the same way: tick
 * and patch durations, event-loop lag, CPU and memory over the last N whole seconds. Durations go
 * into the same histogram Tick Arena's server uses (server/metrics/histogram.ts, ±2.5 %), so the
 * tick rule is applied to all three servers with one instrument; it is a small fixed-size array,
 * so a minute of per-second histograms does not grow the RSS the benchmark reads.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { MetricsSnapshot } from "../../server/metrics/server-metrics.ts";
import { DurationHistogram } from "../../server/metrics/histogram.ts";

/** Sampling interval of the event-loop monitor, ms. */
const LOOP_RESOLUTION_MS = 5;
/** Longest window a snapshot can cover, in seconds. */
const MAX_WINDOW_SECONDS = 60;

interface Second {
  readonly tick: DurationHistogram;
  readonly patch: DurationHistogram;
  loopP50: number;
  loopP99: number;
  loopMax: number;
  cpuMicros: number;
  wallMs: number;
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

/** Per-second figures in a ring; `snapshot()` merges the newest seconds. */
export class WindowMetrics {
  private readonly ring: Second[] = [];
  private current = newSecond();
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly timer: NodeJS.Timeout;
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

  /** One simulation step took `ms`. */
  recordTick(ms: number): void {
    this.current.tick.record(ms);
  }

  /** One room patch (encoding and sending to every client) took `ms`. */
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

/**
 * Answers `GET /metrics?window=N` from `metrics`; returns false for any other request so the
 * caller can route it.
 */
export function serveMetrics(metrics: WindowMetrics, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? "/", "http://bench");
  if (req.method !== "GET" || url.pathname !== "/metrics") return false;
  const window = Number(url.searchParams.get("window") ?? 10);
  const body = JSON.stringify(metrics.snapshot(Number.isFinite(window) ? window : 10));
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
  return true;
}
