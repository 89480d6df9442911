/**
 * Interest management for large rooms: each client receives only the ships near its own
 * (`players` is a `.view()` collection of `LargeArenaState`), through one Colyseus `StateView`
 * per player. Spectators share one view holding every ship, so they cost one encode together.
 * Views change incrementally (a set per client: add who came near, remove who went away), a
 * few times a second; the pilots roster (names, scores, coarse positions) goes to everyone.
 */
import type { Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type { LargeArenaState } from "../../shared/schema.ts";
import type { World } from "../../shared/sim/index.ts";

/** Ships within this distance of yours are sent to you (a 1080p view is ~1,100 px corner to corner). */
export const INTEREST_RADIUS_PX = 1300;
/** A ship already in view leaves it only beyond this distance (no flicker at the edge). */
const LEAVE_RADIUS_PX = INTEREST_RADIUS_PX + 150;

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
  private readonly spectatorView = new StateView();
  private readonly spectatorSeen = new Set<string>();
  /** Projectiles already shared out (each is decided once, at launch). */
  private readonly projectilesSent = new Set<number>();

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
    client.view = this.spectatorView;
  }

  /** A client left for good. */
  forget(client: Client): void {
    const watcher = this.watchers.get(client.sessionId);
    this.watchers.delete(client.sessionId);
    if (watcher !== undefined && client.view !== undefined && client.view !== this.spectatorView) {
      client.view.dispose();
    }
  }

  /**
   * Shares the projectiles launched since the last call: each goes to the spectators and to
   * every player whose ship its whole path (launch to lifetime, walls ignored) passes within the
   * interest radius of. A projectile never changes after launch, so the choice is final; it
   * leaves every view when the server removes it. Call before each patch, after the state was projected.
   */
  shareProjectiles(world: World): void {
    const projectiles = this.state.projectiles;
    const radiusSq = INTEREST_RADIUS_PX * INTEREST_RADIUS_PX;
    const live = new Set<number>();
    for (const p of world.projectiles) {
      live.add(p.id);
      if (this.projectilesSent.has(p.id)) continue;
      const entity = projectiles.get(String(p.id));
      if (entity === undefined) continue;
      this.projectilesSent.add(p.id);
      this.spectatorView.add(entity);
      const flight = p.expireTick - p.spawnTick;
      const endX = p.originX + p.vx * flight;
      const endY = p.originY + p.vy * flight;
      for (const [sessionId, { client }] of this.watchers) {
        const own = world.ships.get(sessionId);
        if (client.view === undefined || own === undefined) continue;
        if (segmentDistanceSq(own.x, own.y, p.originX, p.originY, endX, endY) <= radiusSq) client.view.add(entity);
      }
    }
    for (const id of this.projectilesSent) if (!live.has(id)) this.projectilesSent.delete(id);
  }

  /** Brings every view in line with the world: call after the state was projected. */
  update(world: World): void {
    const players = this.state.players;
    // Spectators: every ship.
    for (const id of world.ships.keys()) {
      if (this.spectatorSeen.has(id)) continue;
      const entity = players.get(id);
      if (entity === undefined) continue;
      this.spectatorView.add(entity);
      this.spectatorSeen.add(id);
    }
    for (const id of this.spectatorSeen) if (!world.ships.has(id)) this.spectatorSeen.delete(id);

    const enter = INTEREST_RADIUS_PX * INTEREST_RADIUS_PX;
    const leave = LEAVE_RADIUS_PX * LEAVE_RADIUS_PX;
    for (const [sessionId, { client, seen }] of this.watchers) {
      const view = client.view;
      if (view === undefined) continue;
      const own = world.ships.get(sessionId);
      for (const [id, ship] of world.ships) {
        const entity = players.get(id);
        if (entity === undefined) continue;
        let near = id === sessionId;
        if (!near && own !== undefined) {
          const d = (ship.x - own.x) ** 2 + (ship.y - own.y) ** 2;
          near = d <= (seen.has(id) ? leave : enter);
        }
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
