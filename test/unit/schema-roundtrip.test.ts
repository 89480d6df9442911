/**
 * The wire contract: a world projected into `ArenaState`, encoded (full state, then delta
 * patches) and decoded, on a client that has the shared classes and on one that rebuilds them
 * from reflection like an SDK client without them. Grid positions survive exactly.
 */
import { Decoder, Encoder, Reflection, type Schema } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { ArenaState, PlayerState, projectileKey } from "../../shared/schema.ts";
import { addShip, createWorld, headingVx, headingVy, removeShip, step, type World } from "../../shared/sim/index.ts";
import { AIM_DEADBAND_RAD, projectWorld } from "../../server/rooms/project-state.ts";
import { createScript, exact, inputs, NO_INPUTS, run } from "./helpers.ts";

const PLAYER_FIELDS = [
  "name",
  "x",
  "y",
  "aim",
  "hp",
  "alive",
  "shielded",
  "respawnTick",
  "kills",
  "deaths",
  "color",
  "slot",
];
const PROJECTILE_FIELDS = ["owner", "x", "y", "heading", "spawnTick"];
const ROOT_FIELDS = ["tick", "tickRate", "phase", "phaseEndsTick", "matchNumber", "players", "projectiles", "map"];
/** Half a step of the 16-bit wrapped angle. */
const HALF_ANGLE_STEP = Math.PI / 65536;

type Json = Record<string, unknown>;
const json = (state: Schema): Json => state.toJSON() as Json;

/** The room's side: a world, its schema state and the encoder, projected like the room does. */
function server(seed = 11): { world: World; state: ArenaState; encoder: Encoder } {
  const world = createWorld({ seed, matchSeconds: 100 });
  const state = new ArenaState();
  state.tickRate = world.config.tickRate;
  const names = { s1: "Ann", s2: "Bob Ünal", s3: "Cid", s4: "Dee" };
  for (const [id, name] of Object.entries(names)) addShip(world, id, name);
  const script = createScript(seed);
  // Fight until someone is dead and projectiles are in the air.
  while (!([...world.ships.values()].some((s) => !s.alive) && world.projectiles.length > 2)) {
    step(world, script(world));
    if (world.tick > 3000) throw new Error("no death in 3000 ticks");
  }
  projectWorld(world, state);
  return { world, state, encoder: new Encoder(state) };
}

/** Checks a decoded state against the server's state field by field, bit for bit. */
function expectSame(decoded: Schema, state: ArenaState): void {
  const got = json(decoded);
  const want = json(state);
  expect(Object.keys(want).sort()).toStrictEqual([...ROOT_FIELDS].sort());
  for (const p of Object.values(want.players as Json)) {
    expect(Object.keys(p as Json).sort()).toStrictEqual([...PLAYER_FIELDS].sort());
  }
  for (const p of Object.values(want.projectiles as Json)) {
    expect(Object.keys(p as Json).sort()).toStrictEqual([...PROJECTILE_FIELDS].sort());
  }
  expect(exact(got)).toStrictEqual(exact(want));
}

/** Checks the server's schema state against the world it was projected from. */
function expectMatchesWorld(state: ArenaState, world: World): void {
  expect([state.tick, state.phase, state.phaseEndsTick, state.matchNumber]).toStrictEqual([
    world.tick,
    world.phase,
    world.phaseEndsTick,
    world.matchNumber,
  ]);
  expect([...state.players.keys()]).toStrictEqual([...world.ships.keys()]);
  for (const ship of world.ships.values()) {
    const p = state.players.get(ship.id);
    expect(p).toBeDefined();
    if (p === undefined) continue;
    expect([p.name, p.x, p.y, p.hp, p.alive, p.respawnTick, p.kills, p.deaths, p.color, p.slot]).toStrictEqual([
      ship.name,
      ship.x,
      ship.y,
      ship.hp,
      ship.alive,
      ship.respawnTick,
      ship.kills,
      ship.deaths,
      ship.color,
      ship.slot,
    ]);
    expect(p.shielded).toBe(ship.alive && world.tick < ship.protectedUntilTick);
    const aim = Math.atan2(ship.aimY, ship.aimX);
    expect(p.aim).toBeGreaterThanOrEqual(0);
    expect(p.aim).toBeLessThan(2 * Math.PI);
    // Turns under the deadband are not sent: the state's aim may lag the ship's by that much.
    expect(Math.abs(Math.atan2(Math.sin(p.aim - aim), Math.cos(p.aim - aim)))).toBeLessThanOrEqual(
      AIM_DEADBAND_RAD + HALF_ANGLE_STEP,
    );
  }
  expect([...state.projectiles.keys()]).toStrictEqual(world.projectiles.map((p) => projectileKey(p.id)));
  for (const pr of world.projectiles) {
    const s = state.projectiles.get(projectileKey(pr.id));
    expect(s).toBeDefined();
    if (s === undefined) continue;
    expect([s.owner, s.x, s.y, s.heading, s.spawnTick]).toStrictEqual([
      world.ships.get(pr.ownerId)?.slot,
      pr.originX,
      pr.originY,
      pr.heading,
      pr.spawnTick,
    ]);
  }
}

