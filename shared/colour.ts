/**
 * Colour science for the ship palette: sRGB → CIELAB (D65, 2° observer), the CIEDE2000 colour
 * difference (ΔE00) and the WCAG contrast ratio. Pure functions; no engine types.
 *
 * CIEDE2000 follows G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula:
 * implementation notes, supplementary test data, and mathematical observations", Color Research
 * and Application 30(1), 21–30, 2005 (equations 1–22; kL = kC = kH = 1 by default).
 */

/** A CIELAB colour: L* in [0, 100], a* and b* roughly in [-128, 127]. */
export interface Lab {
  readonly L: number;
  readonly a: number;
  readonly b: number;
}

/** D65 reference white (Y = 1), from the sRGB primaries (IEC 61966-2-1). */
const WHITE_X = 0.95047;
const WHITE_Y = 1;
const WHITE_Z = 1.08883;

/** An sRGB channel (0–1, gamma-encoded) to linear light. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** `0xrrggbb` to linear-light r, g, b in [0, 1]. */
function linearRgb(rgb: number): [number, number, number] {
  return [
    srgbToLinear(((rgb >> 16) & 0xff) / 255),
    srgbToLinear(((rgb >> 8) & 0xff) / 255),
    srgbToLinear((rgb & 0xff) / 255),
  ];
}

/** CIE XYZ (D65, Y of white = 1) of an `0xrrggbb` sRGB colour. */
export function rgbToXyz(rgb: number): [number, number, number] {
  const [r, g, b] = linearRgb(rgb);
  return [
    0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
    0.2126729 * r + 0.7151522 * g + 0.072175 * b,
    0.0193339 * r + 0.119192 * g + 0.9503041 * b,
  ];
}

const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

function labF(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

/** CIELAB (D65) of an `0xrrggbb` sRGB colour. */
export function rgbToLab(rgb: number): Lab {
  const [x, y, z] = rgbToXyz(rgb);
  const fx = labF(x / WHITE_X);
  const fy = labF(y / WHITE_Y);
  const fz = labF(z / WHITE_Z);
  return { L: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

/** WCAG 2 relative luminance of an `0xrrggbb` sRGB colour. */
export function relativeLuminance(rgb: number): number {
  const [r, g, b] = linearRgb(rgb);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two `0xrrggbb` colours, in [1, 21]. */
export function contrastRatio(a: number, b: number): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const DEG = Math.PI / 180;
/** 25^7, the constant of G and R_C. */
const POW25_7 = 6103515625;

function pow7(x: number): number {
  const x2 = x * x;
  return x2 * x2 * x2 * x;
}

/** Hue angle in degrees, [0, 360); 0 where a and b are both 0 (Sharma et al., eq. 4). */
function hueDegrees(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

/**
 * The CIEDE2000 colour difference ΔE00 between two CIELAB colours (Sharma, Wu, Dalal 2005,
 * eq. 1–22). Symmetric; 0 for equal colours. The parametric factors default to 1.
 */
export function ciede2000(lab1: Lab, lab2: Lab, kL = 1, kC = 1, kH = 1): number {
  const { L: L1, a: a1, b: b1 } = lab1;
  const { L: L2, a: a2, b: b2 } = lab2;

  // 1. a', C', h'
  const Cab1 = Math.sqrt(a1 * a1 + b1 * b1);
  const Cab2 = Math.sqrt(a2 * a2 + b2 * b2);
  const CabMean = (Cab1 + Cab2) / 2;
  const CabMean7 = pow7(CabMean);
  const G = 0.5 * (1 - Math.sqrt(CabMean7 / (CabMean7 + POW25_7)));
  const ap1 = (1 + G) * a1;
  const ap2 = (1 + G) * a2;
  const Cp1 = Math.sqrt(ap1 * ap1 + b1 * b1);
  const Cp2 = Math.sqrt(ap2 * ap2 + b2 * b2);
  const hp1 = hueDegrees(b1, ap1);
  const hp2 = hueDegrees(b2, ap2);

  // 2. ΔL', ΔC', ΔH'
  const dLp = L2 - L1;
  const dCp = Cp2 - Cp1;
  const chromaProduct = Cp1 * Cp2;
  let dhp = 0;
  if (chromaProduct !== 0) {
    dhp = hp2 - hp1;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(chromaProduct) * Math.sin((dhp / 2) * DEG);

  // 3. Weighting functions and the rotation term.
  const LpMean = (L1 + L2) / 2;
  const CpMean = (Cp1 + Cp2) / 2;
  let hpMean = hp1 + hp2;
  if (chromaProduct !== 0) {
    if (Math.abs(hp1 - hp2) <= 180) hpMean /= 2;
    else if (hpMean < 360) hpMean = (hpMean + 360) / 2;
    else hpMean = (hpMean - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos((hpMean - 30) * DEG) +
    0.24 * Math.cos(2 * hpMean * DEG) +
    0.32 * Math.cos((3 * hpMean + 6) * DEG) -
    0.2 * Math.cos((4 * hpMean - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hpMean - 275) / 25) ** 2));
  const CpMean7 = pow7(CpMean);
  const RC = 2 * Math.sqrt(CpMean7 / (CpMean7 + POW25_7));
  const L50 = (LpMean - 50) ** 2;
  const SL = 1 + (0.015 * L50) / Math.sqrt(20 + L50);
  const SC = 1 + 0.045 * CpMean;
  const SH = 1 + 0.015 * CpMean * T;
  const RT = -Math.sin(2 * dTheta * DEG) * RC;

  const l = dLp / (kL * SL);
  const c = dCp / (kC * SC);
  const h = dHp / (kH * SH);
  return Math.sqrt(l * l + c * c + h * h + RT * c * h);
}

/** ΔE00 between two `0xrrggbb` sRGB colours. */
export function deltaE2000Rgb(a: number, b: number): number {
  return ciede2000(rgbToLab(a), rgbToLab(b));
}

/** The smallest ΔE00 between any two of `colors` (`0xrrggbb`), and which pair (Infinity if < 2). */
export function minPairwiseDeltaE(colors: readonly number[]): { min: number; i: number; j: number } {
  const labs = colors.map(rgbToLab);
  let min = Infinity;
  let bi = -1;
  let bj = -1;
  for (let i = 0; i < labs.length; i++) {
    for (let j = i + 1; j < labs.length; j++) {
      const d = ciede2000(labs[i]!, labs[j]!);
      if (d < min) {
        min = d;
        bi = i;
        bj = j;
      }
    }
  }
  return { min, i: bi, j: bj };
}
