/**
 * Combat: hits and damage, no self-hits, the fire cooldown, spawn protection, kills, respawns
 * and where ships respawn. Duels are set up by placing ships directly: the world is plain data.
 */
import { describe, expect, it } from "vitest";
import {
  FIRE_COOLDOWN_S,
  PROJECTILE_DAMAGE,
  PROJECTILE_LIFETIME_S,
  PROJECTILE_RADIUS,
  PROJECTILE_SPEED,
  RESPAWN_DELAY_S,
  SHIP_MAX_HP,
  SHIP_RADIUS,
  SPAWN_PROTECTION_S,
} from "../../shared/constants.ts";
import { ARENA_MAP, type ArenaMap } from "../../shared/map.ts";
import {
  addShip,
  circleHitsWalls,
  createRng,
  createWorld,
  nearestEnemyDistanceSq,
  nextInt,
  removeShip,
  type Ship,
  type World,
} from "../../shared/sim/index.ts";
import { inputs, NO_INPUTS, run, type TickedEvent } from "./helpers.ts";

/** An open field with four corner spawn points. */
const FIELD: ArenaMap = {
  width: 4000,
  height: 4000,
  walls: [],
  spawns: [
    { x: 200, y: 200 },
    { x: 3800, y: 200 },
    { x: 200, y: 3800 },
    { x: 3800, y: 3800 },
  ],
};

/** Places a ship at (x, y) with no spawn protection left. */
function place(ship: Ship, x: number, y: number): Ship {
  Object.assign(ship, { x, y, protectedUntilTick: 0 });
  return ship;
}

/** Ann at (1000, 2000) facing +x; Bob `distance` px to her right; both unprotected. */
function duel(distance: number, tickRate = 30): { world: World; a: Ship; b: Ship } {
  const world = createWorld({ seed: 5, tickRate, map: FIELD, matchSeconds: 1000 });
  const a = place(addShip(world, "a", "Ann"), 1000, 2000);
  const b = place(addShip(world, "b", "Bob"), 1000 + distance, 2000);
  return { world, a, b };
}

const FIRE_RIGHT = inputs(["a", { aimX: 1, aimY: 0, fire: true }]);
const of = (events: TickedEvent[], type: TickedEvent["type"]): TickedEvent[] => events.filter((e) => e.type === type);

