/**
 * Shared helpers of the unit tests: input frames, an open test map, a bit-exact snapshot of a
 * world, and a seeded script of pseudo-random pilots that move, aim at enemies and fire.
 */
import { AIM_SCALE, POSITION_STEPS_PER_PX } from "../../shared/constants.ts";
import type { ArenaMap } from "../../shared/map.ts";
import {
  createRng,
  nextFloat,
  nextInt,
  step,
  type InputFrame,
  type SimEvent,
  type StepInputs,
  type World,
} from "../../shared/sim/index.ts";

/** An input frame: idle unless told otherwise. */
export function frame(partial: Partial<InputFrame> = {}): InputFrame {
  return { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false, ...partial };
}

/** Step inputs from `[shipId, partial frame]` pairs. */
export function inputs(...entries: [string, Partial<InputFrame>][]): StepInputs {
  return new Map(entries.map(([id, f]) => [id, frame(f)]));
}

/** No inputs at all: every ship holds still. */
export const NO_INPUTS: StepInputs = new Map();

/** A wall-less map, large enough that nothing reaches its edges in a test. */
export function openMap(width = 4000, height = 4000): ArenaMap {
  return { width, height, walls: [], spawns: [{ x: width / 2, y: height / 2 }] };
}

/** An event stamped with the tick it happened on. */
export type TickedEvent = SimEvent & { readonly tick: number };

/** Steps `n` times with the inputs `inputsAt(world)` gives; returns every event, stamped. */
export function run(world: World, n: number, inputsAt: (w: World) => StepInputs = () => NO_INPUTS): TickedEvent[] {
  const out: TickedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const events = step(world, inputsAt(world));
    for (const e of events) out.push({ ...e, tick: world.tick });
  }
  return out;
}

/** True when v lies on the simulation's 1/16 px position grid. */
export function onGrid(v: number): boolean {
  return Number.isInteger(v * POSITION_STEPS_PER_PX);
}

/**
 * Deep copy of any plain value in which every number becomes a token that tells apart every
 * IEEE 754 double (`String` of a number round-trips exactly; -0 and NaN get their own). Two
 * values are bit-identical exactly when their `exact` forms are deep-equal.
 */
export function exact(value: unknown): unknown {
  if (typeof value === "number") return Object.is(value, -0) ? "#-0" : `#${String(value)}`;
  if (value instanceof Map) return { map: [...value.entries()].map(([k, v]) => [exact(k), exact(v)]) };
  if (Array.isArray(value)) return value.map(exact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exact(v)]));
  }
  return value;
}

/** The whole world (config, clock, rng state, every ship and projectile field) in exact form. */
export function snapshot(world: World): unknown {
  return exact({
    config: world.config,
    tick: world.tick,
    phase: world.phase,
    phaseEndsTick: world.phaseEndsTick,
    matchNumber: world.matchNumber,
    rng: world.rng,
    nextProjectileId: world.nextProjectileId,
    ships: [...world.ships.values()],
    projectiles: world.projectiles,
  });
}

/** What one scripted pilot is doing until `untilTick`. */
interface Plan {
  moveX: number;
  moveY: number;
  untilTick: number;
  trigger: number;
}

/** Move values a pilot picks from, including out-of-range ones the step must clamp. */
const MOVES = [-1, 0, 1, -1, 0, 1, 5, -100, Number.NaN, 0.5];

/**
 * A seeded script of pseudo-random pilots. Each pilot holds a random move for 10–40 ticks,
 * aims (on the int16 wire scale, with jitter) at the nearest living enemy and fires most of
 * the time, so matches see hits, kills and respawns. The script reads the world it is given
 * but never writes it; feed the same frames to every world under comparison.
 */
export function createScript(seed: number): (world: World) => StepInputs {
  const rng = createRng(seed);
  const plans = new Map<string, Plan>();
  const pick = (): number => MOVES[nextInt(rng, MOVES.length)] ?? 0;
  return (world) => {
    const out = new Map<string, InputFrame>();
    for (const ship of world.ships.values()) {
      let plan = plans.get(ship.id);
      if (plan === undefined || world.tick >= plan.untilTick) {
        plan = { moveX: pick(), moveY: pick(), untilTick: world.tick + 10 + nextInt(rng, 31), trigger: nextFloat(rng) };
        plans.set(ship.id, plan);
      }
      const target = nearestEnemy(world, ship.id, ship.x, ship.y);
      const jitter = (nextFloat(rng) - 0.5) * 0.3;
      const angle =
        target === undefined ? nextFloat(rng) * 2 * Math.PI : Math.atan2(target.y - ship.y, target.x - ship.x);
      out.set(ship.id, {
        moveX: plan.moveX,
        moveY: plan.moveY,
        aimX: Math.round(Math.cos(angle + jitter) * AIM_SCALE),
        aimY: Math.round(Math.sin(angle + jitter) * AIM_SCALE),
        fire: nextFloat(rng) < 0.3 + plan.trigger * 0.7,
      });
    }
    return out;
  };
}

function nearestEnemy(world: World, id: string, x: number, y: number): { x: number; y: number } | undefined {
  let best: { x: number; y: number } | undefined;
  let bestD = Infinity;
  for (const s of world.ships.values()) {
    if (s.id === id || !s.alive) continue;
    const d = (s.x - x) ** 2 + (s.y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return best;
}
