/**
 * What a projectile carries on the wire (`ProjectileState`): its shooter's room slot, its
 * launch point, a 16-bit heading and its launch tick, under a short key. These tests hold the
 * three rules that make that enough: the step flies a shot along exactly the heading it sends;
 * every ship of a room has its own slot; and a key never names two projectiles in flight.
 */
import { describe, expect, it } from "vitest";
import { AIM_SCALE } from "../../shared/constants.ts";
import { LARGE_MAP } from "../../shared/map.ts";
import { PROJECTILE_KEY_SPACE, projectileKey } from "../../shared/schema.ts";
import {
  addShip,
  createConfig,
  createWorld,
  freeSlot,
  HEADING_STEPS,
  headingOf,
  headingRadians,
  headingVx,
  headingVy,
  removeShip,
  step,
  type World,
} from "../../shared/sim/index.ts";
import { createRng, nextFloat } from "../../shared/sim/rng.ts";
import { frame } from "./helpers.ts";

const slotsOf = (world: World): number[] => [...world.ships.values()].map((s) => s.slot);

describe("projectile headings", () => {
  it("maps the axes to quarter turns and wraps a full turn to 0", () => {
    expect(headingOf(1, 0)).toBe(0);
    expect(headingOf(0, 1)).toBe(HEADING_STEPS / 4);
    expect(headingOf(-1, 0)).toBe(HEADING_STEPS / 2);
    expect(headingOf(0, -1)).toBe((3 * HEADING_STEPS) / 4);
    // Just below a full turn rounds to the full turn, which is heading 0 (never 65,536).
    expect(headingOf(1, -1e-9)).toBe(0);
    expect(headingOf(0, 0)).toBe(0);
  });

  it("is the nearest of the 65,536 directions: within half a step of the aim, 1,000 random aims", () => {
    const rng = createRng(7);
    const halfStep = Math.PI / HEADING_STEPS;
    for (let i = 0; i < 1000; i++) {
      const angle = nextFloat(rng) * 2 * Math.PI;
      const h = headingOf(Math.cos(angle), Math.sin(angle));
      expect(Number.isInteger(h) && h >= 0 && h < HEADING_STEPS).toBe(true);
      const diff = Math.atan2(Math.sin(headingRadians(h) - angle), Math.cos(headingRadians(h) - angle));
      expect(Math.abs(diff)).toBeLessThanOrEqual(halfStep + 1e-12);
    }
  });

  it("a velocity along a heading has the projectile speed and is float32", () => {
    const speed = createConfig(30, 60, 5).projectileSpeed;
    for (const h of [0, 1, 12345, 32768, 40000, 65535]) {
      const vx = headingVx(h, speed);
      const vy = headingVy(h, speed);
      expect(Math.fround(vx)).toBe(vx);
      expect(Math.fround(vy)).toBe(vy);
      expect(Math.hypot(vx, vy)).toBeCloseTo(speed, 5);
    }
  });

  it("the step launches a shot along the heading of the shooter's aim, with that heading's velocity", () => {
    const world = createWorld({ seed: 4 });
    addShip(world, "a", "A");
    const [aimX, aimY] = [AIM_SCALE, -12345];
    for (let i = 0; i < 3 && world.projectiles.length === 0; i++) {
      step(world, new Map([["a", frame({ aimX, aimY, fire: true })]]));
    }
    const shot = world.projectiles[0];
    expect(shot).toBeDefined();
    const heading = headingOf(aimX, aimY);
    expect(shot!.heading).toBe(heading);
    expect([shot!.vx, shot!.vy]).toStrictEqual([
      headingVx(heading, world.config.projectileSpeed),
      headingVy(heading, world.config.projectileSpeed),
    ]);
    expect(shot!.ownerSlot).toBe(world.ships.get("a")!.slot);
  });
});

describe("ship slots", () => {
  it("gives the lowest free slot: 64 ships hold 0–63, in join order", () => {
    const world = createWorld({ seed: 3, map: LARGE_MAP });
    for (let i = 0; i < 64; i++) addShip(world, `s${i}`, `P${i}`);
    expect(slotsOf(world)).toStrictEqual([...Array(64).keys()]);
  });

  it("frees a leaver's slot for the next ship, lowest first, and keeps the others'", () => {
    const world = createWorld({ seed: 3 });
    for (let i = 0; i < 10; i++) addShip(world, `s${i}`, `P${i}`);
    removeShip(world, "s7");
    removeShip(world, "s2");
    expect(freeSlot(world)).toBe(2);
    expect(addShip(world, "n1", "N1").slot).toBe(2);
    expect(addShip(world, "n2", "N2").slot).toBe(7);
    expect(addShip(world, "n3", "N3").slot).toBe(10);
    expect(new Set(slotsOf(world)).size).toBe(world.ships.size);
    expect(world.ships.get("s5")!.slot).toBe(5);
  });
});

