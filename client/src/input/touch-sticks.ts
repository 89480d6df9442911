/**
 * Two virtual thumb sticks for touch screens, engine-free (the Phaser side is
 * touch-input.ts), so they are tested without a browser:
 *
 * - a finger that lands on the left half of the screen is the **move** stick: its base is where
 *   it landed, and dragging it gives one of 8 directions (the move input is -1/0/1 per axis),
 *   nothing inside the dead zone;
 * - a finger that lands on the right half is the **aim** stick: dragging aims that way, and the
 *   gun fires for as long as the finger is down (a finger held still keeps the last aim).
 *
 * A finger dragged past the base's rim pulls the base along, so turning back is immediate.
 * More fingers than two are ignored.
 */
import type { Point } from "../../../shared/map.ts";
import type { ControlState } from "./controls.ts";

/** Radius of a stick's base, CSS px (the knob never goes further from its centre). */
export const STICK_RADIUS = 52;
/** A move drag shorter than this (px) is no movement: a resting thumb does not drift. */
export const MOVE_DEAD_ZONE = 14;
/** An aim drag shorter than this (px) keeps the previous aim. */
export const AIM_DEAD_ZONE = 8;

/** -1, 0 or 1 on each axis. */
export interface Direction {
  readonly x: -1 | 0 | 1;
  readonly y: -1 | 0 | 1;
}

const NONE: Direction = { x: 0, y: 0 };
/** The 8 directions by 45° sector, starting at +x (right) and turning towards +y (down). */
const SECTORS: readonly Direction[] = [
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
  { x: -1, y: 1 },
  { x: -1, y: 0 },
  { x: -1, y: -1 },
  { x: 0, y: -1 },
  { x: 1, y: -1 },
];

/** The 8-way direction of a drag by (`dx`, `dy`) px: the nearest of 8, or none inside `deadZone`. */
export function stickDirection(dx: number, dy: number, deadZone = MOVE_DEAD_ZONE): Direction {
  if (!(Math.hypot(dx, dy) >= deadZone) || deadZone < 0) return NONE;
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return SECTORS[((sector % 8) + 8) % 8]!;
}

/** What one stick shows: where its base is and where its knob is, screen px. */
export interface StickView {
  readonly baseX: number;
  readonly baseY: number;
  readonly knobX: number;
  readonly knobY: number;
}

interface Finger {
  readonly id: number;
  baseX: number;
  baseY: number;
  x: number;
  y: number;
}

export type StickKind = "move" | "aim";

export class TouchSticks {
  private move: Finger | null = null;
  private aim: Finger | null = null;
  /** The last aim direction dragged (kept while the finger rests), or null. */
  private lastAim: Point | null = null;

  constructor(private readonly radius = STICK_RADIUS) {}

  /** A finger `id` landed at (`x`, `y`) on a screen `width` px wide: which stick it took, if any. */
  down(id: number, x: number, y: number, width: number): StickKind | null {
    if (this.move?.id === id || this.aim?.id === id) this.up(id);
    const finger: Finger = { id, baseX: x, baseY: y, x, y };
    if (x < width / 2) {
      if (this.move !== null) return null;
      this.move = finger;
      return "move";
    }
    if (this.aim !== null) return null;
    this.aim = finger;
    return "aim";
  }

  /** Finger `id` moved to (`x`, `y`). */
  drag(id: number, x: number, y: number): void {
    const f = this.move?.id === id ? this.move : this.aim?.id === id ? this.aim : null;
    if (f === null) return;
    f.x = x;
    f.y = y;
    const dx = x - f.baseX;
    const dy = y - f.baseY;
    const d = Math.hypot(dx, dy);
    if (d > this.radius) {
      // Past the rim: the base follows the finger.
      f.baseX = x - (dx / d) * this.radius;
      f.baseY = y - (dy / d) * this.radius;
    }
    if (f === this.aim && d >= AIM_DEAD_ZONE) this.lastAim = { x: dx, y: dy };
  }

  /** Finger `id` lifted (or the touch was cancelled). */
  up(id: number): void {
    if (this.move?.id === id) this.move = null;
    if (this.aim?.id === id) this.aim = null;
  }

  /** Every finger lifted (the page lost focus). */
  release(): void {
    this.move = null;
    this.aim = null;
  }

  /** True while any finger holds a stick. */
  get active(): boolean {
    return this.move !== null || this.aim !== null;
  }

  /** The move stick's 8-way direction. */
  direction(): Direction {
    const f = this.move;
    return f === null ? NONE : stickDirection(f.x - f.baseX, f.y - f.baseY);
  }

  /** True while the aim stick is held. */
  firing(): boolean {
    return this.aim !== null;
  }

  /** The aim direction (screen px, any length) while the aim stick is held and has been dragged. */
  aimOffset(): Point | null {
    return this.aim === null ? null : this.lastAim;
  }

  /** Both sticks as drawn (null for a stick no finger holds). */
  views(): { readonly move: StickView | null; readonly aim: StickView | null } {
    return { move: this.view(this.move), aim: this.view(this.aim) };
  }

  /**
   * The controls the sticks hold, for a ship drawn at `ship` (world coordinates): the aim is
   * turned into a pointer position ahead of the ship, as the mouse would be.
   */
  controls(ship: Point | null): ControlState {
    const dir = this.direction();
    const aim = this.aimOffset();
    return {
      left: dir.x < 0,
      right: dir.x > 0,
      up: dir.y < 0,
      down: dir.y > 0,
      fire: this.firing(),
      ship,
      pointer: ship !== null && aim !== null ? { x: ship.x + aim.x, y: ship.y + aim.y } : null,
    };
  }

  private view(f: Finger | null): StickView | null {
    if (f === null) return null;
    const dx = f.x - f.baseX;
    const dy = f.y - f.baseY;
    const d = Math.hypot(dx, dy);
    const k = d > this.radius ? this.radius / d : 1;
    return { baseX: f.baseX, baseY: f.baseY, knobX: f.baseX + dx * k, knobY: f.baseY + dy * k };
  }
}

/**
 * Keyboard-and-mouse controls and touch controls together: a key or a stick moves, either
 * fires, and the aim stick (while held and dragged) wins over the mouse.
 */
export function mergeControls(keys: ControlState, touch: ControlState): ControlState {
  return {
    left: keys.left || touch.left,
    right: keys.right || touch.right,
    up: keys.up || touch.up,
    down: keys.down || touch.down,
    fire: keys.fire || touch.fire,
    ship: keys.ship,
    pointer: touch.pointer ?? keys.pointer,
  };
}
