/**
 * A large room's spectator view (server/rooms/interest.ts) is filled only while someone watches:
 * a StateView queues every `add` until a client holding it is sent a patch, so a view filled for
 * nobody grew by an entry per projectile for the room's life and handed its first spectator all
 * of that at once. The first spectator's view is seeded with what is there.
 */
import type { Client } from "@colyseus/core";
import { Encoder, type StateView } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { InterestManager } from "../../../server/rooms/interest.ts";
import { patchEncoded, projectWorld } from "../../../server/rooms/project-state.ts";
import { MAPS } from "../../../shared/map.ts";
import { LargeArenaState } from "../../../shared/schema.ts";
import { addShip, createWorld, step } from "../../../shared/sim/index.ts";
import { createScript } from "../helpers.ts";

/** Operations a view holds for its next patch (per structure, per index). */
function queuedOps(view: StateView): number {
  let n = 0;
  for (const ops of view.changes.values()) n += ops.size;
  return n;
}

describe("spectator view of a large room", () => {
  it("queues nothing while nobody watches, and shows the first spectator everything there is", () => {
    const state = new LargeArenaState();
    const interest = new InterestManager(state);
    const encoder = new Encoder(state);
    /** The spectator's view while it is sent patches (none before it watches, none after it left). */
    let sentTo: StateView | null = null;
    const world = createWorld({ seed: 3, matchSeconds: 10_000, map: MAPS.large });
    for (const id of ["a", "b", "c", "d"]) addShip(world, id, id.toUpperCase());
    const script = createScript(4);
    let launches = 0;
    let lastId = -1;
    const play = (ticks: number): void => {
      for (let t = 0; t < ticks; t++) {
        step(world, script(world));
        for (const p of world.projectiles) {
          if (p.id <= lastId) continue;
          lastId = p.id;
          launches += 1;
        }
        projectWorld(world, state);
        interest.update(world);
        interest.shareProjectiles(world);
        const it = { offset: 0 };
        encoder.encode(it);
        if (sentTo !== null) encoder.encodeView(sentTo, it.offset, it);
        encoder.discardChanges();
        patchEncoded(state);
      }
    };
    play(1500);
    expect(launches).toBeGreaterThan(500);

    const spectator = { sessionId: "watcher" } as unknown as Client & { view: StateView };
    interest.watch(spectator);
    const view = spectator.view;
    // What is queued is what there is now (each ship's and projectile's fields, their map
    // entries), not an entry for every launch of the room's life.
    expect(queuedOps(view)).toBeLessThanOrEqual(14 * state.players.size + 7 * state.projectiles.size + 16);
    for (const entity of state.players.values()) expect(view.has(entity)).toBe(true);
    for (const entity of state.projectiles.values()) expect(view.has(entity)).toBe(true);

    // Watched: every new launch goes into the view.
    sentTo = view;
    play(90);
    expect(state.projectiles.size).toBeGreaterThan(0);
    for (const entity of state.projectiles.values()) expect(view.has(entity)).toBe(true);

    // The last spectator leaves: nothing more is queued for nobody.
    interest.forget(spectator);
    sentTo = null;
    const queued = queuedOps(view);
    play(600);
    expect(queuedOps(view)).toBe(queued);
  });
});
