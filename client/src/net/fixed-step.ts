/**
 * A fixed-step accumulator: turns render frames of any length into whole simulation steps,
 * so the client sends exactly one input per server tick. After a stall (hidden tab, debugger)
 * it emits at most a few steps and drops the rest instead of bursting.
 */

/** Default cap on the steps one frame may emit. */
export const MAX_CATCH_UP_STEPS = 5;

export class FixedStep {
  private stepMs: number;
  private acc = 0;
  private last: number | null = null;

  constructor(
    tickRate: number,
    private readonly maxSteps = MAX_CATCH_UP_STEPS,
  ) {
    this.stepMs = FixedStep.msPerStep(tickRate);
  }

  private static msPerStep(tickRate: number): number {
    if (!(tickRate > 0)) throw new RangeError(`tick rate must be positive, got ${tickRate}`);
    return 1000 / tickRate;
  }

  /** Changes the step rate; time already accumulated carries over. */
  setTickRate(tickRate: number): void {
    this.stepMs = FixedStep.msPerStep(tickRate);
  }

  /**
   * Advances to `nowMs` and returns how many steps are due. The first call only starts the
   * clock and returns 1, so a new session sends its first input at once.
   */
  advance(nowMs: number): number {
    if (this.last === null) {
      this.last = nowMs;
      return 1;
    }
    const dt = nowMs - this.last;
    this.last = nowMs;
    if (dt > 0) this.acc += dt;
    let steps = Math.floor(this.acc / this.stepMs);
    if (steps > this.maxSteps) {
      steps = this.maxSteps;
      this.acc = 0;
    } else {
      this.acc -= steps * this.stepMs;
    }
    return steps;
  }

  /** Restarts the clock: the next `advance` behaves like the first. */
  reset(): void {
    this.acc = 0;
    this.last = null;
  }
}
