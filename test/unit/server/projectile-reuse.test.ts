/**
 * The projector reuses projectile instances (server/rooms/project-state.ts, schema-reuse.ts),
 * so the refIds on the wire stay as few as the projectiles ever in flight at once, however many
 * a room has launched. Checked here against the real encoder and decoder of `@colyseus/schema`
 * (verified on 5.0.34, pinned in package.json): clients with the shared classes and clients
 * rebuilding them from reflection decode exactly the server's state at every patch, and a
 * re-added instance keeps its refId (were a schema release to hand it a fresh one, the refId
 * bound below fails).
 */
import { $refId, Decoder, Encoder, Reflection, StateView, type Schema } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { patchEncoded, projectWorld } from "../../../server/rooms/project-state.ts";
import { MAPS } from "../../../shared/map.ts";
import { ArenaState, LargeArenaState, type ProjectileState } from "../../../shared/schema.ts";
import { addShip, createWorld, step, type World } from "../../../shared/sim/index.ts";
import { createScript, exact } from "../helpers.ts";

const json = (state: Schema): unknown => exact(state.toJSON());

/** A fight of four ships, projected and encoded at 20 Hz of a 30 Hz step, like the room. */
function fight<S extends ArenaState | LargeArenaState>(
  state: S,
  ticks: number,
  onPatch: (encoded: Uint8Array) => void,
) {
  const world: World = createWorld({
    seed: 5,
    matchSeconds: 10_000,
    ...("pilots" in state ? { map: MAPS.large } : {}),
  });
  for (const id of ["a", "b", "c", "d"]) addShip(world, id, id.toUpperCase());
  const script = createScript(9);
  const encoder = new Encoder(state);
  projectWorld(world, state);
  onPatch(encoder.encodeAll().slice());
  encoder.discardChanges();
  const instances = new Set<ProjectileState>();
  const launched = new Set<string>();
  let maxRefId = 0;
  for (let tick = 1; tick <= ticks; tick++) {
    step(world, script(world));
    // The room also projects between patches, when a player joins or leaves: no encode follows.
    if (tick % 3 === 2) {
      if (tick % 9 === 2) projectWorld(world, state);
      continue; // 2 patches in 3 ticks: 20 a second at 30 Hz
    }
    projectWorld(world, state);
    for (const [key, s] of state.projectiles) {
      launched.add(`${key}@${s.spawnTick}`);
      instances.add(s);
      maxRefId = Math.max(maxRefId, s[$refId] as number);
    }
    onPatch(encoder.encode().slice());
    encoder.discardChanges();
    patchEncoded(state);
  }
  return { launches: launched.size, instances: instances.size, maxRefId };
}

describe("projectile instances are reused", () => {
  it("decodes exactly the server's state at every patch, with and without the shared classes", () => {
    const state = new ArenaState();
    const typed = new Decoder(new ArenaState());
    let reflected: Decoder | null = null;
    let patches = 0;
    const { launches, instances, maxRefId } = fight(state, 3000, (encoded) => {
      if (reflected === null) {
        reflected = Reflection.decode(Reflection.encode(new Encoder(new ArenaState())));
      }
      typed.decode(encoded);
      reflected.decode(encoded);
      patches += 1;
      expect(json(typed.state), `patch ${patches}`).toStrictEqual(json(state));
      expect(json(reflected.state), `patch ${patches}`).toStrictEqual(json(state));
    });
    expect(launches).toBeGreaterThan(1000);
    // A few dozen instances serve every launch, and the refIds stay 1-byte numbers on the wire.
    expect(instances).toBeLessThan(64);
    expect(maxRefId).toBeLessThan(128);
  });

  it("gives a decoder a new object for each projectile, never the one of a projectile that just went", () => {
    const state = new ArenaState();
    const client = new ArenaState();
    const decoder = new Decoder(client);
    const seen = new WeakMap<object, string>();
    let reused = 0;
    fight(state, 1500, (encoded) => {
      decoder.decode(encoded);
      for (const [key, s] of client.projectiles) {
        const before = seen.get(s);
        if (before !== undefined && before !== key) reused += 1;
        seen.set(s, key);
      }
    });
    expect(reused).toBe(0);
  });

  it("shows a reused instance in a large room only to the views it is added to again", () => {
    const state = new LargeArenaState();
    const encoder = new Encoder(state);
    // Two clients' views: one is given every projectile, the other those launched on odd ticks.
    const every = new StateView();
    const odd = new StateView();
    const decoders = [new Decoder(new LargeArenaState()), new Decoder(new LargeArenaState())] as const;
    const world: World = createWorld({ seed: 5, matchSeconds: 10_000, map: MAPS.large });
    for (const id of ["a", "b", "c", "d"]) addShip(world, id, id.toUpperCase());
    const script = createScript(9);
    projectWorld(world, state);
    const full = { offset: 0 };
    encoder.encodeAll(full);
    for (const [i, view] of [every, odd].entries()) {
      decoders[i]!.decode(encoder.encodeAllView(view, full.offset, { ...full }).slice());
    }
    encoder.discardChanges();
    const shared = new Set<string>();
    const instances = new Set<ProjectileState>();
    const expected = (keep: (s: ProjectileState) => boolean): unknown =>
      exact(Object.fromEntries([...state.projectiles].filter(([, s]) => keep(s)).map(([k, s]) => [k, s.toJSON()])));
    for (let tick = 1; tick <= 1800; tick++) {
      step(world, script(world));
      if (tick % 3 === 2) continue;
      projectWorld(world, state);
      for (const [key, s] of state.projectiles) {
        instances.add(s);
        if (shared.has(`${key}@${s.spawnTick}`)) continue;
        shared.add(`${key}@${s.spawnTick}`);
        every.add(s);
        if (s.spawnTick % 2 === 1) odd.add(s);
      }
      const it = { offset: 0 };
      encoder.encode(it);
      const sharedOffset = it.offset;
      for (const [i, view] of [every, odd].entries()) {
        decoders[i]!.decode(encoder.encodeView(view, sharedOffset, it).slice());
      }
      encoder.discardChanges();
      patchEncoded(state);
      const [seenByEvery, seenByOdd] = decoders.map((d) => exact((d.state as LargeArenaState).projectiles.toJSON()));
      expect(seenByEvery, `tick ${tick}`).toStrictEqual(expected(() => true));
      expect(seenByOdd, `tick ${tick}`).toStrictEqual(expected((s) => s.spawnTick % 2 === 1));
    }
    expect(shared.size).toBeGreaterThan(400);
    expect(instances.size).toBeLessThan(64);
  });
});