describe("combat", () => {
  it("four hits destroy a fresh ship", () => {
    expect(SHIP_MAX_HP / PROJECTILE_DAMAGE).toBe(4);
  });

  it("a projectile hits an enemy in its path and takes PROJECTILE_DAMAGE", () => {
    const { world, b } = duel(300);
    const events = run(world, 1, () => FIRE_RIGHT);
    const shotTick = world.tick;
    events.push(...run(world, 40));
    // The projectile's edge meets Bob's after 275 px, during its 10th tick of flight.
    const flight = Math.ceil((300 - SHIP_RADIUS - PROJECTILE_RADIUS) / (PROJECTILE_SPEED / 30));
    expect(of(events, "hit")).toStrictEqual([
      { type: "hit", shooterId: "a", targetId: "b", hp: SHIP_MAX_HP - PROJECTILE_DAMAGE, tick: shotTick + flight - 1 },
    ]);
    expect(b.hp).toBe(SHIP_MAX_HP - PROJECTILE_DAMAGE);
    expect(world.projectiles).toHaveLength(0);
  });

  it("a projectile hits the first ship in its path only", () => {
    const { world, b } = duel(200);
    const c = place(addShip(world, "c", "Cid"), 1300, 2000);
    const events = run(world, 30, (w) => (w.tick === 0 ? FIRE_RIGHT : NO_INPUTS));
    expect(of(events, "hit").map((e) => e.type === "hit" && e.targetId)).toStrictEqual(["b"]);
    expect([b.hp, c.hp]).toStrictEqual([SHIP_MAX_HP - PROJECTILE_DAMAGE, SHIP_MAX_HP]);
  });

  it("the shooter is never hit by its own projectile", () => {
    const world = createWorld({ seed: 5, map: FIELD, matchSeconds: 1000 });
    const a = place(addShip(world, "a", "Ann"), 2000, 2000);
    place(addShip(world, "b", "Bob"), 3800, 3800);
    const moves = [-1, 0, 1];
    const events = run(world, 300, (w) =>
      inputs([
        "a",
        { moveX: moves[w.tick % 3], moveY: moves[(w.tick >> 2) % 3], aimX: w.tick - 150, aimY: 37, fire: true },
      ]),
    );
    expect(of(events, "shot").length).toBeGreaterThan(40);
    expect(of(events, "hit")).toStrictEqual([]);
    expect(a.hp).toBe(SHIP_MAX_HP);
  });

  it.each([30, 60])("holding fire gives one shot every FIRE_COOLDOWN ticks (%i Hz)", (rate) => {
    const { world } = duel(3000, rate);
    const cooldown = Math.round(FIRE_COOLDOWN_S * rate);
    expect(world.config.fireCooldownTicks).toBe(cooldown);
    const shots = of(
      run(world, 100, () => FIRE_RIGHT),
      "shot",
    ).map((e) => e.tick);
    expect(shots[0]).toBe(1);
    expect(shots).toHaveLength(Math.ceil(100 / cooldown));
    for (let i = 1; i < shots.length; i++) expect((shots[i] ?? 0) - (shots[i - 1] ?? 0)).toBe(cooldown);
  });

  it("tapping the trigger does not beat the cooldown", () => {
    const { world } = duel(3000);
    const cooldown = world.config.fireCooldownTicks;
    // Trigger pressed on every other tick: shots still come one cooldown apart.
    const shots = of(
      run(world, 60, (w) => (w.tick % 2 === 0 ? FIRE_RIGHT : NO_INPUTS)),
      "shot",
    ).map((e) => e.tick);
    for (let i = 1; i < shots.length; i++)
      expect((shots[i] ?? 0) - (shots[i - 1] ?? 0)).toBeGreaterThanOrEqual(cooldown);
  });

  it("spawn protection blocks damage until it expires", () => {
    const world = createWorld({ seed: 5, map: FIELD, matchSeconds: 1000 });
    const a = place(addShip(world, "a", "Ann"), 1000, 2000);
    const b = addShip(world, "b", "Bob");
    expect(b.protectedUntilTick).toBe(Math.round(SPAWN_PROTECTION_S * 30));
    // Bob sits 40 px away: every shot lands on the tick it is fired.
    Object.assign(b, { x: a.x + 40, y: a.y });
    const events: TickedEvent[] = [];
    while (world.tick < b.protectedUntilTick + 12) {
      events.push(...run(world, 1, () => FIRE_RIGHT));
      expect(world.projectiles).toHaveLength(0); // absorbed, not passed through
      if (world.tick < b.protectedUntilTick) expect(b.hp).toBe(SHIP_MAX_HP);
    }
    const shots = of(events, "shot").map((e) => e.tick);
    const hits = of(events, "hit").map((e) => e.tick);
    expect(shots.filter((t) => t < b.protectedUntilTick).length).toBeGreaterThan(3);
    expect(hits).toStrictEqual(shots.filter((t) => t >= b.protectedUntilTick));
    expect(hits.length).toBeGreaterThan(0);
  });

  it("four hits destroy a ship, credit the killer, and it respawns after the delay at full health", () => {
    const { world, a, b } = duel(40);
    const events = run(world, 19, () => FIRE_RIGHT);
    const cooldown = world.config.fireCooldownTicks;
    expect(of(events, "hit").map((e) => e.type === "hit" && e.hp)).toStrictEqual([75, 50, 25, 0]);
    const killTick = 1 + 3 * cooldown;
    expect(of(events, "kill")).toStrictEqual([{ type: "kill", killerId: "a", victimId: "b", tick: killTick }]);
    expect(b).toMatchObject({ alive: false, hp: 0, deaths: 1, kills: 0 });
    expect(a).toMatchObject({ alive: true, hp: SHIP_MAX_HP, kills: 1, deaths: 0 });
    const respawnTicks = Math.round(RESPAWN_DELAY_S * 30);
    expect(b.respawnTick).toBe(killTick + respawnTicks);

    // Dead: projectiles fly through where Bob was, nothing happens to him.
    const later = run(world, b.respawnTick - world.tick - 1, () => FIRE_RIGHT);
    expect(of(later, "hit")).toStrictEqual([]);
    expect(of(later, "respawn")).toStrictEqual([]);
    expect(b.alive).toBe(false);

    const back = run(world, 1);
    expect(world.tick).toBe(killTick + respawnTicks);
    expect(of(back, "respawn")).toStrictEqual([{ type: "respawn", shipId: "b", tick: world.tick }]);
    expect(b).toMatchObject({ alive: true, hp: SHIP_MAX_HP, deaths: 1 });
    expect(b.protectedUntilTick).toBe(world.tick + Math.round(SPAWN_PROTECTION_S * 30));
    expect(FIELD.spawns).toContainEqual({ x: b.x, y: b.y });
  });

  it("a projectile outlives its shooter leaving and still scores the hit", () => {
    const { world, b } = duel(600);
    run(world, 1, () => FIRE_RIGHT);
    expect(removeShip(world, "a")).toBe(true);
    const events = run(world, 30);
    expect(of(events, "hit")).toHaveLength(1);
    expect(b.hp).toBe(SHIP_MAX_HP - PROJECTILE_DAMAGE);
  });

  // Fails today: on its expiry tick a projectile no longer moves but still hits along one more
  // tick of path (see the report on shared/sim/step.ts `moveProjectiles`).
  it("a projectile reaches PROJECTILE_SPEED·PROJECTILE_LIFETIME_S and no farther", () => {
    const reach = PROJECTILE_SPEED * PROJECTILE_LIFETIME_S;
    const edge = SHIP_RADIUS + PROJECTILE_RADIUS;
    const within = duel(reach + edge - 1);
    run(within.world, 60, (w) => (w.tick === 0 ? FIRE_RIGHT : NO_INPUTS));
    expect(within.b.hp).toBe(SHIP_MAX_HP - PROJECTILE_DAMAGE);

    const beyond = duel(reach + edge + 1);
    let lastX = 0;
    const events = run(beyond.world, 60, (w) => {
      for (const p of w.projectiles) lastX = p.x;
      return w.tick === 0 ? FIRE_RIGHT : NO_INPUTS;
    });
    expect(lastX).toBe(beyond.a.x + reach); // where clients last see it
    expect(of(events, "hit")).toStrictEqual([]);
    expect(beyond.b.hp).toBe(SHIP_MAX_HP);
  });
});

