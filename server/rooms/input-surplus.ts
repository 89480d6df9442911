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

  /**
   * The tick found no frame of this client; it counts once the client has started sending.
   * Returns whether it counted (a late frame, not a client that has not begun).
   */
  starved(): boolean {
    if (!this.started) return false;
    if (this.credit < this.max) this.credit += 1;
    return true;
  }

  /** Gives up one credit: that late frame stays in the buffer as cushion instead. */
  forfeit(): void {
    if (this.credit > 0) this.credit -= 1;
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
 * double steps when frames arrive in pairs or with jitter. The starting cushion of every
 * client; a client whose frames still arrive too late gets a deeper one (below).
 */
export const JITTER_CUSHION_FRAMES = 1;

/**
 * The deepest cushion a jittery client is given: three ticks (100 ms) of input latency at most.
 * A longer hold-up (a TCP retransmission, a stall) is caught up down to this depth.
 */
export const MAX_JITTER_CUSHION_FRAMES = 3;

/** Seconds without a late frame after which a raised cushion comes down by one frame. */
export const CUSHION_DECAY_SECONDS = 10;

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
 *
 * An adaptive jitter buffer, as a voice or video receiver keeps one (we wrote it by hand:
 * Colyseus's input buffer consumes whatever is there and has no notion of lateness). Every
 * client starts with a cushion of {@link JITTER_CUSHION_FRAMES} frames beyond the one a tick
 * consumes. When a tick still finds none of its frames, the ship stalls that tick, and the frame
 * that arrives late is kept as one more frame of cushion instead of being caught up with a
 * double step: the same jitter again finds a frame waiting, so other players see the ship glide
 * instead of stalling and jumping again and again. The cushion grows to
 * {@link MAX_JITTER_CUSHION_FRAMES} at most; longer hold-ups are caught up down to it. After
 * {@link CUSHION_DECAY_SECONDS} without a late frame it comes down a frame; the frame it no
 * longer needs leaves with the idle surplus (never as a double step). Every frame is still
 * applied exactly once, in order, so the client's prediction stays exact.
 */
export class InputPacer {
  private readonly trimmer: InputSurplusTrimmer;
  private readonly credit: CatchUpCredit;
  private cushionFrames = JITTER_CUSHION_FRAMES;
  private ticksSinceLate = 0;
  private readonly decayTicks: number;

  /**
   * @param windowSteps the trimmer's window (about a second of ticks, so the tick rate)
   * @param maxCredit frames catchable
   */
  constructor(windowSteps: number, maxCredit: number) {
    this.trimmer = new InputSurplusTrimmer(windowSteps);
    this.credit = new CatchUpCredit(maxCredit);
    this.decayTicks = Math.max(1, Math.round(windowSteps * CUSHION_DECAY_SECONDS));
  }

  /** Frames this client keeps waiting beyond the one a tick consumes (its jitter cushion). */
  get cushion(): number {
    return this.cushionFrames;
  }

  /** The frame(s) this client's ship applies this tick, in order; undefined when none waits. */
  take<F extends TrimmableInput>(buffer: PacedBuffer<F>): F | [F, F] | undefined {
    const frame = buffer.next();
    let applied: F | [F, F] | undefined;
    if (frame === undefined) {
      if (this.credit.starved()) {
        this.ticksSinceLate = 0;
        if (this.cushionFrames < MAX_JITTER_CUSHION_FRAMES) {
          // The late frame becomes cushion: its credit is not spent on a double step.
          this.cushionFrames += 1;
          this.credit.forfeit();
        }
      }
    } else {
      this.credit.consumed();
      if (++this.ticksSinceLate >= this.decayTicks && this.cushionFrames > JITTER_CUSHION_FRAMES) {
        this.cushionFrames -= 1;
        this.ticksSinceLate = 0;
      }
      // Catch up only beyond the cushion: a client whose frames arrive unevenly (two to a
      // message, or over a jittery link) keeps frames in hand, so the tick that would have
      // found none still moves its ship one step instead of none now and two next tick.
      applied = buffer.size > this.cushionFrames && this.credit.spend() ? [frame, buffer.next()!] : frame;
    }
    // Idle surplus is trimmed down to the cushion, not below it.
    const surplus = this.trimmer.afterStep(Math.max(0, buffer.size - (this.cushionFrames - JITTER_CUSHION_FRAMES)));
    if (surplus > 0) buffer.take(idlePrefix(buffer.peek(), surplus));
    return applied;
  }

  /** The client reconnected: the ticks it was away were not late frames. */
  reconnected(): void {
    this.credit.reset();
  }
}
