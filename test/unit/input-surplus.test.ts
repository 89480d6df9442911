/** The input-surplus trimmer that stops a client's input latency from creeping up. */
import { describe, expect, it } from "vitest";
import {
  CatchUpCredit,
  CUSHION_DECAY_SECONDS,
  idlePrefix,
  InputPacer,
  InputSurplusTrimmer,
  JITTER_CUSHION_FRAMES,
  MAX_JITTER_CUSHION_FRAMES,
  type PacedBuffer,
  type TrimmableInput,
} from "../../server/rooms/input-surplus.ts";

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

describe("InputPacer (adaptive jitter cushion)", () => {
  const TICK_RATE = 30;
  interface Frame extends TrimmableInput {
    readonly seq: number;
  }

  /** A client's buffer as Colyseus keeps it: frames in arrival order. */
  class Buffer implements PacedBuffer<Frame> {
    readonly frames: Frame[] = [];
    next(): Frame | undefined {
      return this.frames.shift();
    }
    get size(): number {
      return this.frames.length;
    }
    peek(): Frame[] {
      return this.frames;
    }
    take(n: number): Frame[] {
      return this.frames.splice(0, n);
    }
  }

  /**
   * A server tick loop: `arrivals[tick]` frames land before that tick (moving frames, so none is
   * idle surplus). Returns the frames applied per tick, their sequence numbers in order, and
   * the cushion after each tick.
   */
  function play(arrivals: readonly number[], pacer = new InputPacer(TICK_RATE, 64)) {
    const buffer = new Buffer();
    let seq = 0;
    const applied: number[] = [];
    const seqs: number[] = [];
    const cushions: number[] = [];
    for (const n of arrivals) {
      for (let i = 0; i < n; i++) buffer.frames.push({ seq: ++seq, moveX: 1, moveY: 0, fire: false });
      const got = pacer.take(buffer);
      const list = got === undefined ? [] : Array.isArray(got) ? got : [got];
      applied.push(list.length);
      seqs.push(...list.map((f) => f.seq));
      cushions.push(pacer.cushion);
    }
    return { applied, seqs, cushions, sent: seq, left: buffer.size };
  }

  /** Two frames to a message every second tick, with the messages in `late` one tick late. */
  function pairs(ticks: number, late: ReadonlySet<number>): number[] {
    const arrivals = Array<number>(ticks).fill(0);
    for (let t = 0; t < ticks; t += 2) {
      const at = late.has(t) ? t + 1 : t;
      if (at < ticks) arrivals[at]! += 2;
    }
    return arrivals;
  }

  it("stalls once on a late message, then absorbs the same lateness without stalls or double steps", () => {
    const late = new Set([20, 60, 100, 140, 180]);
    const { applied, seqs, cushions } = play(pairs(240, late));
    const afterStart = applied.slice(2);
    // The first late message finds the buffer empty once: one stalled tick.
    expect(afterStart.filter((n) => n === 0)).toHaveLength(1);
    // Its frame stays as cushion: no double step, and the later late messages find frames waiting.
    expect(applied.filter((n) => n === 2)).toHaveLength(0);
    expect(Math.max(...cushions)).toBe(JITTER_CUSHION_FRAMES + 1);
    // Every frame applied once, in order.
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("catches a long hold-up up to the deepest cushion, applying every frame once", () => {
    // Steady one a tick, then 12 ticks of nothing, then the 12 late frames with the next one.
    const arrivals = [...Array(30).fill(1), ...Array(12).fill(0), 13, ...Array(60).fill(1)];
    const { applied, seqs, cushions, sent, left } = play(arrivals);
    expect(Math.max(...applied)).toBe(2);
    expect(Math.max(...cushions)).toBe(MAX_JITTER_CUSHION_FRAMES);
    // Caught up down to the cushion: what is left waiting is the cushion, not the whole hold-up.
    expect(left).toBe(MAX_JITTER_CUSHION_FRAMES);
    expect(seqs).toEqual(Array.from({ length: sent - left }, (_, i) => i + 1));
  });

  it("brings a raised cushion back down after quiet seconds, without a double step", () => {
    const quiet = CUSHION_DECAY_SECONDS * TICK_RATE;
    const arrivals = [...Array(10).fill(1), 0, 2, ...Array(3 * quiet).fill(1)];
    const { applied, cushions } = play(arrivals);
    expect(cushions[12]).toBe(JITTER_CUSHION_FRAMES + 1);
    expect(cushions.at(-1)).toBe(JITTER_CUSHION_FRAMES);
    expect(applied.filter((n) => n === 2)).toHaveLength(0);
  });

  it("gives a flooder no cushion and no double steps", () => {
    const { applied, cushions } = play(Array(200).fill(5));
    expect(Math.max(...applied)).toBe(1);
    expect(Math.max(...cushions)).toBe(JITTER_CUSHION_FRAMES);
  });
});
