import { describe, expect, it } from "vitest";
import { ciede2000, contrastRatio, deltaE2000Rgb, minPairwiseDeltaE, rgbToLab } from "../../shared/colour.ts";

/**
 * Table 1 of Sharma, Wu, Dalal (2005), "The CIEDE2000 color-difference formula: implementation
 * notes, supplementary test data, and mathematical observations": L1 a1 b1, L2 a2 b2, ΔE00.
 */
const SHARMA_PAIRS: readonly (readonly [number, number, number, number, number, number, number])[] = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe("CIEDE2000 (Sharma, Wu, Dalal 2005, Table 1)", () => {
  it.each(SHARMA_PAIRS.map((row, i) => [i + 1, row] as const))("pair %i matches to 4 decimals", (_n, row) => {
    const [L1, a1, b1, L2, a2, b2, expected] = row;
    const lab1 = { L: L1, a: a1, b: b1 };
    const lab2 = { L: L2, a: a2, b: b2 };
    // The paper rounds to 4 decimals: within half a unit of the last place, both ways round.
    expect(Math.abs(ciede2000(lab1, lab2) - expected)).toBeLessThanOrEqual(0.00005);
    expect(Math.abs(ciede2000(lab2, lab1) - expected)).toBeLessThanOrEqual(0.00005);
  });

  it("is zero for equal colours", () => {
    expect(ciede2000({ L: 40, a: 10, b: -20 }, { L: 40, a: 10, b: -20 })).toBe(0);
    expect(deltaE2000Rgb(0x123456, 0x123456)).toBe(0);
  });
});

describe("sRGB to CIELAB (D65)", () => {
  it("maps white, black and the primaries to their known values", () => {
    const near = (rgb: number, L: number, a: number, b: number): void => {
      const lab = rgbToLab(rgb);
      expect(lab.L).toBeCloseTo(L, 2);
      expect(lab.a).toBeCloseTo(a, 2);
      expect(lab.b).toBeCloseTo(b, 2);
    };
    near(0xffffff, 100, 0, 0);
    near(0x000000, 0, 0, 0);
    // Reference values: Bruce Lindbloom's calculator (sRGB, D65).
    near(0xff0000, 53.2408, 80.0925, 67.2032);
    near(0x00ff00, 87.7347, -86.1827, 83.1793);
    near(0x0000ff, 32.297, 79.1875, -107.8602);
  });

  it("measures WCAG contrast", () => {
    expect(contrastRatio(0xffffff, 0x000000)).toBeCloseTo(21, 6);
    expect(contrastRatio(0x777777, 0x777777)).toBe(1);
  });

  it("finds the closest pair of a list", () => {
    const r = minPairwiseDeltaE([0xff0000, 0x00ff00, 0xfe0000]);
    expect([r.i, r.j]).toEqual([0, 2]);
    expect(r.min).toBeLessThan(1);
  });
});
