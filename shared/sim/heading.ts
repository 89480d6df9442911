/**
 * Projectile headings: a direction as an integer in [0, 65536), a full turn in 65,536 steps
 * (0.0055° each). A shot travels along its heading, not along the raw aim vector, so the 16-bit
 * number on the wire is the whole truth: a client rebuilds the same velocity from it with the
 * same two functions the step uses (at 1,080 px of flight the quantization moves a projectile
 * by at most 0.05 px from the aim).
 */

/** Steps in a full turn. */
export const HEADING_STEPS = 65536;

const RAD_PER_STEP = (2 * Math.PI) / HEADING_STEPS;

/** The heading nearest the direction (x, y) (y grows downwards); 0 for a zero vector. */
export function headingOf(x: number, y: number): number {
  const steps = Math.round(Math.atan2(y, x) / RAD_PER_STEP);
  return ((steps % HEADING_STEPS) + HEADING_STEPS) % HEADING_STEPS;
}

/** The heading in radians, [0, 2π). */
export function headingRadians(heading: number): number {
  return heading * RAD_PER_STEP;
}

/** The x part of a velocity of `speed` along `heading`, as a float32 (what the step uses). */
export function headingVx(heading: number, speed: number): number {
  return Math.fround(Math.cos(heading * RAD_PER_STEP) * speed);
}

/** The y part of a velocity of `speed` along `heading`, as a float32 (what the step uses). */
export function headingVy(heading: number, speed: number): number {
  return Math.fround(Math.sin(heading * RAD_PER_STEP) * speed);
}
