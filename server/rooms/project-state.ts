/**
 * Copies the simulated world into the schema state after each step. Schema setters record only
 * the fields whose values changed, so the next patch carries just those.
 */
import {
  PilotState,
  PlayerState,
  ProjectileState,
  type AnyArenaState,
  type LargeArenaState,
} from "../../shared/schema.ts";
import type { World } from "../../shared/sim/index.ts";

/** Brings `state` in line with `world`: players, projectiles and the match clock. */
export function projectWorld(world: World, state: AnyArenaState): void {
  state.tick = world.tick;
  state.phase = world.phase;
  state.phaseEndsTick = world.phaseEndsTick;
  state.matchNumber = world.matchNumber;

  for (const ship of world.ships.values()) {
    let p = state.players.get(ship.id);
    if (p === undefined) {
      p = new PlayerState();
      state.players.set(ship.id, p);
    }
    p.name = ship.name;
    p.x = ship.x;
    p.y = ship.y;
    p.aim = Math.atan2(ship.aimY, ship.aimX);
    p.hp = ship.hp;
    p.alive = ship.alive;
    p.shielded = ship.alive && world.tick < ship.protectedUntilTick;
    p.respawnTick = ship.respawnTick;
    p.kills = ship.kills;
    p.deaths = ship.deaths;
  }
  if (state.players.size > world.ships.size) {
    for (const id of state.players.keys()) {
      if (!world.ships.has(id)) state.players.delete(id);
    }
  }

  // Projectiles never change after launch: add the new ones, drop the gone ones.
  const live = new Set<string>();
  for (const pr of world.projectiles) {
    const key = String(pr.id);
    live.add(key);
    if (state.projectiles.has(key)) continue;
    const s = new ProjectileState();
    s.ownerId = pr.ownerId;
    s.x = pr.originX;
    s.y = pr.originY;
    s.vx = pr.vx;
    s.vy = pr.vy;
    s.spawnTick = pr.spawnTick;
    state.projectiles.set(key, s);
  }
  if (state.projectiles.size > live.size) {
    for (const key of state.projectiles.keys()) {
      if (!live.has(key)) state.projectiles.delete(key);
    }
  }
}

/** Coarse positions of the roster are refreshed this often (ticks): far pilots cost little. */
const COARSE_EVERY_TICKS = 30;

/** The roster of a large room: every pilot's name, score, life and coarse position. */
export function projectPilots(world: World, state: LargeArenaState): void {
  const refresh = world.tick % COARSE_EVERY_TICKS === 0;
  for (const ship of world.ships.values()) {
    let p = state.pilots.get(ship.id);
    const fresh = p === undefined;
    if (p === undefined) {
      p = new PilotState();
      state.pilots.set(ship.id, p);
    }
    p.name = ship.name;
    p.kills = ship.kills;
    p.deaths = ship.deaths;
    p.alive = ship.alive;
    if (refresh || fresh) {
      p.cx = Math.max(0, Math.min(255, Math.round((ship.x / world.map.width) * 255)));
      p.cy = Math.max(0, Math.min(255, Math.round((ship.y / world.map.height) * 255)));
    }
  }
  if (state.pilots.size > world.ships.size) {
    for (const id of state.pilots.keys()) {
      if (!world.ships.has(id)) state.pilots.delete(id);
    }
  }
}
