/**
 * The one place the client reaches into `@colyseus/sdk` internals, verified on 0.18.4 (pinned
 * exactly in package.json; `test/unit/client/sdk-seam.test.ts` fails if it changes).
 *
 * `Predict.tick(now)` paces inputs: it returns how many fixed steps are due this frame, but at
 * most `Predict.MAX_STEPS_PER_FRAME` (5), dropping the rest. At 5 fps a frame spans six ticks,
 * so one tick in six would never be sent and a held key would move the ship only part of the
 * way. We raise the cap to the server's input buffer (8 ticks: frames down to ~4 fps lose
 * nothing); longer stalls (a hidden tab) still drop the backlog instead of bursting it.
 */
import { Predict } from "@colyseus/sdk/predict";

/** The @colyseus/sdk version this module was verified on. */
export const VERIFIED_COLYSEUS_SDK = "0.18.4";

/** Sets how many fixed steps one `predict.tick(now)` may return. */
export function setMaxStepsPerFrame(steps: number): void {
  const statics = Predict as unknown as { MAX_STEPS_PER_FRAME?: unknown };
  if (typeof statics.MAX_STEPS_PER_FRAME !== "number") {
    throw new Error(`Predict.MAX_STEPS_PER_FRAME is missing (verified on @colyseus/sdk ${VERIFIED_COLYSEUS_SDK})`);
  }
  statics.MAX_STEPS_PER_FRAME = steps;
}

/** The current cap (for tests). */
export function maxStepsPerFrame(): number {
  return (Predict as unknown as { MAX_STEPS_PER_FRAME: number }).MAX_STEPS_PER_FRAME;
}
