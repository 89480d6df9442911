/**
 * Token buckets: one per key (a client address) plus one shared by all keys. A request takes a
 * token from both or is refused; buckets refill continuously. The key map is bounded: idle
 * buckets (full again) are swept, and past `maxKeys` new keys share one overflow bucket, so a
 * flood of spoofed or distinct addresses cannot grow memory.
 */

/** Rate and burst of one bucket. */
export interface RateLimit {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Bucket size: the most requests allowed at once. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Why a take was refused. */
export type RateRefusal = "key" | "global";

export interface KeyedRateLimiterOptions {
  readonly perKey: RateLimit;
  readonly global: RateLimit;
  /** Distinct keys tracked before new keys share one overflow bucket (default 10,000). */
  readonly maxKeys?: number;
  /** Monotonic clock in ms, for tests. */
  readonly now?: () => number;
}

/** Per-key and global token buckets. */
export class KeyedRateLimiter {
  private readonly perKey: RateLimit;
  private readonly global: RateLimit;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly shared: Bucket;
  private readonly overflow: Bucket;

  constructor(options: KeyedRateLimiterOptions) {
    this.perKey = options.perKey;
    this.global = options.global;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? (() => performance.now());
    const t = this.now();
    this.shared = { tokens: this.global.burst, updatedAt: t };
    this.overflow = { tokens: this.perKey.burst, updatedAt: t };
  }

  /** Takes one token for `key`; returns null when allowed, or which bucket was empty. */
  take(key: string): RateRefusal | null {
    const t = this.now();
    const bucket = this.bucketFor(key, t);
    refill(bucket, this.perKey, t);
    refill(this.shared, this.global, t);
    if (bucket.tokens < 1) return "key";
    if (this.shared.tokens < 1) return "global";
    bucket.tokens -= 1;
    this.shared.tokens -= 1;
    return null;
  }

  /** Seconds until `key` may try again (at least 1), for a Retry-After header. */
  retryAfterSeconds(key: string): number {
    const bucket = this.buckets.get(key) ?? this.overflow;
    const missing = Math.max(1 - bucket.tokens, 1 - this.shared.tokens, 0);
    const rate = Math.min(this.perKey.perSecond, this.global.perSecond);
    return Math.max(1, Math.ceil(missing / rate));
  }

  /** Number of keys tracked now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private bucketFor(key: string, t: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket !== undefined) return bucket;
    if (this.buckets.size >= this.maxKeys) this.sweep(t);
    if (this.buckets.size >= this.maxKeys) return this.overflow;
    bucket = { tokens: this.perKey.burst, updatedAt: t };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Forgets buckets that have refilled completely: they hold no information. */
  private sweep(t: number): void {
    for (const [key, bucket] of this.buckets) {
      refill(bucket, this.perKey, t);
      if (bucket.tokens >= this.perKey.burst) this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, limit: RateLimit, t: number): void {
  const elapsed = (t - bucket.updatedAt) / 1000;
  if (elapsed > 0) bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsed * limit.perSecond);
  bucket.updatedAt = t;
}

/**
 * One token bucket without keys (e.g. one client's input frames). Its counts are its own fields,
 * not a nested object: one per client is read per frame, and at a thousand clients each object
 * touched is a likely cache miss.
 */
export class TokenBucket implements Bucket {
  tokens: number;
  updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /**
   * Takes a token at time `now` (ms); false when the bucket is empty, or when taking it would
   * leave fewer than `reserve` tokens (kept for takers that matter more).
   */
  take(now: number, reserve = 0): boolean {
    refill(this, this.limit, now);
    if (this.tokens < 1 + reserve) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * One client's messages per one-second window, counted the way Colyseus counts them for
 * `Room.maxMessagesPerSecond` (`Room._onMessage`: a window opens at the first message at or after
 * the end of the last one), but one stricter: the message that opens a window counts here and
 * not there. Fed the same clock as Colyseus (`room.clock.currentTime`) and every frame delivered
 * to it, this trips one message before Colyseus would, so the guard closes the client itself,
 * with a reason (Colyseus closes with 4002 and no reason).
 */
export class MessageWindow {
  private count = 0;
  private endsAt = -Infinity;

  constructor(private readonly max: number) {}

  /** Counts `n` messages arriving at `now` (ms); false once the window holds more than the max. */
  take(now: number, n = 1): boolean {
    if (now >= this.endsAt) {
      this.count = 0;
      this.endsAt = now + 1000;
    }
    this.count += n;
    return this.count <= this.max;
  }
}

/** The close reason (4002) of a client over `MAX_MESSAGES_PER_SECOND`, in every room. */
export const TOO_MANY_MESSAGES = "too many messages";
