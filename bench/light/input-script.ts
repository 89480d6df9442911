/**
 * Pre-encoded input frames for light load clients. A light client replays a short script of
 * movement patterns (one per ~second) instead of thinking: the bytes of every frame are built
 * once, and per frame only the sequence number is written, so sending costs no encoding.
 *
 * Binary frames are exactly what the SDK's `room.input().send()` puts on the wire for
 * `PlayerInput` in reliable mode without lag-compensation stamps: `[ROOM_INPUT_RELIABLE]`
 * followed by the `InputEncoder` delta, i.e. `[ADD | fieldIndex][value]…` for each changed field.
 * A pattern change sends every field (like the encoder's first frame); the frames in between
 * carry only `seq`, and the server holds the other fields at their last values.
 */
import { OPERATION } from "@colyseus/schema";
import { Protocol } from "@colyseus/shared-types";
import { AIM_SCALE } from "../../shared/constants.ts";
import { PlayerInput } from "../../shared/schema.ts";

/** One pattern of controls, held for a while. */
export interface InputPattern {
  readonly moveX: number;
  readonly moveY: number;
  readonly aimX: number;
  readonly aimY: number;
  readonly fire: boolean;
}

/** Frames per pattern by default: one second at the default 30 Hz tick rate. */
export const DEFAULT_FRAMES_PER_PATTERN = 30;

const D = Math.round(AIM_SCALE * Math.SQRT1_2);
/**
 * Eight compass directions, aiming where the ship goes, firing on two of them (a quarter of the
 * time). Going once round returns a ship near where it started, so light clients wander instead of
 * piling up against one wall.
 */
export const INPUT_PATTERNS: readonly InputPattern[] = [
  { moveX: 1, moveY: 0, aimX: AIM_SCALE, aimY: 0, fire: false },
  { moveX: 1, moveY: 1, aimX: D, aimY: D, fire: true },
  { moveX: 0, moveY: 1, aimX: 0, aimY: AIM_SCALE, fire: false },
  { moveX: -1, moveY: 1, aimX: -D, aimY: D, fire: false },
  { moveX: -1, moveY: 0, aimX: -AIM_SCALE, aimY: 0, fire: false },
  { moveX: -1, moveY: -1, aimX: -D, aimY: -D, fire: true },
  { moveX: 0, moveY: -1, aimX: 0, aimY: -AIM_SCALE, fire: false },
  { moveX: 1, moveY: -1, aimX: D, aimY: -D, fire: false },
];

/** The wire type and index of every `PlayerInput` field, read from the schema's metadata. */
interface FieldLayout {
  readonly name: keyof InputPattern | "seq";
  readonly index: number;
  readonly type: string;
}

const FIELD_WIDTH: Readonly<Record<string, number>> = { boolean: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, uint32: 4 };

function inputLayout(): FieldLayout[] {
  const metadata = (PlayerInput as unknown as Record<symbol, unknown>)[Symbol.metadata] as
    Record<string, { type: unknown; index: number; name: string }> | undefined;
  if (metadata === undefined) throw new Error("PlayerInput has no schema metadata");
  const fields: FieldLayout[] = [];
  for (const key of Object.keys(metadata)) {
    const field = metadata[key];
    if (field === undefined || !/^\d+$/.test(key)) continue;
    if (typeof field.type !== "string" || FIELD_WIDTH[field.type] === undefined) {
      throw new Error(`PlayerInput.${field.name} is not a fixed-size primitive`);
    }
    fields.push({ name: field.name as FieldLayout["name"], index: field.index, type: field.type });
  }
  return fields.sort((a, b) => a.index - b.index);
}

const LAYOUT = inputLayout();
const SEQ_FIELD = LAYOUT.find((f) => f.name === "seq");
if (SEQ_FIELD === undefined || SEQ_FIELD.type !== "uint32") throw new Error("PlayerInput.seq must be a uint32");

/** Writes one field value little-endian at `offset`; returns the offset after it. */
function writeValue(out: Buffer, offset: number, type: string, value: number | boolean): number {
  const n = typeof value === "boolean" ? (value ? 1 : 0) : value;
  switch (type) {
    case "boolean":
    case "uint8":
      return out.writeUInt8(n, offset);
    case "int8":
      return out.writeInt8(n, offset);
    case "int16":
      return out.writeInt16LE(n, offset);
    case "uint16":
      return out.writeUInt16LE(n, offset);
    case "uint32":
      return out.writeUInt32LE(n, offset);
    default:
      throw new Error(`unsupported input field type ${type}`);
  }
}

/** A frame template: the full frame bytes and where its `seq` (uint32 LE) sits. */
export interface FrameTemplate {
  readonly bytes: Buffer;
  readonly seqOffset: number;
}

/**
 * Builds a reliable input frame `[ROOM_INPUT_RELIABLE][ADD|i][value]…` carrying `seq` and, when
 * `pattern` is given, every other field too, in field-index order (the order `InputEncoder`
 * emits). `seq` is written as 0; stamp it with {@link writeSeq}.
 */
