/** The duration histogram behind GET /metrics: percentiles within its stated precision. */
import { describe, expect, it } from "vitest";
import { DurationHistogram } from "../../server/metrics/histogram.ts";

describe("DurationHistogram", () => {
  it("reports zeros when empty", () => {
    expect(new DurationHistogram().summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0, mean: 0 });
  });

  it("finds p50 and p99 of a known distribution within 5 %", () => {
    const h = new DurationHistogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 100); // 0.01 .. 100 ms, uniform
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeGreaterThan(50 * 0.95);
    expect(s.p50).toBeLessThan(50 * 1.05);
    expect(s.p99).toBeGreaterThan(99 * 0.95);
    expect(s.p99).toBeLessThanOrEqual(100);
    expect(s.max).toBe(100);
    expect(s.mean).toBeCloseTo(50.005, 6);
  });

  it("merges and resets", () => {
    const a = new DurationHistogram();
    const b = new DurationHistogram();
    for (let i = 0; i < 99; i++) a.record(1);
    b.record(40);
    a.merge(b);
    expect(a.summary().count).toBe(100);
    expect(a.quantile(0.5)).toBeLessThan(1.05);
    expect(a.quantile(1)).toBe(40);
    a.reset();
    expect(a.summary().count).toBe(0);
  });

  it("clamps tiny and huge samples into range", () => {
    const h = new DurationHistogram();
    h.record(0);
    h.record(1e7);
    expect(h.summary().count).toBe(2);
    expect(h.quantile(0.5)).toBeGreaterThan(0);
    expect(h.summary().max).toBe(1e7);
  });
});
