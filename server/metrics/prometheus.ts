/**
 * `GET /metrics` in Prometheus's text format: one prom-client `Registry` per server (never the
 * global one; tests start several servers in one process, one after another). Nothing here runs
 * on the hot path: rooms and sockets bump plain numbers in {@link ServerMetrics}, and every
 * `tick_arena_` metric reads them when scraped.
 *
 * - `tick_arena_ccu`, `tick_arena_rooms`, `tick_arena_rooms_by_type{type}`: this process now.
 * - `tick_arena_tick_duration_seconds`, `tick_arena_patch_duration_seconds`: histograms of
 *   every simulation step and every patch (project, encode, send) of every arena room.
 * - `tick_arena_messages_{in,out}_total`, `tick_arena_bytes_{in,out}_total`,
 *   `tick_arena_patch_bytes_total`, `tick_arena_state_bytes_total`: WebSocket traffic
 *   (`wire-counters.ts` says exactly what counts).
 * - `tick_arena_event_loop_lag_{p50,p99,max}_seconds`: lag beyond the sampling interval over the
 *   last 10 s (`/metrics.json`'s `eventLoopLagMs`).
 * - `tick_arena_client_faults_total{kind}`: client faults since start.
 * - prom-client's default process metrics (`process_*`, `nodejs_*`), with
 *   `nodejs_gc_duration_seconds` replaced by one that records every GC (see {@link GcPauses}).
 */
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import type { RegisteredHandler } from "@colyseus/core";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from "prom-client";
import type { FaultLog } from "../log/fault-log.ts";
import type { QuickPlayStats } from "../matchmaking/quick-play.ts";
import type { CumulativeHistogram } from "./histogram.ts";
import type { ServerMetrics } from "./server-metrics.ts";
import type { WireCounters } from "./wire-counters.ts";

/** Prefix of every metric of Tick Arena's own. */
export const METRIC_PREFIX = "tick_arena_";

/** prom-client's name for GC pauses, kept so dashboards built for it work. */
export const GC_METRIC = "nodejs_gc_duration_seconds";

/** GC pause buckets, in seconds: scavenges take 0.5–30 ms, and the tick budget is 33 ms. */
const GC_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Window of the event-loop lag gauges, in seconds. */
const LAG_WINDOW_SECONDS = 10;

/** Where the process-level figures come from. */
export interface PrometheusSources {
  /** Tick and patch histograms, WebSocket counters, event-loop lag, CCU and rooms. */
  readonly metrics: ServerMetrics;
  /** Client faults by kind. */
  readonly faults?: FaultLog;
  /** Quick play's seat allocator (server/matchmaking/quick-play.ts). */
  readonly quickPlay?: QuickPlayStats;
}

