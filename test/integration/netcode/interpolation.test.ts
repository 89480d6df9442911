/**
 * Other ships through the browser client's interpolation: a ship flying at constant speed, seen
 * over 100 ms of simulated round trip with 30 ms of jitter, moves smoothly once it is moving: a
 * "jump" frame moves it more than twice what the frame's duration allows, a "stall" not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GameSession } from "../../../client/src/net/session.ts";
import type { RunningServer } from "../../../server/app.ts";
import { SHIP_SPEED } from "../../../shared/constants.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";
import { clearDirection, sleep, startTestServer, waitFor } from "../harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 8 });
});
afterAll(async () => {
  await server.stop();
});

const IDLE: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };

describe("interpolation of other ships", () => {
  it("shows a ship at constant speed without stalls or jumps at 100 ms RTT and 30 ms jitter", async () => {
    const mover = await GameSession.connect(server.url, "Mover");
    const watcher = await GameSession.connect(server.url, "Watcher", { network: { lagMs: 100, jitterMs: 30 } });
    try {
      await waitFor(() => mover.predictionStats() !== null && watcher.predictionStats() !== null, 5000, "both seated");
      const start = mover.snapshot(performance.now()).players.find((p) => p.isSelf)!;
      const dir = clearDirection(start.x, start.y, 1000);
      const frames: { t: number; pos: number }[] = [];
      const t0 = performance.now();
      for (let now = t0; now - t0 < 3500; now = performance.now()) {
        mover.update(now, { ...IDLE, moveX: dir.dx, moveY: dir.dy });
        mover.snapshot(now);
        watcher.update(now, IDLE);
        const seen = watcher.snapshot(now).players.find((p) => p.id === mover.selfId)!;
        frames.push({ t: now, pos: dir.dx !== 0 ? seen.x : seen.y });
        await sleep(16);
      }
      // From the first frame that shows it moving, every frame must show it move, and by no more
      // than twice what its speed allows over that frame.
      const first = frames.findIndex((f, i) => i > 0 && f.pos !== frames[i - 1]!.pos);
      let stalls = 0;
      let jumps = 0;
      for (let i = first + 1; i < frames.length; i++) {
        const moved = Math.abs(frames[i]!.pos - frames[i - 1]!.pos);
        const allowed = (SHIP_SPEED * (frames[i]!.t - frames[i - 1]!.t)) / 1000;
        if (moved < 0.01) stalls += 1;
        if (moved > 2 * allowed) jumps += 1;
      }
      console.log(
        `remote ship at 100 ms RTT, 30 ms jitter: ${frames.length - first - 1} frames, ${stalls} stalls, ${jumps} jumps`,
      );
      expect(first).toBeGreaterThan(0);
      expect(frames.length - first).toBeGreaterThan(120);
      // Drawing patches as they come (no interpolation) would stall two frames in three at 60 fps.
      // This shared machine runs the server, both clients and the simulated link in one event
      // loop, and a hiccup of it holds patches back: a few frames in a hundred are tolerated here
      // (measured 0-7 of ~205); the netcode benchmark measures it on a quiet machine.
      expect((stalls + jumps) / (frames.length - first - 1)).toBeLessThanOrEqual(0.05);
    } finally {
      mover.dispose();
      watcher.dispose();
    }
  }, 30_000);
});
