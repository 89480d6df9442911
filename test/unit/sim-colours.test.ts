/**
 * Ship colours: every ship gets a palette index when it is added — the lowest one no ship of
 * the world holds, so no two of up to 16 share one — keeps it for its life (a reconnection
 * keeps the ship), and frees it when it leaves. Beyond 16 (large rooms) indices repeat evenly.
 * The index reaches clients as `color` in the state.
 */
import { describe, expect, it } from "vitest";
import { LARGE_MAP } from "../../shared/map.ts";
import { PALETTE_SIZE } from "../../shared/palette.ts";
import { ArenaState, LargeArenaState } from "../../shared/schema.ts";
import { addShip, createWorld, leastUsedColor, removeShip, step, type World } from "../../shared/sim/index.ts";
import { projectPilots, projectWorld } from "../../server/rooms/project-state.ts";
import { createScript, inputs, snapshot } from "./helpers.ts";

const colorsOf = (world: World): number[] => [...world.ships.values()].map((s) => s.color);

describe("ship colour assignment", () => {
  it("gives the lowest free index: 16 ships hold 16 different indices, in join order", () => {
    const world = createWorld({ seed: 3 });
    for (let i = 0; i < PALETTE_SIZE; i++) addShip(world, `s${i}`, `P${i}`);
    expect(colorsOf(world)).toStrictEqual([...Array(PALETTE_SIZE).keys()]);
    expect(new Set(colorsOf(world)).size).toBe(PALETTE_SIZE);
  });

  it("frees a leaver's index for the next ship, lowest first", () => {
    const world = createWorld({ seed: 3 });
    for (let i = 0; i < PALETTE_SIZE; i++) addShip(world, `s${i}`, `P${i}`);
    removeShip(world, "s9");
    removeShip(world, "s5");
    expect(addShip(world, "n1", "New 1").color).toBe(5);
    expect(addShip(world, "n2", "New 2").color).toBe(9);
    expect(new Set(colorsOf(world)).size).toBe(PALETTE_SIZE);
    // Leaving and coming back is a new ship: it gets the lowest free index, not its old one.
    removeShip(world, "s0");
    removeShip(world, "s3");
    expect(addShip(world, "s3", "P3").color).toBe(0);
  });

  it("keeps a ship's index while it lives: steps, deaths, respawns and new matches", () => {
    const world = createWorld({ seed: 8, matchSeconds: 2, resultsSeconds: 1 });
    for (let i = 0; i < 6; i++) addShip(world, `s${i}`, `P${i}`);
    // Ship 0 sits 40 px left of ship 1 and fires at it: ship 1 dies and respawns.
    Object.assign(world.ships.get("s0")!, { x: 1000, y: 640, protectedUntilTick: 0 });
    Object.assign(world.ships.get("s1")!, { x: 1040, y: 640, protectedUntilTick: 0 });
    const before = colorsOf(world);
    let kills = 0;
    for (let t = 0; t < 30 * 5; t++) {
      kills += step(world, inputs(["s0", { aimX: 1, fire: true }])).filter((e) => e.type === "kill").length;
    }
    expect(kills).toBeGreaterThan(0);
    expect(world.matchNumber).toBeGreaterThan(1);
    expect(colorsOf(world)).toStrictEqual(before);
  });

  it("repeats indices as evenly as it can past 16 ships (a 64-pilot room: each index 4 times)", () => {
    const world = createWorld({ seed: 5, map: LARGE_MAP });
    for (let i = 0; i < 64; i++) addShip(world, `s${i}`, `P${i}`);
    const counts = new Array<number>(PALETTE_SIZE).fill(0);
    for (const c of colorsOf(world)) counts[c]! += 1;
    expect(counts).toStrictEqual(new Array<number>(PALETTE_SIZE).fill(4));
    // Two ships of index 7 leave, one of index 2: the next ships take 7, 7, then 2.
    removeShip(world, "s7");
    removeShip(world, "s23");
    removeShip(world, "s2");
    expect([leastUsedColor(world)]).toStrictEqual([7]);
    expect(addShip(world, "a", "A").color).toBe(7);
    expect(addShip(world, "b", "B").color).toBe(2);
    expect(addShip(world, "c", "C").color).toBe(7);
    expect(addShip(world, "d", "D").color).toBe(0);
  });

  it("is deterministic: the same joins and leaves give the same indices, whatever the seed", () => {
    const play = (seed: number): { colors: number[]; world: unknown } => {
      const world = createWorld({ seed });
      const script = createScript(seed);
      for (let i = 0; i < 20; i++) {
        addShip(world, `s${i}`, `P${i}`);
        if (i % 3 === 2) removeShip(world, `s${i - 1}`);
        for (let t = 0; t < 10; t++) step(world, script(world));
      }
      return { colors: colorsOf(world), world: snapshot(world) };
    };
    expect(play(1)).toStrictEqual(play(1));
    expect(play(1).colors).toStrictEqual(play(2).colors);
  });
});

describe("colour in the state", () => {
  it("projects each ship's index into `color` (players, and the roster of a large room)", () => {
    const world = createWorld({ seed: 4, map: LARGE_MAP });
    for (let i = 0; i < 20; i++) addShip(world, `s${i}`, `P${i}`);
    removeShip(world, "s4");
    addShip(world, "late", "Late");
    const state = new LargeArenaState();
    projectWorld(world, state);
    projectPilots(world, state);
    for (const ship of world.ships.values()) {
      expect(state.players.get(ship.id)?.color).toBe(ship.color);
      expect(state.pilots.get(ship.id)?.color).toBe(ship.color);
    }
    expect(state.players.get("late")?.color).toBe(4);

    const small = new ArenaState();
    projectWorld(world, small);
    step(world, new Map());
    projectWorld(world, small);
    expect([...small.players.values()].map((p) => p.color)).toStrictEqual(colorsOf(world));
  });
});
