/**
 * Interest management for large rooms: each client receives only the ships near its own
 * (`players` is a `.view()` collection of `LargeArenaState`), through one Colyseus `StateView`
 * per player. Spectators share one view holding every ship, so they cost one encode together.
 * Views change incrementally (a set per client: add who came near, remove who went away), a
 * few times a second; the pilots roster (names, scores, coarse positions) goes to everyone.
 *
 * A view is a distance circle with a budget: at most `INTEREST_MAX_SHIPS` other ships, the
 * nearest, however many crowd the circle. Bytes per client then stay near those of a full
 * 16-pilot room even when most of 64 pilots fight in one spot (a bandwidth budget per client,
 * as engines that replicate by priority have). Hysteresis in distance (enter at 1,300 px,
 * leave beyond 1,450) and in rank (a newcomer displaces the farthest ship in view only when it
 * is at least 150 px nearer) keeps ships from flickering in and out at either edge.
 */
import type { Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { projectileKey, type LargeArenaState } from "../../shared/schema.ts";
import type { World } from "../../shared/sim/index.ts";

/** Ships within this distance of yours are sent to you (a 1080p view is ~1,100 px corner to corner). */
export const INTEREST_RADIUS_PX = 1300;
/** A ship already in view leaves it only beyond this distance (no flicker at the edge). */
export const LEAVE_RADIUS_PX = INTEREST_RADIUS_PX + 150;
/** Other ships in one player's view at most: the nearest (your own is always in it besides). */
export const INTEREST_MAX_SHIPS = 16;
/** A ship outside a full view displaces the farthest one in it only when this much nearer. */
export const SWAP_MARGIN_PX = 150;
/**
 * Projectiles of a shooter outside your view reach you only when their path passes this close
 * to your ship (shots that could hit you, or cross the middle of your screen).
 */
export const DANGER_RADIUS_PX = 600;

/** Where a ship is, for choosing a view. */
export interface ViewCandidate {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

/**
 * The other ships a player at (x, y) should have in view, given those it has now (`seen`):
 * ships in view stay while within `LEAVE_RADIUS_PX`; ships out of view enter within
 * `INTEREST_RADIUS_PX`; never more than `budget`, the nearest first, a newcomer displacing the
 * farthest ship in view only when `SWAP_MARGIN_PX` nearer. `selfId` is skipped.
 */
export function chooseView(
  x: number,
  y: number,
  selfId: string,
  ships: Iterable<ViewCandidate>,
  seen: ReadonlySet<string>,
  budget = INTEREST_MAX_SHIPS,
): Set<string> {
  const enter = INTEREST_RADIUS_PX * INTEREST_RADIUS_PX;
  const leave = LEAVE_RADIUS_PX * LEAVE_RADIUS_PX;
  const kept: { id: string; d: number }[] = [];
  const fresh: { id: string; d: number }[] = [];
  for (const ship of ships) {
    if (ship.id === selfId) continue;
    const dSq = (ship.x - x) ** 2 + (ship.y - y) ** 2;
    if (seen.has(ship.id)) {
      if (dSq <= leave) kept.push({ id: ship.id, d: Math.sqrt(dSq) });
    } else if (dSq <= enter) fresh.push({ id: ship.id, d: Math.sqrt(dSq) });
  }
  const byDistance = (a: { d: number }, b: { d: number }): number => a.d - b.d;
  kept.sort(byDistance);
  fresh.sort(byDistance);
  kept.length = Math.min(kept.length, budget);
  for (const c of fresh) {
    if (kept.length < budget) {
      kept.push(c);
      kept.sort(byDistance);
      continue;
    }
    const farthest = kept[kept.length - 1];
    // Newcomers come nearest first: once one cannot displace, none after it can.
    if (farthest === undefined || c.d + SWAP_MARGIN_PX >= farthest.d) break;
    kept[kept.length - 1] = c;
    kept.sort(byDistance);
  }
  return new Set(kept.map((k) => k.id));
}

interface Watcher {
  readonly client: Client;
  readonly seen: Set<string>;
}

/** Squared distance from (px, py) to the segment from (ax, ay) to (bx, by). */
function segmentDistanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

export class InterestManager {
  private readonly watchers = new Map<string, Watcher>();
  /**
   * The spectators' shared view, filled only while someone watches (`spectators`): a view
   * queues every `add` until a client holding it is sent a patch, so one filled for nobody
   * would grow by an entry per projectile for the room's life, and hand its first spectator
   * all of that at once. The first spectator's view is seeded with what is there.
   */
  private readonly spectatorView = new StateView();
  private readonly spectatorSeen = new Set<string>();
  /** Spectators of this room (session ids), until they leave for good. */
  private readonly spectators = new Set<string>();
  /** Projectiles already shared out (each is decided once, at launch). */
  private readonly projectilesSent = new Set<number>();
  /** The projectiles in flight at the last {@link shareProjectiles} (reused). */
  private readonly liveProjectiles = new Set<number>();

  constructor(private readonly state: LargeArenaState) {}

  /** A player took its seat (or came back): its own view, its own ship in it. */
  seat(client: Client): void {
    const existing = this.watchers.get(client.sessionId);
    if (existing !== undefined && existing.client === client && client.view !== undefined) return;
    // After a reconnection Colyseus moved the view to the new client; keep it.
    if (client.view === undefined) client.view = new StateView();
    const seen = existing?.seen ?? new Set<string>();
    this.watchers.set(client.sessionId, { client, seen });
  }

  /** A spectator: the shared view of every ship. */
  watch(client: Client): void {
    if (this.spectators.size === 0) this.seedSpectatorView();
    this.spectators.add(client.sessionId);
    client.view = this.spectatorView;
  }

  /** Every ship and projectile there is now, into the spectators' view. */
  private seedSpectatorView(): void {
    this.spectatorSeen.clear();
    for (const [id, entity] of this.state.players) {
      this.spectatorView.add(entity);
      this.spectatorSeen.add(id);
    }
    for (const entity of this.state.projectiles.values()) this.spectatorView.add(entity);
  }

  /** A client left for good. */
  forget(client: Client): void {
    this.spectators.delete(client.sessionId);
    const watcher = this.watchers.get(client.sessionId);
    this.watchers.delete(client.sessionId);
    if (watcher !== undefined && client.view !== undefined && client.view !== this.spectatorView) {
      client.view.dispose();
    }
  }

  /**
   * Shares the projectiles launched since the last call: each goes to the spectators, to its
   * shooter, and to every player whose ship its whole path (launch to lifetime, walls ignored)
   * passes within the interest radius of while the shooter is in that player's view, or within
   * `DANGER_RADIUS_PX` of it whoever shot. A projectile never changes after launch, so the
   * choice is final; it leaves every view when the server removes it. Call before each patch,
   * after the state was projected.
   */
  shareProjectiles(world: World): void {
    const projectiles = this.state.projectiles;
    const radiusSq = INTEREST_RADIUS_PX * INTEREST_RADIUS_PX;
    const dangerSq = DANGER_RADIUS_PX * DANGER_RADIUS_PX;
    // One set for the room's life, cleared each patch: no allocation per patch.
    const live = this.liveProjectiles;
    live.clear();
    for (const p of world.projectiles) {
      live.add(p.id);
      if (this.projectilesSent.has(p.id)) continue;
      const entity = projectiles.get(projectileKey(p.id));
      if (entity === undefined) continue;
      this.projectilesSent.add(p.id);
      if (this.spectators.size > 0) this.spectatorView.add(entity);
      const flight = p.expireTick - p.spawnTick;
      const endX = p.originX + p.vx * flight;
      const endY = p.originY + p.vy * flight;
      for (const [sessionId, { client, seen }] of this.watchers) {
        const own = world.ships.get(sessionId);
        if (client.view === undefined || own === undefined) continue;
        const dSq = segmentDistanceSq(own.x, own.y, p.originX, p.originY, endX, endY);
        const shooterInView = p.ownerId === sessionId || seen.has(p.ownerId);
        if (dSq <= (shooterInView ? radiusSq : dangerSq)) client.view.add(entity);
      }
    }
    for (const id of this.projectilesSent) if (!live.has(id)) this.projectilesSent.delete(id);
  }

  /**
   * Who hears of a kill between `killerId` and `victimId`: the two of them, every player with
   * either ship in view, and the spectators (session ids). Far pilots learn of it from the
   * roster's scores.
   */
  audienceOf(killerId: string, victimId: string, spectatorIds: Iterable<string>): Set<string> {
    const audience = new Set<string>([killerId, victimId]);
    for (const [sessionId, { seen }] of this.watchers) {
      if (seen.has(killerId) || seen.has(victimId)) audience.add(sessionId);
    }
    for (const id of spectatorIds) audience.add(id);
    return audience;
  }

  /** Brings every view in line with the world: call after the state was projected. */
  update(world: World): void {
    const players = this.state.players;
    // Spectators: every ship (while someone watches; the first one seeds the view).
    for (const id of world.ships.keys()) {
      if (this.spectators.size === 0) break;
      if (this.spectatorSeen.has(id)) continue;
      const entity = players.get(id);
      if (entity === undefined) continue;
      this.spectatorView.add(entity);
      this.spectatorSeen.add(id);
    }
    for (const id of this.spectatorSeen) if (!world.ships.has(id)) this.spectatorSeen.delete(id);

    for (const [sessionId, { client, seen }] of this.watchers) {
      const view = client.view;
      if (view === undefined) continue;
      const own = world.ships.get(sessionId);
      const chosen =
        own === undefined ? new Set<string>() : chooseView(own.x, own.y, sessionId, world.ships.values(), seen);
      chosen.add(sessionId);
      for (const id of world.ships.keys()) {
        const entity = players.get(id);
        if (entity === undefined) continue;
        const near = chosen.has(id);
        if (near && !seen.has(id)) {
          view.add(entity);
          seen.add(id);
        } else if (!near && seen.has(id)) {
          view.remove(entity);
          seen.delete(id);
        }
      }
      // Ships that left the room are gone from the state (and so from every view).
      for (const id of seen) if (!world.ships.has(id)) seen.delete(id);
    }
  }
}
