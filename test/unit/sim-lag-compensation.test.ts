/**
 * Lag compensation in the shared step: a shot carries the tick its shooter was drawing, and is
 * tested against targets where they were then (at most `maxRewindTicks` back), alive then and now.
 */
import { describe, expect, it } from "vitest";
import { PROJECTILE_DAMAGE, SHIP_MAX_HP } from "../../shared/constants.ts";
import { addShip, createWorld, rewindTicks, shipAt, step, type World } from "../../shared/sim/index.ts";
import { frame, openMap } from "./helpers.ts";

/** Ann at (1000, 1000) aims up at a lane where Bob runs right, 100 px above her. */
function lane(lagCompensationMs: number): World {
  const world = createWorld({ seed: 1, tickRate: 30, map: openMap(), lagCompensationMs });
  const a = addShip(world, "a", "Ann");
  const b = addShip(world, "b", "Bob");
  Object.assign(a, { x: 1000, y: 1000, protectedUntilTick: 0 });
  Object.assign(b, { x: 1000, y: 900, protectedUntilTick: 0 });
  return world;
}

/** Bob runs right for `ticks` ticks (Ann idle). */
function bobRuns(world: World, ticks: number): void {
  for (let i = 0; i < ticks; i++) step(world, new Map([["b", frame({ moveX: 1 })]]));
}

/** Ann fires straight up with `viewTick`, Bob keeps running; Bob's hp after the shot landed or flew by. */
function shootAt(world: World, viewTick: number): number {
  step(
    world,
    new Map([
      ["a", frame({ aimY: -1, fire: true, viewTick })],
      ["b", frame({ moveX: 1 })],
    ]),
  );
  bobRuns(world, 20);
  return world.ships.get("b")!.hp;
}

describe("lag compensation", () => {
  it("hits the target where the shooter saw it, 8 ticks ago", () => {
    const world = lane(500);
    step(world, new Map()); // Bob above Ann, recorded: what Ann's screen shows.
    const seen = world.tick;
    bobRuns(world, 8); // Now Bob is 69 px to the right: a shot straight up flies past him.
    expect(shipAt(world, world.ships.get("b")!, seen)).toEqual({ x: 1000, y: 900, alive: true });
    expect(shootAt(world, seen)).toBe(SHIP_MAX_HP - PROJECTILE_DAMAGE);
  });

  it("misses the same shot without compensation, or with no view tick", () => {
    const off = lane(0);
    step(off, new Map());
    const seen = off.tick;
    bobRuns(off, 8);
    expect(shootAt(off, seen)).toBe(SHIP_MAX_HP);

    const none = lane(500);
    step(none, new Map());
    bobRuns(none, 8);
    expect(shootAt(none, 0)).toBe(SHIP_MAX_HP);
  });

  it("caps the rewind, treats future or garbage stamps as the present, and wraps at 16 bits", () => {
    const world = lane(300); // 9 ticks at 30 Hz
    world.tick = 70_000;
    expect(world.config.maxRewindTicks).toBe(9);
    expect(rewindTicks(world, (70_000 - 4) & 0xffff)).toBe(4);
    expect(rewindTicks(world, (70_000 - 40) & 0xffff)).toBe(9);
    expect(rewindTicks(world, (70_000 + 3) & 0xffff)).toBe(0);
    expect(rewindTicks(world, undefined)).toBe(0);
    expect(rewindTicks(lane(0), 5)).toBe(0);
  });
});
