/**
 * Copies the simulated world into the schema state after each step. Schema setters record only
 * the fields whose values changed, so the next patch carries just those.
 */
import {
  PilotState,
  PlayerState,
  ProjectileState,
  projectileKey,
  type AnyArenaState,
  type LargeArenaState,
} from "../../shared/schema.ts";
import type { World } from "../../shared/sim/index.ts";
import { readyForReuse } from "./schema-reuse.ts";

/**
 * What the projector last wrote of one ship. Schema setters cost even when the value is the
 * same (quantizing, the change-tree lookup), so fields are compared here first and only changed
 * ones are set: most fields of most ships do not change between two patches.
 */
interface ShipEntry {
  readonly state: PlayerState;
  name: string;
  x: number;
  y: number;
  aimX: number;
  aimY: number;
  hp: number;
  alive: boolean;
  shielded: boolean;
  respawnTick: number;
  kills: number;
  deaths: number;
}

/** The smallest turn of a ship's aim that is sent (shots carry their own heading). */
export const AIM_DEADBAND_RAD = (1 * Math.PI) / 180;
const AIM_DEADBAND_COS = Math.cos(AIM_DEADBAND_RAD);

/**
 * Projects one room's world into its state, allocating only for what is new (a ship, a
 * projectile). Rooms call it once before each patch, not every tick: clients see the state only
 * in patches, so projecting at 20 Hz instead of 30 Hz does a third less work for the same bytes.
 */
export class StateProjector {
  private readonly ships = new Map<string, ShipEntry>();
  /**
   * The projectiles the state holds, in id order: their ids and instances, side by side, and a
   * second pair the next projection fills (the two pairs swap). The world keeps its projectiles
   * in id order too (launched in id order, removed in place: shared/sim/step.ts), so one walk
   * over both lists finds the launched and the gone without a lookup per projectile in flight
   * (two `Map` operations each, every patch, before).
   */
  private shotIds: number[] = [];
  private shotStates: ProjectileState[] = [];
  private nextShotIds: number[] = [];
  private nextShotStates: ProjectileState[] = [];
  /**
   * Projectile instances are reused: one removed from `projectiles` waits in `retired` until the
   * patch that removed it has been encoded ({@link patchEncoded}), then in `spare` for the next
   * launch.
   *
   * Why: every schema instance gets a refId that `@colyseus/schema` never hands out again, and
   * refIds go on the wire as variable-length numbers (1 B under 128, 3 B under 65,536, then 5).
   * A room that launched thousands of projectiles sends each new one's refId twice at 3–5 B,
   * addresses a late joiner's ship with a 3–5 B refId on every move, and keeps one `refCount`
   * entry per refId ever used in its encoder's root (≈ 10 MB per million launches, for the
   * room's life). A re-added instance keeps its refId (schema-reuse.ts), so the refIds in use
   * stay as few as the projectiles ever in flight at once. The library's own pooling
   * (`Schema.reset`) saves the allocation but hands out a fresh refId each time.
   */
  private readonly retired: ProjectileState[] = [];
  private readonly spare: ProjectileState[] = [];
  private readonly reuseProjectiles: boolean;

  /** `reuseProjectiles: false` makes a fresh instance per launch (for measurements). */
  constructor(
    private readonly state: AnyArenaState,
    options: { readonly reuseProjectiles?: boolean } = {},
  ) {
    this.reuseProjectiles = options.reuseProjectiles ?? true;
  }

  /**
   * The patch that followed the last projection has been encoded (or, with nobody to send it
   * to, its changes dropped): the instances it removed may be reused. Before that, one would
   * be removed and re-added in a single patch, handing a client the same object as the gone
   * projectile and the new one.
   */
  patchEncoded(): void {
    for (const s of this.retired) {
      // Forgets the views that saw its last life (a large room's per-client filter).
      readyForReuse(s);
      this.spare.push(s);
    }
    this.retired.length = 0;
  }

