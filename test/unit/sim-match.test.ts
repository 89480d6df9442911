/**
 * The match clock: a match lasts `matchSeconds`, the results screen `resultsSeconds`, during
 * which everything freezes; then the next match starts with fresh scores.
 */
import { describe, expect, it } from "vitest";
import { SHIP_MAX_HP } from "../../shared/constants.ts";
import { addShip, createConfig, createWorld, Phase, type Ship, type World } from "../../shared/sim/index.ts";
import { inputs, NO_INPUTS, run, type TickedEvent } from "./helpers.ts";

const MATCH_SECONDS = 2;
const RESULTS_SECONDS = 1;

/**
 * Ann 40 px left of Bob, both unprotected: every shot of Ann lands on the tick it is fired.
 * Bob fires downwards, away from everyone; Cid wanders right.
 */
function arena(tickRate = 30): { world: World; a: Ship; b: Ship; c: Ship } {
  const world = createWorld({ seed: 21, tickRate, matchSeconds: MATCH_SECONDS, resultsSeconds: RESULTS_SECONDS });
  const a = addShip(world, "a", "Ann");
  const b = addShip(world, "b", "Bob");
  const c = addShip(world, "c", "Cid");
  Object.assign(a, { x: 1000, y: 640, protectedUntilTick: 0 });
  Object.assign(b, { x: 1040, y: 640, protectedUntilTick: 0 });
  Object.assign(c, { x: 420, y: 860 });
  return { world, a, b, c };
}

const FIGHT = inputs(
  ["a", { aimX: 1, fire: true }],
  ["b", { aimY: 1, fire: true }],
  ["c", { moveX: 1, aimX: -1, fire: true }],
);
const types = (events: TickedEvent[]): string[] => events.map((e) => e.type);

describe("match clock", () => {
  it.each([30, 60])(
    "a match ends after matchSeconds·tickRate steps, then results, then the next match (%i Hz)",
    (rate) => {
      const { world, a, b, c } = arena(rate);
      const matchTicks = MATCH_SECONDS * rate;
      const resultsTicks = RESULTS_SECONDS * rate;
      expect(world.phaseEndsTick).toBe(matchTicks);

      const playing = run(world, matchTicks - 1, () => FIGHT);
      expect(world.phase).toBe(Phase.Playing);
      expect(types(playing)).not.toContain("matchEnd");
      expect(types(playing)).toContain("kill");
      expect(a.kills).toBe(1);
      expect(b.deaths).toBe(1);
      expect(world.projectiles.length).toBeGreaterThan(0);

      const end = run(world, 1, () => FIGHT);
      expect(world.tick).toBe(matchTicks);
      expect(end).toStrictEqual([{ type: "matchEnd", matchNumber: 1, tick: matchTicks }]);
      expect(world.phase).toBe(Phase.Results);
      expect(world.phaseEndsTick).toBe(matchTicks + resultsTicks);
      expect(world.projectiles).toStrictEqual([]);

      // Results: inputs are ignored, nobody moves, fires, dies or respawns; scores stay on show.
      const frozen = JSON.stringify([...world.ships.values()]);
      const nextId = world.nextProjectileId;
      const results = run(world, resultsTicks - 1, () => FIGHT);
      expect(results).toStrictEqual([]);
      expect(JSON.stringify([...world.ships.values()])).toBe(frozen);
      expect(world.projectiles).toStrictEqual([]);
      expect(world.nextProjectileId).toBe(nextId);
      expect(world.phase).toBe(Phase.Results);

      const start = run(world, 1, () => FIGHT);
      expect(start).toStrictEqual([{ type: "matchStart", matchNumber: 2, tick: matchTicks + resultsTicks }]);
      expect(world.matchNumber).toBe(2);
      expect(world.phase).toBe(Phase.Playing);
      expect(world.phaseEndsTick).toBe(2 * matchTicks + resultsTicks);
      for (const s of [a, b, c]) {
        expect(s).toMatchObject({ kills: 0, deaths: 0, alive: true, hp: SHIP_MAX_HP });
        expect(s.protectedUntilTick).toBe(world.tick + world.config.protectionTicks);
      }

      // And the next match plays: ships move and fire again.
      const x = c.x;
      const again = run(world, 1, () => FIGHT);
      expect(c.x).toBeGreaterThan(x);
      expect(types(again).filter((t) => t === "shot")).toHaveLength(3);
    },
  );

  it("a ship destroyed late in a match is back for the next one", () => {
    const { world, b } = arena();
    // Ann's fourth shot lands at tick 19; Bob's respawn would be due after the match ends.
    run(world, world.config.matchTicks - 1, (w) => (w.tick < 19 ? FIGHT : NO_INPUTS));
    expect(b.alive).toBe(false);
    expect(b.respawnTick).toBeGreaterThan(world.config.matchTicks);
    run(world, 1 + world.config.resultsTicks);
    expect(world.matchNumber).toBe(2);
    expect(b).toMatchObject({ alive: true, hp: SHIP_MAX_HP, deaths: 0 });
  });

  it("keeps cycling: match numbers count up, one matchEnd and one matchStart per cycle", () => {
    const { world } = arena();
    const cycle = world.config.matchTicks + world.config.resultsTicks;
    const events = run(world, 5 * cycle, () => FIGHT);
    const clock = events.filter((e) => e.type === "matchEnd" || e.type === "matchStart");
    expect(clock.map((e) => `${e.type}@${e.tick}`)).toStrictEqual(
      [1, 2, 3, 4, 5].flatMap((n) => [`matchEnd@${n * cycle - world.config.resultsTicks}`, `matchStart@${n * cycle}`]),
    );
    expect(world.matchNumber).toBe(6);
  });

  it("derives tick counts from seconds and rejects bad settings", () => {
    const c = createConfig(30, 300, 6);
    expect(c).toMatchObject({ matchTicks: 9000, resultsTicks: 180, respawnTicks: 90, protectionTicks: 30 });
    expect(createConfig(30, 0.01, 0.01)).toMatchObject({ matchTicks: 1, resultsTicks: 1 });
    expect(() => createConfig(9, 300, 6)).toThrow(RangeError);
    expect(() => createConfig(121, 300, 6)).toThrow(RangeError);
    expect(() => createConfig(30.5, 300, 6)).toThrow(RangeError);
    expect(() => createConfig(30, 0, 6)).toThrow(RangeError);
    expect(() => createConfig(30, 300, Number.NaN)).toThrow(RangeError);
    expect(() => createWorld({ seed: 1, matchSeconds: -1 })).toThrow(RangeError);
  });
});

