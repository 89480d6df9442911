/**
 * The frame guard accepts exactly what an honest SDK sends and refuses everything else before
 * Colyseus parses it: every protocol code and modifier, input bodies, stamps and rates.
 */
import { InputEncoder } from "@colyseus/schema/input";
import { Protocol } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import { FrameGuard, type FrameGuardOptions } from "../../../server/security/frame-guard.ts";
import { createInputFrameValidator } from "../../../server/security/input-guard.ts";
import type { TokenBucket } from "../../../server/security/rate-limiter.ts";
import { PlayerInput } from "../../../shared/schema.ts";
import { pack } from "../../../client/src/net/input-batch.ts";
import { INPUT_BATCH_CODE, INPUT_BATCH_MAX } from "../../../shared/protocol.ts";

const body = createInputFrameValidator(PlayerInput);
const MAX_FRAME = 1 + 7 + body.maxBytes;

function guard(overrides: Partial<FrameGuardOptions> = {}): FrameGuard {
  let t = 0;
  return new FrameGuard({
    isValidInputBody: body.isValid,
    maxInputFrameBytes: MAX_FRAME,
    stamp: { stamped: false, withRenderDelta: false },
    inputRate: { perSecond: 300, burst: 300 },
    acceptsMessages: false,
    now: () => (t += 0.001),
    ...overrides,
  });
}

/** A client's input-rate bucket, its burst full (for checks where the rate plays no part). */
function fullRate(): TokenBucket {
  return guard().inputRate();
}

/** What the SDK sends for an input with every field set: `[19]` + InputEncoder's bytes. */
function sdkFrame(seq = 1): Uint8Array {
  const input = new PlayerInput();
  Object.assign(input, { seq, moveX: 1, moveY: -1, aimX: 300, aimY: -32767, fire: true });
  return Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, ...new InputEncoder(input).encode()]);
}

