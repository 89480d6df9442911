import { describe, expect, it } from "vitest";
import { FixedStep, MAX_CATCH_UP_STEPS } from "../../../client/src/net/fixed-step.ts";

/** Runs frames of `frameMs` for `durationMs` and returns the total steps emitted. */
function run(pacer: FixedStep, startMs: number, frameMs: number, durationMs: number): number {
  let total = 0;
  for (let t = startMs; t <= startMs + durationMs + 1e-9; t += frameMs) total += pacer.advance(t);
  return total;
}

describe("FixedStep", () => {
  it("emits one step at once, then one per tick whatever the frame rate", () => {
    for (const fps of [30, 60, 144, 45]) {
      const pacer = new FixedStep(30);
      const total = run(pacer, 1000, 1000 / fps, 2000);
      expect(Math.abs(total - 61)).toBeLessThanOrEqual(1);
    }
  });

  it("carries the remainder between frames", () => {
    const pacer = new FixedStep(20); // 50 ms steps
    expect(pacer.advance(0)).toBe(1);
    expect(pacer.advance(30)).toBe(0);
    expect(pacer.advance(60)).toBe(1);
    expect(pacer.advance(90)).toBe(0);
    expect(pacer.advance(100)).toBe(1);
  });

  it("caps catch-up after a stall and drops the backlog", () => {
    const pacer = new FixedStep(30);
    pacer.advance(0);
    expect(pacer.advance(5000)).toBe(MAX_CATCH_UP_STEPS);
    expect(pacer.advance(5010)).toBe(0);
    expect(pacer.advance(5034)).toBe(1);
  });

  it("never emits for time going backwards", () => {
    const pacer = new FixedStep(30);
    pacer.advance(1000);
    expect(pacer.advance(900)).toBe(0);
  });

  it("follows a tick-rate change and restarts after reset", () => {
    const pacer = new FixedStep(30);
    pacer.advance(0);
    pacer.setTickRate(50);
    expect(run(pacer, 10, 10, 990)).toBe(50);
    pacer.reset();
    expect(pacer.advance(50_000)).toBe(1);
  });
});
