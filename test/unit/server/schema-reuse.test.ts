/**
 * The seam into `@colyseus/schema` that lets the projector reuse a projectile under its own refId
 * (server/rooms/schema-reuse.ts). Fails loudly when the installed release is not the one the
 * seam was verified on, or when what it relies on changes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { $refId, Decoder, Encoder, StateView, type Schema } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { readyForReuse, VERIFIED_SCHEMA_VERSION } from "../../../server/rooms/schema-reuse.ts";
import { LargeArenaState, ProjectileState } from "../../../shared/schema.ts";

const refIdOf = (s: Schema): unknown => (s as unknown as Record<symbol, unknown>)[$refId];

describe("schema-reuse seam", () => {
  it(`is verified on the installed @colyseus/schema (${VERIFIED_SCHEMA_VERSION})`, () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@colyseus/schema");
    let dir = path.dirname(entry);
    while (path.basename(dir) !== "schema") dir = path.dirname(dir);
    const installed = (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
    expect(installed, "re-verify server/rooms/schema-reuse.ts against this release").toBe(VERIFIED_SCHEMA_VERSION);
  });

  it("re-adds an instance under its refId, whole, and forgets the views that saw it", () => {
    const state = new LargeArenaState();
    const encoder = new Encoder(state);
    const view = new StateView();
    const client = new Decoder(new LargeArenaState());
    const patch = (): void => {
      const it = { offset: 0 };
      encoder.encode(it);
      client.decode(encoder.encodeView(view, it.offset, it).slice());
      encoder.discardChanges();
    };
    const full = { offset: 0 };
    encoder.encodeAll(full);
    client.decode(encoder.encodeAllView(view, full.offset, { ...full }).slice());
    encoder.discardChanges();

    const s = new ProjectileState();
    Object.assign(s, { owner: 3, x: 100, y: 200, heading: 4096, spawnTick: 77 });
    state.projectiles.set("a", s);
    view.add(s);
    patch();
    const refId = refIdOf(s);
    const projectiles = (client.state as LargeArenaState).projectiles;
    expect(projectiles.get("a")?.toJSON()).toEqual({ owner: 3, x: 100, y: 200, heading: 4096, spawnTick: 77 });

    state.projectiles.delete("a");
    patch();
    expect(projectiles.size).toBe(0);

    readyForReuse(s);
    s.spawnTick = 80; // the other fields as they were: sent again all the same
    state.projectiles.set("b", s);
    patch();
    expect(refIdOf(s)).toBe(refId);
    // Not added to the view this time: the client does not see it.
    expect(projectiles.size).toBe(0);
    view.add(s);
    patch();
    expect(projectiles.get("b")?.toJSON()).toEqual({ owner: 3, x: 100, y: 200, heading: 4096, spawnTick: 80 });
  });

  it("says so when the encoder's tree is not there", () => {
    expect(() => readyForReuse({} as Schema)).toThrow(/internals changed/);
  });
});