export function buildFrame(pattern: InputPattern | null): FrameTemplate {
  const fields = pattern === null ? [SEQ_FIELD!] : LAYOUT;
  let length = 1;
  for (const f of fields) length += 1 + FIELD_WIDTH[f.type]!;
  const bytes = Buffer.alloc(length);
  bytes[0] = Protocol.ROOM_INPUT_RELIABLE;
  let offset = 1;
  let seqOffset = -1;
  for (const f of fields) {
    bytes[offset++] = OPERATION.ADD | f.index;
    if (f.name === "seq") {
      seqOffset = offset;
      offset = writeValue(bytes, offset, f.type, 0);
    } else {
      offset = writeValue(bytes, offset, f.type, pattern![f.name]);
    }
  }
  return { bytes, seqOffset };
}

/** Writes `seq` as uint32 little-endian at `offset` (no allocation). */
export function writeSeq(frame: Uint8Array, offset: number, seq: number): void {
  frame[offset] = seq & 0xff;
  frame[offset + 1] = (seq >>> 8) & 0xff;
  frame[offset + 2] = (seq >>> 16) & 0xff;
  frame[offset + 3] = (seq >>> 24) & 0xff;
}

/** Full frames of the default patterns, built once per process and never written to. */
const PATTERN_FRAMES: readonly FrameTemplate[] = INPUT_PATTERNS.map((p) => buildFrame(p));
const SEQ_ONLY_FRAME = buildFrame(null);

/**
 * Walks the pattern list, one pattern per `framesPerPattern` frames, starting at `startPattern`
 * (so clients started with different indexes move differently).
 */
class PatternCycle {
  protected pattern: number;
  protected frameInPattern = 0;
  /** Sequence number of the last frame produced; 0 before the first. */
  seq = 0;

  constructor(
    protected readonly patternCount: number,
    startPattern: number,
    protected readonly framesPerPattern: number,
  ) {
    if (!Number.isInteger(framesPerPattern) || framesPerPattern < 1) throw new Error("framesPerPattern must be >= 1");
    this.pattern = ((startPattern % patternCount) + patternCount) % patternCount;
  }

  /** Advances by one frame; returns true when this frame starts a new pattern. */
  protected advance(): boolean {
    this.seq += 1;
    const starts = this.frameInPattern === 0;
    if (++this.frameInPattern === this.framesPerPattern) {
      this.frameInPattern = 0;
      this.pattern = (this.pattern + 1) % this.patternCount;
    }
    return starts;
  }

  /** Index of the pattern the next frame belongs to (or the current one mid-pattern). */
  get patternIndex(): number {
    return this.pattern;
  }
}

/**
 * Binary input frames for the Colyseus light client. `next()` returns a view into this script's
 * own reused buffers: send it before calling `next()` again (`ws` copies it while masking).
 */
export class BinaryInputScript extends PatternCycle {
  /** This script's scratch for pattern-start frames (all fields). */
  private readonly full: Buffer;
  /** This script's scratch for the frames in between (seq only). */
  private readonly seqOnly: Buffer;

  constructor(startPattern = 0, framesPerPattern = DEFAULT_FRAMES_PER_PATTERN) {
    super(PATTERN_FRAMES.length, startPattern, framesPerPattern);
    this.full = Buffer.alloc(PATTERN_FRAMES[0]!.bytes.length);
    this.seqOnly = Buffer.from(SEQ_ONLY_FRAME.bytes);
  }

  /** The next frame, `seq` one above the last. */
  next(): Buffer {
    const pattern = this.pattern;
    if (this.advance()) {
      const template = PATTERN_FRAMES[pattern]!;
      template.bytes.copy(this.full);
      writeSeq(this.full, template.seqOffset, this.seq);
      return this.full;
    }
    writeSeq(this.seqOnly, SEQ_ONLY_FRAME.seqOffset, this.seq);
    return this.seqOnly;
  }
}

/** JSON text of a pattern after the seq: `,"moveX":1,…,"fire":false}`. */
function jsonTail(p: InputPattern): string {
  return `,"moveX":${p.moveX},"moveY":${p.moveY},"aimX":${p.aimX},"aimY":${p.aimY},"fire":${p.fire}}`;
}
const JSON_TAILS: readonly string[] = INPUT_PATTERNS.map(jsonTail);

/**
 * JSON input messages for the baseline light client: the same patterns, every message complete
 * (the naive protocol has no deltas), pre-serialised except for the seq.
 */
export class JsonInputScript extends PatternCycle {
  constructor(startPattern = 0, framesPerPattern = DEFAULT_FRAMES_PER_PATTERN) {
    super(JSON_TAILS.length, startPattern, framesPerPattern);
  }

  /** The next message, `seq` one above the last. */
  next(): string {
    const pattern = this.pattern;
    this.advance();
    return '{"seq":' + this.seq + JSON_TAILS[pattern];
  }
}
