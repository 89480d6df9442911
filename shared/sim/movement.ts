/**
 * One ship's movement for one tick: the only part of the step a client predicts for its own
 * ship. Depends on nothing but the ship's position, the move input, the tick's step sizes and
 * the map, so the server's step and a client's rollback replay land on the same bits.
 */
import { POSITION_STEPS_PER_PX, SHIP_RADIUS } from "../constants.ts";
import type { ArenaMap } from "../map.ts";
import { clamp, resolveCircleWalls, snap } from "./geometry.ts";
import type { WorldConfig } from "./world.ts";

/** A movable position (a ship, or a client's predicted copy of one). */
export interface Position {
  x: number;
  y: number;
}

/** Moves `ship` one tick by the move input (each axis -1, 0 or 1; others clamped), in place. */
export function moveShip(
  ship: Position,
  moveX: number,
  moveY: number,
  config: Pick<WorldConfig, "shipStepUnits" | "shipDiagonalStepUnits">,
  map: Pick<ArenaMap, "width" | "height" | "walls">,
): void {
  const mx = clamp(Math.trunc(moveX) || 0, -1, 1);
  const my = clamp(Math.trunc(moveY) || 0, -1, 1);
  // Whole grid steps, so a step lands on the grid without rounding up past the speed cap.
  const units = mx !== 0 && my !== 0 ? config.shipDiagonalStepUnits : config.shipStepUnits;
  ship.x += (mx * units) / POSITION_STEPS_PER_PX;
  ship.y += (my * units) / POSITION_STEPS_PER_PX;
  resolveCircleWalls(ship, SHIP_RADIUS, map.walls);
  ship.x = snap(clamp(ship.x, 0, map.width), POSITION_STEPS_PER_PX);
  ship.y = snap(clamp(ship.y, 0, map.height), POSITION_STEPS_PER_PX);
}