describe("warm-up", () => {
  const warmWorld = (): World =>
    createWorld({ seed: 5, tickRate: 30, matchSeconds: MATCH_SECONDS, resultsSeconds: RESULTS_SECONDS, minPlayers: 2 });

  it("practises without a clock until enough pilots are in, then starts the match with fresh scores", () => {
    const world = warmWorld();
    expect(world.phase).toBe(Phase.Warmup);
    const a = addShip(world, "a", "Ann");
    const startX = a.x;
    // Alone: the ship flies and fires, the clock does not run, however long.
    const alone = run(world, 10 * 30, () => inputs(["a", { moveX: 1, aimX: 1, fire: true }]));
    expect(world.phase).toBe(Phase.Warmup);
    expect(a.x).not.toBe(startX);
    expect(types(alone)).toContain("shot");
    expect(types(alone)).not.toContain("matchStart");
    a.kills = 3;

    const b = addShip(world, "b", "Bob", "a");
    const annAt = { x: a.x, y: a.y };
    const bobAt = { x: b.x, y: b.y };
    a.hp = 50;
    const start = run(world, 1);
    expect(start.map((e) => e.type)).toStrictEqual(["matchStart"]);
    expect(world.phase).toBe(Phase.Playing);
    expect(world.matchNumber).toBe(1);
    expect(world.phaseEndsTick).toBe(world.tick + MATCH_SECONDS * 30);
    expect(a.kills).toBe(0);
    expect(a.hp).toBe(SHIP_MAX_HP);
    // Nobody is moved: a friend who spawned next to you is still there.
    expect({ x: a.x, y: a.y }).toStrictEqual(annAt);
    expect({ x: b.x, y: b.y }).toStrictEqual(bobAt);
    expect(world.projectiles).toStrictEqual([]);
  });

  it("goes back to the warm-up after the results when too few pilots are left", () => {
    const world = warmWorld();
    addShip(world, "a", "Ann");
    addShip(world, "b", "Bob");
    run(world, 1);
    expect(world.phase).toBe(Phase.Playing);
    // A match with one pilot leaving keeps its clock.
    world.ships.delete("b");
    run(world, MATCH_SECONDS * 30);
    expect(world.phase).toBe(Phase.Results);
    run(world, RESULTS_SECONDS * 30);
    expect(world.phase).toBe(Phase.Warmup);
    expect(world.matchNumber).toBe(2);
    expect(world.phaseEndsTick).toBe(0);
  });

  it("is off with the default of one pilot", () => {
    expect(createWorld({ seed: 1 }).phase).toBe(Phase.Playing);
    expect(createConfig(30, 60, 5).minPlayers).toBe(1);
  });
});
