/**
 * The open field some measurements run on (see field-server.ts): the arena's size with only its
 * border walls, and two spawns 110 px apart, so a duel lane and a flight loop have no cover.
 */
import { borderWalls, type ArenaMap } from "../../shared/map.ts";

export const FIELD: ArenaMap = {
  width: 2400,
  height: 1600,
  walls: borderWalls(2400, 1600, 40),
  spawns: [
    { x: 1200, y: 800 },
    { x: 1200, y: 690 },
  ],
};
