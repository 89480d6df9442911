import { describe, expect, it } from "vitest";
import { toInputFrame, type ControlState } from "../../../client/src/input/controls.ts";
import {
  AIM_DEAD_ZONE,
  mergeControls,
  MOVE_DEAD_ZONE,
  STICK_RADIUS,
  stickDirection,
  TouchSticks,
} from "../../../client/src/input/touch-sticks.ts";
import { isTouchScreen } from "../../../client/src/input/touch-device.ts";

const W = 390;
const ship = { x: 1000, y: 600 };

describe("stickDirection", () => {
  it("maps a drag to the nearest of 8 directions", () => {
    expect(stickDirection(40, 0)).toEqual({ x: 1, y: 0 });
    expect(stickDirection(-40, 0)).toEqual({ x: -1, y: 0 });
    expect(stickDirection(0, -40)).toEqual({ x: 0, y: -1 });
    expect(stickDirection(0, 40)).toEqual({ x: 0, y: 1 });
    expect(stickDirection(30, -30)).toEqual({ x: 1, y: -1 });
    expect(stickDirection(-30, 30)).toEqual({ x: -1, y: 1 });
    expect(stickDirection(-30, -30)).toEqual({ x: -1, y: -1 });
    // 20° off the x axis is still "right"; 30° is past the 22.5° border: a diagonal.
    expect(stickDirection(40 * Math.cos(0.35), 40 * Math.sin(0.35))).toEqual({ x: 1, y: 0 });
    expect(stickDirection(40 * Math.cos(0.52), 40 * Math.sin(0.52))).toEqual({ x: 1, y: 1 });
    // -180° and +180° are both left.
    expect(stickDirection(-40, -0.001)).toEqual({ x: -1, y: 0 });
    expect(stickDirection(-40, 0.001)).toEqual({ x: -1, y: 0 });
  });

  it("gives no direction inside the dead zone, or for NaN", () => {
    expect(stickDirection(MOVE_DEAD_ZONE - 1, 0)).toEqual({ x: 0, y: 0 });
    expect(stickDirection(0, 0)).toEqual({ x: 0, y: 0 });
    expect(stickDirection(Number.NaN, 5)).toEqual({ x: 0, y: 0 });
    expect(stickDirection(MOVE_DEAD_ZONE, 0)).toEqual({ x: 1, y: 0 });
  });
});

describe("TouchSticks", () => {
  it("takes a finger on the left half as the move stick and moves the ship that way", () => {
    const s = new TouchSticks();
    expect(s.down(1, 80, 700, W)).toBe("move");
    expect(s.active).toBe(true);
    expect(toInputFrame(s.controls(ship))).toMatchObject({ moveX: 0, moveY: 0, fire: false });
    s.drag(1, 80, 660);
    expect(toInputFrame(s.controls(ship))).toMatchObject({ moveX: 0, moveY: -1, fire: false, aimX: 0, aimY: 0 });
    s.drag(1, 110, 670);
    expect(toInputFrame(s.controls(ship))).toMatchObject({ moveX: 1, moveY: -1 });
    s.up(1);
    expect(s.active).toBe(false);
    expect(s.direction()).toEqual({ x: 0, y: 0 });
  });

  it("takes a finger on the right half as the aim stick: fires while held, aims where dragged", () => {
    const s = new TouchSticks();
    expect(s.down(2, 300, 700, W)).toBe("aim");
    // Held but not dragged: fires, the server keeps the facing.
    expect(toInputFrame(s.controls(ship))).toMatchObject({ fire: true, aimX: 0, aimY: 0, moveX: 0, moveY: 0 });
    s.drag(2, 300 - 30, 700);
    const frame = toInputFrame(s.controls(ship));
    expect(frame.fire).toBe(true);
    expect(frame.aimX).toBeLessThan(0);
    expect(frame.aimY).toBe(0);
    // Drifting back inside the dead zone keeps the last aim.
    s.drag(2, 300 - AIM_DEAD_ZONE / 2, 700);
    expect(toInputFrame(s.controls(ship)).aimX).toBeLessThan(0);
    s.up(2);
    expect(s.firing()).toBe(false);
    expect(s.aimOffset()).toBeNull();
  });

  it("drives both sticks at once, and ignores a third finger", () => {
    const s = new TouchSticks();
    s.down(1, 60, 700, W);
    s.down(2, 320, 700, W);
    expect(s.down(3, 100, 500, W)).toBeNull();
    expect(s.down(4, 350, 500, W)).toBeNull();
    s.drag(1, 20, 700);
    s.drag(2, 320, 650);
    s.drag(3, 400, 400);
    const frame = toInputFrame(s.controls(ship));
    expect(frame).toMatchObject({ moveX: -1, moveY: 0, fire: true, aimX: 0 });
    expect(frame.aimY).toBeLessThan(0);
    s.release();
    expect(s.active).toBe(false);
  });

  it("keeps the knob on the rim and pulls the base along past it", () => {
    const s = new TouchSticks();
    s.down(1, 100, 700, W);
    s.drag(1, 100 + STICK_RADIUS * 3, 700);
    const v = s.views().move!;
    expect(v.knobX - v.baseX).toBeCloseTo(STICK_RADIUS);
    expect(v.baseX).toBeCloseTo(100 + STICK_RADIUS * 2);
    // Turning back is immediate: a short drag the other way already moves left.
    s.drag(1, v.baseX - MOVE_DEAD_ZONE - 1, 700);
    expect(s.direction()).toEqual({ x: -1, y: 0 });
  });

  it("forgets a finger lifted and reused", () => {
    const s = new TouchSticks();
    s.down(1, 100, 700, W);
    s.up(1);
    expect(s.down(1, 300, 700, W)).toBe("aim");
    expect(s.views().move).toBeNull();
  });
});

describe("mergeControls", () => {
  const keys: ControlState = {
    left: false,
    right: true,
    up: false,
    down: false,
    fire: false,
    ship,
    pointer: { x: 0, y: 0 },
  };
  it("ORs the movement and fire, and lets the aim stick win over the mouse", () => {
    const s = new TouchSticks();
    s.down(2, 300, 700, W);
    s.drag(2, 300, 760);
    const merged = mergeControls(keys, s.controls(ship));
    expect(merged).toMatchObject({ right: true, fire: true });
    expect(merged.pointer!.y).toBeGreaterThan(ship.y);
    expect(merged.pointer!.x).toBe(ship.x);
  });

  it("keeps the mouse aim while the aim stick is not held", () => {
    const s = new TouchSticks();
    s.down(1, 60, 700, W);
    expect(mergeControls(keys, s.controls(ship)).pointer).toEqual({ x: 0, y: 0 });
  });
});

describe("isTouchScreen", () => {
  const fake = (queries: Record<string, boolean>, maxTouchPoints: number) => ({
    matchMedia: (q: string) => ({ matches: queries[q] ?? false }) as MediaQueryList,
    navigator: { maxTouchPoints },
  });

  it("is true for a coarse main pointer, or touch points without any fine pointer", () => {
    expect(isTouchScreen(fake({ "(pointer: coarse)": true }, 5))).toBe(true);
    expect(isTouchScreen(fake({}, 5))).toBe(true);
  });

  it("is false for a mouse, and for a touch laptop with a mouse (until it is touched)", () => {
    expect(isTouchScreen(fake({ "(any-pointer: fine)": true }, 0))).toBe(false);
    expect(isTouchScreen(fake({ "(any-pointer: fine)": true }, 10))).toBe(false);
  });
});
