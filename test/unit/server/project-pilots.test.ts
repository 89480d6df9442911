/**
 * The roster of a large room (`pilots`): every pilot's coarse position is refreshed every 2 s
 * (docs/PROTOCOL.md, PilotState), although the state is projected only at patches
 * (20 Hz), which land on some ticks (30 Hz) and not others.
 */
import { describe, expect, it } from "vitest";
import { LARGE_MAP } from "../../../shared/map.ts";
import { LargeArenaState } from "../../../shared/schema.ts";
import { addShip, createWorld } from "../../../shared/sim/index.ts";
import { COARSE_EVERY_SECONDS, projectPilots } from "../../../server/rooms/project-state.ts";

describe("projectPilots", () => {
  it("refreshes a moving pilot's coarse position every 2 s, whichever ticks the patches land on", () => {
    const world = createWorld({ seed: 1, map: LARGE_MAP });
    const ship = addShip(world, "a", "Mover");
    const state = new LargeArenaState();
    const refreshes: number[] = [];
    let cx = -1;
    // Patches 1.5 ticks apart: here they land on ticks 2, 4, 5, 7, 8, … and never on a multiple
    // of 3, so never on a multiple of the period in ticks (60 at 30 Hz).
    world.tick = 1;
    for (let patch = 0; patch < 400; patch++) {
      world.tick += patch % 2 === 0 ? 1 : 2;
      ship.x = 100 + world.tick * 5; // 150 px/s: a new coarse step (≈ 15.7 px) every 3 ticks
      ship.y = 1000;
      projectPilots(world, state);
      const now = state.pilots.get("a")!.cx;
      if (now !== cx) refreshes.push(world.tick);
      cx = now;
    }
    // 600 ticks projected: the first projection, then one refresh every 60 or 61 ticks.
    const period = COARSE_EVERY_SECONDS * world.config.tickRate;
    expect(period).toBe(60);
    expect(refreshes.length).toBeGreaterThanOrEqual(9);
    const gaps = refreshes.slice(1).map((t, i) => t - refreshes[i]!);
    for (const gap of gaps) expect(gap, JSON.stringify(refreshes)).toBeGreaterThanOrEqual(period);
    for (const gap of gaps) expect(gap, JSON.stringify(refreshes)).toBeLessThanOrEqual(period + 1);
    // And the value is the documented formula: cx = round(x / width × 255).
    const pilot = state.pilots.get("a")!;
    const refreshedAt = refreshes.at(-1)!;
    expect(pilot.cx).toBe(Math.round(((100 + refreshedAt * 5) / LARGE_MAP.width) * 255));
    expect(pilot.cy).toBe(Math.round((1000 / LARGE_MAP.height) * 255));
  });
});
