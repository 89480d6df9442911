/**
 * Turns raw control state (keys held, pointer position) into the input frame the server
 * consumes each tick. Engine-free, so it is tested without a browser.
 */
import { AIM_SCALE } from "../../../shared/constants.ts";
import type { Point } from "../../../shared/map.ts";
import type { InputFrame } from "../../../shared/sim/step.ts";

/** Controls held during one frame. */
export interface ControlState {
  readonly left: boolean;
  readonly right: boolean;
  readonly up: boolean;
  readonly down: boolean;
  readonly fire: boolean;
  /** Where the ship is drawn, in world coordinates (null when there is no ship). */
  readonly ship: Point | null;
  /** Where the pointer is, in world coordinates (null when unknown). */
  readonly pointer: Point | null;
}

/** An aim vector on the wire: integer components, the larger one at ±AIM_SCALE. */
export interface Aim {
  readonly aimX: number;
  readonly aimY: number;
}

/** No aim: the server keeps the ship's last facing. */
export const NO_AIM: Aim = { aimX: 0, aimY: 0 };

/** Pointer closer to the ship than this (px) gives no usable direction. */
const MIN_AIM_DISTANCE = 1;

/** Scales a direction so its larger component is ±AIM_SCALE (integers), or NO_AIM if it is too short. */
export function aimVector(dx: number, dy: number): Aim {
  const m = Math.max(Math.abs(dx), Math.abs(dy));
  if (!(m >= MIN_AIM_DISTANCE)) return NO_AIM;
  // `+ 0` turns -0 into 0 so equal frames compare equal.
  return { aimX: Math.round((dx / m) * AIM_SCALE) + 0, aimY: Math.round((dy / m) * AIM_SCALE) + 0 };
}

/** -1, 0 or 1 from a pair of opposing keys. */
function axis(negative: boolean, positive: boolean): number {
  return (positive ? 1 : 0) - (negative ? 1 : 0);
}

/** The input frame for one tick. */
export function toInputFrame(c: ControlState): InputFrame {
  const aim =
    c.ship !== null && c.pointer !== null ? aimVector(c.pointer.x - c.ship.x, c.pointer.y - c.ship.y) : NO_AIM;
  return {
    moveX: axis(c.left, c.right),
    moveY: axis(c.up, c.down),
    aimX: aim.aimX,
    aimY: aim.aimY,
    fire: c.fire,
  };
}

/** The idle frame: no movement, no aim change, trigger released. */
export const IDLE_FRAME: InputFrame = { moveX: 0, moveY: 0, aimX: 0, aimY: 0, fire: false };
