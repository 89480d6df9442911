/**
 * The ship palette: every pilot of a room has an index into {@link SHIP_PALETTE} (`color` in
 * the state), unique in the room while it has at most {@link PALETTE_SIZE} pilots (see
 * `leastUsedColor` in sim/roster.ts). Colour maths: colour.ts.
 */

/** The arena floor the ships fly over (the client's `UI.floor`). */
export const ARENA_FLOOR = 0x111726;
/** The page and outside-the-arena background (the client's `UI.background`). */
export const ARENA_BACKGROUND = 0x070a12;

/** Colours in the palette: the most pilots a standard room seats. */
export const PALETTE_SIZE = 16;

/**
 * Sixteen ship colours, as far apart as the search found: the smallest CIEDE2000 difference
 * between any two is 24.4538 (0xffabda / 0xafbeff; {@link PALETTE_MIN_DELTA_E}).
 *
 * Legibility floor (every colour): WCAG contrast at least 4.5:1 against the floor 0x111726
 * (so at least 4.98:1 against the background 0x070a12; every L* ≥ 53.4), and CIELAB chroma
 * C* ≥ 30 (no greys or whites: a white hull is the hit flash, and white marks your own ship).
 *
 * Found by `npx tsx scripts/palette-search.ts` (its defaults: the sRGB grid in steps of 5 per
 * channel, 12 starts of greedy farthest-point selection, each improved by swap descent with 30
 * perturbations, then refined on the 1-step grid; about 11 minutes on one core), and ordered
 * so that every prefix is spread too: small rooms get the most distinct colours.
 */
export const SHIP_PALETTE: readonly number[] = [
  0x925ffe, 0x8e8300, 0x42ffdc, 0xff0b2f, 0xffabda, 0x008f8a, 0xffffc3, 0x00d7ff, 0x31ff00, 0xffb093, 0xfeb800,
  0x02a136, 0x0386cc, 0xc36800, 0xf40195, 0xafbeff,
];

/** The least CIEDE2000 difference between two palette colours (24.4538, rounded down). */
export const PALETTE_MIN_DELTA_E = 24.45;

/** The least WCAG contrast of a palette colour against {@link ARENA_FLOOR}. */
export const PALETTE_MIN_CONTRAST = 4.5;
/** The least CIELAB chroma of a palette colour. */
export const PALETTE_MIN_CHROMA = 30;

/** The `0xrrggbb` colour of palette index `index` (indices beyond the palette wrap). */
export function paletteColor(index: number): number {
  const n = SHIP_PALETTE.length;
  return SHIP_PALETTE[((Math.trunc(index) % n) + n) % n] ?? 0xffffff;
}
