import { describe, expect, it } from "vitest";
import { TickClock } from "../../../client/src/net/tick-clock.ts";

describe("TickClock", () => {
  it("reads 0 until the first sample", () => {
    const c = new TickClock(30);
    expect(c.synced).toBe(false);
    expect(c.now(12345)).toBe(0);
  });

  it("takes the first sample as the middle of that tick and runs at the tick rate", () => {
    const c = new TickClock(30);
    c.observe(100, 1000);
    expect(c.synced).toBe(true);
    expect(c.now(1000)).toBeCloseTo(100.5, 9);
    expect(c.now(1100)).toBeCloseTo(103.5, 9);
    expect(c.now(2000)).toBeCloseTo(130.5, 9);
  });

  it("converges on the true server tick through patch-rate samples with jitter", () => {
    const rate = 30;
    const c = new TickClock(rate);
    const serverStart = 5000; // server tick 0 at local 5000 ms (minus transit)
    const trueTick = (localMs: number): number => ((localMs - serverStart) * rate) / 1000;
    // 20 Hz patches for 10 s, each arriving 20–60 ms after it was encoded.
    for (let i = 0; i < 200; i++) {
      const encodedAt = serverStart + 2000 + i * 50;
      const arrival = encodedAt + 20 + ((i * 37) % 41);
      c.observe(Math.floor(trueTick(encodedAt)), arrival);
    }
    const at = serverStart + 2000 + 200 * 50;
    // About 40 ms of mean transit = 1.2 ticks behind the server, within a tick and a half.
    expect(Math.abs(c.now(at) - trueTick(at))).toBeLessThan(1.5);
    expect(c.now(at)).toBeLessThanOrEqual(trueTick(at) + 0.5);
  });

  it("jumps when a sample is far off instead of gliding", () => {
    const c = new TickClock(30);
    c.observe(100, 1000);
    c.observe(500, 1033);
    expect(c.now(1033)).toBeCloseTo(500.5, 9);
  });

  it("never steps back a fraction of a tick between frames", () => {
    const c = new TickClock(30, { smoothing: 0.5 });
    c.observe(100, 1000);
    const before = c.now(1000);
    c.observe(99, 1000); // a late patch pulls the estimate back by half a tick
    expect(c.now(1000)).toBe(before);
    expect(c.now(1040)).toBeGreaterThanOrEqual(before);
  });

  it("keeps the estimate continuous when the tick rate changes", () => {
    const c = new TickClock(30);
    c.observe(300, 10_000);
    const t = c.now(10_000);
    c.setTickRate(60, 10_000);
    expect(c.tickRate).toBe(60);
    expect(c.now(10_000)).toBeCloseTo(t, 9);
    expect(c.now(11_000)).toBeCloseTo(t + 60, 9);
  });

  it("rejects a non-positive rate", () => {
    expect(() => new TickClock(0)).toThrow(RangeError);
  });
});
