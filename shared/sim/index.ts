/** The deterministic simulation: world data, the step, and roster operations. */
export * from "./world.ts";
export * from "./step.ts";
export * from "./movement.ts";
export * from "./roster.ts";
export * from "./rng.ts";
export * from "./geometry.ts";
export * from "./heading.ts";
