/**
 * Other ships through the browser client's interpolation (client/src/net/session.ts in Node),
 * as test/integration/netcode/interpolation.test.ts: a mover flies at constant speed with no
 * simulated latency; a watcher sees it over 100 ms of simulated round trip with 30 ms of jitter
 * and renders a frame every ~16 ms.
 *
 * To fly straight for 20 s the mover shuttles along x on the open field (field.ts): 5 s legs
 * (1300 px), the first one half as long, so it stays between x ≈ 550 and 1850. Per frame the
 * watcher's drawn position of the mover is compared with the previous frame's: a "stall" moved
 * it less than 0.01 px, a "jump" more than twice what SHIP_SPEED allows over that frame's
 * duration. Counted from the first frame that shows the mover moving, except the frames drawn
 * while a reversal passes through the watcher's view (from the reversal to 600 ms after it:
 * interpolation delay + one-way lag + a patch interval, with margin), where the ship does not
 * move at constant speed; those are reported apart. Target: 0 counted frames.
 */
import { SHIP_SPEED } from "../../shared/constants.ts";
import type { InputFrame } from "../../shared/sim/step.ts";
import { connectSession, seated } from "./prediction.ts";
import { sleep } from "./stats.ts";

const IDLE: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };
/** One leg of the shuttle, ms of flight (1300 px); the first is half as long. */
const LEG_MS = 5000;
/** Frames drawn this long after a reversal are not at constant speed. */
const REVERSAL_WINDOW_MS = 600;

export interface InterpolationResult {
  readonly seconds: number;
  /** Frames counted (at constant speed). */
  readonly frames: number;
  readonly stalls: number;
  readonly jumps: number;
  /** Stalls and jumps among the frames left out around reversals. */
  readonly atReversals: number;
  /** Median frame interval, ms. */
  readonly frameMs: number;
  /** When the counted stalls and jumps happened, s into the watch. */
  readonly badAtS: number[];
}

/** The mover's direction along x at `t` ms into the flight: +1 for the first half leg, then alternating. */
function direction(t: number): number {
  const leg = t < LEG_MS / 2 ? 0 : 1 + Math.floor((t - LEG_MS / 2) / LEG_MS);
  return leg % 2 === 0 ? 1 : -1;
}

/** Watches the mover for `seconds` on the field server at `url`. */
export async function measureInterpolation(url: string, seconds: number): Promise<InterpolationResult> {
  const mover = await connectSession(url, "Mover");
  const watcher = await connectSession(url, "Watcher", 100, 30);
  try {
    await seated(mover);
    await seated(watcher);
    const frames: { t: number; x: number; y: number }[] = [];
    const reversals: number[] = [];
    let lastDir = 0;
    const t0 = performance.now();
    for (let now = t0; now - t0 < seconds * 1000; now = performance.now()) {
      const dir = direction(now - t0);
      if (lastDir !== 0 && dir !== lastDir) reversals.push(now);
      lastDir = dir;
      mover.update(now, { ...IDLE, moveX: dir });
      mover.snapshot(now);
      watcher.update(now, IDLE);
      const seen = watcher.snapshot(now).players.find((p) => p.id === mover.selfId);
      if (seen !== undefined) frames.push({ t: now, x: seen.x, y: seen.y });
      await sleep(16);
    }
    const step = (i: number): number => Math.hypot(frames[i]!.x - frames[i - 1]!.x, frames[i]!.y - frames[i - 1]!.y);
    const first = frames.findIndex((_, i) => i > 0 && step(i) > 0);
    if (first < 0) throw new Error("the watcher never saw the mover move");
    let counted = 0;
    let stalls = 0;
    let jumps = 0;
    let atReversals = 0;
    const intervals: number[] = [];
    const badAtS: number[] = [];
    for (let i = first + 1; i < frames.length; i++) {
      const t = frames[i]!.t;
      const dt = t - frames[i - 1]!.t;
      intervals.push(dt);
      const moved = step(i);
      const stall = moved < 0.01;
      const jump = moved > (2 * SHIP_SPEED * dt) / 1000;
      if (reversals.some((r) => t >= r && t <= r + REVERSAL_WINDOW_MS)) {
        if (stall || jump) atReversals += 1;
        continue;
      }
      counted += 1;
      if (stall) stalls += 1;
      if (jump) jumps += 1;
      if (stall || jump) badAtS.push(Number(((t - t0) / 1000).toFixed(2)));
    }
    intervals.sort((a, b) => a - b);
    return {
      seconds,
      frames: counted,
      stalls,
      jumps,
      atReversals,
      frameMs: intervals[intervals.length >> 1] ?? Number.NaN,
      badAtS,
    };
  } finally {
    mover.dispose();
    watcher.dispose();
  }
}
