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

/**
 * Match phases. `playing`: ships fight against the clock; `results`: everything freezes and
 * scores show; `warmup`: fewer than `minPlayers` pilots are here, so ships fly and fight for
 * practice with no clock, and the match starts (scores reset) once enough have joined.
 */
export const Phase = { Playing: 0, Results: 1, Warmup: 2 } as const;
/** One of {@link Phase}. */
export type Phase = (typeof Phase)[keyof typeof Phase];

/** A player's ship. */
export interface Ship {
  readonly id: string;
  name: string;
  /**
   * Index into the ship palette (`SHIP_PALETTE`, shared/palette.ts), fixed when the ship is
   * added: the least used index among the room's ships (so unique while 16 or fewer).
   */
  readonly color: number;
  /**
   * The ship's number in its room, fixed when it is added: the lowest number no other ship of
   * the room holds (so below the room's size, reused after a ship leaves). Projectiles name
   * their shooter by it on the wire.
   */
  readonly slot: number;
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
  /** The shooter's `slot` at launch (what the wire names it by). */
  readonly ownerSlot: number;
  /** Launch point (the shooter's centre on the launch tick). */
  readonly originX: number;
  readonly originY: number;
  x: number;
  y: number;
  /** Direction of flight (see heading.ts): (vx, vy) is the projectile speed along it. */
  readonly heading: number;
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
  readonly expireTick: number;
  /**
   * Lag compensation: ticks by which targets are rewound when this projectile is hit-tested,
   * so it hits what its shooter saw when firing (0: the present). Fixed at launch.
   */
  readonly rewind: number;
}

/**
 * Where a ship was over the last `maxRewindTicks` ticks (a ring indexed by tick), recorded at
 * the end of every step: what lag-compensated projectiles are tested against.
 */
export interface ShipTrail {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** 1 if the ship was alive at the end of that tick. */
  readonly alive: Uint8Array;
  /** The tick each slot holds (-1: never written). */
  readonly ticks: Float64Array;
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
  /** Pilots needed to start a match; below it the room warms up (1: no warm-up). */
  readonly minPlayers: number;
  /** Lag compensation: the most ticks a shot may rewind its targets (0: off). */
  readonly maxRewindTicks: number;
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
  /** Recent positions of every ship, by id (lag compensation; empty when it is off). */
  readonly trails: Map<string, ShipTrail>;
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
  /** Pilots needed to start a match (default 1: no warm-up). */
  minPlayers?: number;
  /** How far back a shot may rewind its targets, in ms (default 0: no lag compensation). */
  lagCompensationMs?: number;
}

/** Derives the per-tick configuration for a tick rate. */
export function createConfig(
  tickRate: number,
  matchSeconds: number,
  resultsSeconds: number,
  minPlayers = 1,
  lagCompensationMs = 0,
): WorldConfig {
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
    minPlayers: Math.max(1, Math.floor(minPlayers)),
    maxRewindTicks: Math.max(0, Math.round((lagCompensationMs * tickRate) / 1000)),
  };
}

/** Creates an empty world at tick 0: the first match running, or warming up for `minPlayers`. */
export function createWorld(options: WorldOptions): World {
  const config = createConfig(
    options.tickRate ?? DEFAULT_TICK_RATE,
    options.matchSeconds ?? DEFAULT_MATCH_SECONDS,
    options.resultsSeconds ?? RESULTS_SECONDS,
    options.minPlayers ?? 1,
    options.lagCompensationMs ?? 0,
  );
  const warmup = config.minPlayers > 1;
  return {
    config,
    map: options.map ?? ARENA_MAP,
    tick: 0,
    phase: warmup ? Phase.Warmup : Phase.Playing,
    phaseEndsTick: warmup ? 0 : config.matchTicks,
    matchNumber: 1,
    rng: createRng(options.seed),
    ships: new Map(),
    trails: new Map(),
    projectiles: [],
    nextProjectileId: 1,
  };
}
