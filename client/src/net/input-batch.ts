/**
 * Input batching on the wire: the SDK's input handle sends one WebSocket message per input
 * (30 a second); this puts every {@link INPUT_BATCH_FRAMES} consecutive input frames in one
 * message (layout in shared/protocol.ts), so the server reads and parses half as many messages.
 * The server still consumes one input per tick.
 *
 * The cost is latency on the server side only: the first input of a pair waits for the second
 * (one tick, 33 ms at most; never longer than {@link MAX_HOLD_MS}). Your own ship does not wait:
 * prediction applies each input on the frame it is pressed (own-ship.ts). Anything else sent
 * while an input waits (chat, a ping) first flushes the waiting input, so order is kept.
 *
 * Written by hand because the SDK has no batching of reliable inputs: it wraps the connection's
 * `send`, below the input handle and above the network simulator and the traffic counter, which
 * therefore see the messages that really go on the wire.
 */
import { Protocol, PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { INPUT_BATCH_CODE, INPUT_BATCH_FRAMES } from "../../../shared/protocol.ts";

/** Longest an input waits for its partner, ms (a tick at 30 Hz, plus slack for timer jitter). */
export const MAX_HOLD_MS = 40;

/** The part of the SDK's connection the batcher wraps. */
export interface BatchedConnection {
  send(data: Uint8Array): void;
  readonly isOpen: boolean;
}

/** Controls of an installed batcher. */
export interface InputBatcher {
  /** Sends what waits now (e.g. before the page hides). */
  flush(): void;
  /** Drops what waits without sending it (the socket was replaced: the SDK re-sends nothing). */
  reset(): void;
}

/** Wraps `connection.send` so input frames go out in batches of `frames` (2 or more). */
export function batchInputs(connection: BatchedConnection, frames = INPUT_BATCH_FRAMES): InputBatcher {
  const send = connection.send.bind(connection);
  const waiting: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const stopTimer = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const flush = (): void => {
    stopTimer();
    if (waiting.length === 0) return;
    const parts = waiting.splice(0);
    if (!connection.isOpen) return;
    send(parts.length === 1 ? parts[0]! : pack(parts));
  };

  connection.send = (data: Uint8Array): void => {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBufferLike);
    const isInput = (bytes[0]! & PROTOCOL_CODE_MASK) === Protocol.ROOM_INPUT_RELIABLE && bytes.byteLength <= 255;
    if (!isInput) {
      flush();
      send(data);
      return;
    }
    // The SDK reuses its send buffer: keep a copy.
    waiting.push(bytes.slice());
    if (waiting.length >= frames) flush();
    else timer ??= setTimeout(flush, MAX_HOLD_MS);
  };

  return {
    flush,
    reset: () => {
      stopTimer();
      waiting.length = 0;
    },
  };
}

/** `[INPUT_BATCH_CODE][len][frame]…` */
export function pack(parts: readonly Uint8Array[]): Uint8Array {
  let size = 1;
  for (const p of parts) size += 1 + p.byteLength;
  const out = new Uint8Array(size);
  out[0] = INPUT_BATCH_CODE;
  let offset = 1;
  for (const p of parts) {
    out[offset] = p.byteLength;
    out.set(p, offset + 1);
    offset += 1 + p.byteLength;
  }
  return out;
}
