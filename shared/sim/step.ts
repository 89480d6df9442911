/**
 * The simulation step: advances a world by exactly one fixed tick. Pure in the sense that
 * matters: its only inputs are the world and the inputs given, it reads no clock and no global
 * randomness, and the same world and inputs always give the same bits. The server calls it
 * once per tick; a client can call it to predict.
 */
import { AIM_SCALE, PROJECTILE_DAMAGE, PROJECTILE_RADIUS, SHIP_MAX_HP, SHIP_RADIUS } from "../constants.ts";
import { clamp, sweepCircle, sweepWalls } from "./geometry.ts";
import { headingOf, headingVx, headingVy } from "./heading.ts";
import { moveShip } from "./movement.ts";
import { recordTrails, shipAt, spawnShip } from "./roster.ts";
import { Phase, type Projectile, type Ship, type World } from "./world.ts";

/** One tick of one player's controls. */
export interface InputFrame {
  /** -1, 0 or 1: left / none / right. Other values are clamped. */
  readonly moveX: number;
  /** -1, 0 or 1: up / none / down. Other values are clamped. */
  readonly moveY: number;
  /** Aim direction, any length (signed 16-bit components on the wire); (0, 0) keeps the last aim. */
  readonly aimX: number;
  readonly aimY: number;
  /** Trigger held. */
  readonly fire: boolean;
  /**
   * Lag compensation: the tick (low 16 bits) whose positions the client was drawing of other
   * ships when it sent this frame. A shot fired with it is tested against targets rewound to
   * that tick, at most `maxRewindTicks` back. Absent or 0: the present.
   */
  readonly viewTick?: number;
}

/** Something that happened during a step, for feeds, sounds and tests. */
export type SimEvent =
  | { readonly type: "shot"; readonly shooterId: string; readonly projectileId: number }
  | { readonly type: "hit"; readonly shooterId: string; readonly targetId: string; readonly hp: number }
  | { readonly type: "kill"; readonly killerId: string; readonly victimId: string }
  | { readonly type: "respawn"; readonly shipId: string }
  | { readonly type: "matchEnd"; readonly matchNumber: number }
  | { readonly type: "matchStart"; readonly matchNumber: number };

/**
 * Inputs for one step, by ship id: usually one frame; several when the server catches up on
 * frames that arrived late (each is applied in order, as if it had had its own tick). A ship
 * with no entry holds still and does not fire.
 */
export type StepInputs = ReadonlyMap<string, InputFrame | readonly InputFrame[]>;

/** Advances the world by one tick, in place, and returns what happened. */
export function step(world: World, inputs: StepInputs): SimEvent[] {
  const events: SimEvent[] = [];
  world.tick += 1;

  if (advancePhase(world, events)) return events;
  if (world.phase === Phase.Results) return events;

  for (const ship of world.ships.values()) {
    if (!ship.alive) {
      if (world.tick >= ship.respawnTick) {
        spawnShip(world, ship);
        events.push({ type: "respawn", shipId: ship.id });
      }
      continue;
    }
    const input = inputs.get(ship.id);
    if (input === undefined) continue;
    if (isFrameList(input)) for (const frame of input) applyInput(world, ship, frame, events);
    else applyInput(world, ship, input, events);
  }

  moveProjectiles(world, events);
  recordTrails(world);
  return events;
}

/** How many ticks a shot fired now with `viewTick` rewinds its targets (0 … maxRewindTicks). */
export function rewindTicks(world: World, viewTick: number | undefined): number {
  const max = world.config.maxRewindTicks;
  if (max === 0 || viewTick === undefined || viewTick <= 0) return 0;
  // The stamp is the tick's low 16 bits: the distance back, modulo 2^16.
  const back = (((world.tick - viewTick) % 65536) + 65536) % 65536;
  // A stamp from the future (or garbage) is the present; one too old is capped.
  if (back > 32768) return 0;
  return Math.min(back, max);
}

function isFrameList(input: InputFrame | readonly InputFrame[]): input is readonly InputFrame[] {
  return Array.isArray(input);
}

/**
 * Ends a match or starts the next one when the phase clock runs out, and ends a warm-up once
 * enough pilots are here; true if the phase changed.
 */
function advancePhase(world: World, events: SimEvent[]): boolean {
  if (world.phase === Phase.Warmup) {
    if (world.ships.size < world.config.minPlayers) return false;
    // Out of the warm-up, pilots start where they are (a friend who joined next to you stays
    // there): scores to 0, full health, the destroyed respawn.
    startMatch(world, events, world.matchNumber, false);
    return true;
  }
  if (world.tick < world.phaseEndsTick) return false;
  if (world.phase === Phase.Playing) {
    world.phase = Phase.Results;
    world.phaseEndsTick = world.tick + world.config.resultsTicks;
    world.projectiles = [];
    events.push({ type: "matchEnd", matchNumber: world.matchNumber });
  } else if (world.ships.size < world.config.minPlayers) {
    // Not enough pilots for another match: practice until someone joins.
    world.phase = Phase.Warmup;
    world.phaseEndsTick = 0;
    world.matchNumber += 1;
    for (const ship of world.ships.values()) resetShip(world, ship);
  } else {
    startMatch(world, events, world.matchNumber + 1, true);
  }
  return true;
}

