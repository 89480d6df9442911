/**
 * Ships entering, leaving and (re)spawning. Spawn points are chosen away from living enemies,
 * with the seeded generator breaking ties so a replay picks the same points.
 */
import { POSITION_STEPS_PER_PX, SHIP_MAX_HP, SHIP_RADIUS } from "../constants.ts";
import type { Point } from "../map.ts";
import { PALETTE_SIZE } from "../palette.ts";
import { circleHitsWalls, snap } from "./geometry.ts";
import { nextInt } from "./rng.ts";
import type { Ship, ShipTrail, World } from "./world.ts";

/** How many of the farthest spawn points a respawn picks from at random. */
const SPAWN_CHOICES = 3;

/**
 * Adds a ship for a new player and spawns it at once: away from enemies, or, with `nearId`,
 * at the spawn point closest to that ship (a friend who invited you). Throws if the id is taken.
 */
export function addShip(world: World, id: string, name: string, nearId?: string): Ship {
  if (world.ships.has(id)) throw new Error(`ship ${id} already exists`);
  const ship: Ship = {
    id,
    name,
    color: leastUsedColor(world),
    slot: freeSlot(world),
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
  if (world.config.maxRewindTicks > 0) world.trails.set(id, createTrail(world.config.maxRewindTicks + 1));
  const friend = nearId === undefined ? undefined : world.ships.get(nearId);
  if (friend !== undefined && friend.alive && friend.id !== id) {
    spawnShip(world, ship, nearestSpawn(world, friend));
  } else {
    spawnShip(world, ship);
  }
  return ship;
}

/**
 * The palette index for a ship joining `world`: the one fewest ships hold, the lowest of those
 * on a tie. With up to {@link PALETTE_SIZE} ships that is the lowest free index, so no two ships
 * share a colour; beyond, indices repeat as evenly as they can. Depends only on the ships
 * present (deterministic).
 */
export function leastUsedColor(world: World): number {
  const counts = new Array<number>(PALETTE_SIZE).fill(0);
  for (const s of world.ships.values()) counts[s.color] = (counts[s.color] ?? 0) + 1;
  let best = 0;
  for (let i = 1; i < PALETTE_SIZE; i++) if (counts[i]! < counts[best]!) best = i;
  return best;
}

/** The lowest slot number no ship of `world` holds (deterministic). */
export function freeSlot(world: World): number {
  const held = new Set<number>();
  for (const s of world.ships.values()) held.add(s.slot);
  let slot = 0;
  while (held.has(slot)) slot++;
  return slot;
}

/** Spawning closer than this to a living ship would overlap it. */
const SPAWN_CLEARANCE = 3 * SHIP_RADIUS;

/**
 * The usable spawn point closest to `p` that no living ship stands on (first in map order on
 * a tie); the closest usable one if every point is taken.
 */
export function nearestSpawn(world: World, p: Point): Point {
  let best: Point | undefined;
  let bestD = Infinity;
  for (const s of world.map.spawns) {
    if (circleHitsWalls(s.x, s.y, SHIP_RADIUS, world.map.walls)) continue;
    const occupied = nearestEnemyDistanceSq(world, "", s) < SPAWN_CLEARANCE ** 2;
    const d = (s.x - p.x) ** 2 + (s.y - p.y) ** 2 + (occupied ? 1e12 : 0);
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  if (best === undefined) throw new Error("map has no usable spawn point");
  return best;
}

/** Removes a player's ship; its projectiles keep flying. Returns whether it existed. */
export function removeShip(world: World, id: string): boolean {
  world.trails.delete(id);
  return world.ships.delete(id);
}

function createTrail(size: number): ShipTrail {
  return {
    xs: new Float64Array(size),
    ys: new Float64Array(size),
    alive: new Uint8Array(size),
    ticks: new Float64Array(size).fill(-1),
  };
}

/** Writes every ship's position at the end of the current tick into its trail. */
export function recordTrails(world: World): void {
  if (world.trails.size === 0) return;
  for (const ship of world.ships.values()) {
    const trail = world.trails.get(ship.id);
    if (trail === undefined) continue;
    const slot = world.tick % trail.ticks.length;
    trail.xs[slot] = ship.x;
    trail.ys[slot] = ship.y;
    trail.alive[slot] = ship.alive ? 1 : 0;
    trail.ticks[slot] = world.tick;
  }
}

/** Where `ship` was at the end of `tick` (null if not recorded: too old, or not yet there). */
export function shipAt(world: World, ship: Ship, tick: number): { x: number; y: number; alive: boolean } | null {
  const trail = world.trails.get(ship.id);
  if (trail === undefined) return null;
  const slot = tick % trail.ticks.length;
  if (trail.ticks[slot] !== tick) return null;
  return { x: trail.xs[slot]!, y: trail.ys[slot]!, alive: trail.alive[slot] === 1 };
}

/** Puts a ship back into play at full health at `at`, or a spawn point away from enemies. */
export function spawnShip(world: World, ship: Ship, at?: Point): void {
  const p = at ?? chooseSpawn(world, ship.id);
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
