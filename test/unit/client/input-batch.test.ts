/**
 * The client's input batcher (client/src/net/input-batch.ts): pairs input frames into one
 * message, keeps order with everything else, never holds an input longer than MAX_HOLD_MS.
 */
import { Protocol } from "@colyseus/shared-types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { batchInputs, MAX_HOLD_MS, pack } from "../../../client/src/net/input-batch.ts";

const input = (n: number): Uint8Array => Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, 0x80, n, 0, 0, 0]);
const chat = Uint8Array.from([Protocol.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74]);

function connection(): { sent: Uint8Array[]; isOpen: boolean; send(data: Uint8Array): void } {
  const sent: Uint8Array[] = [];
  return { sent, isOpen: true, send: (data) => void sent.push(Uint8Array.from(data)) };
}

describe("input batching", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends two input frames as one batch, copying the SDK's reused buffer", () => {
    const c = connection();
    batchInputs(c);
    const buffer = input(1);
    c.send(buffer);
    expect(c.sent).toHaveLength(0);
    buffer[2] = 99; // the SDK reuses its buffer for the next input
    c.send(input(2));
    expect(c.sent).toEqual([pack([input(1), input(2)])]);
  });

  it("flushes a waiting input before any other message, so order is kept", () => {
    const c = connection();
    batchInputs(c);
    c.send(input(1));
    c.send(chat);
    expect(c.sent).toEqual([input(1), chat]);
  });

  it("never holds an input longer than MAX_HOLD_MS", () => {
    const c = connection();
    batchInputs(c);
    c.send(input(1));
    vi.advanceTimersByTime(MAX_HOLD_MS - 1);
    expect(c.sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(c.sent).toEqual([input(1)]);
  });

  it("drops what waits on reset (a replaced socket) and sends nothing on a closed one", () => {
    const c = connection();
    const batcher = batchInputs(c);
    c.send(input(1));
    batcher.reset();
    vi.advanceTimersByTime(MAX_HOLD_MS * 2);
    expect(c.sent).toHaveLength(0);
    c.send(input(2));
    c.isOpen = false;
    batcher.flush();
    expect(c.sent).toHaveLength(0);
  });
});
