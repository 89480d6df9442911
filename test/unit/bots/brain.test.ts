/**
 * The bot brain, decision by decision and over whole simulated fights: it aims at and shoots a
 * visible enemy, holds fire through walls, never steers into a wall it touches, reaches its
 * waypoints, and on the real arena (through the shared `step`, on stale views) roams without
 * getting stuck and scores kills.
 */
import { describe, expect, it } from "vitest";
import { aimVector, createBrainMemory, decide, IDLE_FRAME, PROJECTILE_RANGE, steer } from "../../../bots/brain.ts";
import { AIM_SCALE, SHIP_RADIUS } from "../../../shared/constants.ts";
import { ARENA_MAP, type ArenaMap, type Rect } from "../../../shared/map.ts";
import {
  addShip,
  circleHitsWalls,
  createRng,
  createWorld,
  nextFloat,
  Phase,
  type World,
} from "../../../shared/sim/index.ts";
import { runBots, viewOf } from "./sim-view.ts";

const BORDER = 20;
/** An open 1200×800 field inside a border. */
const OPEN: ArenaMap = {
  width: 1200,
  height: 800,
  walls: [
    { x: 0, y: 0, w: 1200, h: BORDER },
    { x: 0, y: 800 - BORDER, w: 1200, h: BORDER },
    { x: 0, y: 0, w: BORDER, h: 800 },
    { x: 1200 - BORDER, y: 0, w: BORDER, h: 800 },
  ],
  spawns: [
    { x: 300, y: 400 },
    { x: 900, y: 400 },
  ],
};
/** The open field with a wall across the middle. */
const SPLIT: ArenaMap = { ...OPEN, walls: [...OPEN.walls, { x: 580, y: 100, w: 40, h: 600 }] };

/** A world on `map` with ships placed where told (not shielded). */
function worldWith(map: ArenaMap, ships: Record<string, { x: number; y: number }>): World {
  const world = createWorld({ seed: 1, map });
  for (const [id, at] of Object.entries(ships)) {
    const s = addShip(world, id, id);
    s.x = at.x;
    s.y = at.y;
    s.protectedUntilTick = 0;
  }
  return world;
}

describe("brain: shooting", () => {
  it("aims at a visible enemy and fires", () => {
    const world = worldWith(OPEN, { me: { x: 300, y: 400 }, them: { x: 700, y: 300 } });
    const memory = createBrainMemory(1);
    const f = decide(viewOf(world, "me"), memory, OPEN);
    expect(f.fire).toBe(true);
    expect(memory.targetId).toBe("them");
    // The aim points at the enemy (it has not moved, so there is no lead).
    const angle = Math.atan2(f.aimY, f.aimX);
    expect(angle).toBeCloseTo(Math.atan2(-100, 400), 3);
    expect(Math.max(Math.abs(f.aimX), Math.abs(f.aimY))).toBe(AIM_SCALE);
  });

  it("does not throw when an enemy stands exactly on it (a shared spawn point)", () => {
    const world = worldWith(OPEN, { me: { x: 300, y: 400 }, them: { x: 300, y: 400 } });
    const f = decide(viewOf(world, "me"), createBrainMemory(1), OPEN);
    expect(Number.isFinite(f.moveX) && Number.isFinite(f.moveY)).toBe(true);
  });

  it("leads a moving enemy a little", () => {
    const world = worldWith(OPEN, { me: { x: 300, y: 400 }, them: { x: 700, y: 400 } });
    const memory = createBrainMemory(1);
    decide(viewOf(world, "me"), memory, OPEN);
    const them = world.ships.get("them")!;
    for (let i = 0; i < 3; i++) {
      world.tick += 1;
      them.y += 8;
      decide(viewOf(world, "me"), memory, OPEN);
    }
    world.tick += 1;
    them.y += 8;
    const f = decide(viewOf(world, "me"), memory, OPEN);
    // Aimed below the enemy's current position, towards where it is going.
    const aimedY = 400 + (f.aimY / f.aimX) * 400;
    expect(aimedY).toBeGreaterThan(them.y + 5);
    expect(aimedY).toBeLessThan(them.y + 200);
    expect(f.fire).toBe(true);
  });

  it("does not fire through a wall", () => {
    const world = worldWith(SPLIT, { me: { x: 300, y: 400 }, them: { x: 900, y: 400 } });
    const memory = createBrainMemory(1);
    for (let i = 0; i < 60; i++) {
      world.tick += 1;
      const f = decide(viewOf(world, "me"), memory, SPLIT);
      expect(f.fire).toBe(false);
      expect(memory.targetId).toBeNull();
    }
  });

  it("does not fire beyond projectile range or at a shielded enemy", () => {
    const far: ArenaMap = { ...OPEN, width: 3000, walls: [] };
    const world = worldWith(far, { me: { x: 100, y: 400 }, them: { x: 100 + PROJECTILE_RANGE + 50, y: 400 } });
    expect(decide(viewOf(world, "me"), createBrainMemory(1), far).fire).toBe(false);

    const near = worldWith(OPEN, { me: { x: 300, y: 400 }, them: { x: 600, y: 400 } });
    near.ships.get("them")!.protectedUntilTick = 100;
    expect(decide(viewOf(near, "me"), createBrainMemory(1), OPEN).fire).toBe(false);
  });

  it("does nothing while dead or during the results phase", () => {
    const world = worldWith(OPEN, { me: { x: 300, y: 400 }, them: { x: 700, y: 400 } });
    world.ships.get("me")!.alive = false;
    expect(decide(viewOf(world, "me"), createBrainMemory(1), OPEN)).toEqual(IDLE_FRAME);
    world.ships.get("me")!.alive = true;
    world.phase = Phase.Results;
    expect(decide(viewOf(world, "me"), createBrainMemory(1), OPEN)).toEqual(IDLE_FRAME);
  });

  it("scales aim vectors to the wire range", () => {
    expect(aimVector(10, 0)).toEqual([AIM_SCALE, 0]);
    expect(aimVector(-3, 3)).toEqual([-AIM_SCALE, AIM_SCALE]);
    expect(aimVector(0, 0)).toEqual([0, 0]);
  });
});

