/** Token buckets: per-key and global limits, refill, bounded key map. */
import { describe, expect, it } from "vitest";
import { KeyedRateLimiter, TokenBucket } from "../../../server/security/rate-limiter.ts";

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("KeyedRateLimiter", () => {
  it("allows a burst per key, then refuses until tokens refill", () => {
    const c = clock();
    const limiter = new KeyedRateLimiter({
      perKey: { perSecond: 2, burst: 3 },
      global: { perSecond: 100, burst: 100 },
      now: c.now,
    });
    expect([1, 2, 3].map(() => limiter.take("a"))).toEqual([null, null, null]);
    expect(limiter.take("a")).toBe("key");
    expect(limiter.take("b")).toBeNull(); // another address has its own bucket
    expect(limiter.retryAfterSeconds("a")).toBe(1);
    c.advance(499);
    expect(limiter.take("a")).toBe("key");
    c.advance(1);
    expect(limiter.take("a")).toBeNull(); // 2 per second: one token after 500 ms
    expect(limiter.take("a")).toBe("key");
  });

  it("refuses every key once the global bucket is empty", () => {
    const c = clock();
    const limiter = new KeyedRateLimiter({
      perKey: { perSecond: 10, burst: 10 },
      global: { perSecond: 1, burst: 4 },
      now: c.now,
    });
    expect(["a", "b", "c", "d"].map((k) => limiter.take(k))).toEqual([null, null, null, null]);
    expect(limiter.take("e")).toBe("global");
    c.advance(1000);
    expect(limiter.take("e")).toBeNull();
  });

  it("keeps at most maxKeys buckets; beyond, new keys share one bucket", () => {
    const c = clock();
    const limiter = new KeyedRateLimiter({
      perKey: { perSecond: 1, burst: 2 },
      global: { perSecond: 1e6, burst: 1e6 },
      maxKeys: 100,
      now: c.now,
    });
    for (let i = 0; i < 10_000; i++) limiter.take(`spoofed-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The overflow bucket is shared, so the flood of new keys is itself limited.
    expect(limiter.take("another-new-key")).toBe("key");
    // Once the tracked buckets have refilled they are swept and new keys get their own.
    c.advance(10_000);
    expect(limiter.take("fresh")).toBeNull();
  });
});

describe("TokenBucket", () => {
  it("sustains its rate and allows its burst", () => {
    const bucket = new TokenBucket({ perSecond: 30, burst: 30 }, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(0)) allowed += 1;
    expect(allowed).toBe(30);
    // Paced just under its rate it never runs dry, even from empty; just over, it does.
    for (let i = 1; i <= 300; i++) expect(bucket.take((i * 1000) / 29.9)).toBe(true);
    let refused = 0;
    for (let i = 1; i <= 300; i++) if (!bucket.take(10_100 + (i * 1000) / 31)) refused += 1;
    expect(refused).toBeGreaterThan(0);
  });

  it("refuses a take that would leave fewer than its reserve, and spends only one token", () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 3 }, 0);
    expect([bucket.take(0, 1), bucket.take(0, 1), bucket.take(0, 1)]).toEqual([true, true, false]);
    // The token held back is there for a take without reserve.
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    // Refilled to 2 tokens: one reserved take, then the reserve again.
    expect(bucket.take(2000, 1)).toBe(true);
    expect(bucket.take(2000, 1)).toBe(false);
  });
});
