/**
 * Projectile paths on the client. Only launch data travels (see `ProjectileState` in
 * shared/schema.ts): at the end of tick T a projectile's centre is
 * (x, y) + (vx, vy)·(T − spawnTick + 1). Evaluated at a fractional tick, that gives a smooth
 * position every frame; the flight is cut at the first wall, where the server removes it.
 */
import { DEFAULT_MATCH_SECONDS, PROJECTILE_RADIUS, RESULTS_SECONDS } from "../../../shared/constants.ts";
import { ARENA_MAP, type Point, type Rect } from "../../../shared/map.ts";
import { createConfig } from "../../../shared/sim/world.ts";
import { sweepWalls } from "../../../shared/sim/geometry.ts";

/** What a projectile carries on the wire. */
export interface ProjectileLaunch {
  /** Launch point (the shooter's centre on the launch tick). */
  readonly x: number;
  readonly y: number;
  /** Velocity in px per tick. */
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
}

/** Ticks a projectile lives at a tick rate (the simulation's own rule). */
export function projectileLifetimeTicks(tickRate: number): number {
  return createConfig(tickRate, DEFAULT_MATCH_SECONDS, RESULTS_SECONDS).projectileLifetimeTicks;
}

/**
 * How far along its path (in ticks of flight since launch) a projectile can be drawn: up to
 * where it first touches a wall, and never past its lifetime.
 */
export function flightTicks(
  launch: ProjectileLaunch,
  lifetimeTicks: number,
  walls: readonly Rect[] = ARENA_MAP.walls,
): number {
  const dx = launch.vx * lifetimeTicks;
  const dy = launch.vy * lifetimeTicks;
  const t = sweepWalls(launch.x, launch.y, dx, dy, PROJECTILE_RADIUS, walls);
  return t === Infinity ? lifetimeTicks : t * lifetimeTicks;
}

/** Ticks of flight at server tick `tick` (fractional): 0 at launch, 1 at the end of the launch tick. */
export function flightAge(launch: ProjectileLaunch, tick: number): number {
  return tick - launch.spawnTick + 1;
}

/**
 * The projectile's centre at fractional server tick `tick`, or null when it is not in the air
 * then (not launched yet, or past `maxFlight` ticks of flight).
 */
export function projectileAt(launch: ProjectileLaunch, tick: number, maxFlight: number): Point | null {
  const age = flightAge(launch, tick);
  if (age < 0 || age > maxFlight) return null;
  return { x: launch.x + launch.vx * age, y: launch.y + launch.vy * age };
}
