/**
 * Checks every frame a client sends to a room before Colyseus parses it (see colyseus-seam.ts
 * for where it is hooked in). A frame must be one of the few kinds we offer, in exactly the
 * shape an honest `@colyseus/sdk` sends, at a rate an honest client stays under; anything else
 * is a protocol violation and the room closes that client (4002) without parsing the frame.
 *
 * Why reject rather than drop: reliable inputs are delta-encoded and acknowledged by count, so
 * a silently dropped frame desynchronises the client's prediction for the rest of its session.
 */
import { Protocol } from "@colyseus/core";
import { INPUT_BATCH_CODE, INPUT_BATCH_MAX } from "../../shared/protocol.ts";
import type { InputStampShape } from "./colyseus-seam.ts";
import { TokenBucket, type RateLimit } from "./rate-limiter.ts";

/** Protocol modifier bits of the first byte (the low five bits are the code). */
const CODE_MASK = 0x1f;
const TIMED = 0x80;

export interface FrameGuardOptions {
  /** Accepts exactly the input bodies an honest encoder emits (see input-guard.ts). */
  readonly isValidInputBody: (body: Uint8Array) => boolean;
  /** Largest reliable input frame: code + stamp + every field once. */
  readonly maxInputFrameBytes: number;
  /** Which lag-compensation stamp the room expects on input frames. */
  readonly stamp: InputStampShape;
  /** Input frames per second a client may sustain, and how many may arrive at once. */
  readonly inputRate: RateLimit;
  /**
   * True when the room registers message handlers (`room.send` with a type and a msgpack
   * payload; the room refuses unknown types itself); false: any message is refused. Raw-byte
   * messages and requests are never offered.
   */
  readonly acceptsMessages: boolean;
  /** Monotonic clock in ms. */
  readonly now?: () => number;
}

/** Why a frame was refused (a short stable word for logs and tests), or null when it is fine. */
export type FrameFault =
  | "empty-frame"
  | "unknown-code"
  | "unexpected-modifier"
  | "unreliable-input"
  | "message-not-offered"
  | "bad-control-frame"
  | "input-too-large"
  | "bad-input-stamp"
  | "malformed-input"
  | "input-flood"
  | "malformed-batch";

/**
 * Per-room frame checker. Each client's input-rate bucket is kept by the caller, with whatever
 * else it keeps per client (client-guard.ts: one object per client, read once per frame), and
 * handed in with each frame.
 */
export class FrameGuard {
  private readonly now: () => number;

  constructor(private readonly options: FrameGuardOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** A new client's input-rate bucket, its burst full. */
  inputRate(): TokenBucket {
    return new TokenBucket(this.options.inputRate, this.now());
  }

  /** Returns null for a frame to deliver, or the fault that makes it a violation. */
  check(rate: TokenBucket, frame: Uint8Array): FrameFault | null {
    if (frame.byteLength === 0) return "empty-frame";
    const head = frame[0]!;
    const code = head & CODE_MASK;
    const modifiers = head & ~CODE_MASK;
    switch (code) {
      case Protocol.ROOM_INPUT_RELIABLE:
        return this.checkInput(rate, frame, modifiers, this.now());
      case Protocol.ROOM_INPUT_UNRELIABLE:
        return "unreliable-input";
      case INPUT_BATCH_CODE:
        // Batches are split by checkBatch; a batch reaching this check is a caller's mistake.
        return "malformed-batch";
      case Protocol.JOIN_ROOM:
      case Protocol.LEAVE_ROOM:
      case Protocol.PING:
        if (modifiers !== 0) return "unexpected-modifier";
        return frame.byteLength === 1 ? null : "bad-control-frame";
      case Protocol.ROOM_DATA:
        if (modifiers !== 0) return "unexpected-modifier";
        return this.options.acceptsMessages ? null : "message-not-offered";
      case Protocol.ROOM_DATA_BYTES:
      case Protocol.ROOM_REQUEST:
        if (modifiers !== 0) return "unexpected-modifier";
        return "message-not-offered";
      default:
        return "unknown-code";
    }
  }

  /**
   * Splits a batch of input frames (`INPUT_BATCH_CODE`, layout in shared/protocol.ts) and checks
   * each frame as if it had come alone. Returns the frames, in order, or the first fault: a batch
   * is delivered whole or not at all.
   */
  checkBatch(rate: TokenBucket, batch: Uint8Array): readonly Uint8Array[] | FrameFault {
    const frames: Uint8Array[] = [];
    const now = this.now();
    let offset = 1;
    while (offset < batch.byteLength) {
      const length = batch[offset]!;
      const start = offset + 1;
      const end = start + length;
      if (length === 0 || end > batch.byteLength || frames.length === INPUT_BATCH_MAX) return "malformed-batch";
      const frame = batch.subarray(start, end);
      if ((frame[0]! & CODE_MASK) !== Protocol.ROOM_INPUT_RELIABLE) return "malformed-batch";
      const fault = this.checkInput(rate, frame, frame[0]! & ~CODE_MASK, now);
      if (fault !== null) return fault;
      frames.push(frame);
      offset = end;
    }
    return frames.length >= 2 ? frames : "malformed-batch";
  }

  private checkInput(rate: TokenBucket, frame: Uint8Array, modifiers: number, now: number): FrameFault | null {
    if (modifiers !== 0 && modifiers !== TIMED) return "unexpected-modifier";
    if (frame.byteLength > this.options.maxInputFrameBytes) return "input-too-large";
    let offset = 1;
    if (modifiers === TIMED) {
      if (!this.options.stamp.stamped) return "bad-input-stamp";
      const end = stampEnd(frame, offset, this.options.stamp.withRenderDelta);
      if (end < 0) return "bad-input-stamp";
      offset = end;
    }
    if (!this.options.isValidInputBody(frame.subarray(offset))) return "malformed-input";
    return rate.take(now) ? null : "input-flood";
  }
}

/**
 * Where the reliable-input stamp ends: one schema `number` that is an integer of at most 32 bits
 * (msgpack-style; a delta of the room clock) and, with both timelines, a uint16. Returns -1 for
 * anything else: floats (NaN, Infinity), 64-bit values or a truncated frame.
 */
function stampEnd(frame: Uint8Array, offset: number, withRenderDelta: boolean): number {
  const prefix = frame[offset];
  if (prefix === undefined) return -1;
  let width: number;
  if (prefix < 0x80 || prefix > 0xdf) width = 0;
  else if (prefix === 0xcc || prefix === 0xd0) width = 1;
  else if (prefix === 0xcd || prefix === 0xd1) width = 2;
  else if (prefix === 0xce || prefix === 0xd2) width = 4;
  else return -1;
  let end = offset + 1 + width;
  if (end > frame.byteLength) return -1;
  if (withRenderDelta) end += 2;
  return end > frame.byteLength ? -1 : end;
}
