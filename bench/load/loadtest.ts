/**
 * The load tester: drives light clients (and a few full probes) against any running server,
 * in phases (ramp up at a join rate, hold, ramp down), and measures per phase: joins, time to
 * seat, patch inter-arrival, input-to-ack latency, bytes and frames per client per second,
 * disconnects by close code, and this process's own event-loop lag (a stalled load process
 * must not be read as a late server). One shared interval sends every client's input each
 * tick, so the load process stays cheap enough to drive thousands of sockets.
 *
 * `npm run bench` runs two of these in separate child processes (bench/load/worker.ts): one
 * for the light clients and one for the full probes. `npm run loadtest` runs one in-process
 * with both kinds. Percentiles come from {@link ExactHistogram} (perf_hooks, integer µs).
 */
import { monitorEventLoopDelay, type ELDHistogram } from "node:perf_hooks";
import { ExactHistogram, type LatencySummary } from "./exact-histogram.ts";
import type { ProbeClient } from "./probe-client.ts";
import { reportsAcks, type LoadClient, type LoadClientFactory } from "./types.ts";

/** What the load tester reads from the server each second (null when it cannot tell). */
export interface ServerSample {
  cpuPercent: number;
  rssBytes: number;
  tickP99Ms: number | null;
}

/** How a run is driven. */
export interface LoadOptions {
  /** Server base URL, http://host:port. */
  url: string;
  /** Makes light clients. */
  light: LoadClientFactory;
  /** Makes full probe clients (null: the light clients' patch timing is all there is). */
  probe: ((url: string, index: number) => ProbeClient) | null;
  /** Probes to keep connected (they count towards CCU). */
  probes: number;
  /** Inputs per second each client sends. */
  inputRate: number;
  /** One light client in this many records patch arrival times (besides the probes). */
  patchSampleEvery: number;
  /** Reads the server's CPU and memory once a second (null: the caller samples the server). */
  sampleServer: (() => Promise<ServerSample | null>) | null;
  /** Progress line sink. */
  log: (line: string) => void;
}

/** How often the input driver checks the clock, in ms. */
const DRIVER_POLL_MS = 5;
/** Phases the clients' input sends are spread over within one frame interval. */
const SLOTS = 8;
/** Input frames a client may send at once after the load process stalled. */
const MAX_CATCH_UP = 3;
/** Sampling interval of the event-loop monitor, ms; the delay beyond it is lag. */
const LAG_RESOLUTION_MS = 5;

/** Event-loop lag of this process over a phase, in ms (beyond the monitor's interval). */
export interface LagSummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The lag a monitor saw: what exceeds its sampling interval, in ms. */
function lagOf(h: ELDHistogram): LagSummary {
  const lag = (ns: number): number =>
    Number.isFinite(ns) && h.count > 0 ? Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS) : 0;
  return { p50: lag(h.percentile(50)), p99: lag(h.percentile(99)), max: lag(h.max) };
}

/** Figures of one phase. */
export interface PhaseStats {
  readonly name: string;
  readonly seconds: number;
  readonly ccuStart: number;
  readonly ccuEnd: number;
  readonly joinsOk: number;
  readonly joinsFailed: number;
  readonly joinErrors: Record<string, number>;
  readonly timeToSeatMs: LatencySummary;
  readonly patchIntervalMs: LatencySummary;
  readonly inputAckMs: LatencySummary;
  /** Payload bytes per connected client per second (light clients' counters). */
  readonly bytesDownPerClientPerSec: number;
  readonly bytesUpPerClientPerSec: number;
  /** WebSocket messages all clients received / sent in the phase (probes: patches and inputs). */
  readonly framesIn: number;
  readonly framesOut: number;
  /** Payload bytes the light clients received in the phase (for the mean message size). */
  readonly bytesIn: number;
  /** This load process's own event-loop lag during the phase. */
  readonly loadLagMs: LagSummary;
  readonly disconnectsByCode: Record<string, number>;
  readonly serverCpuPercent: number | null;
  readonly serverRssBytes: number | null;
}