/** The Prometheus side of one server's figures. */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly gc: GcPauses;
  /** Rooms of each type on this process now, kept by the room handlers' create/dispose events. */
  private readonly roomsByType = new Map<string, number>();

  constructor(sources: PrometheusSources) {
    const { metrics, faults } = sources;
    const registers = [this.registry];
    const roomsByType = this.roomsByType;

    collectDefaultMetrics({ register: this.registry });
    this.gc = new GcPauses(this.registry);

    new Gauge({
      name: `${METRIC_PREFIX}ccu`,
      help: "Clients connected to this process (joined to any room: arena players and spectators, lobby, ranked queue).",
      registers,
      collect() {
        this.set(metrics.counts().ccu);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}rooms`,
      help: "Rooms on this process (every type).",
      registers,
      collect() {
        this.set(metrics.counts().rooms);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}rooms_by_type`,
      help: "Rooms on this process by room type (its matchmaking name: arena, arena-large, lobby, ranked).",
      labelNames: ["type"],
      registers,
      collect() {
        for (const [type, n] of roomsByType) this.set({ type }, n);
      },
    });

    this.registry.registerMetric(
      histogramMetric(
        `${METRIC_PREFIX}tick_duration_seconds`,
        "Duration of one simulation step of one arena room (inputs, physics, events), every step since start.",
        metrics.tickTotals,
      ),
    );
    this.registry.registerMetric(
      histogramMetric(
        `${METRIC_PREFIX}patch_duration_seconds`,
        "Duration of one state patch of one arena room (project the world, encode, send to every client).",
        metrics.patchTotals,
      ),
    );

    /** A counter read from a plain running total when scraped. */
    const totalCounter = (metric: string, help: string, read: () => number): void => {
      new Counter({
        name: `${METRIC_PREFIX}${metric}`,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };
    const wire = metrics.wire;
    const counter = (name: keyof WireCounters, metric: string, help: string): void =>
      totalCounter(metric, help, () => wire[name]);
    counter(
      "messagesIn",
      "messages_in_total",
      "WebSocket data messages received from clients, every socket of this process (inputs, input batches, chat, joins, pings); control frames not counted.",
    );
    counter(
      "messagesOut",
      "messages_out_total",
      "WebSocket data messages sent to clients on open sockets (state patches and full states, room messages and broadcasts, join/leave/error frames, pings); control frames not counted.",
    );
    counter("bytesIn", "bytes_in_total", "Payload bytes of the WebSocket data messages received from clients.");
    counter("bytesOut", "bytes_out_total", "Payload bytes of the WebSocket data messages sent to clients.");
    counter(
      "patchBytesOut",
      "patch_bytes_total",
      "Payload bytes of the state patches sent to clients: each client's ROOM_STATE_PATCH frame as sent (its timing prefix, its own view in large rooms), summed over recipients.",
    );
    counter(
      "stateBytesOut",
      "state_bytes_total",
      "Payload bytes of the full states sent to clients (ROOM_STATE frames: on join and reconnection).",
    );

    const quickPlay = sources.quickPlay;
    if (quickPlay !== undefined) {
      const qp = (name: keyof QuickPlayStats, metric: string, help: string): void =>
        totalCounter(`quick_play_${metric}`, help, () => quickPlay[name]);
      qp("seats", "seats_total", "Quick-play seats reserved by this process's allocator.");
      qp("roomsCreated", "rooms_created_total", "Arenas created for quick-play requests that found every room full.");
      qp(
        "missedPicks",
        "missed_picks_total",
        "Quick-play picks that found the room full after all (a sibling process's seats, a stale listing); each costs one more pick.",
      );
      qp(
        "fallbacks",
        "fallbacks_total",
        "Quick-play requests handed to Colyseus's own joinOrCreate after 8 missed picks.",
      );
    }

    const lag = (which: "p50" | "p99" | "max", help: string): void => {
      new Gauge({
        name: `${METRIC_PREFIX}event_loop_lag_${which}_seconds`,
        help: `${help} over the last ${LAG_WINDOW_SECONDS} s, beyond the 5 ms sampling interval (0 on an idle loop).`,
        registers,
        collect() {
          this.set(metrics.eventLoopLag(LAG_WINDOW_SECONDS)[which] / 1000);
        },
      });
    };
    lag("p50", "Event-loop lag, median of the per-second medians,");
    lag("p99", "Event-loop lag, worst per-second p99,");
    lag("max", "Event-loop lag, worst single delay,");

    if (faults !== undefined) {
      new Counter({
        name: `${METRIC_PREFIX}client_faults_total`,
        help: "Client faults since start by kind (malformed input, floods, bad matchmaking requests...); the same totals as /metrics.json's faults.",
        labelNames: ["kind"],
        registers,
        collect() {
          this.reset();
          for (const [kind, n] of faults.totals) this.inc({ kind }, n);
        },
      });
    }
  }

  /** The `Content-Type` of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric, in Prometheus's text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Counts the rooms each handler creates and disposes (`tick_arena_rooms_by_type`). Call it
   * with the server's handlers before any room exists (right after `listen`); every type is
   * listed from then on, at 0 when it has no room.
   */
  countRooms(handlers: Readonly<Record<string, RegisteredHandler>>): void {
    for (const [type, handler] of Object.entries(handlers)) {
      this.roomsByType.set(type, this.roomsByType.get(type) ?? 0);
      handler.on("create", () => this.roomsByType.set(type, (this.roomsByType.get(type) ?? 0) + 1));
      handler.on("dispose", () => this.roomsByType.set(type, Math.max(0, (this.roomsByType.get(type) ?? 0) - 1)));
    }
  }

  /** Stops the GC observer. (prom-client's default collectors offer no way to stop theirs.) */
  stop(): void {
    this.gc.stop();
  }
}

/**
 * A histogram metric whose buckets, sum and count are read from `source` when scraped, so the
 * rooms record into plain arrays and never call prom-client. prom-client's registry takes any
 * object with `name`, `help`, `type`, `aggregator`, `get()` and `reset()` (its cluster
 * aggregator registers such objects itself); its type names only its own classes, hence the cast.
 */
export function histogramMetric(name: string, help: string, source: CumulativeHistogram): Metric {
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: () =>
      Promise.resolve({ name, help, type: "histogram", aggregator: "sum", values: histogramValues(name, source) }),
    // Totals since start: a registry reset does not forget them (the process did not restart).
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}

/** One sample line of a metric: `metricName{labels} value`. */
export interface SampleValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** The `_bucket` (le in seconds, cumulative, then +Inf), `_sum` (seconds) and `_count` samples. */
export function histogramValues(name: string, source: CumulativeHistogram): SampleValue[] {
  const cumulative = source.cumulative();
  const values: SampleValue[] = source.boundsMs.map((boundMs, i) => ({
    metricName: `${name}_bucket`,
    labels: { le: secondsLabel(boundMs) },
    value: cumulative[i]!,
  }));
  values.push(
    { metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: source.count },
    { metricName: `${name}_sum`, labels: {}, value: source.sumMs / 1000 },
    { metricName: `${name}_count`, labels: {}, value: source.count },
  );
  return values;
}

/** A bound in ms as a seconds label without float noise (0.1 ms → "0.0001", not "0.00010000000000000002"). */
function secondsLabel(ms: number): string {
  return String(Number((ms / 1000).toPrecision(12)));
}

/** GC kinds by perf_hooks's numbers, as prom-client names them. */
const GC_KINDS: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, "major"],
  [constants.NODE_PERFORMANCE_GC_MINOR, "minor"],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, "incremental"],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, "weakcb"],
]);

