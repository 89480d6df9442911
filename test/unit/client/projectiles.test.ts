import { describe, expect, it } from "vitest";
import { AIM_SCALE, PROJECTILE_RADIUS } from "../../../shared/constants.ts";
import { ARENA_MAP, type Rect } from "../../../shared/map.ts";
import { addShip, createWorld, headingVx, headingVy, step, type InputFrame } from "../../../shared/sim/index.ts";
import {
  flightAge,
  flightTicks,
  projectileAt,
  projectileLifetimeTicks,
  projectileSpeedPerTick,
  shooterOf,
  type ProjectileLaunch,
} from "../../../client/src/net/projectiles.ts";
import { ArenaState, LargeArenaState, PilotState, PlayerState } from "../../../shared/schema.ts";

const launch: ProjectileLaunch = { x: 100, y: 200, vx: 30, vy: -10, spawnTick: 50 };

describe("projectileAt", () => {
  it("follows x + vx·(T − spawnTick + 1), fractional ticks included", () => {
    expect(projectileAt(launch, 49, 36)).toEqual({ x: 100, y: 200 });
    expect(projectileAt(launch, 50, 36)).toEqual({ x: 130, y: 190 });
    expect(projectileAt(launch, 52.5, 36)).toEqual({ x: 205, y: 165 });
    expect(flightAge(launch, 60)).toBe(11);
  });

  it("is absent before launch and after its flight ends", () => {
    expect(projectileAt(launch, 48.9, 36)).toBeNull();
    expect(projectileAt(launch, 50 + 35, 36)).not.toBeNull();
    expect(projectileAt(launch, 50 + 35.01, 36)).toBeNull();
  });
});

describe("flightTicks", () => {
  const wall: Rect = { x: 400, y: 0, w: 40, h: 400 };

  it("is the lifetime when no wall is in the way", () => {
    expect(flightTicks(launch, 36, [])).toBe(36);
    expect(projectileLifetimeTicks(30)).toBe(36);
    expect(projectileLifetimeTicks(60)).toBe(72);
  });

  it("stops where the projectile's edge touches the first wall", () => {
    const shot: ProjectileLaunch = { x: 100, y: 100, vx: 30, vy: 0, spawnTick: 0 };
    const k = flightTicks(shot, 36, [wall, { x: 600, y: 0, w: 40, h: 400 }]);
    expect(k).toBeCloseTo((400 - PROJECTILE_RADIUS - 100) / 30, 9);
    const end = projectileAt(shot, k - 1, k);
    expect(end?.x).toBeCloseTo(400 - PROJECTILE_RADIUS, 9);
    // Never drawn beyond the wall's near face.
    for (let t = -1; t < 40; t += 0.25) {
      const p = projectileAt(shot, t, k);
      if (p !== null) expect(p.x + PROJECTILE_RADIUS).toBeLessThanOrEqual(400 + 1e-9);
    }
  });

  it("hits the arena's centre block from the left", () => {
    const shot: ProjectileLaunch = { x: 900, y: 800, vx: 30, vy: 0, spawnTick: 0 };
    const k = flightTicks(shot, 36);
    expect(900 + 30 * k).toBeCloseTo(ARENA_MAP.width / 2 - 70 - PROJECTILE_RADIUS, 9);
  });
});

describe("client path against the shared simulation", () => {
  const directions = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [1, 1],
    [-1, -0.4],
    [0.3, -1],
  ] as const;

  for (const [dx, dy] of directions) {
    it(`matches every server position and ends at the wall, aiming (${dx}, ${dy})`, () => {
      const world = createWorld({ seed: 7, tickRate: 30 });
      const ship = addShip(world, "a", "A");
      ship.x = 300;
      ship.y = 800;
      const fire: InputFrame = {
        moveX: 0,
        moveY: 0,
        aimX: Math.round(dx * AIM_SCALE),
        aimY: Math.round(dy * AIM_SCALE),
        fire: true,
      };
      step(world, new Map([["a", fire]]));
      const p = world.projectiles[0];
      expect(p).toBeDefined();
      if (p === undefined) return;
      // Rebuilt from what the wire carries: the heading and the tick rate's projectile speed.
      const speed = projectileSpeedPerTick(30);
      const [vx, vy] = [headingVx(p.heading, speed), headingVy(p.heading, speed)];
      const shot: ProjectileLaunch = { x: p.originX, y: p.originY, vx, vy, spawnTick: p.spawnTick };
      const maxFlight = flightTicks(shot, world.config.projectileLifetimeTicks);

      let lastTick = world.tick;
      while (world.projectiles.length > 0) {
        const q = world.projectiles[0];
        if (q === undefined) break;
        const drawn = projectileAt(shot, world.tick, maxFlight);
        expect(drawn).not.toBeNull();
        expect(drawn?.x).toBeCloseTo(q.x, 6);
        expect(drawn?.y).toBeCloseTo(q.y, 6);
        lastTick = world.tick;
        step(world, new Map());
      }
      // The drawn flight ends between the last server position and the step that removed it.
      expect(maxFlight).toBeGreaterThanOrEqual(flightAge(shot, lastTick) - 1e-9);
      expect(maxFlight).toBeLessThan(flightAge(shot, lastTick) + 1);
      expect(projectileAt(shot, lastTick + 1, maxFlight)).toBeNull();
    });
  }
});

describe("shooterOf", () => {
  it("names the ship holding the slot: a drawn ship, else (large rooms) a pilot of the roster", () => {
    const small = new ArenaState();
    for (const [id, slot] of [
      ["ann", 0],
      ["bob", 3],
    ] as const) {
      const p = new PlayerState();
      p.slot = slot;
      small.players.set(id, p);
    }
    expect(shooterOf(small, 3)).toBe("bob");
    expect(shooterOf(small, 0)).toBe("ann");
    expect(shooterOf(small, 7)).toBe("");

    const large = new LargeArenaState();
    const near = new PlayerState();
    near.slot = 1;
    large.players.set("near", near);
    for (const [id, slot] of [
      ["near", 1],
      ["far", 40],
    ] as const) {
      const pilot = new PilotState();
      pilot.slot = slot;
      large.pilots.set(id, pilot);
    }
    expect(shooterOf(large, 1)).toBe("near");
    expect(shooterOf(large, 40)).toBe("far");
    expect(shooterOf(large, 2)).toBe("");
  });
});
