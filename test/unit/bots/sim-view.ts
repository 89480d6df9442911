/**
 * Bots on a simulated world: builds the view a client would get from a shared `World`, and runs
 * brains through the real `step`, one decision per ship per tick, optionally on views a few
 * ticks old (as the interpolating client sees them).
 */
import type { GameSnapshot, PlayerView } from "../../../client/src/net/types.ts";
import { decide, type BrainMemory } from "../../../bots/brain.ts";
import { headingRadians, step, type InputFrame, type SimEvent, type World } from "../../../shared/sim/index.ts";

/** The snapshot a client of `selfId` would see of `world` right now. */
export function viewOf(world: World, selfId: string): GameSnapshot {
  const players: PlayerView[] = [...world.ships.values()].map((s) => ({
    id: s.id,
    name: s.name,
    x: s.x,
    y: s.y,
    aim: Math.atan2(s.aimY, s.aimX),
    hp: s.hp,
    alive: s.alive,
    shielded: world.tick < s.protectedUntilTick,
    respawnTick: s.respawnTick,
    kills: s.kills,
    deaths: s.deaths,
    color: s.color,
    isSelf: s.id === selfId,
  }));
  return {
    selfId,
    tick: world.tick,
    renderTick: world.tick,
    tickRate: world.config.tickRate,
    phase: world.phase,
    phaseEndsTick: world.phaseEndsTick,
    matchNumber: world.matchNumber,
    ping: 0,
    connection: "connected",
    players,
    pilots: players.map((p) => ({ ...p, near: true })),
    projectiles: world.projectiles.map((p) => ({
      id: String(p.id),
      ownerId: p.ownerId,
      x: p.x,
      y: p.y,
      dirX: Math.cos(headingRadians(p.heading)),
      dirY: Math.sin(headingRadians(p.heading)),
    })),
  };
}

/** Options of {@link runBots}. */
export interface RunBotsOptions {
  /** Brain memory per ship id; ships without one idle. */
  readonly brains: ReadonlyMap<string, BrainMemory>;
  readonly ticks: number;
  /** Each bot decides on the view from this many ticks ago (0: the current one). */
  readonly staleTicks?: number;
  /** Called after every step with the frames that were applied and the step's events. */
  readonly afterStep?: (world: World, frames: ReadonlyMap<string, InputFrame>, events: readonly SimEvent[]) => void;
}

/** Runs bots through `ticks` steps of the shared simulation; returns every event. */
export function runBots(world: World, options: RunBotsOptions): SimEvent[] {
  const history: Map<string, GameSnapshot>[] = [];
  const all: SimEvent[] = [];
  for (let i = 0; i < options.ticks; i++) {
    const views = new Map<string, GameSnapshot>();
    for (const id of options.brains.keys()) views.set(id, viewOf(world, id));
    history.push(views);
    if (history.length > (options.staleTicks ?? 0) + 1) history.shift();
    const seen = history[0]!;
    const frames = new Map<string, InputFrame>();
    for (const [id, memory] of options.brains) {
      const view = seen.get(id);
      if (view !== undefined) frames.set(id, decide(view, memory, world.map));
    }
    const events = step(world, frames);
    all.push(...events);
    options.afterStep?.(world, frames, events);
  }
  return all;
}