/** One second of the run, for plots. */
export interface TimelinePoint {
  readonly t: number;
  readonly ccu: number;
  readonly patchP99Ms: number;
  readonly cpuPercent: number | null;
  readonly tickP99Ms: number | null;
  /** The load process's own event-loop delay p99 this second: high values taint the figures. */
  readonly loadLagP99Ms: number;
}

interface PhaseAcc {
  name: string;
  started: number;
  ccuStart: number;
  joinsOk: number;
  joinsFailed: number;
  joinErrors: Record<string, number>;
  seat: ExactHistogram;
  patch: ExactHistogram;
  ack: ExactHistogram;
  bytesIn0: number;
  bytesOut0: number;
  framesIn0: number;
  framesOut0: number;
  /** Client-seconds so far, and when CCU last changed (see accrueCcu). */
  ccuSeconds: number;
  ccuSince: number;
  disconnects: Record<string, number>;
  cpu: number[];
  rss: number[];
}

/** A load run against one server. */
export class LoadRun {
  readonly timeline: TimelinePoint[] = [];
  readonly phases: PhaseStats[] = [];
  private readonly clients: LoadClient[] = [];
  private readonly probes: ProbeClient[] = [];
  private readonly counted = new Set<LoadClient>();
  private readonly secondPatch = new ExactHistogram();
  /** Lag per second (timeline) and per phase (the validity check). */
  private readonly loadLag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly phaseLag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly started = performance.now();
  private closedBytesIn = 0;
  private closedBytesOut = 0;
  private closedFramesIn = 0;
  private closedFramesOut = 0;
  private nextIndex = 0;
  private pending = 0;
  private phase: PhaseAcc | null = null;
  private driver: ReturnType<typeof setInterval> | null = null;
  private sampler: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: LoadOptions) {}

  /** Connected clients (light and probes). */
  get ccu(): number {
    return this.clients.length;
  }

  /** Starts the input driver and the once-a-second sampler. */
  start(): void {
    // A fixed-step accumulator on the monotonic clock, like the browser client's pacer (a
    // plain setInterval(1000 / 30) fires every 33 ms, 1 % fast, and a client that sends
    // faster than the server ticks fills its own input buffer). Clients are spread over
    // SLOTS phases of the frame interval, as real players' clocks are, instead of all
    // sending in the same millisecond.
    const t0 = performance.now();
    const sent = new Array<number>(SLOTS).fill(0);
    this.driver = setInterval(() => {
      const elapsed = performance.now() - t0;
      for (let slot = 0; slot < SLOTS; slot++) {
        const due = Math.floor((elapsed / 1000) * this.options.inputRate - slot / SLOTS) + 1;
        // After a stall, catch up at most a few frames rather than bursting.
        if (due - sent[slot]! > MAX_CATCH_UP) sent[slot] = due - MAX_CATCH_UP;
        for (; sent[slot]! < due; sent[slot]! += 1) {
          for (let i = slot; i < this.clients.length; i += SLOTS) {
            const c = this.clients[i]!;
            if (c.closeCode === null) c.sendInput();
          }
        }
      }
    }, DRIVER_POLL_MS);
    this.sampler = setInterval(() => void this.sample(), 1000);
    this.loadLag.enable();
    this.phaseLag.enable();
  }

  /** Connects clients at `ratePerSec` until `target` are connected (or failed). */
  async rampTo(target: number, ratePerSec: number, name = "ramp-up"): Promise<PhaseStats> {
    this.beginPhase(name);
    const toStart = Math.max(0, target - this.clients.length);
    const t0 = performance.now();
    let started = 0;
    const joins: Promise<void>[] = [];
    while (started < toStart) {
      const due = Math.min(toStart, Math.floor(((performance.now() - t0) / 1000) * ratePerSec) + 1);
      for (; started < due; started++) joins.push(this.join());
      await sleep(5);
    }
    await Promise.all(joins);
    return this.endPhase();
  }

  /** Keeps the current clients playing for `seconds`. */
  async hold(seconds: number, name = "hold"): Promise<PhaseStats> {
    this.beginPhase(name);
    await sleep(seconds * 1000);
    return this.endPhase();
  }

  /** Disconnects clients at `ratePerSec` until `target` remain. */
  async rampDown(target: number, ratePerSec: number, name = "ramp-down"): Promise<PhaseStats> {
    this.beginPhase(name);
    const t0 = performance.now();
    let stopped = 0;
    const toStop = Math.max(0, this.clients.length - target);
    const closes: Promise<void>[] = [];
    while (stopped < toStop) {
      const due = Math.min(toStop, Math.floor(((performance.now() - t0) / 1000) * ratePerSec) + 1);
      for (; stopped < due; stopped++) {
        this.accrueCcu();
        const c = this.clients.pop();
        if (c === undefined) break;
        this.counted.add(c); // a close we asked for is not a disconnect
        closes.push(c.close().then(() => this.retire(c)));
      }
      await sleep(5);
    }
    await Promise.all(closes);
    return this.endPhase();
  }

  /** Stops timers and closes every client. */
  async stop(): Promise<void> {
    if (this.driver !== null) clearInterval(this.driver);
    if (this.sampler !== null) clearInterval(this.sampler);
    this.loadLag.disable();
    this.phaseLag.disable();
    const all = this.clients.splice(0);
    for (const c of all) this.counted.add(c);
    await Promise.all(all.map((c) => c.close()));
  }

  private async join(): Promise<void> {
    const index = this.nextIndex++;
    const wantProbe = this.options.probe !== null && this.probes.length + this.pending < this.options.probes;
    const client: LoadClient = wantProbe
      ? this.options.probe!(this.options.url, index)
      : this.options.light(this.options.url, index);
    if (wantProbe) this.pending += 1;
    try {
      const seat = await client.connect();
      this.phase?.seat.record(seat);
      if (this.phase !== null) this.phase.joinsOk += 1;
      this.accrueCcu();
      this.clients.push(client);
      if (reportsAcks(client)) client.onAck = (ms) => this.phase?.ack.record(ms);
      if (wantProbe) {
        this.probes.push(client as ProbeClient);
        this.watchPatches(client);
      } else if (index % Math.max(1, this.options.patchSampleEvery) === 0) {
        this.watchPatches(client);
      }
    } catch (error) {
      if (this.phase !== null) {
        this.phase.joinsFailed += 1;
        const key = error instanceof Error ? error.message.slice(0, 80) : String(error);
        this.phase.joinErrors[key] = (this.phase.joinErrors[key] ?? 0) + 1;
      }
      await client.close();
    } finally {
      if (wantProbe) this.pending -= 1;
    }
  }

  /** Records patch inter-arrival times of one client. */
  private watchPatches(client: LoadClient): void {
    let last = -1;
    client.onPatch = (now) => {
      if (last >= 0) {
        const gap = now - last;
        this.phase?.patch.record(gap);
        this.secondPatch.record(gap);
      }
      last = now;
    };
  }

  private retire(c: LoadClient): void {
    this.closedBytesIn += c.counters.bytesIn;
    this.closedBytesOut += c.counters.bytesOut;
    this.closedFramesIn += c.counters.framesIn;
    this.closedFramesOut += c.counters.framesOut;
  }

  private totals(): { bytesIn: number; bytesOut: number; framesIn: number; framesOut: number } {
    let bytesIn = this.closedBytesIn;
    let bytesOut = this.closedBytesOut;
    let framesIn = this.closedFramesIn;
    let framesOut = this.closedFramesOut;
    for (const c of this.clients) {
      bytesIn += c.counters.bytesIn;
      bytesOut += c.counters.bytesOut;
      framesIn += c.counters.framesIn;
      framesOut += c.counters.framesOut;
    }
    return { bytesIn, bytesOut, framesIn, framesOut };
  }

  private beginPhase(name: string): void {
    const totals = this.totals();
    this.phaseLag.reset();
    this.phase = {
      name,
      started: performance.now(),
      ccuStart: this.clients.length,
      joinsOk: 0,
      joinsFailed: 0,
      joinErrors: {},
      seat: new ExactHistogram(),
      patch: new ExactHistogram(),
      ack: new ExactHistogram(),
      bytesIn0: totals.bytesIn,
      bytesOut0: totals.bytesOut,
      framesIn0: totals.framesIn,
      framesOut0: totals.framesOut,
      ccuSeconds: 0,
      ccuSince: performance.now(),
      disconnects: {},
      cpu: [],
      rss: [],
    };
  }

  private endPhase(): PhaseStats {
    const p = this.phase;
    if (p === null) throw new Error("no phase running");
    this.sweepClosed();
    this.accrueCcu();
    this.phase = null;
    const seconds = (performance.now() - p.started) / 1000;
    const totals = this.totals();
    const lightShare = this.clients.length > 0 ? (this.clients.length - this.probes.length) / this.clients.length : 1;
    const perClient = (bytes: number): number => (p.ccuSeconds > 0 ? bytes / (p.ccuSeconds * lightShare) : 0);
    const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
    const stats: PhaseStats = {
      name: p.name,
      seconds,
      ccuStart: p.ccuStart,
      ccuEnd: this.clients.length,
      joinsOk: p.joinsOk,
      joinsFailed: p.joinsFailed,
      joinErrors: p.joinErrors,
      timeToSeatMs: p.seat.summary(),
      patchIntervalMs: p.patch.summary(),
      inputAckMs: p.ack.summary(),
      bytesDownPerClientPerSec: perClient(totals.bytesIn - p.bytesIn0),
      bytesUpPerClientPerSec: perClient(totals.bytesOut - p.bytesOut0),
      framesIn: totals.framesIn - p.framesIn0,
      framesOut: totals.framesOut - p.framesOut0,
      bytesIn: totals.bytesIn - p.bytesIn0,
      loadLagMs: lagOf(this.phaseLag),
      disconnectsByCode: p.disconnects,
      serverCpuPercent: mean(p.cpu),
      serverRssBytes: p.rss.length > 0 ? Math.max(...p.rss) : null,
    };
    this.phases.push(stats);
    return stats;
  }

  /** Adds the client-seconds since the last change of CCU to the phase (for per-client rates). */
  private accrueCcu(): void {
    const p = this.phase;
    if (p === null) return;
    const now = performance.now();
    p.ccuSeconds += (this.clients.length * (now - p.ccuSince)) / 1000;
    p.ccuSince = now;
  }

  /** Counts and drops clients the server closed on (a close we asked for is not counted). */
  private sweepClosed(): void {
    for (let i = this.clients.length - 1; i >= 0; i--) {
      const c = this.clients[i]!;
      if (c.closeCode === null || this.counted.has(c)) continue;
      this.counted.add(c);
      if (this.phase !== null) {
        const key = String(c.closeCode);
        this.phase.disconnects[key] = (this.phase.disconnects[key] ?? 0) + 1;
      }
      this.accrueCcu();
      this.clients.splice(i, 1);
      this.retire(c);
    }
  }

  /** Once a second: disconnects, the timeline point, the server's CPU and memory. */
  private async sample(): Promise<void> {
    this.sweepClosed();
    const server = this.options.sampleServer === null ? null : await this.options.sampleServer().catch(() => null);
    if (server !== null && this.phase !== null) {
      this.phase.cpu.push(server.cpuPercent);
      this.phase.rss.push(server.rssBytes);
    }
    const point: TimelinePoint = {
      t: (performance.now() - this.started) / 1000,
      ccu: this.clients.length,
      patchP99Ms: this.secondPatch.percentile(99),
      cpuPercent: server?.cpuPercent ?? null,
      tickP99Ms: server?.tickP99Ms ?? null,
      loadLagP99Ms: lagOf(this.loadLag).p99,
    };
    this.loadLag.reset();
    this.secondPatch.reset();
    this.timeline.push(point);
    this.options.log(
      `t=${point.t.toFixed(0)}s ccu=${point.ccu} patch p99 ${point.patchP99Ms.toFixed(1)} ms` +
        (point.cpuPercent !== null ? ` server cpu ${point.cpuPercent.toFixed(0)}%` : "") +
        (point.tickP99Ms !== null ? ` tick p99 ${point.tickP99Ms.toFixed(2)} ms` : "") +
        ` load lag p99 ${point.loadLagP99Ms.toFixed(1)} ms`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
