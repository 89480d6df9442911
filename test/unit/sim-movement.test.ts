/**
 * Ship movement on an open map: a capped, grid-exact speed per tick, no diagonal bonus, inputs
 * clamped to ±1, aim normalised, and a ship with no input holding still.
 */
import { describe, expect, it } from "vitest";
import { AIM_SCALE, POSITION_STEPS_PER_PX, SHIP_SPEED } from "../../shared/constants.ts";
import { addShip, createWorld, step, type InputFrame, type Ship } from "../../shared/sim/index.ts";
import { inputs, NO_INPUTS, onGrid, openMap } from "./helpers.ts";

const HALF_STEP = 1 / (2 * POSITION_STEPS_PER_PX);
/** Tick rates under test: the bounds, the default and a few common ones. */
const RATES = [10, 20, 30, 60, 120];

/** A per-tick distance rounded down onto the position grid, as the simulation moves ships. */
function gridStep(px: number): number {
  return Math.floor(px * POSITION_STEPS_PER_PX) / POSITION_STEPS_PER_PX;
}

function openWorld(tickRate = 30): { world: ReturnType<typeof createWorld>; ship: Ship } {
  const world = createWorld({ seed: 1, tickRate, map: openMap(), matchSeconds: 1000 });
  return { world, ship: addShip(world, "a", "Ann") };
}

/** Per-tick displacements of ship "a" holding one input for `ticks` steps. */
function deltas(tickRate: number, f: Partial<InputFrame>, ticks = 60): { dx: number; dy: number }[] {
  const { world, ship } = openWorld(tickRate);
  const out: { dx: number; dy: number }[] = [];
  for (let i = 0; i < ticks; i++) {
    const [x, y] = [ship.x, ship.y];
    step(world, inputs(["a", f]));
    expect(onGrid(ship.x) && onGrid(ship.y)).toBe(true);
    out.push({ dx: ship.x - x, dy: ship.y - y });
  }
  return out;
}

describe("movement", () => {
  it.each(RATES)("moves exactly SHIP_SPEED / tickRate per tick, on the grid, at %i Hz", (rate) => {
    const nominal = SHIP_SPEED / rate;
    const perTick = gridStep(nominal);
    // The nominal speed rounded down onto the grid: never above the cap, less than a grid step below.
    expect(perTick).toBeLessThanOrEqual(nominal);
    expect(nominal - perTick).toBeLessThan(2 * HALF_STEP);
    for (const [moveX, moveY, ex, ey] of [
      [1, 0, perTick, 0],
      [-1, 0, -perTick, 0],
      [0, 1, 0, perTick],
      [0, -1, 0, -perTick],
    ] as const) {
      for (const d of deltas(rate, { moveX, moveY })) expect([d.dx, d.dy]).toStrictEqual([ex, ey]);
    }
  });

  it.each(RATES)("diagonal movement is not faster than straight movement at %i Hz", (rate) => {
    const straight = Math.abs(deltas(rate, { moveX: 1 }, 1)[0]?.dx ?? NaN);
    for (const [moveX, moveY] of [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ] as const) {
      for (const d of deltas(rate, { moveX, moveY })) {
        expect(Math.abs(d.dx)).toBe(Math.abs(d.dy));
        expect([Math.sign(d.dx), Math.sign(d.dy)]).toStrictEqual([moveX, moveY]);
        expect(Math.hypot(d.dx, d.dy), `diagonal step at ${rate} Hz`).toBeLessThanOrEqual(straight);
      }
    }
  });

  it("clamps out-of-range move inputs to at most ±1", () => {
    const straight = gridStep(SHIP_SPEED / 30);
    const diagonal = Math.floor(straight * POSITION_STEPS_PER_PX * Math.SQRT1_2) / POSITION_STEPS_PER_PX;
    const cases: [Partial<InputFrame>, number, number][] = [
      [{ moveX: 5 }, straight, 0],
      [{ moveX: -100 }, -straight, 0],
      [{ moveX: Number.NaN, moveY: Number.NaN }, 0, 0],
      [{ moveX: Infinity }, straight, 0],
      [{ moveY: -Infinity }, 0, -straight],
      [{ moveX: 0.5, moveY: -0.9 }, 0, 0],
      [{ moveX: 1e9, moveY: -1e9 }, diagonal, -diagonal],
    ];
    for (const [f, ex, ey] of cases) {
      for (const d of deltas(30, f, 30)) {
        expect(Math.abs(d.dx)).toBeLessThanOrEqual(straight);
        expect(Math.abs(d.dy)).toBeLessThanOrEqual(straight);
        expect([d.dx, d.dy]).toStrictEqual([ex, ey]);
      }
    }
  });

  it("a ship with no input, or an idle input, holds still", () => {
    const { world, ship } = openWorld();
    const start = { x: ship.x, y: ship.y };
    for (let i = 0; i < 100; i++) step(world, NO_INPUTS);
    expect({ x: ship.x, y: ship.y }).toStrictEqual(start);
    for (let i = 0; i < 100; i++) step(world, inputs(["a", {}]));
    expect({ x: ship.x, y: ship.y }).toStrictEqual(start);
    // Another ship's input does not move this one.
    addShip(world, "b", "Bob");
    for (let i = 0; i < 100; i++) step(world, inputs(["b", { moveX: 1, moveY: 1 }]));
    expect({ x: ship.x, y: ship.y }).toStrictEqual(start);
  });

  it("keeps positions on the 1/16 px grid under any mix of inputs", () => {
    const { world } = openWorld(60);
    addShip(world, "b", "Bob");
    const moves = [-1, 0, 1, 0.7, -3, Number.NaN];
    for (let i = 0; i < 2000; i++) {
      step(
        world,
        inputs(
          ["a", { moveX: moves[i % 6], moveY: moves[(i * 7) % 6] }],
          ["b", { moveX: moves[(i * 5) % 6], moveY: moves[(i + 2) % 6] }],
        ),
      );
      for (const s of world.ships.values()) expect(onGrid(s.x) && onGrid(s.y)).toBe(true);
    }
  });

  it("normalises the aim vector and keeps the last aim on (0, 0)", () => {
    const { world, ship } = openWorld();
    step(world, inputs(["a", { aimX: 3, aimY: -4 }]));
    expect(ship.aimX).toBeCloseTo(0.6, 12);
    expect(ship.aimY).toBeCloseTo(-0.8, 12);
    step(world, inputs(["a", { aimX: 0, aimY: 0 }]));
    expect(ship.aimX).toBeCloseTo(0.6, 12);
    expect(ship.aimY).toBeCloseTo(-0.8, 12);
    step(world, inputs(["a", { aimX: Number.NaN, aimY: 1e12 }]));
    expect(ship.aimX).toBe(0);
    expect(ship.aimY).toBe(1);
    step(world, inputs(["a", { aimX: -AIM_SCALE, aimY: 0 }]));
    expect(Math.hypot(ship.aimX, ship.aimY)).toBeCloseTo(1, 12);
  });
});

describe("catching up late frames", () => {
  it("applies a list of frames in one step exactly as if each had had its own tick", () => {
    const one = openWorld();
    const two = openWorld();
    const frames: Partial<InputFrame>[] = [{ moveX: 1 }, { moveX: 1, moveY: 1 }, { moveY: -1 }];
    for (const f of frames) step(one.world, inputs(["a", f]));
    step(two.world, new Map([["a", frames.map((f) => ({ moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false, ...f }))]]));
    expect([two.ship.x, two.ship.y]).toEqual([one.ship.x, one.ship.y]);
    expect(two.world.tick).toBe(1);
  });
});
