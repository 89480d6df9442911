/**
 * Own-ship prediction against a real server through the browser client's own session module:
 * the prediction equals the server's position at every acknowledged input (correction exactly
 * zero) over a scripted run at 150 ms simulated round trip, and input pacing sends one input per
 * tick whatever the frame rate, so a key held at ~5 fps moves the ship as far as at 60 fps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GameSession } from "../../../client/src/net/session.ts";
import type { RunningServer } from "../../../server/app.ts";
import { DEFAULT_TICK_RATE, SHIP_SPEED } from "../../../shared/constants.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";
import { play, seated, settle } from "../../../bench/netcode/prediction.ts";
import { clearDirection, startTestServer } from "../harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 21 });
});
afterAll(async () => {
  await server.stop();
});

const STILL: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };

describe("own-ship prediction", () => {
  it("equals the server's position at every acknowledged input at 150 ms round trip", async () => {
    const session = await GameSession.connect(server.url, "Predictor", { network: { lagMs: 150, jitterMs: 0 } });
    try {
      await seated(session, 5000);
      // Eight directions, a new one every 400 ms, through walls and corners of the real map.
      const dirs = [
        [1, 0],
        [1, 1],
        [0, 1],
        [-1, 1],
        [-1, 0],
        [-1, -1],
        [0, -1],
        [1, -1],
      ] as const;
      await play(session, 16, 6000, (t) => {
        const [mx, my] = dirs[Math.floor(t / 400) % dirs.length]!;
        return { ...STILL, moveX: mx, moveY: my };
      });
      await play(session, 16, 300, () => STILL);
      await settle(session, 700); // no more inputs: every one sent gets acknowledged
      const stats = session.predictionStats()!;
      console.log(`prediction at 150 ms RTT: ${JSON.stringify(stats)}`);
      expect(stats.reconciles).toBeGreaterThan(60);
      expect(stats.mismatches).toBe(0);
      expect(stats.totalCorrectionPx).toBe(0);
      expect(stats.pending).toBe(0);
      expect(stats.lastAcked).toBeGreaterThan(150);
    } finally {
      session.dispose();
    }
  }, 30_000);

  it("stays exact at 150 ms round trip with 30 ms jitter and 1 % loss (late inputs are caught up, not dropped)", async () => {
    const session = await GameSession.connect(server.url, "Jittery", {
      network: { lagMs: 150, jitterMs: 30, lossPercent: 1 },
    });
    try {
      await seated(session, 5000);
      const dirs = [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ] as const;
      await play(session, 16, 6000, (t) => {
        const [mx, my] = dirs[Math.floor(t / 500) % dirs.length]!;
        return { ...STILL, moveX: mx, moveY: my };
      });
      await settle(session, 1000);
      const stats = session.predictionStats()!;
      console.log(`prediction at 150 ms RTT, 30 ms jitter, 1 % loss: ${JSON.stringify(stats)}`);
      expect(stats.reconciles).toBeGreaterThan(60);
      expect(stats.mismatches).toBe(0);
      expect(stats.totalCorrectionPx).toBe(0);
    } finally {
      session.dispose();
    }
  }, 30_000);

  it("sends one input per tick at ~5 fps: a held key moves the ship hold time × speed", async () => {
    const observer = await GameSession.connect(server.url, "Observer");
    const session = await GameSession.connect(server.url, "Slowpoke");
    try {
      await seated(session, 5000);
      await seated(observer, 5000);
      await play(observer, 16, 300, () => STILL);
      const before = observer.snapshot(performance.now()).players.find((p) => p.id === session.selfId)!;
      const axis = clearDirection(before.x, before.y, 440);
      const frames = await play(session, 200, 1500, () => ({ ...STILL, moveX: axis.dx, moveY: axis.dy }));
      await play(session, 200, 1000, () => STILL);
      // The page saw the key held from its first frame to its last held one: each frame sends
      // every tick since the previous frame, with the keys it sees held.
      const holdMs = frames.at(-1)! - frames[0]!;
      await play(observer, 16, 300, () => STILL);
      const after = observer.snapshot(performance.now()).players.find((p) => p.id === session.selfId)!;
      const moved = Math.hypot(after.x - before.x, after.y - before.y);
      const expected = (SHIP_SPEED * holdMs) / 1000;
      const perTick = SHIP_SPEED / DEFAULT_TICK_RATE;
      console.log(
        `${frames.length} frames at ~5 fps: moved ${moved.toFixed(1)} px, expected ${expected.toFixed(1)} px ` +
          `(ratio ${(moved / expected).toFixed(3)})`,
      );
      // Within one tick of hold time × speed (the old pacing managed 44 % at 5 fps).
      expect(Math.abs(moved - expected)).toBeLessThanOrEqual(perTick + 0.01);
    } finally {
      session.dispose();
      observer.dispose();
    }
  }, 30_000);
});
