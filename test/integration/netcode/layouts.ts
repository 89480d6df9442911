/** Map layouts the netcode tests share. */
import { borderWalls, type ArenaMap } from "../../../shared/map.ts";

/**
 * The large map's size with three spawn points: two 300 px apart and one across the map, so of
 * any three pilots one pair is near (in each other's view) and one pilot is far from both.
 */
export const NEAR_AND_FAR: ArenaMap = {
  width: 4000,
  height: 2600,
  walls: borderWalls(4000, 2600, 40),
  spawns: [
    { x: 300, y: 300 },
    { x: 3700, y: 2300 },
    { x: 600, y: 300 },
  ],
};

/** The large map's size, open (border walls only), with these spawn points. */
function openLargeField(spawns: ArenaMap["spawns"]): ArenaMap {
  return { width: 4000, height: 2600, walls: borderWalls(4000, 2600, 40), spawns };
}

/**
 * Two spawn points 200 px apart on one row: two pilots start in each other's view with 3,300 px
 * of open floor to the right.
 */
export const OPEN_ROW = openLargeField([
  { x: 300, y: 1300 },
  { x: 500, y: 1300 },
]);

/**
 * Two spawn points 1,600 px apart on one row: two pilots start out of each other's view (beyond
 * 1,450 px), within a shot's reach (900 px/s × 1.2 s = 1,080 px of flight) of coming within
 * 600 px of the other.
 */
export const FAR_ROW = openLargeField([
  { x: 300, y: 1300 },
  { x: 1900, y: 1300 },
]);
