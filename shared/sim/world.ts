/**
 * The simulated world: plain data, no behaviour, no engine or network types. `step.ts` advances
 * it; the server projects it into the schema state; the client may replay it for prediction.
 */
import {
  DEFAULT_MATCH_SECONDS,
  DEFAULT_TICK_RATE,
  FIRE_COOLDOWN_S,
  MAX_TICK_RATE,
  MIN_TICK_RATE,
  POSITION_STEPS_PER_PX,
  PROJECTILE_LIFETIME_S,
  PROJECTILE_SPEED,
  RESPAWN_DELAY_S,
  RESULTS_SECONDS,
  SHIP_SPEED,
  SPAWN_PROTECTION_S,
} from "../constants.ts";
import { ARENA_MAP, type ArenaMap } from "../map.ts";
import { createRng, type RngState } from "./rng.ts";

/** Match phases. `playing`: ships fight; `results`: everything freezes and scores show. */
export const Phase = { Playing: 0, Results: 1 } as const;
/** One of {@link Phase}. */
export type Phase = (typeof Phase)[keyof typeof Phase];

/** A player's ship. */
export interface Ship {
  readonly id: string;
  name: string;
  x: number;
  y: number;
  /** Unit aim vector; the direction the ship faces and fires. */
  aimX: number;
  aimY: number;
  hp: number;
  alive: boolean;
  /** Tick at which a destroyed ship comes back. */
  respawnTick: number;
  /** Ticks before this one, the ship takes no damage. */
  protectedUntilTick: number;
  /** Earliest tick at which the ship may fire again. */
  nextFireTick: number;
  kills: number;
  deaths: number;
}

/** A projectile in flight; it moves (vx, vy) every tick. */
export interface Projectile {
  readonly id: number;
  readonly ownerId: string;
  /** Launch point (the shooter's centre on the launch tick). */
  readonly originX: number;
  readonly originY: number;
  x: number;
  y: number;
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
  readonly expireTick: number;
}

/** Per-tick values derived once from the per-second constants and the room's tick rate. */
export interface WorldConfig {
  readonly tickRate: number;
  /** Straight movement per tick, in 1/16 px grid steps (rounded down: never above SHIP_SPEED). */
  readonly shipStepUnits: number;
  /** Diagonal movement per tick along each axis, in grid steps (rounded down: never faster than straight). */
  readonly shipDiagonalStepUnits: number;
  readonly projectileSpeed: number;
  readonly projectileLifetimeTicks: number;
  readonly fireCooldownTicks: number;
  readonly respawnTicks: number;
  readonly protectionTicks: number;
  readonly matchTicks: number;
  readonly resultsTicks: number;
}

/** The whole simulated state of one room. */
export interface World {
  readonly config: WorldConfig;
  readonly map: ArenaMap;
  /** Steps simulated so far. */
  tick: number;
  phase: Phase;
  /** Tick at which the current phase ends. */
  phaseEndsTick: number;
  /** 1 for the first match of the room, then counting up. */
  matchNumber: number;
  readonly rng: RngState;
  /** Ships by player id, in join order (iteration order is part of determinism). */
  readonly ships: Map<string, Ship>;
  projectiles: Projectile[];
  nextProjectileId: number;
}

/** What `createWorld` needs; everything but the seed has a default. */
export interface WorldOptions {
  seed: number;
  tickRate?: number;
  matchSeconds?: number;
  resultsSeconds?: number;
  map?: ArenaMap;
}

/** Derives the per-tick configuration for a tick rate. */
export function createConfig(tickRate: number, matchSeconds: number, resultsSeconds: number): WorldConfig {
  if (!Number.isInteger(tickRate) || tickRate < MIN_TICK_RATE || tickRate > MAX_TICK_RATE) {
    throw new RangeError(`tick rate must be an integer in [${MIN_TICK_RATE}, ${MAX_TICK_RATE}], got ${tickRate}`);
  }
  if (!(matchSeconds > 0) || !(resultsSeconds > 0)) {
    throw new RangeError("match and results durations must be positive");
  }
  const ticks = (seconds: number): number => Math.max(1, Math.round(seconds * tickRate));
  const straightUnits = Math.floor((SHIP_SPEED / tickRate) * POSITION_STEPS_PER_PX);
  return {
    tickRate,
    shipStepUnits: straightUnits,
    shipDiagonalStepUnits: Math.floor(straightUnits * Math.SQRT1_2),
    projectileSpeed: PROJECTILE_SPEED / tickRate,
    projectileLifetimeTicks: ticks(PROJECTILE_LIFETIME_S),
    fireCooldownTicks: ticks(FIRE_COOLDOWN_S),
    respawnTicks: ticks(RESPAWN_DELAY_S),
    protectionTicks: ticks(SPAWN_PROTECTION_S),
    matchTicks: ticks(matchSeconds),
    resultsTicks: ticks(resultsSeconds),
  };
}

/** Creates an empty world at tick 0, with the first match running. */
export function createWorld(options: WorldOptions): World {
  const config = createConfig(
    options.tickRate ?? DEFAULT_TICK_RATE,
    options.matchSeconds ?? DEFAULT_MATCH_SECONDS,
    options.resultsSeconds ?? RESULTS_SECONDS,
  );
  return {
    config,
    map: options.map ?? ARENA_MAP,
    tick: 0,
    phase: Phase.Playing,
    phaseEndsTick: config.matchTicks,
    matchNumber: 1,
    rng: createRng(options.seed),
    ships: new Map(),
    projectiles: [],
    nextProjectileId: 1,
  };
}
