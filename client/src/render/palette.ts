/**
 * Colours of the game. Your ship always has {@link SELF_COLOR}; every other ship gets a colour
 * from {@link SHIP_PALETTE} picked from its id, so it keeps it for the whole session.
 */

/** Your ship. */
export const SELF_COLOR = 0x3ef0b4;

/** Other ships, chosen to stay apart from each other and from {@link SELF_COLOR}. */
export const SHIP_PALETTE: readonly number[] = [
  0xff6b5e, 0xffb347, 0xf7e463, 0xc77dff, 0xff7eb6, 0x5ea8ff, 0xff9f1c, 0xa0e426, 0x9d8cff, 0xff5fa2,
];

/** Interface colours. */
export const UI = {
  background: 0x070a12,
  floor: 0x111726,
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

/** A stable palette colour for a player id (FNV-1a hash of the id). */
export function colorForId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return SHIP_PALETTE[h % SHIP_PALETTE.length] ?? 0xffffff;
}

/** The colour a ship is drawn in. */
export function shipColor(id: string, isSelf: boolean): number {
  return isSelf ? SELF_COLOR : colorForId(id);
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
