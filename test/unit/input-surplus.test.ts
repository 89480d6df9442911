/** The input-surplus trimmer that stops a client's input latency from creeping up. */
import { describe, expect, it } from "vitest";
import { CatchUpCredit, idlePrefix, InputSurplusTrimmer } from "../../server/rooms/input-surplus.ts";

/** Simulates a server consuming one input per step from a buffer fed by `arrivals[step]`. */
function simulate(arrivals: number[], windowSteps: number): { depths: number[]; dropped: number; consumed: number } {
  const trimmer = new InputSurplusTrimmer(windowSteps);
  let depth = 0;
  let dropped = 0;
  let consumed = 0;
  const depths: number[] = [];
  for (const arrived of arrivals) {
    depth += arrived;
    if (depth > 0) {
      depth -= 1;
      consumed += 1;
    }
    const drop = trimmer.afterStep(depth);
    depth -= drop;
    dropped += drop;
    depths.push(depth);
  }
  return { depths, dropped, consumed };
}

describe("InputSurplusTrimmer", () => {
  it("drops nothing for a client whose inputs arrive one per step", () => {
    const r = simulate(new Array(300).fill(1), 30);
    expect(r.dropped).toBe(0);
    expect(r.consumed).toBe(300);
    expect(Math.max(...r.depths)).toBe(0);
  });

  it("removes the latency a network stall would otherwise leave for good", () => {
    // A 4-step stall, then the late inputs arrive in one burst; afterwards one per step again.
    const arrivals = Array.from({ length: 300 }, (_, i) => (i >= 50 && i < 54 ? 0 : i === 54 ? 5 : 1));
    const without = simulate(arrivals, Number.MAX_SAFE_INTEGER);
    const withTrim = simulate(arrivals, 30);
    // Without trimming, the burst's extra inputs stay queued: 4 steps of latency forever.
    expect(without.depths.at(-1)).toBe(4);
    // With it, the surplus is gone within two windows, and nothing else is ever dropped.
    expect(Math.max(...withTrim.depths.slice(54 + 60))).toBe(0);
    expect(withTrim.dropped).toBe(4);
    expect(withTrim.consumed + withTrim.dropped).toBe(300);
  });

  it("keeps a cushion the client actually needs", () => {
    // Bursty arrival: two inputs every other step; depth swings 1, 0, 1, 0...
    const arrivals = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 2 : 0));
    const r = simulate(arrivals, 30);
    expect(r.dropped).toBe(0);
    expect(r.consumed).toBe(300);
  });

  it("never drops more than is buffered, and rejects a zero window", () => {
    const t = new InputSurplusTrimmer(1);
    expect(t.afterStep(3)).toBe(3);
    expect(t.afterStep(0)).toBe(0);
    expect(() => new InputSurplusTrimmer(0)).toThrow(RangeError);
  });
});

describe("idlePrefix", () => {
  const idle = { moveX: 0, moveY: 0, fire: false };
  const moving = { moveX: 1, moveY: 0, fire: false };
  const firing = { moveX: 0, moveY: 0, fire: true };

  it("counts the oldest inputs that neither move nor fire, up to the surplus", () => {
    expect(idlePrefix([idle, idle, idle], 2)).toBe(2);
    expect(idlePrefix([idle, moving, idle], 3)).toBe(1);
    expect(idlePrefix([moving, idle], 2)).toBe(0);
    expect(idlePrefix([firing, idle], 2)).toBe(0);
    expect(idlePrefix([idle], 5)).toBe(1);
    expect(idlePrefix([], 1)).toBe(0);
  });
});

describe("CatchUpCredit", () => {
  /** A server consuming from a buffer fed by `arrivals[tick]`, with catch-up; frames applied per tick. */
  function run(arrivals: number[], max = 8): number[] {
    const credit = new CatchUpCredit(max);
    let depth = 0;
    return arrivals.map((arrived) => {
      depth += arrived;
      if (depth === 0) {
        credit.starved();
        return 0;
      }
      credit.consumed();
      depth -= 1;
      if (depth > 0 && credit.spend()) {
        depth -= 1;
        return 2;
      }
      return 1;
    });
  }

  it("applies late frames as soon as they arrive, so the buffer does not stay deeper", () => {
    // Steady, then three late frames arrive together with the fourth.
    const applied = run([1, 1, 0, 0, 0, 4, 1, 1, 1, 1]);
    expect(applied).toEqual([1, 1, 0, 0, 0, 2, 2, 2, 1, 1]);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it("never lets a flooder apply more frames than ticks", () => {
    const applied = run(Array(100).fill(10));
    expect(Math.max(...applied)).toBe(1);
  });

  it("earns nothing before the client's first frame (a flood right after joining)", () => {
    const applied = run([0, 0, 0, 0, 0, 10, 10, 10, 10]);
    expect(applied).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it("bounds what a long stall can bank", () => {
    const applied = run([1, ...Array(50).fill(0), 40, ...Array(40).fill(0)], 8);
    expect(applied.filter((n) => n === 2)).toHaveLength(8);
    expect(applied.reduce((a, b) => a + b, 0)).toBe(41);
  });
});
