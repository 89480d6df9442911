/**
 * The warm-up: a room with fewer than `minPlayers` pilots practises without a clock (phase 2,
 * listed as such in the lobby); the second pilot starts the match with fresh scores.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { Phase } from "../../../shared/sim/world.ts";
import { joinPlayer, startTestServer, waitFor, type TestPlayer } from "../harness.ts";

let server: RunningServer | undefined;
const players: TestPlayer[] = [];

afterEach(async () => {
  for (const p of players.splice(0)) await p.room.leave(true).catch(() => undefined);
  await server?.stop();
  server = undefined;
});

describe("warm-up", () => {
  it("waits for a second pilot, lets the first one fly meanwhile, then starts match 1", async () => {
    server = await startTestServer({ minPlayers: 2 });
    const ann = await joinPlayer(server.url, "Ann");
    players.push(ann);
    await waitFor(() => ann.self() !== undefined, 5000, "Ann's ship");
    expect(ann.room.state.phase).toBe(Phase.Warmup);
    expect(ann.room.state.phaseEndsTick).toBe(0);

    // Practice: the ship moves in the warm-up.
    const x0 = ann.self()!.x;
    const y0 = ann.self()!.y;
    for (let i = 0; i < 20; i++) {
      ann.send({ moveX: 1, moveY: 1 });
      await new Promise((r) => setTimeout(r, 33));
    }
    await waitFor(() => ann.self()!.x !== x0 || ann.self()!.y !== y0, 3000, "Ann moving in the warm-up");
    await new Promise((r) => setTimeout(r, 1500));
    expect(ann.room.state.phase).toBe(Phase.Warmup);

    const bob = await joinPlayer(server.url, "Bob");
    players.push(bob);
    await waitFor(() => ann.room.state.phase === Phase.Playing, 3000, "the match to start");
    expect(ann.room.state.matchNumber).toBe(1);
    expect(ann.room.state.phaseEndsTick).toBeGreaterThan(ann.room.state.tick);
  });
});
