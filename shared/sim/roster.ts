/**
 * Ships entering, leaving and (re)spawning. Spawn points are chosen away from living enemies,
 * with the seeded generator breaking ties so a replay picks the same points.
 */
import { POSITION_STEPS_PER_PX, SHIP_MAX_HP, SHIP_RADIUS } from "../constants.ts";
import type { Point } from "../map.ts";
import { circleHitsWalls, snap } from "./geometry.ts";
import { nextInt } from "./rng.ts";
import type { Ship, World } from "./world.ts";

/** How many of the farthest spawn points a respawn picks from at random. */
const SPAWN_CHOICES = 3;

/** Adds a ship for a new player and spawns it at once. Throws if the id is taken. */
export function addShip(world: World, id: string, name: string): Ship {
  if (world.ships.has(id)) throw new Error(`ship ${id} already exists`);
  const ship: Ship = {
    id,
    name,
    x: 0,
    y: 0,
    aimX: 1,
    aimY: 0,
    hp: SHIP_MAX_HP,
    alive: false,
    respawnTick: world.tick,
    protectedUntilTick: 0,
    nextFireTick: 0,
    kills: 0,
    deaths: 0,
  };
  world.ships.set(id, ship);
  spawnShip(world, ship);
  return ship;
}

/** Removes a player's ship; its projectiles keep flying. Returns whether it existed. */
export function removeShip(world: World, id: string): boolean {
  return world.ships.delete(id);
}

/** Puts a ship back into play at full health at a spawn point away from enemies. */
export function spawnShip(world: World, ship: Ship): void {
  const p = chooseSpawn(world, ship.id);
  ship.x = snap(p.x, POSITION_STEPS_PER_PX);
  ship.y = snap(p.y, POSITION_STEPS_PER_PX);
  ship.hp = SHIP_MAX_HP;
  ship.alive = true;
  ship.protectedUntilTick = world.tick + world.config.protectionTicks;
  ship.nextFireTick = world.tick;
}

/**
 * Ranks the map's spawn points by their distance to the nearest living enemy and picks one
 * of the farthest few at random (so two ships dying together do not reappear on one spot).
 * Squared distances are compared, so "half as far" is a factor of 4.
 */
export function chooseSpawn(world: World, forId: string): Point {
  const spawns = world.map.spawns.filter((s) => !circleHitsWalls(s.x, s.y, SHIP_RADIUS, world.map.walls));
  if (spawns.length === 0) throw new Error("map has no usable spawn point");
  const ranked = spawns
    .map((p, index) => ({ p, index, d: nearestEnemyDistanceSq(world, forId, p) }))
    .sort((a, b) => b.d - a.d || a.index - b.index);
  const farthest = ranked[0];
  if (farthest === undefined) throw new Error("map has no usable spawn point");
  // Candidates: the farthest few, but none less than half as far from an enemy as the best.
  const best = ranked.slice(0, SPAWN_CHOICES).filter((c) => c.d === Infinity || c.d * 4 >= farthest.d);
  const pick = best[nextInt(world.rng, best.length)];
  if (pick === undefined) throw new Error("spawn choice out of range");
  return pick.p;
}

/** Squared distance from p to the nearest living ship other than `forId` (Infinity if none). */
export function nearestEnemyDistanceSq(world: World, forId: string, p: Point): number {
  let best = Infinity;
  for (const s of world.ships.values()) {
    if (s.id === forId || !s.alive) continue;
    const dx = s.x - p.x;
    const dy = s.y - p.y;
    const d = dx * dx + dy * dy;
    if (d < best) best = d;
  }
  return best;
}
