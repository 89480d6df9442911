/**
 * Other ships: buffered interpolation on the simulation's own time axis, with short
 * extrapolation when a patch is late.
 *
 * Each patch carries the server tick it was taken at (`state.tick`), so every sample of a ship
 * is keyed by the tick its position belongs to. Frames draw at a fractional render tick (the
 * tick clock's estimate minus the interpolation delay, the same tick the input's `viewTick`
 * reports for lag compensation), between the two samples that bracket it. When the render tick
 * passes the newest sample (a patch came later than the delay covers), the ship goes on along
 * its last velocity for up to {@link MAX_EXTRAPOLATION_TICKS}; at constant speed that is exactly
 * where the late patch will put it, so nothing stalls and nothing jumps.
 *
 * Written by hand rather than with the SDK's `Predict` lerp because that one keys samples by the
 * patch's send time (patches at 20 Hz carry 1 or 2 ticks of motion: uneven speed), holds the
 * last value when the buffer runs dry (a visible stall), and renders on a different time axis
 * than the `viewTick` the server rewinds to. Pure: no SDK types, times passed in.
 */

/** Samples kept per ship (≈ 8 patches, 400 ms at 20 Hz). */
const CAPACITY = 8;
/** Longest a ship is carried past its newest sample, in ticks (≈ 130 ms at 30 Hz). */
export const MAX_EXTRAPOLATION_TICKS = 4;

/** Where a ship is drawn. */
export interface RemotePose {
  readonly x: number;
  readonly y: number;
  readonly aim: number;
}

/** One ship's recent samples, oldest first. */
class Track {
  readonly ticks: number[] = [];
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  readonly aims: number[] = [];

  add(tick: number, x: number, y: number, aim: number, snapPx: number): void {
    const n = this.ticks.length;
    if (n > 0) {
      if (tick <= this.ticks[n - 1]!) return;
      // A teleport (respawn): the path before it must not be interpolated across.
      if (Math.hypot(x - this.xs[n - 1]!, y - this.ys[n - 1]!) > snapPx) this.clear();
    }
    this.ticks.push(tick);
    this.xs.push(x);
    this.ys.push(y);
    this.aims.push(aim);
    if (this.ticks.length > CAPACITY) {
      this.ticks.shift();
      this.xs.shift();
      this.ys.shift();
      this.aims.shift();
    }
  }

  clear(): void {
    this.ticks.length = 0;
    this.xs.length = 0;
    this.ys.length = 0;
    this.aims.length = 0;
  }

  at(renderTick: number): RemotePose | null {
    const n = this.ticks.length;
    if (n === 0) return null;
    const ticks = this.ticks;
    if (n === 1 || renderTick <= ticks[0]!) return { x: this.xs[0]!, y: this.ys[0]!, aim: this.aims[0]! };
    const last = n - 1;
    if (renderTick >= ticks[last]!) {
      // Late patch: carry on along the last velocity, briefly.
      const span = ticks[last]! - ticks[last - 1]!;
      const ahead = Math.min(renderTick - ticks[last]!, MAX_EXTRAPOLATION_TICKS);
      const k = ahead / span;
      return {
        x: this.xs[last]! + (this.xs[last]! - this.xs[last - 1]!) * k,
        y: this.ys[last]! + (this.ys[last]! - this.ys[last - 1]!) * k,
        aim: this.aims[last]!,
      };
    }
    let i = last - 1;
    while (ticks[i]! > renderTick) i -= 1;
    const k = (renderTick - ticks[i]!) / (ticks[i + 1]! - ticks[i]!);
    return {
      x: this.xs[i]! + (this.xs[i + 1]! - this.xs[i]!) * k,
      y: this.ys[i]! + (this.ys[i + 1]! - this.ys[i]!) * k,
      aim: lerpAngle(this.aims[i]!, this.aims[i + 1]!, k),
    };
  }
}

/** Interpolates along the shorter arc. */
function lerpAngle(a: number, b: number, k: number): number {
  const d = Math.atan2(Math.sin(b - a), Math.cos(b - a));
  return a + d * k;
}

/** The interpolation buffers of every other ship of a room. */
export class RemoteShips {
  private readonly tracks = new Map<string, Track>();

  /** @param snapPx a move larger than this between two samples is a teleport, not motion */
  constructor(private readonly snapPx: number) {}

  /** Records a ship's state at `tick` (call for each ship on each patch). */
  observe(id: string, tick: number, x: number, y: number, aim: number): void {
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = new Track();
      this.tracks.set(id, track);
    }
    track.add(tick, x, y, aim, this.snapPx);
  }

  /** Forgets ships not in `present` (they left, or left the view). */
  retain(present: (id: string) => boolean): void {
    for (const id of this.tracks.keys()) if (!present(id)) this.tracks.delete(id);
  }

  /** Where ship `id` is drawn at `renderTick`, or null before its first sample. */
  at(id: string, renderTick: number): RemotePose | null {
    return this.tracks.get(id)?.at(renderTick) ?? null;
  }
}