describe("FrameGuard", () => {
  it("accepts the SDK's input frames, and a body at its largest", () => {
    const g = guard();
    const frame = sdkFrame(4_000_000_000);
    expect(frame.byteLength).toBe(1 + body.maxBytes);
    expect(g.check(g.inputRate(), frame)).toBeNull();
    expect(g.check(g.inputRate(), Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE]))).toBeNull(); // nothing changed
  });

  it("accepts the single-byte control frames and refuses them with a payload", () => {
    const g = guard();
    for (const code of [Protocol.JOIN_ROOM, Protocol.LEAVE_ROOM, Protocol.PING]) {
      expect(g.check(g.inputRate(), Uint8Array.from([code]))).toBeNull();
      expect(g.check(g.inputRate(), Uint8Array.from([code, 0]))).toBe("bad-control-frame");
    }
  });

  it("refuses every code the room does not offer, with or without modifier bits", () => {
    const g = guard();
    const offered = new Set<number>([
      Protocol.JOIN_ROOM,
      Protocol.LEAVE_ROOM,
      Protocol.PING,
      Protocol.ROOM_INPUT_RELIABLE,
    ]);
    for (let first = 0; first < 256; first++) {
      const verdict = g.check(g.inputRate(), Uint8Array.from([first, 0xce, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]));
      if (offered.has(first)) continue;
      expect(verdict, `first byte ${first}`).not.toBeNull();
    }
    expect(g.check(g.inputRate(), new Uint8Array(0))).toBe("empty-frame");
  });

  it("refuses the unreliable channel before reading its series count (the 10-byte freeze)", () => {
    const frame = Uint8Array.from([0x94, 0xce, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    expect(guard().check(fullRate(), frame)).toBe("unreliable-input");
  });

  it("refuses messages when the room registers none, and lets them through when it does", () => {
    const frame = Uint8Array.from([Protocol.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74]);
    expect(guard().check(fullRate(), frame)).toBe("message-not-offered");
    expect(guard({ acceptsMessages: true }).check(fullRate(), frame)).toBeNull();
    expect(guard({ acceptsMessages: true }).check(fullRate(), Uint8Array.from([Protocol.ROOM_DATA | 0x40, 0xa4]))).toBe(
      "unexpected-modifier",
    );
  });

  it("never offers raw-byte messages or requests, even to a room that takes messages", () => {
    for (const acceptsMessages of [false, true]) {
      const g = guard({ acceptsMessages });
      for (const code of [Protocol.ROOM_DATA_BYTES, Protocol.ROOM_REQUEST]) {
        const frame = Uint8Array.from([code, 0xa4, 0x63, 0x68, 0x61, 0x74, 1, 2, 3]);
        expect(g.check(g.inputRate(), frame), `code ${code}, acceptsMessages ${acceptsMessages}`).toBe(
          "message-not-offered",
        );
        expect(g.check(g.inputRate(), Uint8Array.from([code | 0x40, 0xa4]))).toBe("unexpected-modifier");
      }
    }
  });

  it("refuses malformed input bodies", () => {
    const g = guard();
    const bad = [
      [0xff, 0xfe, 0x13, 0x37], // not ADD ops
      [0x86, 1], // unknown field index 6
      [0x81, 1, 0x81, 1], // a field twice
      [0x80, 1, 2], // truncated uint32
      [0x85, 2], // boolean 2
      [0x81, 1, 0x00], // trailing byte
    ];
    for (const b of bad)
      expect(g.check(g.inputRate(), Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, ...b]))).toBe("malformed-input");
    const tooLong = new Uint8Array(MAX_FRAME + 1).fill(0x81);
    tooLong[0] = Protocol.ROOM_INPUT_RELIABLE;
    expect(g.check(g.inputRate(), tooLong)).toBe("input-too-large");
    expect(g.check(g.inputRate(), Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE | 0x40, 0x81, 1]))).toBe(
      "unexpected-modifier",
    );
  });

  it("refuses a timing stamp the room did not ask for, and checks the one it did", () => {
    const timed = Protocol.ROOM_INPUT_RELIABLE | 0x80;
    expect(guard().check(fullRate(), Uint8Array.from([timed, 33, 0x81, 1]))).toBe("bad-input-stamp");
    const stamped = guard({ stamp: { stamped: true, withRenderDelta: false } });
    expect(stamped.check(stamped.inputRate(), Uint8Array.from([timed, 33, 0x81, 1]))).toBeNull(); // fixint delta
    expect(stamped.check(stamped.inputRate(), Uint8Array.from([timed, 0xd1, 0xff, 0xff, 0x81, 1]))).toBeNull(); // int16 delta
    expect(stamped.check(stamped.inputRate(), Uint8Array.from([timed, 0xcb, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]))).toBe(
      "bad-input-stamp",
    ); // float64 NaN
    expect(stamped.check(stamped.inputRate(), Uint8Array.from([timed, 0xcf, 1, 2, 3, 4, 5, 6, 7, 8]))).toBe(
      "bad-input-stamp",
    ); // uint64
    expect(stamped.check(stamped.inputRate(), Uint8Array.from([timed, 0xce, 1]))).toBe("bad-input-stamp"); // truncated
    const both = guard({ stamp: { stamped: true, withRenderDelta: true } });
    expect(both.check(both.inputRate(), Uint8Array.from([timed, 33, 0x10, 0x00, 0x81, 1]))).toBeNull();
    expect(both.check(both.inputRate(), Uint8Array.from([timed, 33, 0x10]))).toBe("bad-input-stamp");
  });

  it("refuses input beyond the rate once the burst is spent; sessions are counted apart", () => {
    let t = 0;
    const g = guard({ inputRate: { perSecond: 30, burst: 10 }, now: () => t });
    const a = g.inputRate();
    const b = g.inputRate();
    const frame = sdkFrame();
    const verdicts = Array.from({ length: 11 }, () => g.check(a, frame));
    expect(verdicts.slice(0, 10)).toEqual(Array(10).fill(null));
    expect(verdicts[10]).toBe("input-flood");
    expect(g.check(b, frame)).toBeNull();
    t += 1000 / 30;
    expect(g.check(a, frame)).toBeNull();
  });

  describe("input batches", () => {
    it("split into their frames, in order, each checked as if it came alone", () => {
      const g = guard();
      const frames = [sdkFrame(1), Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE]), sdkFrame(3)];
      const parts = g.checkBatch(g.inputRate(), pack(frames));
      expect(parts).toEqual(frames);
    });

    it("are refused whole when any frame is bad, and when the framing is wrong", () => {
      const g = guard();
      const bad = Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, 0x80 | 3, 7]); // aimX (int16) cut short
      expect(
        g.checkBatch(g.inputRate(), pack([sdkFrame(1), Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, 0x99, 1])])),
      ).toBe("malformed-input");
      expect(g.checkBatch(g.inputRate(), pack([sdkFrame(1), bad]))).toBe("malformed-input");
      // Not an input frame inside.
      expect(g.checkBatch(g.inputRate(), pack([sdkFrame(1), Uint8Array.from([Protocol.ROOM_DATA, 0xa0])]))).toBe(
        "malformed-batch",
      );
      // A length running past the end, a zero length, a lone frame, an empty batch, too many frames.
      expect(g.checkBatch(g.inputRate(), Uint8Array.from([INPUT_BATCH_CODE, 9, Protocol.ROOM_INPUT_RELIABLE]))).toBe(
        "malformed-batch",
      );
      expect(g.checkBatch(g.inputRate(), Uint8Array.from([INPUT_BATCH_CODE, 0, 0]))).toBe("malformed-batch");
      expect(g.checkBatch(g.inputRate(), pack([sdkFrame(1)]))).toBe("malformed-batch");
      expect(g.checkBatch(g.inputRate(), Uint8Array.from([INPUT_BATCH_CODE]))).toBe("malformed-batch");
      const many = Array.from({ length: INPUT_BATCH_MAX + 1 }, (_, i) => sdkFrame(i + 1));
      expect(g.checkBatch(g.inputRate(), pack(many))).toBe("malformed-batch");
      expect(g.checkBatch(g.inputRate(), pack(many.slice(0, INPUT_BATCH_MAX)))).toHaveLength(INPUT_BATCH_MAX);
      // Batches never pass the single-frame check.
      expect(g.check(g.inputRate(), pack([sdkFrame(1), sdkFrame(2)]))).toBe("malformed-batch");
    });

    it("count every frame against the input rate", () => {
      const g = guard({ inputRate: { perSecond: 1, burst: 3 }, now: () => 0 });
      const s = g.inputRate();
      expect(g.checkBatch(s, pack([sdkFrame(1), sdkFrame(2)]))).toHaveLength(2);
      expect(g.checkBatch(s, pack([sdkFrame(3), sdkFrame(4)]))).toBe("input-flood");
    });
  });
});
