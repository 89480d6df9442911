/**
 * Pre-encoded input frames of the light load clients: byte-identical to what the SDK's
 * `InputEncoder` emits for `PlayerInput`, accepted by the room's input guard, with the seq
 * written little-endian at the right offset and nothing else changing between frames.
 */
import { InputDecoder, InputEncoder } from "@colyseus/schema/input";
import { Protocol } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import { parseBaselineMessage } from "../../../bench/baseline/protocol.ts";
import {
  BinaryInputScript,
  buildFrame,
  INPUT_PATTERNS,
  JsonInputScript,
  writeSeq,
  type InputPattern,
} from "../../../bench/light/input-script.ts";
import { createInputFrameValidator } from "../../../server/security/input-guard.ts";
import { INPUT_LIMITS } from "../../../shared/protocol.ts";
import { PlayerInput } from "../../../shared/schema.ts";

const isValidInputFrame = createInputFrameValidator(PlayerInput).isValid;

/** What the SDK sends for a fresh input handle with these values: `[19]` + the encoder's bytes. */
function sdkFirstFrame(seq: number, p: InputPattern): Buffer {
  const input = new PlayerInput();
  Object.assign(input, { seq, ...p });
  return Buffer.concat([Buffer.from([Protocol.ROOM_INPUT_RELIABLE]), new InputEncoder(input).encode()]);
}

/** Decodes a sequence of frame bodies onto one input, as the server's per-client decoder does. */
function decodeAll(frames: readonly Uint8Array[]): InstanceType<typeof PlayerInput>[] {
  const input = new PlayerInput();
  const decoder = new InputDecoder(input);
  return frames.map((f) => {
    decoder.decode(f.subarray(1));
    return {
      seq: input.seq,
      moveX: input.moveX,
      moveY: input.moveY,
      aimX: input.aimX,
      aimY: input.aimY,
      fire: input.fire,
    } as InstanceType<typeof PlayerInput>;
  });
}

describe("frame templates", () => {
  it("are the bytes InputEncoder emits for the same values", () => {
    for (const p of INPUT_PATTERNS) {
      const t = buildFrame(p);
      writeSeq(t.bytes, t.seqOffset, 123_456);
      expect(t.bytes).toStrictEqual(sdkFirstFrame(123_456, p));
    }
  });

  it("carry only seq between pattern changes, like the encoder's delta", () => {
    const input = new PlayerInput();
    Object.assign(input, { seq: 1, ...INPUT_PATTERNS[0]! });
    const encoder = new InputEncoder(input);
    encoder.encode();
    input.seq = 2;
    const sdk = Buffer.concat([Buffer.from([Protocol.ROOM_INPUT_RELIABLE]), encoder.encode()]);
    const t = buildFrame(null);
    writeSeq(t.bytes, t.seqOffset, 2);
    expect(t.bytes).toStrictEqual(sdk);
    expect(t.bytes.length).toBe(6);
  });

  it("stay within the server's clamps", () => {
    for (const p of INPUT_PATTERNS) {
      for (const key of Object.keys(INPUT_LIMITS) as (keyof typeof INPUT_LIMITS)[]) {
        const [lo, hi] = INPUT_LIMITS[key];
        expect(p[key]).toBeGreaterThanOrEqual(lo);
        expect(p[key]).toBeLessThanOrEqual(hi);
      }
    }
    expect(INPUT_PATTERNS.some((p) => p.fire)).toBe(true);
    expect(INPUT_PATTERNS.some((p) => !p.fire)).toBe(true);
  });
});

describe("writeSeq", () => {
  it("writes a uint32 little-endian at the offset and touches nothing else", () => {
    const buf = Buffer.alloc(8, 0xaa);
    writeSeq(buf, 2, 0x01020304);
    expect([...buf]).toStrictEqual([0xaa, 0xaa, 4, 3, 2, 1, 0xaa, 0xaa]);
    writeSeq(buf, 2, 2 ** 32 - 1);
    expect(buf.readUInt32LE(2)).toBe(2 ** 32 - 1);
    writeSeq(buf, 2, 2 ** 31 + 5);
    expect(buf.readUInt32LE(2)).toBe(2 ** 31 + 5);
  });
});

describe("BinaryInputScript", () => {
  it("produces valid frames with seq 1, 2, 3… at the seq offset", () => {
    const script = new BinaryInputScript(0, 4);
    for (let i = 1; i <= 20; i++) {
      const frame = script.next();
      expect(frame[0]).toBe(Protocol.ROOM_INPUT_RELIABLE);
      expect(isValidInputFrame(frame.subarray(1))).toBe(true);
      expect(frame[1]).toBe(0x80); // ADD | seq's index 0: seq always comes first
      expect(frame.readUInt32LE(2)).toBe(i);
      expect(script.seq).toBe(i);
    }
  });

  it("sends every field at each pattern start and only seq in between", () => {
    const script = new BinaryInputScript(0, 3);
    const lengths = Array.from({ length: 9 }, () => script.next().length);
    // Every field once: seq (5), moves (2 × 2), aims (2 × 3), fire (2), viewTick (3), code (1).
    expect(lengths).toStrictEqual([21, 6, 6, 21, 6, 6, 21, 6, 6]);
  });

  it("decodes to the pattern values, switching pattern every framesPerPattern frames", () => {
    const script = new BinaryInputScript(2, 3);
    const frames = Array.from({ length: 3 * INPUT_PATTERNS.length + 1 }, () => Buffer.from(script.next()));
    const decoded = decodeAll(frames);
    decoded.forEach((d, i) => {
      const p = INPUT_PATTERNS[(2 + Math.floor(i / 3)) % INPUT_PATTERNS.length]!;
      expect(d).toStrictEqual({ seq: i + 1, ...p });
    });
  });

  it("starts clients with different indexes on different patterns", () => {
    const a = new BinaryInputScript(0).next();
    const b = new BinaryInputScript(1).next();
    const c = new BinaryInputScript(INPUT_PATTERNS.length).next();
    expect(Buffer.from(a)).not.toStrictEqual(Buffer.from(b));
    expect(Buffer.from(c)).toStrictEqual(Buffer.from(new BinaryInputScript(0).next()));
  });

  it("keeps its own buffers: two scripts do not overwrite each other", () => {
    const s1 = new BinaryInputScript(0, 1);
    const s2 = new BinaryInputScript(0, 1);
    const f1 = s1.next();
    s2.next();
    s2.next();
    expect(f1.readUInt32LE(2)).toBe(1);
  });

  it("rejects a pattern length below one", () => {
    expect(() => new BinaryInputScript(0, 0)).toThrow();
  });
});

describe("JsonInputScript", () => {
  it("produces complete JSON inputs the baseline accepts, seq counting up", () => {
    const script = new JsonInputScript(5, 2);
    for (let i = 1; i <= 20; i++) {
      const text = script.next();
      const p = INPUT_PATTERNS[(5 + Math.floor((i - 1) / 2)) % INPUT_PATTERNS.length]!;
      expect(JSON.parse(text)).toStrictEqual({ seq: i, ...p });
      expect(parseBaselineMessage(text)).toStrictEqual({ kind: "input", seq: i, frame: { ...p } });
    }
  });
});
