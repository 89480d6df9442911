/**
 * Own-ship prediction, through the browser client's own session module (client/src/net/
 * session.ts) in Node against a real server, as test/integration/netcode/prediction.test.ts:
 *
 * - Reconciliation: a scripted run at 150 ms simulated round trip, no loss. The ship flies a new
 *   one of the eight directions every 400 ms (through the real map's walls and corners) with a
 *   frame every ~16 ms; then stands still until every input is acknowledged. The session's
 *   `predictionStats()` sums the distance between the predicted and the server's position at
 *   every acknowledged input: `totalCorrectionPx` (target 0: the prediction is exact).
 * - Input pacing at ~5 fps: `session.update` every 200 ms throughout, a key held for 1.5 s along
 *   a clear straight line; a second session watches at ~60 fps. Distance moved (as the watcher
 *   sees the server's positions) ÷ (hold time × SHIP_SPEED), the hold time being what the page
 *   credits: from its last frame before the key to its last frame with it. Repeated, out and
 *   back along the same line; the figure is the median.
 */
import { MemoryStorage } from "../../bots/bot.ts";
import { GameSession } from "../../client/src/net/session.ts";
import { SHIP_SPEED } from "../../shared/constants.ts";
import type { InputFrame } from "../../shared/sim/step.ts";
import { clearDirection } from "../../test/integration/harness.ts";
import { median, sleep, waitFor } from "./stats.ts";

const STILL: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };

/** Joins through the session module with a token of its own (never a shared storage). */
export function connectSession(url: string, name: string, lagMs = 0, jitterMs = 0): Promise<GameSession> {
  return GameSession.connect(url, name, {
    identityStorage: new MemoryStorage(),
    ...(lagMs > 0 || jitterMs > 0 ? { network: { lagMs, jitterMs } } : {}),
  });
}

/** Resolves once the session predicts its own ship (it is in the state). */
export function seated(session: GameSession, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => session.predictionStats() !== null, timeoutMs, "the own ship to be predicted");
}

/**
 * Calls `session.update` (and `snapshot`, as the game scene does) every `frameMs` for `ms`;
 * returns the frame times (`performance.now()`). Also used by the netcode integration tests.
 */
export async function play(
  session: GameSession,
  frameMs: number,
  ms: number,
  controls: (t: number) => InputFrame,
): Promise<number[]> {
  const start = performance.now();
  const frames: number[] = [];
  for (let now = start; now - start < ms; now = performance.now()) {
    session.update(now, controls(now - start));
    session.snapshot(now);
    frames.push(now);
    await sleep(frameMs);
  }
  return frames;
}

/** Renders without sending (the reconciler keeps reconciling) until acknowledgements catch up. */
export async function settle(session: GameSession, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    session.snapshot(performance.now());
    await sleep(16);
  }
}

export interface ReconcileResult {
  readonly seconds: number;
  readonly totalCorrectionPx: number;
  readonly mismatches: number;
  readonly reconciles: number;
  readonly pending: number;
}

const DIRECTIONS = [
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
  [0, -1],
  [1, -1],
] as const;

/** The scripted run at 150 ms round trip: total correction over `seconds` of flying. */
export async function measureReconcile(url: string, seconds: number): Promise<ReconcileResult> {
  const session = await connectSession(url, "Predictor", 150, 0);
  try {
    await seated(session);
    await play(session, 16, seconds * 1000, (t) => {
      const [mx, my] = DIRECTIONS[Math.floor(t / 400) % DIRECTIONS.length]!;
      return { ...STILL, moveX: mx, moveY: my };
    });
    await play(session, 16, 300, () => STILL);
    await settle(session, 700); // no more inputs: every one sent gets acknowledged
    const stats = session.predictionStats()!;
    return {
      seconds,
      totalCorrectionPx: stats.totalCorrectionPx,
      mismatches: stats.mismatches,
      reconciles: stats.reconciles,
      pending: stats.pending,
    };
  } finally {
    session.dispose();
  }
}

export interface HoldResult {
  /** Median over the trials of moved ÷ (hold time × SHIP_SPEED). */
  readonly ratio: number;
  readonly ratios: number[];
  /** Median frame interval while the key was held, ms. */
  readonly frameMs: number;
}

/**
 * One hold: the session renders at ~5 fps throughout (still, held for 1.5 s, still again), as a
 * page does, while the observer renders at ~60 fps. The page credits a frame with every tick
 * since the previous frame, so the hold time is from the last frame before the key was seen
 * to the last frame that saw it. Returns moved ÷ (hold time × SHIP_SPEED) and the frame interval.
 */
async function holdTrial(
  session: GameSession,
  observer: GameSession,
  direction: { dx: number; dy: number },
): Promise<{ ratio: number; frameMs: number }> {
  let observing = true;
  const watch = (async () => {
    while (observing) {
      const now = performance.now();
      observer.update(now, STILL);
      observer.snapshot(now);
      await sleep(16);
    }
  })();
  const shipSeen = () => observer.snapshot(performance.now()).players.find((p) => p.id === session.selfId)!;
  try {
    const still = await play(session, 200, 600, () => STILL);
    const before = shipSeen();
    const held = await play(session, 200, 1500, () => ({ ...STILL, moveX: direction.dx, moveY: direction.dy }));
    await play(session, 200, 1000, () => STILL);
    const after = shipSeen();
    const holdMs = held.at(-1)! - still.at(-1)!;
    const moved = Math.hypot(after.x - before.x, after.y - before.y);
    return { ratio: moved / ((SHIP_SPEED * holdMs) / 1000), frameMs: holdMs / held.length };
  } finally {
    observing = false;
    await watch;
  }
}

/** `trials` holds at ~5 fps, out and back along one straight line checked clear of walls. */
export async function measureHold5fps(url: string, trials: number): Promise<HoldResult> {
  const observer = await connectSession(url, "Observer");
  const session = await connectSession(url, "Slowpoke");
  try {
    await seated(session);
    await seated(observer);
    await sleep(300);
    const start = observer.snapshot(performance.now()).players.find((p) => p.id === session.selfId)!;
    const axis = clearDirection(start.x, start.y, 440);
    const ratios: number[] = [];
    const intervals: number[] = [];
    for (let i = 0; i < trials; i++) {
      const sign = i % 2 === 0 ? 1 : -1;
      const trial = await holdTrial(session, observer, { dx: sign * axis.dx, dy: sign * axis.dy });
      ratios.push(trial.ratio);
      intervals.push(trial.frameMs);
    }
    return { ratio: median(ratios), ratios, frameMs: median(intervals) };
  } finally {
    session.dispose();
    observer.dispose();
  }
}