/**
 * A match begins: the clock runs, every score is 0; every ship respawns (`respawnAll`), or
 * only the destroyed ones while the others keep their place with full health.
 */
function startMatch(world: World, events: SimEvent[], matchNumber: number, respawnAll: boolean): void {
  world.phase = Phase.Playing;
  world.phaseEndsTick = world.tick + world.config.matchTicks;
  world.matchNumber = matchNumber;
  world.projectiles = [];
  for (const ship of world.ships.values()) {
    if (respawnAll || !ship.alive) {
      resetShip(world, ship);
    } else {
      ship.kills = 0;
      ship.deaths = 0;
      ship.hp = SHIP_MAX_HP;
    }
  }
  events.push({ type: "matchStart", matchNumber: world.matchNumber });
}

function resetShip(world: World, ship: Ship): void {
  ship.kills = 0;
  ship.deaths = 0;
  spawnShip(world, ship);
}

function applyInput(world: World, ship: Ship, input: InputFrame, events: SimEvent[]): void {
  moveShip(ship, input.moveX, input.moveY, world.config, world.map);

  const ax = clamp(input.aimX || 0, -AIM_SCALE, AIM_SCALE);
  const ay = clamp(input.aimY || 0, -AIM_SCALE, AIM_SCALE);
  const len = Math.sqrt(ax * ax + ay * ay);
  if (len > 0) {
    ship.aimX = ax / len;
    ship.aimY = ay / len;
  }

  if (input.fire && world.tick >= ship.nextFireTick) {
    ship.nextFireTick = world.tick + world.config.fireCooldownTicks;
    const speedP = world.config.projectileSpeed;
    const heading = headingOf(ship.aimX, ship.aimY);
    const projectile: Projectile = {
      id: world.nextProjectileId++,
      ownerId: ship.id,
      ownerSlot: ship.slot,
      originX: ship.x,
      originY: ship.y,
      x: ship.x,
      y: ship.y,
      // Along the 16-bit heading the wire carries, so clients recompute the same path.
      heading,
      vx: headingVx(heading, speedP),
      vy: headingVy(heading, speedP),
      spawnTick: world.tick,
      expireTick: world.tick + world.config.projectileLifetimeTicks,
      rewind: rewindTicks(world, input.viewTick),
    };
    world.projectiles.push(projectile);
    events.push({ type: "shot", shooterId: ship.id, projectileId: projectile.id });
  }
}

/** Moves every projectile one tick; removes those that hit a wall, a ship, or expire. */
function moveProjectiles(world: World, events: SimEvent[]): void {
  const kept: Projectile[] = [];
  for (const p of world.projectiles) {
    if (world.tick >= p.expireTick) continue;
    const tWall = sweepWalls(p.x, p.y, p.vx, p.vy, PROJECTILE_RADIUS, world.map.walls);
    let target: Ship | undefined;
    let tShip = Infinity;
    for (const s of world.ships.values()) {
      if (!s.alive || s.id === p.ownerId) continue;
      // Lag compensation: test against where the shooter saw the ship (it must have been
      // there, and alive, then; and still be alive now).
      let sx = s.x;
      let sy = s.y;
      if (p.rewind > 0) {
        const then = shipAt(world, s, world.tick - p.rewind);
        if (then === null || !then.alive) continue;
        sx = then.x;
        sy = then.y;
      }
      const t = sweepCircle(p.x, p.y, p.vx, p.vy, sx, sy, SHIP_RADIUS + PROJECTILE_RADIUS);
      if (t < tShip) {
        tShip = t;
        target = s;
      }
    }
    if (target !== undefined && tShip <= tWall) {
      damage(world, p.ownerId, target, events);
      continue;
    }
    if (tWall !== Infinity) continue;
    p.x += p.vx;
    p.y += p.vy;
    kept.push(p);
  }
  world.projectiles = kept;
}

function damage(world: World, shooterId: string, target: Ship, events: SimEvent[]): void {
  if (world.tick < target.protectedUntilTick) return;
  target.hp = Math.max(0, target.hp - PROJECTILE_DAMAGE);
  events.push({ type: "hit", shooterId, targetId: target.id, hp: target.hp });
  if (target.hp > 0) return;
  target.alive = false;
  target.deaths += 1;
  target.respawnTick = world.tick + world.config.respawnTicks;
  const killer = world.ships.get(shooterId);
  if (killer !== undefined && killer !== target) killer.kills += 1;
  events.push({ type: "kill", killerId: shooterId, victimId: target.id });
}