describe("schema round trip", () => {
  it("a full state, then delta patches, decode to exactly the server's state", () => {
    const { world, state, encoder } = server();
    expectMatchesWorld(state, world);
    expect(state.projectiles.size).toBeGreaterThan(2);
    expect([...state.players.values()].some((p) => !p.alive)).toBe(true);

    const client = new ArenaState();
    const decoder = new Decoder(client);
    decoder.decode(encoder.encodeAll().slice());
    encoder.discardChanges();
    expectSame(client, state);

    // Patches: moves, shots, hits, a player leaving, another joining.
    const script = createScript(2);
    for (let i = 0; i < 200; i++) {
      if (i === 50) removeShip(world, "s2");
      if (i === 120) addShip(world, "s5", "Eve");
      step(world, script(world));
      projectWorld(world, state);
      decoder.decode(encoder.encode().slice());
      encoder.discardChanges();
      if (i % 10 === 0) expectSame(client, state);
    }
    expectMatchesWorld(state, world);
    expectSame(client, state);
    expect(client.players.has("s2")).toBe(false);
    expect(client.players.get("s5")?.name).toBe("Eve");
  });

  it("a client rebuilding the classes from reflection decodes the same state", () => {
    const { world, state, encoder } = server(12);
    const full = encoder.encodeAll().slice();
    encoder.discardChanges();
    const reflected = Reflection.decode(Reflection.encode(encoder));
    expect(reflected.state).not.toBeInstanceOf(ArenaState);
    reflected.decode(full);
    expectSame(reflected.state, state);

    const script = createScript(3);
    for (let i = 0; i < 100; i++) {
      step(world, script(world));
      projectWorld(world, state);
      reflected.decode(encoder.encode().slice());
      encoder.discardChanges();
    }
    expectSame(reflected.state, state);
  });

  // Fails today: launch velocities are float64 in the simulation but float32 on the wire, so
  // the documented path (schema.ts `ProjectileState`) is off by a few ulps (see the report).
  it("a client recomputes every projectile's position exactly from its decoded launch data", () => {
    const { world, state, encoder } = server(13);
    const client = new ArenaState();
    const decoder = new Decoder(client);
    decoder.decode(encoder.encodeAll().slice());
    encoder.discardChanges();
    const script = createScript(6);
    const off: string[] = [];
    let checked = 0;
    for (let i = 0; i < 150; i++) {
      step(world, script(world));
      projectWorld(world, state);
      decoder.decode(encoder.encode().slice());
      encoder.discardChanges();
      for (const pr of world.projectiles) {
        const s = client.projectiles.get(projectileKey(pr.id));
        if (s === undefined) continue;
        const n = world.tick - s.spawnTick + 1;
        const speed = world.config.projectileSpeed;
        const [vx, vy] = [headingVx(s.heading, speed), headingVy(s.heading, speed)];
        const [x, y] = [s.x + vx * n, s.y + vy * n];
        if (!Object.is(x, pr.x) || !Object.is(y, pr.y)) off.push(`#${pr.id}: (${x}, ${y}) vs (${pr.x}, ${pr.y})`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(off.slice(0, 3)).toStrictEqual([]);
  });

  it("every 1/16 px grid position survives the 16-bit wire exactly", () => {
    const state = new ArenaState();
    const player = new PlayerState();
    state.players.set("p", player);
    const encoder = new Encoder(state);
    const client = new ArenaState();
    const decoder = new Decoder(client);
    decoder.decode(encoder.encodeAll().slice());
    encoder.discardChanges();
    const mismatches: number[] = [];
    for (let k = 0; k <= 65535; k += 1) {
      player.x = k / 16;
      player.y = (65535 - k) / 16;
      if (!Object.is(player.x, k / 16)) mismatches.push(k);
      if (k % 61 === 0 || k > 65500 || k < 50) {
        decoder.decode(encoder.encode().slice());
        const got = client.players.get("p");
        if (!Object.is(got?.x, k / 16) || !Object.is(got?.y, (65535 - k) / 16)) mismatches.push(k);
      }
      encoder.discardChanges();
    }
    expect(mismatches).toStrictEqual([]);
  });

  it("sends a turn of the aim of at least the deadband, not a smaller one", () => {
    const world = createWorld({ seed: 4, matchSeconds: 100 });
    const state = new ArenaState();
    addShip(world, "p", "Pilot");
    const turnTo = (degrees: number): number => {
      const r = (degrees * Math.PI) / 180;
      step(world, inputs(["p", { aimX: Math.round(Math.cos(r) * 30000), aimY: Math.round(Math.sin(r) * 30000) }]));
      projectWorld(world, state);
      return (state.players.get("p")!.aim * 180) / Math.PI;
    };
    const deadbandDegrees = (AIM_DEADBAND_RAD * 180) / Math.PI;
    expect(turnTo(10)).toBeCloseTo(10, 1);
    // Half the deadband, then just under it (from the last value sent): the state keeps 10°.
    expect(turnTo(10 + deadbandDegrees / 2)).toBeCloseTo(10, 1);
    expect(turnTo(10 + deadbandDegrees * 0.95)).toBeCloseTo(10, 1);
    // Past it: sent.
    expect(turnTo(10 + deadbandDegrees * 1.5)).toBeCloseTo(10 + deadbandDegrees * 1.5, 1);
    expect(turnTo(200)).toBeCloseTo(200, 1);
  });

  it("patches stay small (sizes printed)", () => {
    const world = createWorld({ seed: 4, matchSeconds: 100 });
    const state = new ArenaState();
    state.tickRate = world.config.tickRate;
    const ids = Array.from({ length: 16 }, (_, i) => `player-${i}`);
    for (const id of ids) addShip(world, id, `Pilot ${id}`);
    run(world, world.config.protectionTicks + 1); // spawn protection over: no flag flips below
    projectWorld(world, state);
    const encoder = new Encoder(state);
    const fullBytes = encoder.encodeAll().length;
    encoder.discardChanges();

    const patch = (frames: Parameters<typeof step>[1]): number => {
      step(world, frames);
      projectWorld(world, state);
      const n = encoder.encode().length;
      encoder.discardChanges();
      return n;
    };
    const idle = patch(NO_INPUTS);
    const oneMoves = patch(inputs(["player-0", { moveX: 1, moveY: 1 }]));
    const oneTurns = patch(inputs(["player-0", { aimX: -3, aimY: 7 }]));
    const allMove = patch(new Map(ids.map((id) => [id, { moveX: 1, moveY: 0, aimX: 0, aimY: 0, fire: false }])));
    const oneShot = patch(inputs(["player-3", { aimX: 1, fire: true }]));
    console.log(
      `ArenaState bytes, 16 players: full ${fullBytes}, idle tick ${idle}, one ship moves ${oneMoves}, ` +
        `one ship turns ${oneTurns}, all 16 move ${allMove}, one shot ${oneShot}`,
    );
    expect(idle).toBeLessThanOrEqual(8);
    expect(oneMoves).toBeLessThanOrEqual(20);
    expect(oneTurns).toBeLessThanOrEqual(16);
    expect(allMove).toBeLessThanOrEqual(16 * 8 + 8);
    expect(oneShot).toBeLessThanOrEqual(48);
    expect(fullBytes).toBeLessThan(1200);
  });
});
