/**
 * Projectile paths on the client. Only launch data travels (see `ProjectileState` in
 * shared/schema.ts): at the end of tick T a projectile's centre is
 * (x, y) + (vx, vy)·(T − spawnTick + 1). Evaluated at a fractional tick, that gives a smooth
 * position every frame; the flight is cut at the first wall, where the server removes it.
 */
import { DEFAULT_MATCH_SECONDS, PROJECTILE_RADIUS, RESULTS_SECONDS } from "../../../shared/constants.ts";
import { ARENA_MAP, type Point, type Rect } from "../../../shared/map.ts";
import type { AnyArenaState } from "../../../shared/schema.ts";
import { createConfig } from "../../../shared/sim/world.ts";
import { sweepWalls } from "../../../shared/sim/geometry.ts";

/** A projectile's launch, as the client rebuilds it from what the wire carries. */
export interface ProjectileLaunch {
  /** Launch point (the shooter's centre on the launch tick). */
  readonly x: number;
  readonly y: number;
  /** Velocity in px per tick. */
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
}

/** A projectile's speed in px per tick at a tick rate (the simulation's own rule). */
export function projectileSpeedPerTick(tickRate: number): number {
  return createConfig(tickRate, DEFAULT_MATCH_SECONDS, RESULTS_SECONDS).projectileSpeed;
}

/**
 * The session id of the ship numbered `slot` (`ProjectileState.owner`): a ship of `players`,
 * or in a large room a pilot of the roster; "" when no ship holds it (the shooter has left).
 */
export function shooterOf(state: AnyArenaState, slot: number): string {
  let found = "";
  state.players.forEach((p, id) => {
    if (p.slot === slot) found = id;
  });
  if (found === "" && "pilots" in state && state.pilots !== undefined) {
    state.pilots.forEach((p, id) => {
      if (p.slot === slot) found = id;
    });
  }
  return found;
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
