/**
 * Your own ship answers your keys at once, even over a slow link: with `?lag=150` on the page's
 * address (the client's network simulator adds 150 ms of round trip), the production build in
 * headless Chromium draws your ship moved within two frames of the keydown, every time. Before
 * prediction it waited for the server: 100 ms of interpolation plus the round trip.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinInBrowser, launchChromium, npmStart, type StartedServer } from "./browser.ts";

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  server = await npmStart(200_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Trial {
  /** Frames drawn after the keydown up to and including the first that shows the ship moved. */
  readonly frames: number;
  /** Time from the keydown to that frame, ms. */
  readonly ms: number;
  /** Mean frame interval while waiting, ms. */
  readonly frameMs: number;
}

/** Presses `key` and counts the animation frames until your drawn ship has moved. */
async function trial(page: Page, key: string): Promise<Trial> {
  const measured = page.evaluate(
    () =>
      new Promise<Trial>((resolve) => {
        const hook = window.__tickArena;
        if (hook?.scene !== "game") throw new Error("not in a match");
        const self = () => hook.ships().find((s) => s.id === hook.selfId)!;
        const start = self();
        let pressedAt: number | null = null;
        let frames = 0;
        let last: number | null = null;
        const intervals: number[] = [];
        window.addEventListener("keydown", () => (pressedAt = performance.now()), { once: true });
        const frame = (t: number): void => {
          if (last !== null) intervals.push(t - last);
          last = t;
          if (pressedAt !== null) {
            frames += 1;
            const now = self();
            const frameMs = intervals.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length);
            if (Math.hypot(now.x - start.x, now.y - start.y) > 0.01 || frames > 30) {
              resolve({ frames, ms: performance.now() - pressedAt, frameMs });
              return;
            }
          }
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
  await page.waitForTimeout(80 + Math.random() * 60);
  await page.keyboard.down(key);
  const result = await measured;
  await page.waitForTimeout(200);
  await page.keyboard.up(key);
  await page.waitForTimeout(400);
  return result;
}

describe("your own ship at 150 ms of simulated round trip", () => {
  it("moves within two frames of the keydown", async () => {
    const { page, errors } = await joinInBrowser(browser, server.url, "Keys", { query: "?lag=150" });
    await page.waitForTimeout(1500);

    const trials: Trial[] = [];
    for (let i = 0; i < 10; i++) trials.push(await trial(page, i % 2 === 0 ? "KeyD" : "KeyA"));
    const sorted = trials.map((t) => t.ms).sort((a, b) => a - b);
    console.log(
      `key to move at ?lag=150: frames ${JSON.stringify(trials.map((t) => t.frames))}, ` +
        `p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, ` +
        `frame interval ${(trials.reduce((a, t) => a + t.frameMs, 0) / trials.length).toFixed(1)} ms`,
    );
    for (const t of trials) expect(t.frames).toBeLessThanOrEqual(2);
    expect(errors).toEqual([]);
  }, 120_000);
});
