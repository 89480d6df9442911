/**
 * Plain input frames (server/rooms/plain-input.ts) against the stock Colyseus input path: the
 * same bytes must give the same values, and Colyseus's own `RoomInput` must buffer our plain
 * copies, sanitized, with its ack counting them. Fails loudly when the pinned versions or the
 * internals the module relies on change.
 */
import { readFileSync } from "node:fs";
import { RoomInput } from "@colyseus/core/input/RoomInput";
import { Protocol } from "@colyseus/shared-types";
import { InputDecoder, InputEncoder } from "@colyseus/schema/input";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FixedLayoutDecoder,
  inputLayoutOf,
  installedVersions,
  PlainInput,
  usePlainInputs,
  VERIFIED_PLAIN_INPUT,
} from "../../../server/rooms/plain-input.ts";
import { PlayerInput } from "../../../shared/schema.ts";

const layout = inputLayoutOf(PlayerInput);
const FIELDS = ["seq", "moveX", "moveY", "aimX", "aimY", "fire", "viewTick"] as const;

/** An arbitrary frame: any subset of the fields, each with any value of its wire type. */
const frameArb = fc.record(
  {
    seq: fc.nat({ max: 0xffffffff }),
    moveX: fc.integer({ min: -128, max: 127 }),
    moveY: fc.integer({ min: -128, max: 127 }),
    aimX: fc.integer({ min: -32768, max: 32767 }),
    aimY: fc.integer({ min: -32768, max: 32767 }),
    fire: fc.boolean(),
    viewTick: fc.nat({ max: 0xffff }),
  },
  { requiredKeys: [] },
);

describe("plain input frames", () => {
  it("run on the Colyseus versions they were verified on (pinned in package.json)", () => {
    expect(installedVersions()).toEqual(VERIFIED_PLAIN_INPUT);
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@colyseus/core"]).toBe(VERIFIED_PLAIN_INPUT.core);
    expect(pkg.dependencies["@colyseus/schema"]).toBe(VERIFIED_PLAIN_INPUT.schema);
  });

  it("decode every sequence of encoder frames to the values the schema decoder gives", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 12 }), (frames) => {
        const source = new PlayerInput();
        const encoder = new InputEncoder(source);
        const stock = new PlayerInput();
        const stockDecoder = new InputDecoder(stock);
        const plain = new PlainInput(layout, 4);
        const ours = new FixedLayoutDecoder(plain, layout);
        for (const frame of frames) {
          Object.assign(source, frame);
          const bytes = encoder.encode();
          stockDecoder.decode(bytes);
          ours.decode(bytes);
          for (const f of FIELDS) expect(plain[f]).toBe(stock[f]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("ignore bytes of any other shape instead of throwing", () => {
    const plain = new PlainInput(layout, 4);
    const decoder = new FixedLayoutDecoder(plain, layout);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(() => decoder.decode(bytes)).not.toThrow();
      }),
    );
    expect(() => decoder.decodeAll()).toThrow(/unreliable/);
  });

  it("hand out ring slots that keep their values until the ring comes round", () => {
    const plain = new PlainInput(layout, 3);
    const copies = [1, 2, 3].map((seq) => {
      plain["seq"] = seq;
      return plain.clone();
    });
    expect(copies.map((c) => c["seq"])).toEqual([1, 2, 3]);
    plain["seq"] = 4;
    expect(plain.clone()).toBe(copies[0]);
    expect(copies.map((c) => c["seq"])).toEqual([4, 2, 3]);
  });

  it("plug into Colyseus's own RoomInput: decoded, sanitized, buffered as plain copies, acknowledged", () => {
    const room = { patchRate: 50, clock: { elapsedTime: 0 }, _timelineMode: () => undefined };
    const input = new RoomInput(room as never);
    input.define(PlayerInput, {
      seqField: "seq",
      bufferMaxSize: 8,
      sanitize: (i: PlayerInput) => {
        i.moveX = Math.max(-1, Math.min(1, i.moveX));
      },
    });
    const client = { sessionId: "s1" } as Record<string, unknown>;
    input.allocate(client as never);
    // The slots the module replaces are where it expects them, holding the stock objects.
    expect(client["_input"]).toBeInstanceOf(PlayerInput);
    expect(client["_inputDecoder"]).toBeInstanceOf(InputDecoder);
    usePlainInputs(client as never, layout, 20);
    expect(client["_input"]).toBeInstanceOf(PlainInput);

    const source = new PlayerInput();
    const encoder = new InputEncoder(source);
    const frame = (values: Partial<PlayerInput>): Buffer => {
      Object.assign(source, values);
      return Buffer.from([Protocol.ROOM_INPUT_RELIABLE, ...encoder.encode()]);
    };
    input.decodeReliable(client as never, frame({ seq: 1, moveX: 5, aimX: 300, fire: true }), { offset: 1 }, 0);
    input.decodeReliable(client as never, frame({ seq: 2, moveX: -1, fire: false }), { offset: 1 }, 0);
    input.decodeReliable(client as never, frame({ seq: 2, moveX: 1 }), { offset: 1 }, 0); // not above: dropped

    const buffer = client["_inputBuffer"] as {
      next(): Record<string, unknown> | undefined;
      size: number;
      ackSeq: number;
    };
    expect(buffer.size).toBe(2);
    const first = buffer.next()!;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(first).toMatchObject({ seq: 1, moveX: 1, aimX: 300, fire: true });
    expect(buffer.next()).toMatchObject({ seq: 2, moveX: -1, aimX: 300, fire: false });
    expect(buffer.ackSeq).toBe(2);
  });

  it("refuse a client whose input slots are not where Colyseus 0.18.17 keeps them", () => {
    expect(() => usePlainInputs({ sessionId: "x" } as never, layout, 20)).toThrow(/verified on @colyseus\/core/);
  });
});
