/**
 * The step is deterministic: the same seed and the same inputs give the same bits, whatever
 * the clock or the global random generator say, and a copy of a world replays like the original.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { addShip, createWorld, removeShip, step, type StepInputs, type World } from "../../shared/sim/index.ts";
import { createScript, snapshot, type TickedEvent } from "./helpers.ts";

const STEPS = 6000;
const COMPARE_EVERY = 50;
const OPTIONS = { tickRate: 30, matchSeconds: 20, resultsSeconds: 2 } as const;
const PILOTS = ["p1", "p2", "p3", "p4", "p5", "p6"];

/** The same roster changes, at the same ticks, for every world of a comparison. */
function roster(world: World, tick: number): void {
  if (tick === 0) for (const id of PILOTS) addShip(world, id, `Pilot ${id}`);
  if (tick === 500) addShip(world, "late", "Late joiner");
  if (tick === 2000) removeShip(world, "p2");
  if (tick === 3100) addShip(world, "p2", "Back again");
}

function stepBoth(a: World, b: World, frames: StepInputs, log: TickedEvent[]): void {
  const ea = step(a, frames);
  const eb = step(b, frames);
  expect(eb).toStrictEqual(ea);
  for (const e of ea) log.push({ ...e, tick: a.tick });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("determinism", () => {
  it("two worlds with one seed and one input script stay bit-identical across matches", () => {
    const a = createWorld({ seed: 1234, ...OPTIONS });
    const b = createWorld({ seed: 1234, ...OPTIONS });
    const script = createScript(99);
    const log: TickedEvent[] = [];
    for (let i = 0; i < STEPS; i++) {
      roster(a, i);
      roster(b, i);
      stepBoth(a, b, script(a), log);
      if (i % COMPARE_EVERY === 0) expect(snapshot(b)).toStrictEqual(snapshot(a));
    }
    expect(snapshot(b)).toStrictEqual(snapshot(a));

    // The run covered what it claims to: fights, deaths, respawns, and several match cycles.
    const count = (type: TickedEvent["type"]): number => log.filter((e) => e.type === type).length;
    expect(count("shot")).toBeGreaterThan(500);
    expect(count("hit")).toBeGreaterThan(50);
    expect(count("kill")).toBeGreaterThan(5);
    expect(count("respawn")).toBeGreaterThan(5);
    expect(count("matchEnd")).toBeGreaterThanOrEqual(2);
    expect(count("matchStart")).toBeGreaterThanOrEqual(2);
    expect(a.matchNumber).toBeGreaterThanOrEqual(3);
  });

  it("a different seed gives a different world", () => {
    const spawnsFor = (seed: number): unknown => {
      const w = createWorld({ seed, ...OPTIONS });
      for (const id of PILOTS) addShip(w, id, id);
      return [...w.ships.values()].map((s) => [s.x, s.y]);
    };
    expect(spawnsFor(1)).toStrictEqual(spawnsFor(1));
    expect(spawnsFor(2)).not.toStrictEqual(spawnsFor(1));

    const played = (seed: number): unknown => {
      const w = createWorld({ seed, ...OPTIONS });
      const script = createScript(5);
      for (let i = 0; i < 300; i++) {
        roster(w, i);
        step(w, script(w));
      }
      return snapshot(w);
    };
    expect(played(2)).not.toStrictEqual(played(1));
  });

  it("reads no clock and no global randomness", () => {
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    const dateNow = vi.spyOn(Date, "now");
    const perfNow = vi.spyOn(performance, "now");
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);

    const a = createWorld({ seed: 77, ...OPTIONS });
    const b = createWorld({ seed: 77, ...OPTIONS });
    const script = createScript(3);
    const log: TickedEvent[] = [];
    for (let i = 0; i < 1500; i++) {
      roster(a, i);
      roster(b, i);
      const frames = script(a);
      // Wildly different wall-clock times and random streams for the two worlds.
      vi.setSystemTime(i * 7_919_000);
      random.mockReturnValue(0.01);
      const ea = step(a, frames);
      vi.setSystemTime(4_000_000_000_000 - i * 13);
      vi.advanceTimersByTime(i * 1000);
      random.mockReturnValue(0.99);
      const eb = step(b, frames);
      expect(eb).toStrictEqual(ea);
      for (const e of ea) log.push({ ...e, tick: a.tick });
    }
    expect(snapshot(b)).toStrictEqual(snapshot(a));
    expect(log.some((e) => e.type === "respawn")).toBe(true);
    expect(dateNow).not.toHaveBeenCalled();
    expect(perfNow).not.toHaveBeenCalled();
    expect(random).not.toHaveBeenCalled();
  });

  it("a copy of a world replays the same inputs to the same bits (client prediction)", () => {
    const server = createWorld({ seed: 4242, ...OPTIONS });
    const script = createScript(8);
    for (let i = 0; i < 800; i++) {
      roster(server, i);
      step(server, script(server));
    }
    const client = structuredClone(server);
    expect(snapshot(client)).toStrictEqual(snapshot(server));
    for (let i = 800; i < 1600; i++) {
      const frames = script(server);
      step(server, frames);
      step(client, frames);
    }
    expect(snapshot(client)).toStrictEqual(snapshot(server));
  });
});
