/**
 * The JSON baseline's message parsing (minimal, but garbage never throws) and its full-state
 * serialisation.
 */
import { describe, expect, it } from "vitest";
import {
  isStateFrame,
  parseBaselineMessage,
  serializeState,
  welcomeMessage,
  type BaselineState,
} from "../../../bench/baseline/protocol.ts";
import { AIM_SCALE } from "../../../shared/constants.ts";
import { addShip, createWorld, step } from "../../../shared/sim/index.ts";

describe("parseBaselineMessage", () => {
  it("reads a join, normalising the name or dropping an invalid one", () => {
    expect(parseBaselineMessage('{"join":"  Ann  "}')).toStrictEqual({ kind: "join", name: "Ann" });
    expect(parseBaselineMessage('{"join":"<b>x</b>"}')).toStrictEqual({ kind: "join", name: null });
    expect(parseBaselineMessage('{"join":42}')).toStrictEqual({ kind: "join", name: null });
  });

  it("reads an input and clamps it like the game server", () => {
    expect(parseBaselineMessage('{"seq":7,"moveX":5,"moveY":-3,"aimX":99999,"aimY":-99999,"fire":true}')).toStrictEqual(
      {
        kind: "input",
        seq: 7,
        frame: { moveX: 1, moveY: -1, aimX: AIM_SCALE, aimY: -AIM_SCALE, fire: true },
      },
    );
    expect(parseBaselineMessage('{"seq":1}')).toStrictEqual({
      kind: "input",
      seq: 1,
      frame: { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false },
    });
  });

  it.each([
    "",
    "not json",
    "{",
    "null",
    "[]",
    "42",
    '"seq"',
    "{}",
    '{"seq":-1}',
    '{"seq":1.5}',
    '{"seq":"1"}',
    '{"seq":1,"moveX":"1"}',
    '{"seq":1,"aimX":[1]}',
    '{"seq":1,"fire":1}',
    '{"seq":1e400}',
  ])("rejects %j without throwing", (text) => {
    expect(parseBaselineMessage(text)).toBeNull();
  });
});

describe("serializeState", () => {
  it("sends every player with the agreed fields and every projectile's position", () => {
    const world = createWorld({ seed: 1 });
    addShip(world, "p1", "Ann");
    addShip(world, "p2", "Bob");
    step(world, new Map([["p1", { moveX: 1, moveY: 0, aimX: 0, aimY: AIM_SCALE, fire: true }]]));
    const text = serializeState(world);
    const state = JSON.parse(text) as BaselineState;
    expect(state.tick).toBe(1);
    expect(state.phase).toBe(0);
    expect(Object.keys(state.players)).toStrictEqual(["p1", "p2"]);
    expect(Object.keys(state.players.p1!).sort()).toStrictEqual(
      ["aim", "alive", "deaths", "hp", "kills", "name", "x", "y"].sort(),
    );
    expect(state.players.p1).toMatchObject({ name: "Ann", aim: Math.PI / 2, hp: 100, alive: true });
    expect(state.players.p1!.x).toBe(world.ships.get("p1")!.x);
    expect(state.projectiles).toHaveLength(1);
    expect(Object.keys(state.projectiles[0]!).sort()).toStrictEqual(["x", "y"]);
    expect(isStateFrame(Buffer.from(text))).toBe(true);
    expect(isStateFrame(Buffer.from(welcomeMessage("p1")))).toBe(false);
  });
});
