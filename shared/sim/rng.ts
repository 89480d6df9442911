/**
 * A seeded pseudo-random generator (mulberry32) whose whole state is one 32-bit integer kept
 * inside the world, so a match replays exactly from its seed and inputs.
 */

/** The generator state; lives in `World.rng`. */
export interface RngState {
  seed: number;
}

/** Creates generator state from any 32-bit seed. */
export function createRng(seed: number): RngState {
  return { seed: seed >>> 0 };
}

/** Returns a float in [0, 1) and advances the state. */
export function nextFloat(rng: RngState): number {
  rng.seed = (rng.seed + 0x6d2b79f5) >>> 0;
  let t = rng.seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Returns an integer in [0, n) and advances the state. */
export function nextInt(rng: RngState, n: number): number {
  return Math.floor(nextFloat(rng) * n);
}
