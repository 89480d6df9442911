/**
 * Keeps a client's input buffer from creeping deeper, which would add latency to every one of
 * its inputs for the rest of the match.
 *
 * Why it is needed: the room consumes one input per step. When an input arrives late the step
 * finds the buffer empty and consumes nothing, and when the late input lands with the next
 * one the buffer is one deeper than before, for good: each network hiccup adds a tick of
 * latency until the buffer is full (we measured input-to-ack p50 rising from ~45 ms to
 * ~170 ms under load). Colyseus's buffer only drops on overflow. So, like an adaptive jitter
 * buffer, we watch the depth left after each step's consumption over a window; if it never
 * went below k during the whole window, k inputs were pure surplus, and the oldest k are
 * dropped. A client whose inputs jitter keeps its cushion; one whose buffer only grew loses
 * the excess. Dropping never moves a ship more than one step per tick.
 *
 * Only idle inputs are dropped (no move, no fire; see {@link idlePrefix}): the client predicts
 * its own ship from every input it sent, so dropping one that moves would put the server a
 * step away from the prediction. Dropping an idle one changes nothing the client predicts, so
 * reconciliation stays exact; a player who never stops moving keeps the extra tick of input
 * latency a little longer, which prediction hides anyway.
 */

/** Tracks one client's buffer depth over a window of steps. */
export class InputSurplusTrimmer {
  private minDepth = Number.POSITIVE_INFINITY;
  private steps = 0;

  /** @param windowSteps steps per observation window (about one second of ticks) */
  constructor(private readonly windowSteps: number) {
    if (!(windowSteps >= 1)) throw new RangeError("windowSteps must be at least 1");
  }

  /**
   * Call once per step after consuming that step's input, with the inputs still buffered.
   * Returns how many of the oldest buffered inputs to drop now (0 except at a window's end).
   */
  afterStep(depthLeft: number): number {
    if (depthLeft < this.minDepth) this.minDepth = depthLeft;
    this.steps += 1;
    if (this.steps < this.windowSteps) return 0;
    const surplus = this.minDepth;
    this.steps = 0;
    this.minDepth = Number.POSITIVE_INFINITY;
    return Math.max(0, Math.min(surplus, depthLeft));
  }
}

/** The move and fire fields of a buffered input. */
export interface TrimmableInput {
  readonly moveX: number;
  readonly moveY: number;
  readonly fire: boolean;
}

/** How many of the oldest `frames` (at most `max`) are idle: no move, no fire. */
export function idlePrefix(frames: readonly TrimmableInput[], max: number): number {
  let n = 0;
  while (n < max && n < frames.length) {
    const f = frames[n]!;
    if (f.moveX !== 0 || f.moveY !== 0 || f.fire) break;
    n += 1;
  }
  return n;
}

/**
 * Catch-up credit of one client: a tick that found no input of it (the input arrived late)
 * earns one credit, up to `max`, once the client has sent its first frame; when later frames wait in the buffer, a credit lets the room
 * apply one extra frame in a tick. So a client whose inputs were held up by the network gets
 * them all applied, none dropped (its prediction stays exact) and its buffer does not stay one
 * deeper (no latency creep), while the frames applied never outnumber the ticks elapsed: a
 * client that sends too many frames is never starved, earns nothing and moves no faster.
 * Source engine servers bound user commands by elapsed time the same way.
 */
export class CatchUpCredit {
  private credit = 0;
  /** False until the client's first frame: ticks before it are not late frames. */
  private started = false;

  constructor(private readonly max: number) {}

  /** The tick consumed a frame of this client. */
  consumed(): void {
    this.started = true;
  }

  /** The tick found no frame of this client; it counts once the client has started sending. */
  starved(): void {
    if (this.started && this.credit < this.max) this.credit += 1;
  }

  /** Starts over (a reconnected client: the ticks it was away were not late frames). */
  reset(): void {
    this.credit = 0;
    this.started = false;
  }

  /** True, spending a credit, when one extra waiting frame may be applied this tick. */
  spend(): boolean {
    if (this.credit <= 0) return false;
    this.credit -= 1;
    return true;
  }
}

/**
 * Frames a client may keep waiting beyond the one a tick consumes before late ones are caught
 * up (see {@link InputPacer.take}): one tick (33 ms) of input latency on the server, which
 * prediction hides from the player, for motion that other players see without stalls and
 * double steps when frames arrive in pairs or with jitter.
 */
export const JITTER_CUSHION_FRAMES = 1;

/** The input-buffer operations pacing needs (Colyseus's per-client input accessor has them). */
export interface PacedBuffer<F> {
  next(): F | undefined;
  readonly size: number;
  peek(): F[];
  take(n: number): unknown;
}

/**
 * One client's input pacing, once per tick: one frame (two while catching up late ones, see
 * {@link CatchUpCredit}), then idle surplus trimmed (see {@link InputSurplusTrimmer}).
 */
export class InputPacer {
  private readonly trimmer: InputSurplusTrimmer;
  private readonly credit: CatchUpCredit;

  /** @param windowSteps the trimmer's window (about a second of ticks); @param maxCredit frames catchable */
  constructor(windowSteps: number, maxCredit: number) {
    this.trimmer = new InputSurplusTrimmer(windowSteps);
    this.credit = new CatchUpCredit(maxCredit);
  }

  /** The frame(s) this client's ship applies this tick, in order; undefined when none waits. */
  take<F extends TrimmableInput>(buffer: PacedBuffer<F>): F | [F, F] | undefined {
    const frame = buffer.next();
    let applied: F | [F, F] | undefined;
    if (frame === undefined) {
      this.credit.starved();
    } else {
      this.credit.consumed();
      // Catch up only beyond a one-frame cushion: a client whose frames arrive unevenly (two
      // to a message, or over a jittery link) keeps one frame in hand, so the tick that would
      // have found none still moves its ship one step instead of none now and two next tick.
      applied = buffer.size > JITTER_CUSHION_FRAMES && this.credit.spend() ? [frame, buffer.next()!] : frame;
    }
    const surplus = this.trimmer.afterStep(buffer.size);
    if (surplus > 0) buffer.take(idlePrefix(buffer.peek(), surplus));
    return applied;
  }

  /** The client reconnected: the ticks it was away were not late frames. */
  reconnected(): void {
    this.credit.reset();
  }
}