describe("brain: steering", () => {
  /** Positions touching each side of a wall block, with the outward normal of that side. */
  const block: Rect = { x: 500, y: 300, w: 200, h: 200 };
  const map: ArenaMap = { ...OPEN, walls: [...OPEN.walls, block] };
  const touching = [
    { x: block.x - SHIP_RADIUS, y: 400, nx: -1, ny: 0 },
    { x: block.x + block.w + SHIP_RADIUS, y: 400, nx: 1, ny: 0 },
    { x: 600, y: block.y - SHIP_RADIUS, nx: 0, ny: -1 },
    { x: 600, y: block.y + block.h + SHIP_RADIUS, nx: 0, ny: 1 },
    // The border walls too.
    { x: BORDER + SHIP_RADIUS, y: 200, nx: 1, ny: 0 },
    { x: 1000, y: 800 - BORDER - SHIP_RADIUS, nx: 0, ny: -1 },
  ];

  it("never picks a move into a wall it is touching", () => {
    const rng = createRng(5);
    for (const t of touching) {
      for (let i = 0; i < 200; i++) {
        const angle = nextFloat(rng) * 2 * Math.PI;
        const memory = createBrainMemory(i);
        // The waypoint lies in a random direction, often straight through the wall.
        memory.waypoint = { x: t.x + Math.cos(angle) * 300, y: t.y + Math.sin(angle) * 300 };
        const world = worldWith(map, { me: { x: t.x, y: t.y } });
        world.tick = 10;
        memory.waypointTick = 10;
        const f = decide(viewOf(world, "me"), memory, map);
        // Moving into the wall means a component against the outward normal.
        expect(f.moveX * t.nx + f.moveY * t.ny).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("picks the free direction closest to the wanted one", () => {
    // Against the block's left side, wanting to go right and a little down: slide down.
    const t = touching[0]!;
    const dir = steer(t.x, t.y, 1, 0.3, -1, map);
    expect(dir).toBe(2); // (0, 1)
    // In the open it goes where it is told.
    expect(steer(300, 200, 1, 0, -1, map)).toBe(0);
    expect(steer(300, 200, 0, 0, -1, map)).toBe(-1);
  });

  it("chooses only directions in which the ship fits, anywhere on the arena", () => {
    const rng = createRng(9);
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const x = nextFloat(rng) * ARENA_MAP.width;
      const y = nextFloat(rng) * ARENA_MAP.height;
      if (circleHitsWalls(x, y, SHIP_RADIUS, ARENA_MAP.walls)) continue;
      const angle = nextFloat(rng) * 2 * Math.PI;
      const dir = steer(x, y, Math.cos(angle), Math.sin(angle), -1, ARENA_MAP);
      if (dir < 0) continue;
      const dx = [1, 1, 0, -1, -1, -1, 0, 1][dir]!;
      const dy = [0, 1, 1, 1, 0, -1, -1, -1][dir]!;
      const len = Math.hypot(dx, dy);
      // One tick of movement (under 9 px) in the chosen direction stays clear of every wall.
      expect(circleHitsWalls(x + (dx / len) * 9, y + (dy / len) * 9, SHIP_RADIUS - 1, ARENA_MAP.walls)).toBe(false);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

/** Seeds of the roaming runs (each a different spawn point and route). */
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

describe("brain: on the shared simulation", () => {
  it("reaches a waypoint across an open map", () => {
    const world = worldWith(OPEN, { me: { x: 100, y: 100 } });
    const memory = createBrainMemory(3);
    const goal = { x: 1050, y: 650 };
    memory.waypoint = goal;
    let closest = Infinity;
    let reachedAt = -1;
    runBots(world, {
      brains: new Map([["me", memory]]),
      ticks: 300,
      afterStep: (w) => {
        const s = w.ships.get("me")!;
        const d = Math.hypot(s.x - goal.x, s.y - goal.y);
        closest = Math.min(closest, d);
        if (reachedAt < 0 && d < 40) reachedAt = w.tick;
      },
    });
    expect(closest).toBeLessThan(40);
    // About 1130 px at 260 px/s (8.67 px per tick): well under 200 ticks.
    expect(reachedAt).toBeGreaterThan(0);
    expect(reachedAt).toBeLessThan(200);
  });

  it("goes around a wall to reach a waypoint behind it", () => {
    const world = worldWith(SPLIT, { me: { x: 300, y: 400 } });
    const memory = createBrainMemory(4);
    const goal = { x: 900, y: 400 };
    memory.waypoint = goal;
    let reached = false;
    runBots(world, {
      brains: new Map([["me", memory]]),
      ticks: 600,
      afterStep: (w) => {
        const s = w.ships.get("me")!;
        if (Math.hypot(s.x - goal.x, s.y - goal.y) < 60 || s.x > 640) reached = true;
      },
    });
    expect(reached).toBe(true);
  });

  it.each(SEEDS)("roams the arena on stale views without ever getting stuck (seed %i)", (seed) => {
    const world = createWorld({ seed });
    addShip(world, "me", "me");
    const memory = createBrainMemory(seed);
    const positions: { x: number; y: number }[] = [];
    let travelled = 0;
    runBots(world, {
      brains: new Map([["me", memory]]),
      ticks: 1800,
      staleTicks: 4,
      afterStep: (w) => {
        const s = w.ships.get("me")!;
        const last = positions.at(-1);
        if (last !== undefined) travelled += Math.hypot(s.x - last.x, s.y - last.y);
        positions.push({ x: s.x, y: s.y });
      },
    });
    // 60 s at up to 260 px/s: it spends most of the time moving.
    expect(travelled).toBeGreaterThan(9000);
    // Never pinned: within every 2 s window it got well away from where the window began
    // (turning back at a waypoint is fine; dithering in place is not).
    for (let start = 0; start + 60 <= positions.length; start += 10) {
      const a = positions[start]!;
      const reach = Math.max(...positions.slice(start, start + 60).map((p) => Math.hypot(p.x - a.x, p.y - a.y)));
      expect(reach).toBeGreaterThan(120);
    }
    expect(memory.stuckCount).toBeLessThanOrEqual(1);
    // It covered the arena, not one corner of it.
    const cells = new Set(positions.map((p) => `${Math.floor(p.x / 400)},${Math.floor(p.y / 400)}`));
    expect(cells.size).toBeGreaterThanOrEqual(8);
  });

  it("four bots fight it out on the arena and score kills", () => {
    const world = createWorld({ seed: 8 });
    const brains = new Map<string, ReturnType<typeof createBrainMemory>>();
    for (let i = 0; i < 4; i++) {
      addShip(world, `b${i}`, `b${i}`);
      brains.set(`b${i}`, createBrainMemory(100 + i));
    }
    let fired = 0;
    const events = runBots(world, {
      brains,
      ticks: 1800,
      staleTicks: 4,
      afterStep: (_w, frames) => {
        for (const f of frames.values()) if (f.fire) fired += 1;
      },
    });
    const kills = events.filter((e) => e.type === "kill");
    const hits = events.filter((e) => e.type === "hit");
    expect(fired).toBeGreaterThan(100);
    expect(hits.length).toBeGreaterThan(20);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    // Nobody shot itself and more than one bot scored.
    expect(new Set(kills.map((k) => (k.type === "kill" ? k.killerId : ""))).size).toBeGreaterThan(1);
  });

  it("decides the same way from the same seed", () => {
    const play = (): unknown[] => {
      const world = createWorld({ seed: 8 });
      const brains = new Map<string, ReturnType<typeof createBrainMemory>>();
      for (let i = 0; i < 3; i++) {
        addShip(world, `b${i}`, `b${i}`);
        brains.set(`b${i}`, createBrainMemory(7 + i));
      }
      const trace: unknown[] = [];
      runBots(world, { brains, ticks: 600, afterStep: (_w, frames) => trace.push([...frames.values()]) });
      return trace;
    };
    expect(play()).toEqual(play());
  });
});
