/**
 * The ship palette: sixteen colours, every pair at least PALETTE_MIN_DELTA_E apart in
 * CIEDE2000, each legible on the dark arena (the floor the palette search kept to).
 */
import { describe, expect, it } from "vitest";
import { MAX_PLAYERS } from "../../shared/constants.ts";
import { contrastRatio, deltaE2000Rgb, minPairwiseDeltaE, rgbToLab } from "../../shared/colour.ts";
import {
  ARENA_BACKGROUND,
  ARENA_FLOOR,
  PALETTE_MIN_CHROMA,
  PALETTE_MIN_CONTRAST,
  PALETTE_MIN_DELTA_E,
  PALETTE_SIZE,
  paletteColor,
  SHIP_PALETTE,
} from "../../shared/palette.ts";

describe("ship palette", () => {
  it("has a colour for every pilot of a standard room", () => {
    expect(SHIP_PALETTE).toHaveLength(PALETTE_SIZE);
    expect(PALETTE_SIZE).toBe(MAX_PLAYERS);
    expect(new Set(SHIP_PALETTE).size).toBe(PALETTE_SIZE);
    for (const c of SHIP_PALETTE) expect(Number.isInteger(c) && c >= 0 && c <= 0xffffff).toBe(true);
  });

  it(`keeps every pair of colours at least ΔE00 ${PALETTE_MIN_DELTA_E} apart`, () => {
    expect(PALETTE_MIN_DELTA_E).toBeGreaterThanOrEqual(20);
    for (let i = 0; i < SHIP_PALETTE.length; i++) {
      for (let j = i + 1; j < SHIP_PALETTE.length; j++) {
        const d = deltaE2000Rgb(SHIP_PALETTE[i]!, SHIP_PALETTE[j]!);
        expect(d, `${i}/${j}`).toBeGreaterThanOrEqual(PALETTE_MIN_DELTA_E);
      }
    }
    // The figure in the palette's comment.
    expect(minPairwiseDeltaE(SHIP_PALETTE).min).toBeCloseTo(24.4538, 4);
  });

  it("reads on the arena: contrast ≥ 4.5:1 on the floor and the background, and no greys", () => {
    for (const c of SHIP_PALETTE) {
      expect(contrastRatio(c, ARENA_FLOOR)).toBeGreaterThanOrEqual(PALETTE_MIN_CONTRAST);
      expect(contrastRatio(c, ARENA_BACKGROUND)).toBeGreaterThanOrEqual(PALETTE_MIN_CONTRAST);
      const { a, b } = rgbToLab(c);
      expect(Math.hypot(a, b)).toBeGreaterThanOrEqual(PALETTE_MIN_CHROMA);
    }
  });

  it("spreads every prefix: the first few pilots of a room get the most distinct colours", () => {
    // Greedy order: a prefix of k colours is at least as spread as the whole palette.
    for (let k = 2; k <= PALETTE_SIZE; k++) {
      expect(minPairwiseDeltaE(SHIP_PALETTE.slice(0, k)).min).toBeGreaterThanOrEqual(PALETTE_MIN_DELTA_E);
    }
    expect(minPairwiseDeltaE(SHIP_PALETTE.slice(0, 4)).min).toBeGreaterThan(40);
  });

  it("wraps indices beyond the palette", () => {
    expect(paletteColor(0)).toBe(SHIP_PALETTE[0]);
    expect(paletteColor(PALETTE_SIZE + 3)).toBe(SHIP_PALETTE[3]);
    expect(paletteColor(-1)).toBe(SHIP_PALETTE[PALETTE_SIZE - 1]);
  });
});
