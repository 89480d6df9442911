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

export class InterestManager {
  private readonly watchers = new Map<string, Watcher>();
  private readonly spectatorView = new StateView();
  private readonly spectatorSeen = new Set<string>();

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