describe("projectile keys", () => {
  it("are one or two base-36 characters and wrap after PROJECTILE_KEY_SPACE launches", () => {
    expect(projectileKey(0)).toBe("0");
    expect(projectileKey(35)).toBe("z");
    expect(projectileKey(36)).toBe("10");
    expect(projectileKey(PROJECTILE_KEY_SPACE - 1)).toBe("zz");
    expect(projectileKey(PROJECTILE_KEY_SPACE)).toBe("0");
    expect(projectileKey(123_456_789).length).toBeLessThanOrEqual(2);
  });

  it("the most launches a 64-ship room makes in a projectile's lifetime stay far below the key space", () => {
    for (const tickRate of [20, 30, 60]) {
      const c = createConfig(tickRate, 60, 5);
      // A ship fires at most once per cooldown: launches within one lifetime, every ship firing.
      const perLifetime = 64 * Math.ceil((c.projectileLifetimeTicks + 1) / c.fireCooldownTicks);
      expect(perLifetime * 2).toBeLessThan(PROJECTILE_KEY_SPACE);
    }
  });

  it("no two projectiles in flight share a key: 64 ships firing without pause for 40 s", () => {
    const world = createWorld({ seed: 9, map: LARGE_MAP, matchSeconds: 600 });
    for (let i = 0; i < 64; i++) addShip(world, `s${i}`, `P${i}`);
    const rng = createRng(2);
    let mostInFlight = 0;
    for (let t = 0; t < 40 * world.config.tickRate; t++) {
      const frames = new Map(
        [...world.ships.keys()].map((id) => {
          const a = nextFloat(rng) * 2 * Math.PI;
          return [
            id,
            frame({ aimX: Math.round(Math.cos(a) * AIM_SCALE), aimY: Math.round(Math.sin(a) * AIM_SCALE), fire: true }),
          ];
        }),
      );
      step(world, frames);
      const keys = world.projectiles.map((p) => projectileKey(p.id));
      expect(new Set(keys).size).toBe(keys.length);
      mostInFlight = Math.max(mostInFlight, keys.length);
    }
    expect(world.nextProjectileId).toBeGreaterThan(3 * PROJECTILE_KEY_SPACE);
    expect(mostInFlight).toBeGreaterThan(64);
  });

  it("the world keeps them in launch (id) order as they hit walls and ships: the projector walks the list in step", () => {
    // server/rooms/project-state.ts finds launched and gone projectiles in one walk over the
    // world's list and its own, both in id order.
    const world = createWorld({ seed: 5, matchSeconds: 600 });
    for (let i = 0; i < 16; i++) addShip(world, `s${i}`, `P${i}`);
    const rng = createRng(3);
    let removedMidList = 0;
    for (let t = 0; t < 20 * world.config.tickRate; t++) {
      const before = world.projectiles.map((p) => p.id);
      const frames = new Map(
        [...world.ships.keys()].map((id) => {
          const a = nextFloat(rng) * 2 * Math.PI;
          const aim = { aimX: Math.round(Math.cos(a) * AIM_SCALE), aimY: Math.round(Math.sin(a) * AIM_SCALE) };
          return [id, frame({ ...aim, moveX: nextFloat(rng) < 0.5 ? 1 : -1, fire: nextFloat(rng) < 0.5 })];
        }),
      );
      step(world, frames);
      const ids = world.projectiles.map((p) => p.id);
      for (let i = 1; i < ids.length; i++) expect(ids[i - 1]!).toBeLessThan(ids[i]!);
      // Gone while an older one flies on: removal from the middle of the list, not just its head.
      const kept = new Set(ids);
      const gone = before.filter((id) => !kept.has(id));
      if (gone.some((id) => before.some((other) => other < id && kept.has(other)))) removedMidList += 1;
    }
    expect(removedMidList).toBeGreaterThan(10);
  });
});
