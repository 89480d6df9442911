/**
 * Collision geometry of the simulation: circles against axis-aligned walls, and moving points
 * (projectiles) against walls and circles. Only +, -, *, / and sqrt, which IEEE 754 defines
 * exactly, so every JavaScript engine computes the same bits.
 */
import type { Rect } from "../map.ts";

/** A mutable 2D position. */
export interface Vec {
  x: number;
  y: number;
}

/**
 * Pushes a circle out of every wall it overlaps, in place. Walls are axis-aligned, so the push
 * goes along the shortest axis from the closest point of the rectangle.
 */
export function resolveCircleWalls(p: Vec, radius: number, walls: readonly Rect[]): void {
  for (const w of walls) {
    const cx = clamp(p.x, w.x, w.x + w.w);
    const cy = clamp(p.y, w.y, w.y + w.h);
    const dx = p.x - cx;
    const dy = p.y - cy;
    const d2 = dx * dx + dy * dy;
    if (d2 >= radius * radius) continue;
    if (d2 > 0) {
      const d = Math.sqrt(d2);
      p.x = cx + (dx / d) * radius;
      p.y = cy + (dy / d) * radius;
    } else {
      // Centre inside the rectangle: leave through the nearest side.
      const left = p.x - w.x;
      const right = w.x + w.w - p.x;
      const top = p.y - w.y;
      const bottom = w.y + w.h - p.y;
      const m = Math.min(left, right, top, bottom);
      if (m === left) p.x = w.x - radius;
      else if (m === right) p.x = w.x + w.w + radius;
      else if (m === top) p.y = w.y - radius;
      else p.y = w.y + w.h + radius;
    }
  }
}

/** True when a circle overlaps any wall. */
export function circleHitsWalls(x: number, y: number, radius: number, walls: readonly Rect[]): boolean {
  for (const w of walls) {
    const dx = x - clamp(x, w.x, w.x + w.w);
    const dy = y - clamp(y, w.y, w.y + w.h);
    if (dx * dx + dy * dy < radius * radius) return true;
  }
  return false;
}

/**
 * Earliest fraction t in [0, 1] at which the segment a→a+d enters a wall grown by `radius`
 * (slab test), or Infinity when it enters none.
 */
export function sweepWalls(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  radius: number,
  walls: readonly Rect[],
): number {
  let best = Infinity;
  for (const w of walls) {
    const t = sweepRect(ax, ay, dx, dy, w.x - radius, w.y - radius, w.x + w.w + radius, w.y + w.h + radius);
    if (t < best) best = t;
  }
  return best;
}

function sweepRect(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  let tMin = 0;
  let tMax = 1;
  if (dx === 0) {
    if (ax < x0 || ax > x1) return Infinity;
  } else {
    let t0 = (x0 - ax) / dx;
    let t1 = (x1 - ax) / dx;
    if (t0 > t1) [t0, t1] = [t1, t0];
    tMin = Math.max(tMin, t0);
    tMax = Math.min(tMax, t1);
  }
  if (dy === 0) {
    if (ay < y0 || ay > y1) return Infinity;
  } else {
    let t0 = (y0 - ay) / dy;
    let t1 = (y1 - ay) / dy;
    if (t0 > t1) [t0, t1] = [t1, t0];
    tMin = Math.max(tMin, t0);
    tMax = Math.min(tMax, t1);
  }
  return tMin <= tMax ? tMin : Infinity;
}

/**
 * Earliest fraction t in [0, 1] at which the segment a→a+d comes within `radius` of point c,
 * or Infinity when it never does.
 */
export function sweepCircle(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  cx: number,
  cy: number,
  radius: number,
): number {
  const fx = ax - cx;
  const fy = ay - cy;
  const c = fx * fx + fy * fy - radius * radius;
  if (c <= 0) return 0;
  const a = dx * dx + dy * dy;
  if (a === 0) return Infinity;
  const b = fx * dx + fy * dy;
  const disc = b * b - a * c;
  if (disc < 0) return Infinity;
  const t = (-b - Math.sqrt(disc)) / a;
  return t >= 0 && t <= 1 ? t : Infinity;
}

/** Clamps v into [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Rounds a coordinate onto the simulation's position grid (`steps` per px). */
export function snap(v: number, steps: number): number {
  return Math.round(v * steps) / steps;
}
