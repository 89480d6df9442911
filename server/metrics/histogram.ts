/**
 * A log-bucketed histogram of durations in milliseconds: constant memory, O(1) record, and
 * percentiles within ±2.5 % of the true value from 1 µs to 100 s. Written here rather than
 * taken from a package because it is 60 lines and the tick path must not allocate.
 */

const MIN_MS = 0.001;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets from 1 µs up past 100 s. */
const BUCKETS = Math.ceil(Math.log(100_000 / MIN_MS) / LOG_GROWTH) + 2;

/** Percentiles and totals of one histogram. */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** A histogram of millisecond durations. */
export class DurationHistogram {
  private readonly buckets = new Uint32Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private maxMs = 0;

  /** Adds one sample. */
  record(ms: number): void {
    const v = ms > MIN_MS ? ms : MIN_MS;
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH) + 1);
    this.buckets[i]! += 1;
    this.total += 1;
    this.sum += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Adds every sample of another histogram. */
  merge(other: DurationHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.buckets[i]! += other.buckets[i]!;
    this.total += other.total;
    this.sum += other.sum;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /** Forgets every sample. */
  reset(): void {
    this.buckets.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maxMs = 0;
  }

  /** The value below which a fraction `q` (0–1) of samples fall; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min(this.maxMs, i === 0 ? MIN_MS : MIN_MS * GROWTH ** i);
    }
    return this.maxMs;
  }

  /** Count, p50, p99, max and mean. */
  summary(): DurationSummary {
    return {
      count: this.total,
      p50: this.quantile(0.5),
      p99: this.quantile(0.99),
      max: this.maxMs,
      mean: this.total === 0 ? 0 : this.sum / this.total,
    };
  }
}

/**
 * Millisecond durations counted in fixed buckets since start and never reset: what a Prometheus
 * histogram exposes (cumulative `le` buckets, a sum and a count). Recording walks the dozen
 * bounds and allocates nothing, so a room can call it every tick.
 */
export class CumulativeHistogram {
  /** Upper bounds in ms, ascending. */
  readonly boundsMs: readonly number[];
  /** `counts[i]`: samples in (boundsMs[i-1], boundsMs[i]]; the last slot: samples above every bound. */
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;

  constructor(boundsMs: readonly number[]) {
    for (let i = 0; i < boundsMs.length; i++) {
      const b = boundsMs[i]!;
      if (!Number.isFinite(b) || b <= 0 || (i > 0 && b <= boundsMs[i - 1]!)) {
        throw new Error(`bucket bounds must be finite, positive and ascending: ${boundsMs.join(", ")}`);
      }
    }
    this.boundsMs = [...boundsMs];
    this.counts = new Float64Array(boundsMs.length + 1);
  }

  /** Adds one sample (a non-finite one is ignored). */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const bounds = this.boundsMs;
    let i = 0;
    while (i < bounds.length && ms > bounds[i]!) i++;
    this.counts[i]! += 1;
    this.total += 1;
    this.sum += ms;
  }

  /** Samples recorded. */
  get count(): number {
    return this.total;
  }

  /** Sum of the samples, in ms. */
  get sumMs(): number {
    return this.sum;
  }

  /** Samples at or below each bound, in the order of `boundsMs` (Prometheus's `le` buckets). */
  cumulative(): number[] {
    const out: number[] = [];
    let seen = 0;
    for (let i = 0; i < this.boundsMs.length; i++) {
      seen += this.counts[i]!;
      out.push(seen);
    }
    return out;
  }
}
