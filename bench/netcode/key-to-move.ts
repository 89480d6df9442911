/**
 * Key to move: how long after a keydown your own ship is drawn moved, in the production build
 * in headless Chromium, with the page opened at `?lag=150` (the client's network simulator adds
 * 150 ms of round trip, so only prediction can make this fast).
 *
 * Method (as test/e2e/key-to-move.test.ts): a requestAnimationFrame loop registered after the
 * game's own reads your ship's drawn position through the test hook (`window.__tickArena`,
 * client/src/test-hook.ts); a keydown (playwright) starts the clock at the event's timeStamp;
 * the trial ends in the first frame whose drawn ship has moved, at `performance.now()` in that
 * frame's callback (after the game's update for it). Trials alternate D and A with a random
 * 80–140 ms pause first, so the press falls anywhere within a frame. Percentiles are exact
 * (nearest rank over the raw trials). The target is one frame + 20 ms, the frame being the mean
 * frame interval measured during the trials.
 */
import type { Page } from "playwright-core";
import { joinInBrowser, launchChromium } from "../../test/e2e/browser.ts";
import { median, percentile, withTimeout } from "./stats.ts";

/** One keydown and the frame that showed it. */
interface Trial {
  /** Frames after the keydown up to and including the first that shows the ship moved. */
  readonly frames: number;
  /** Keydown event timestamp to that frame, ms. */
  readonly ms: number;
  /** Mean frame interval while waiting, ms. */
  readonly frameMs: number;
  /** False when the ship was not seen moving within 60 frames or 5 s (`ms` is then a lower bound). */
  readonly moved: boolean;
}

export interface KeyToMoveResult {
  readonly trials: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Median frame interval of the page, ms. */
  readonly frameMs: number;
  /** Frames to the move, per trial. */
  readonly frames: number[];
  /** Trials in which the ship was not seen moving within 60 frames (counted at their wait). */
  readonly notMoved: number;
}

/**
 * The in-page half of a trial, as source text: evaluated as is, so no helper a TypeScript
 * transpiler adds to functions (tsx's `__name`) can leak into the page. It arms the keydown
 * listener and the frame loop, and leaves in `window.__keyToMove` a promise of the
 * {@link Trial} (once the drawn ship moved, or after 60 frames or 5 s: not moved) or of
 * `{ error }`. Armed before the key is pressed, so a slow page cannot miss the keydown.
 */
const ARM_TRIAL = `window.__keyToMove = new Promise((resolve) => {
  const hook = window.__tickArena;
  if (!hook || hook.scene !== "game") return resolve({ error: "not in a match" });
  const self = () => hook.ships().find((s) => s.id === hook.selfId);
  const start = self();
  let pressedAt = null;
  let frames = 0;
  let last = null;
  const intervals = [];
  window.addEventListener("keydown", (e) => { pressedAt = e.timeStamp; }, { once: true, capture: true });
  // However the page fares (frames stop, the key never arrives), the trial ends.
  setTimeout(() => {
    if (pressedAt === null) resolve({ error: "the keydown never reached the page" });
    else resolve({ frames, ms: performance.now() - pressedAt, frameMs: NaN, moved: false });
  }, 5000);
  const frame = (t) => {
    if (last !== null) intervals.push(t - last);
    last = t;
    if (pressedAt !== null) {
      frames += 1;
      const now = self();
      const frameMs = intervals.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length);
      const moved = Math.hypot(now.x - start.x, now.y - start.y) > 0.01;
      if (moved || frames >= 60) return resolve({ frames, ms: performance.now() - pressedAt, frameMs, moved });
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}); undefined`;

/** Presses `key` and times the frames until your drawn ship has moved. */
async function trial(page: Page, key: string): Promise<Trial> {
  await page.evaluate(ARM_TRIAL);
  await page.waitForTimeout(80 + Math.random() * 60);
  await page.keyboard.down(key);
  const result = await withTimeout(
    page.evaluate("window.__keyToMove") as Promise<Trial | { error: string }>,
    15_000,
    "a key-to-move trial",
  );
  await page.waitForTimeout(200);
  await page.keyboard.up(key);
  await page.waitForTimeout(400);
  if ("error" in result) throw new Error(result.error);
  return result;
}

/** Runs `count` trials in one page against the server at `url` (which serves the built client). */
export async function measureKeyToMove(url: string, count: number): Promise<KeyToMoveResult> {
  const browser = await launchChromium();
  try {
    const { page, errors } = await joinInBrowser(browser, url, "Keys", { query: "?lag=150" });
    await page.waitForTimeout(1500);
    const trials: Trial[] = [];
    for (let i = 0; i < count; i++) trials.push(await trial(page, i % 2 === 0 ? "KeyD" : "KeyA"));
    if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join("\n")}`);
    const ms = trials.map((t) => t.ms);
    return {
      trials: trials.length,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
      maxMs: Math.max(...ms),
      frameMs: median(trials.map((t) => t.frameMs).filter((f) => Number.isFinite(f))),
      frames: trials.map((t) => t.frames),
      notMoved: trials.filter((t) => !t.moved).length,
    };
  } finally {
    await browser.close();
  }
}