describe("respawn position", () => {
  /** The arena's spawn points a ship can use, with their distance² to the nearest living enemy. */
  function rankedSpawns(world: World, id: string): number[] {
    return world.map.spawns
      .filter((s) => !circleHitsWalls(s.x, s.y, SHIP_RADIUS, world.map.walls))
      .map((s) => nearestEnemyDistanceSq(world, id, s))
      .sort((x, y) => y - x);
  }

  it("a respawn picks one of the few spawn points farthest from living enemies", () => {
    const picks = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const world = createWorld({ seed, matchSeconds: 1000 });
      const layout = createRng(seed * 7919);
      const victim = addShip(world, "victim", "V");
      const enemies = 1 + nextInt(layout, 5);
      for (let i = 0; i < enemies; i++) {
        // Enemies anywhere in the open middle band of the arena, one of them dead.
        const e = place(addShip(world, `e${i}`, "E"), 60 + nextInt(layout, 2280), 60 + nextInt(layout, 1480));
        if (i === 1) Object.assign(e, { alive: false, respawnTick: 1_000_000 });
      }
      Object.assign(victim, { alive: false, respawnTick: world.tick + 1 });
      const events = run(world, 1);
      expect(of(events, "respawn")).toStrictEqual([{ type: "respawn", shipId: "victim", tick: world.tick }]);

      const ranked = rankedSpawns(world, "victim");
      const mine = nearestEnemyDistanceSq(world, "victim", victim);
      expect(ARENA_MAP.spawns).toContainEqual({ x: victim.x, y: victim.y });
      // Among the farthest three (roster.ts SPAWN_CHOICES), never a closer one.
      expect(mine).toBeGreaterThanOrEqual(ranked[2] ?? Infinity);
      picks.add(`${ranked.indexOf(mine)}`);
    }
    // The seeded generator spreads picks over the top few instead of always the farthest.
    expect(picks.size).toBeGreaterThan(1);
  });

  it("a respawn ignores dead ships", () => {
    const world = createWorld({ seed: 9, matchSeconds: 1000 });
    const victim = addShip(world, "victim", "V");
    const corpse = place(addShip(world, "dead", "D"), 1000, 640);
    corpse.alive = false;
    corpse.respawnTick = 1_000_000;
    const alive = place(addShip(world, "alive", "A"), 140, 140);
    Object.assign(victim, { alive: false, respawnTick: 1 });
    run(world, 1);
    expect(victim.alive).toBe(true);
    const d = nearestEnemyDistanceSq(world, "victim", victim);
    expect(d).toBe((victim.x - alive.x) ** 2 + (victim.y - alive.y) ** 2);
    expect(d).toBeGreaterThanOrEqual(rankedSpawns(world, "victim")[2] ?? Infinity);
  });
});
