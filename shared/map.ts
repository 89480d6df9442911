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
  /** Which of {@link MAPS} this is (absent for test layouts). */
  readonly id?: MapId;
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

/** The standard arena: 16 pilots. */
export const ARENA_MAP: ArenaMap = {
  id: "standard",
  width: MAP_WIDTH,
  height: MAP_HEIGHT,
  walls: [...borderWalls(MAP_WIDTH, MAP_HEIGHT, 40), ...halfCover, ...halfCover.map(mirror), centre],
  spawns: [...halfSpawns, ...halfSpawns.map((p) => ({ x: MAP_WIDTH - p.x, y: MAP_HEIGHT - p.y }))],
};

/** The large arena's size: about 2.7 times the standard one, still inside the 16-bit wire grid. */
export const LARGE_MAP_WIDTH = 4000;
export const LARGE_MAP_HEIGHT = 2600;

/**
 * The large arena, for rooms of up to 64 pilots: the standard layout's kind of cover repeated
 * over a grid of sectors (point-symmetric, like the standard map), with spawn points spread so
 * a respawn lands away from the fight.
 */
export const LARGE_MAP: ArenaMap = (() => {
  const W = LARGE_MAP_WIDTH;
  const H = LARGE_MAP_HEIGHT;
  const cover: Rect[] = [];
  const spawns: Point[] = [];
  const cols = 5;
  const rows = 3;
  const cw = W / cols;
  const ch = H / rows;
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      const x0 = c * cw;
      const y0 = r * ch;
      // An L of cover in each sector, turned by the sector's parity, and a pillar.
      if ((c + r) % 2 === 0) {
        cover.push({ x: x0 + 180, y: y0 + 200, w: 240, h: 40 }, { x: x0 + 180, y: y0 + 200, w: 40, h: 220 });
      } else {
        cover.push(
          { x: x0 + cw - 420, y: y0 + ch - 240, w: 240, h: 40 },
          { x: x0 + cw - 220, y: y0 + ch - 460, w: 40, h: 260 },
        );
      }
      cover.push({ x: x0 + cw / 2 + 60, y: y0 + ch / 2 - 30, w: 60, h: 60 });
      spawns.push({ x: x0 + 110, y: y0 + ch - 110 }, { x: x0 + cw - 110, y: y0 + 110 });
    }
  }
  return {
    id: "large",
    width: W,
    height: H,
    walls: [...borderWalls(W, H, 40), ...cover],
    spawns,
  };
})();

/** The arenas a room can be opened on. */
export const MAPS = { standard: ARENA_MAP, large: LARGE_MAP } as const;
/** One of {@link MAPS}' keys. */
export type MapId = keyof typeof MAPS;

/** The map with id `id`, or the standard one for an unknown id. */
export function mapById(id: string): ArenaMap {
  return Object.hasOwn(MAPS, id) ? MAPS[id as MapId] : ARENA_MAP;
}
