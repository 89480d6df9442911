/**
 * Colours of the game. Every ship is drawn in its palette colour (`SHIP_PALETTE[player.color]`,
 * shared/palette.ts): the server gives each pilot of a room an index no other pilot holds (up
 * to 16), your own ship included. Your ship is told apart by shape and label too (a white
 * bracket frame and "YOU", see ship-sprites.ts), never by colour alone.
 */
import { ARENA_BACKGROUND, ARENA_FLOOR, paletteColor, SHIP_PALETTE } from "../../../shared/palette.ts";

export { SHIP_PALETTE };

/** The marks of your own ship (frame, "YOU" label, highlighted rows): white, in no ship's colour. */
export const SELF_MARK = 0xffffff;

/** A player of unknown colour (left the room before their line arrived). */
export const UNKNOWN_PLAYER_COLOR = 0xe8eefc;

/** Interface colours. */
export const UI = {
  background: ARENA_BACKGROUND,
  floor: ARENA_FLOOR,
  panel: 0x0d1322,
  panelEdge: 0x2c3a58,
  text: "#e8eefc",
  textDim: "#8d9bb8",
  accent: "#3ef0b4",
  warning: "#ffcf5a",
  danger: "#ff6b5e",
  hpHigh: 0x4be38a,
  hpMid: 0xf7c948,
  hpLow: 0xff5a4e,
} as const;

/** The colour a ship is drawn in, from its palette index (`color` in the state). */
export function shipColor(colorIndex: number): number {
  return paletteColor(colorIndex);
}

/**
 * The colour of player `id` from a lookup of palette indices by id (the latest snapshot's
 * pilots); {@link UNKNOWN_PLAYER_COLOR} for a player not in it.
 */
export function colorOfPlayer(colors: ReadonlyMap<string, number>, id: string): number {
  const index = colors.get(id);
  return index === undefined ? UNKNOWN_PLAYER_COLOR : paletteColor(index);
}

/** `0xrrggbb` as a CSS colour string. */
export function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, "0")}`;
}

/**
 * The UI font stack. Names may hold any script and emoji, so the emoji and CJK faces of every
 * platform follow the text faces (where a face is missing the browser draws a box).
 */
export const UI_FONT =
  "system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif, " +
  "'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji'";
