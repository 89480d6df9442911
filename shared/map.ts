/**
 * The arena: its walls and spawn points, defined once and used by the server's simulation,
 * the client's renderer and (later) the client's prediction.
 */
import { MAP_HEIGHT, MAP_WIDTH } from "./constants.ts";

/** An axis-aligned solid rectangle, in px. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A point in px. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A playable arena layout. */
export interface ArenaMap {
  readonly width: number;
  readonly height: number;
  readonly walls: readonly Rect[];
  readonly spawns: readonly Point[];
}

/** Four walls of thickness `t` around a `width` × `height` field, so nothing leaves it. */
export function borderWalls(width: number, height: number, t: number): Rect[] {
  return [
    { x: 0, y: 0, w: width, h: t },
    { x: 0, y: height - t, w: width, h: t },
    { x: 0, y: t, w: t, h: height - 2 * t },
    { x: width - t, y: t, w: t, h: height - 2 * t },
  ];
}

/** Cover, laid out point-symmetrically around the centre so no side is favoured. */
const halfCover: Rect[] = [
  { x: 300, y: 260, w: 220, h: 40 },
  { x: 300, y: 260, w: 40, h: 200 },
  { x: 760, y: 180, w: 40, h: 300 },
  { x: 1060, y: 420, w: 280, h: 40 },
  { x: 520, y: 700, w: 200, h: 40 },
  { x: 200, y: 980, w: 40, h: 260 },
  { x: 960, y: 1120, w: 40, h: 220 },
];

function mirror(r: Rect): Rect {
  return { x: MAP_WIDTH - r.x - r.w, y: MAP_HEIGHT - r.y - r.h, w: r.w, h: r.h };
}

/** The centre block. */
const centre: Rect = { x: MAP_WIDTH / 2 - 70, y: MAP_HEIGHT / 2 - 70, w: 140, h: 140 };

const halfSpawns: Point[] = [
  { x: 140, y: 140 },
  { x: 600, y: 120 },
  { x: 1100, y: 140 },
  { x: 140, y: 620 },
  { x: 420, y: 860 },
  { x: 140, y: 1460 },
  { x: 700, y: 1460 },
  { x: 1000, y: 640 },
];

/** The one arena of the game. */
export const ARENA_MAP: ArenaMap = {
  width: MAP_WIDTH,
  height: MAP_HEIGHT,
  walls: [...borderWalls(MAP_WIDTH, MAP_HEIGHT, 40), ...halfCover, ...halfCover.map(mirror), centre],
  spawns: [...halfSpawns, ...halfSpawns.map((p) => ({ x: MAP_WIDTH - p.x, y: MAP_HEIGHT - p.y }))],
};
