/**
 * Estimates the server's simulation tick between state patches. Patches arrive at the patch
 * rate (slower than the tick rate, with network jitter); the clock fits a line through the
 * (local time, tick) samples so renderers can read a smooth fractional tick every frame.
 * Pure: time is always passed in.
 */

/** Tuning of a {@link TickClock}. */
export interface TickClockOptions {
  /** Weight of a new sample in the running offset estimate, in (0, 1]. */
  readonly smoothing?: number;
  /** An estimate further than this many ticks from a sample is discarded (a jump, not jitter). */
  readonly snapTicks?: number;
}

const DEFAULT_SMOOTHING = 0.1;
const DEFAULT_SNAP_TICKS = 8;
/** A backwards step smaller than this (in ticks) is held instead of shown. */
const HOLD_TICKS = 1;

export class TickClock {
  private rate: number;
  /** Estimated tick at local time 0 ms; null until the first sample. */
  private offset: number | null = null;
  private lastOut = -Infinity;
  private readonly smoothing: number;
  private readonly snapTicks: number;

  constructor(tickRate: number, options: TickClockOptions = {}) {
    if (!(tickRate > 0)) throw new RangeError(`tick rate must be positive, got ${tickRate}`);
    this.rate = tickRate;
    this.smoothing = options.smoothing ?? DEFAULT_SMOOTHING;
    this.snapTicks = options.snapTicks ?? DEFAULT_SNAP_TICKS;
  }

  /** Simulation steps per second the estimate advances at. */
  get tickRate(): number {
    return this.rate;
  }

  /** True once a sample has been observed. */
  get synced(): boolean {
    return this.offset !== null;
  }

  /** Changes the tick rate, keeping the estimate at `nowMs` continuous. */
  setTickRate(tickRate: number, nowMs: number): void {
    if (!(tickRate > 0) || tickRate === this.rate) return;
    const current = this.offset === null ? null : this.raw(nowMs);
    this.rate = tickRate;
    if (current !== null) this.offset = current - (nowMs * tickRate) / 1000;
  }

  /**
   * Feeds the tick carried by a state patch that arrived at `nowMs`. The patch was encoded
   * somewhere inside that tick, so the sample stands for its middle (tick + 0.5).
   */
  observe(tick: number, nowMs: number): void {
    const sample = tick + 0.5 - (nowMs * this.rate) / 1000;
    if (this.offset === null || Math.abs(sample - this.offset) > this.snapTicks) {
      this.offset = sample;
      this.lastOut = -Infinity;
      return;
    }
    this.offset += (sample - this.offset) * this.smoothing;
  }

  /** The estimated fractional server tick at `nowMs`, or 0 before the first sample. */
  now(nowMs: number): number {
    if (this.offset === null) return 0;
    let t = this.raw(nowMs);
    // Small corrections backwards would make projectiles twitch: hold until time catches up.
    if (t < this.lastOut && this.lastOut - t < HOLD_TICKS) t = this.lastOut;
    this.lastOut = t;
    return t;
  }

  /** Forgets every sample. */
  reset(): void {
    this.offset = null;
    this.lastOut = -Infinity;
  }

  private raw(nowMs: number): number {
    return (this.offset ?? 0) + (nowMs * this.rate) / 1000;
  }
}
