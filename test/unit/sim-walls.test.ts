/**
 * Walls stop ships and projectiles: a ship pushed against any wall never overlaps it beyond the
 * position grid's rounding, nothing leaves the arena, and a projectile fired at a wall ends at
 * the wall and never shows up beyond it.
 */
import { describe, expect, it } from "vitest";
import { POSITION_STEPS_PER_PX, PROJECTILE_RADIUS, SHIP_RADIUS } from "../../shared/constants.ts";
import { ARENA_MAP, type ArenaMap, type Rect } from "../../shared/map.ts";
import { addShip, circleHitsWalls, clamp, createWorld, step, type World } from "../../shared/sim/index.ts";
import { createScript, inputs, run } from "./helpers.ts";

/**
 * After the push out of a wall, each coordinate is rounded by at most half a grid step
 * (1/32 px); against a wall corner the two roundings add up along the diagonal normal.
 */
const GRID_SLACK = Math.SQRT2 / (2 * POSITION_STEPS_PER_PX);

const DIRECTIONS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
] as const;

/** Distance from (x, y) to the nearest wall's closest point. */
function wallDistance(x: number, y: number, walls: readonly Rect[]): number {
  let best = Infinity;
  for (const w of walls) best = Math.min(best, Math.hypot(x - clamp(x, w.x, w.x + w.w), y - clamp(y, w.y, w.y + w.h)));
  return best;
}

/** Ships overlapping a wall (beyond the grid slack) or outside the map, as readable strings. */
function shipViolations(world: World): string[] {
  const out: string[] = [];
  for (const s of world.ships.values()) {
    const d = wallDistance(s.x, s.y, world.map.walls);
    const r = SHIP_RADIUS;
    const inside = s.x >= r && s.x <= world.map.width - r && s.y >= r && s.y <= world.map.height - r;
    if (d < r - GRID_SLACK || !inside) out.push(`tick ${world.tick}: ${s.id} at (${s.x}, ${s.y}), wall at ${d}`);
  }
  return out;
}

/** A world on the arena with one ship on every spawn point. */
function shipsOnSpawns(tickRate: number): World {
  const world = createWorld({ seed: 3, tickRate, matchSeconds: 1000 });
  ARENA_MAP.spawns.forEach((p, i) => {
    const ship = addShip(world, `s${i}`, `S${i}`);
    ship.x = p.x;
    ship.y = p.y;
  });
  return world;
}

describe("ships against walls", () => {
  it("the arena's spawn points are clear of walls and inside the map", () => {
    for (const p of ARENA_MAP.spawns) {
      expect(circleHitsWalls(p.x, p.y, SHIP_RADIUS, ARENA_MAP.walls)).toBe(false);
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(ARENA_MAP.width);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(ARENA_MAP.height);
    }
  });

  it.each([10, 30, 120])("a ship driven into walls never overlaps one nor leaves the map (%i Hz)", (rate) => {
    const ticks = Math.ceil((rate * ARENA_MAP.width) / 260) + 10; // enough to cross the whole map
    for (const [moveX, moveY] of DIRECTIONS) {
      const world = shipsOnSpawns(rate);
      const all = [...world.ships.keys()].map((id): [string, { moveX: number; moveY: number }] => [
        id,
        { moveX, moveY },
      ]);
      const frames = inputs(...all);
      const violations: string[] = [];
      for (let i = 0; i < ticks; i++) {
        step(world, frames);
        violations.push(...shipViolations(world));
      }
      expect(violations.slice(0, 5)).toStrictEqual([]);
      // Every ship ended pinned against a wall: it really was driven into one.
      for (const s of world.ships.values()) {
        expect(wallDistance(s.x, s.y, world.map.walls)).toBeLessThanOrEqual(SHIP_RADIUS + 1 / POSITION_STEPS_PER_PX);
      }
    }
  });

  it.each([10, 30, 120])("random wandering never overlaps a wall (%i Hz)", (rate) => {
    const world = shipsOnSpawns(rate);
    const script = createScript(rate);
    const violations: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const frames = new Map([...script(world)].map(([id, f]) => [id, { ...f, fire: false }]));
      step(world, frames);
      violations.push(...shipViolations(world));
    }
    expect(violations.slice(0, 5)).toStrictEqual([]);
  });
});

