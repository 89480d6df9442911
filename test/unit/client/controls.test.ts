import { describe, expect, it } from "vitest";
import { AIM_SCALE } from "../../../shared/constants.ts";
import { aimVector, NO_AIM, toInputFrame, type ControlState } from "../../../client/src/input/controls.ts";

const idle: ControlState = {
  left: false,
  right: false,
  up: false,
  down: false,
  fire: false,
  ship: { x: 500, y: 400 },
  pointer: null,
};

describe("toInputFrame", () => {
  it("maps held keys to -1/0/1 axes, diagonals included", () => {
    expect(toInputFrame({ ...idle, up: true, right: true })).toMatchObject({ moveX: 1, moveY: -1 });
    expect(toInputFrame({ ...idle, down: true, left: true })).toMatchObject({ moveX: -1, moveY: 1 });
    expect(toInputFrame({ ...idle, left: true })).toMatchObject({ moveX: -1, moveY: 0 });
    expect(toInputFrame(idle)).toMatchObject({ moveX: 0, moveY: 0 });
  });

  it("cancels opposite keys held together", () => {
    expect(toInputFrame({ ...idle, left: true, right: true, up: true, down: true })).toMatchObject({
      moveX: 0,
      moveY: 0,
    });
  });

  it("aims from the ship towards the pointer, larger component at full scale", () => {
    const f = toInputFrame({ ...idle, pointer: { x: 600, y: 450 } });
    expect(f.aimX).toBe(AIM_SCALE);
    expect(f.aimY).toBe(Math.round(AIM_SCALE / 2));
    const g = toInputFrame({ ...idle, pointer: { x: 470, y: 340 } });
    expect(g.aimY).toBe(-AIM_SCALE);
    expect(g.aimX).toBe(Math.round(-AIM_SCALE / 2));
  });

  it("passes the trigger through", () => {
    expect(toInputFrame({ ...idle, fire: true }).fire).toBe(true);
    expect(toInputFrame(idle).fire).toBe(false);
  });

  it("sends no aim when the pointer or the ship is unknown", () => {
    expect(toInputFrame({ ...idle, pointer: null })).toMatchObject(NO_AIM);
    expect(toInputFrame({ ...idle, ship: null, pointer: { x: 1, y: 2 } })).toMatchObject(NO_AIM);
  });
});

describe("aimVector", () => {
  it("keeps the direction while scaling to integers within the wire range", () => {
    for (const [dx, dy] of [
      [3, 7],
      [-250, 40],
      [0.5, -1900],
      [1200, 1200],
      [-13, -2],
    ] as const) {
      const a = aimVector(dx, dy);
      expect(Number.isInteger(a.aimX) && Number.isInteger(a.aimY)).toBe(true);
      expect(Math.max(Math.abs(a.aimX), Math.abs(a.aimY))).toBe(AIM_SCALE);
      expect(Math.atan2(a.aimY, a.aimX)).toBeCloseTo(Math.atan2(dy, dx), 4);
    }
  });

  it("gives the exact axis vectors", () => {
    expect(aimVector(10, 0)).toEqual({ aimX: AIM_SCALE, aimY: 0 });
    expect(aimVector(0, -10)).toEqual({ aimX: 0, aimY: -AIM_SCALE });
  });

  it("refuses a pointer sitting on the ship", () => {
    expect(aimVector(0, 0)).toEqual(NO_AIM);
    expect(aimVector(0.2, -0.3)).toEqual(NO_AIM);
  });
});