  /** Brings the state in line with `world`: players, projectiles and the match clock. */
  project(world: World): void {
    const state = this.state;
    state.tick = world.tick;
    state.phase = world.phase;
    state.phaseEndsTick = world.phaseEndsTick;
    state.matchNumber = world.matchNumber;

    for (const ship of world.ships.values()) {
      let e = this.ships.get(ship.id);
      if (e === undefined || state.players.get(ship.id) !== e.state) {
        const p = new PlayerState();
        // A ship's colour and slot never change: written once, with the new entry.
        p.color = ship.color;
        p.slot = ship.slot;
        state.players.set(ship.id, p);
        // NaN and impossible values: every other field is written the first time.
        e = {
          state: p,
          name: "",
          x: Number.NaN,
          y: Number.NaN,
          aimX: Number.NaN,
          aimY: Number.NaN,
          hp: -1,
          alive: !ship.alive,
          shielded: false,
          respawnTick: -1,
          kills: -1,
          deaths: -1,
        };
        this.ships.set(ship.id, e);
      }
      const p = e.state;
      if (ship.name !== e.name) p.name = e.name = ship.name;
      if (ship.x !== e.x) p.x = e.x = ship.x;
      if (ship.y !== e.y) p.y = e.y = ship.y;
      if (ship.aimX !== e.aimX || ship.aimY !== e.aimY) {
        // Turns under AIM_DEADBAND_RAD are not sent: nobody sees them on a ship's nose, and a
        // mouse or a tracking bot turns by fractions of a degree most patches. A new entry's NaN
        // aim fails the comparison, so a ship's first aim is always written.
        const dot = ship.aimX * e.aimX + ship.aimY * e.aimY;
        if (!(dot >= AIM_DEADBAND_COS)) {
          e.aimX = ship.aimX;
          e.aimY = ship.aimY;
          p.aim = Math.atan2(ship.aimY, ship.aimX);
        }
      }
      if (ship.hp !== e.hp) p.hp = e.hp = ship.hp;
      if (ship.alive !== e.alive) p.alive = e.alive = ship.alive;
      const shielded = ship.alive && world.tick < ship.protectedUntilTick;
      if (shielded !== e.shielded) p.shielded = e.shielded = shielded;
      if (ship.respawnTick !== e.respawnTick) p.respawnTick = e.respawnTick = ship.respawnTick;
      if (ship.kills !== e.kills) p.kills = e.kills = ship.kills;
      if (ship.deaths !== e.deaths) p.deaths = e.deaths = ship.deaths;
    }
    if (this.ships.size > world.ships.size || state.players.size > world.ships.size) {
      for (const id of this.ships.keys()) if (!world.ships.has(id)) this.ships.delete(id);
      for (const id of state.players.keys()) if (!world.ships.has(id)) state.players.delete(id);
    }

    // Projectiles never change after launch: add the new ones, drop the gone ones, walking the
    // world's list and ours side by side (both in id order).
    const ids = this.shotIds;
    const states = this.shotStates;
    const keptIds = this.nextShotIds;
    const keptStates = this.nextShotStates;
    keptIds.length = 0;
    keptStates.length = 0;
    let i = 0;
    for (const pr of world.projectiles) {
      while (i < ids.length && ids[i]! < pr.id) this.drop(ids[i]!, states[i++]!);
      if (i < ids.length && ids[i] === pr.id) {
        keptIds.push(pr.id);
        keptStates.push(states[i++]!);
        continue;
      }
      const s = this.spare.pop() ?? new ProjectileState();
      s.owner = pr.ownerSlot;
      s.x = pr.originX;
      s.y = pr.originY;
      s.heading = pr.heading;
      s.spawnTick = pr.spawnTick;
      state.projectiles.set(projectileKey(pr.id), s);
      keptIds.push(pr.id);
      keptStates.push(s);
    }
    while (i < ids.length) this.drop(ids[i]!, states[i++]!);
    this.shotIds = keptIds;
    this.shotStates = keptStates;
    this.nextShotIds = ids;
    this.nextShotStates = states;
  }

  /** Removes a projectile that left the world from the state; its instance waits for reuse. */
  private drop(id: number, gone: ProjectileState): void {
    this.state.projectiles.delete(projectileKey(id));
    // Bounded: were patches ever to stop being reported, the rest are left to the GC.
    if (this.reuseProjectiles && this.retired.length < RETIRED_MAX) this.retired.push(gone);
  }
}

/** Most removed projectiles kept for reuse between two patches (a room has at most 384 in flight). */
const RETIRED_MAX = 1024;

const projectors = new WeakMap<AnyArenaState, StateProjector>();

/** Brings `state` in line with `world` (a {@link StateProjector} kept per state). */
export function projectWorld(world: World, state: AnyArenaState): void {
  let projector = projectors.get(state);
  if (projector === undefined) {
    projector = new StateProjector(state);
    projectors.set(state, projector);
  }
  projector.project(world);
}

/** Call after each patch of `state` is encoded (see {@link StateProjector.patchEncoded}). */
export function patchEncoded(state: AnyArenaState): void {
  projectors.get(state)?.patchEncoded();
}

/**
 * Coarse positions of the roster are refreshed this often (seconds): far pilots cost little
 * (64 pilots × 6 B every 2 s is 0.19 KB/s per client). They point the edge arrows at pilots out
 * of view, ≥ 1,300 px away, whose direction a 2 s old position moves by at most ≈ 20°.
 */
export const COARSE_EVERY_SECONDS = 2;

/** The tick of each roster's last coarse refresh. */
const coarseRefreshedAt = new WeakMap<LargeArenaState, number>();

/**
 * The roster of a large room: every pilot's name, score, life and coarse position (refreshed at
 * the first projection a second or more after the last refresh). Projections happen at patches
 * (20 Hz), not at every tick (30 Hz), so a refresh cannot wait for a tick that is a multiple of
 * the period: most such ticks are never projected.
 */
export function projectPilots(world: World, state: LargeArenaState): void {
  const last = coarseRefreshedAt.get(state);
  const refresh = last === undefined || world.tick - last >= COARSE_EVERY_SECONDS * world.config.tickRate;
  if (refresh) coarseRefreshedAt.set(state, world.tick);
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
    // A ship's colour and slot never change: written once, with the new entry.
    if (fresh) {
      p.color = ship.color;
      p.slot = ship.slot;
    }
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