/** A corridor with one wall across it at x = 1000..1040. */
const CORRIDOR: ArenaMap = {
  width: 2000,
  height: 1000,
  walls: [{ x: 1000, y: 0, w: 40, h: 1000 }],
  spawns: [{ x: 100, y: 500 }],
};

describe("projectiles against walls", () => {
  it.each([10, 30, 120])("a projectile fired at a wall stops at it and never appears beyond (%i Hz)", (rate) => {
    for (const aimY of [0, 9000, -15000, 30000]) {
      const world = createWorld({ seed: 1, tickRate: rate, map: CORRIDOR, matchSeconds: 1000 });
      const shooter = addShip(world, "a", "Ann");
      const behind = addShip(world, "b", "Bob");
      Object.assign(shooter, { x: 700, y: 500 });
      Object.assign(behind, { x: 1100, y: 500 + (aimY / 32767) * 400, protectedUntilTick: 0 });
      const events = run(world, 1, () => inputs(["a", { aimX: 32767, aimY, fire: true }]));
      expect(events.filter((e) => e.type === "shot")).toHaveLength(1);
      let seen = world.projectiles.length;
      for (let i = 0; i < rate * 2; i++) {
        for (const p of world.projectiles) {
          expect(p.x + PROJECTILE_RADIUS).toBeLessThanOrEqual(1000);
          expect(circleHitsWalls(p.x, p.y, PROJECTILE_RADIUS, CORRIDOR.walls)).toBe(false);
        }
        events.push(...run(world, 1));
        seen += world.projectiles.length;
      }
      expect(seen).toBeGreaterThan(0);
      expect(world.projectiles).toHaveLength(0);
      expect(events.filter((e) => e.type === "hit")).toHaveLength(0);
      expect(behind.hp).toBe(100);
    }
  });

  it("the projectile vanishes on the tick its path reaches the wall, long before it expires", () => {
    const world = createWorld({ seed: 1, map: CORRIDOR, matchSeconds: 1000 });
    const shooter = addShip(world, "a", "Ann");
    Object.assign(shooter, { x: 700, y: 500 });
    run(world, 1, () => inputs(["a", { aimX: 1, fire: true }]));
    const shotTick = world.tick;
    const speed = world.config.projectileSpeed;
    // The projectile's edge reaches the wall during the n-th tick of flight (the first tick
    // of flight is the launch tick).
    const n = Math.ceil((1000 - PROJECTILE_RADIUS - 700) / speed);
    let lastX = Number.NaN;
    while (world.projectiles.length > 0) {
      lastX = world.projectiles[0]?.x ?? Number.NaN;
      run(world, 1);
    }
    expect(world.tick).toBe(shotTick + n - 1);
    expect(lastX).toBe(700 + speed * (n - 1));
    expect(n).toBeLessThan(world.config.projectileLifetimeTicks);
  });

  it.each([10, 30])("in a free-for-all on the arena, projectiles never cross or touch a wall (%i Hz)", (rate) => {
    const world = shipsOnSpawns(rate);
    const script = createScript(11);
    const previous = new Map<number, { x: number; y: number }>();
    const violations: string[] = [];
    let checked = 0;
    for (let i = 0; i < 1000; i++) {
      step(world, script(world));
      for (const p of world.projectiles) {
        const at = `tick ${world.tick}: projectile ${p.id} at (${p.x}, ${p.y})`;
        if (circleHitsWalls(p.x, p.y, PROJECTILE_RADIUS, world.map.walls)) violations.push(`${at} touches a wall`);
        if (!(p.x > 0 && p.x < world.map.width && p.y > 0 && p.y < world.map.height)) violations.push(`${at} is out`);
        const from = previous.get(p.id) ?? { x: p.originX, y: p.originY };
        // Sample the path since the last tick (every ≤ 6 px): no point of it lies inside a wall.
        for (let k = 0; k <= 16; k++) {
          const x = from.x + ((p.x - from.x) * k) / 16;
          const y = from.y + ((p.y - from.y) * k) / 16;
          if (circleHitsWalls(x, y, 1e-9, world.map.walls)) violations.push(`${at} crossed a wall`);
        }
        previous.set(p.id, { x: p.x, y: p.y });
        checked += 1;
      }
    }
    expect(violations.slice(0, 5)).toStrictEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
});