/**
 * `nodejs_gc_duration_seconds{kind}`, replacing prom-client's own: that one records only the
 * first entry of each observer callback (`list.getEntries()[0]`), and Node batches GCs that
 * happen close together into one callback, so it misses scavenges exactly under load (measured:
 * 18 of 22 GCs recorded, up to 5 per batch). This one records every entry, lists every kind
 * from the first scrape (at 0), uses buckets around the 33 ms tick budget, and stops.
 */
class GcPauses {
  private readonly observer: PerformanceObserver;

  constructor(registry: Registry) {
    // Its observer keeps running (prom-client returns no handle), into a histogram no one reads.
    registry.removeSingleMetric(GC_METRIC);
    const histogram = new Histogram({
      name: GC_METRIC,
      help: "Garbage collection pauses by kind (major, minor, incremental, weakcb), every GC since start.",
      labelNames: ["kind"],
      buckets: GC_BUCKETS_S,
      registers: [registry],
    });
    for (const kind of GC_KINDS.values()) histogram.zero({ kind });
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) histogram.observe({ kind: gcKind(entry) }, entry.duration / 1000);
    });
    this.observer.observe({ entryTypes: ["gc"] });
  }

  stop(): void {
    this.observer.disconnect();
  }
}

function gcKind(entry: PerformanceEntry): string {
  // Node puts a GC entry's kind in `detail` (NodeGCPerformanceDetail); the base type lacks it.
  const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
  return (kind !== undefined ? GC_KINDS.get(kind) : undefined) ?? "unknown";
}
