/**
 * Plain input frames: the arena's input path without a Schema object per input.
 *
 * Why: Colyseus decodes each input frame into the client's input Schema instance through the
 * generic schema `Decoder`, runs the compiled sanitizer over its accessors, and buffers
 * `instance.clone()`, a fresh Schema (with its ChangeTree) per input. At 500 players that was
 * ≈ 5.8 µs of the ≈ 14.6 µs of server CPU per input message and 65 % of all allocation; the
 * clones live ≈ 1 s in the buffer (it compacts lazily), so most were copied by scavenges and
 * promoted (../shared/notes/capacity-profile.md §3–§5). Our input schema is flat and fixed-size,
 * and the frame guard has already checked each frame's exact shape (input-guard.ts), so the
 * body can be read straight into a plain object, and the buffer can hold plain copies from a
 * small per-client ring instead of clones.
 *
 * How, through Colyseus's own per-client slots (the one reach into its internals for inputs;
 * verified on @colyseus/core 0.18.17 and @colyseus/schema 5.0.34, both pinned in
 * package.json; `test/unit/server/plain-input.test.ts` fails if any of it changes):
 * - `client._input` (core input/RoomInput.ts:168, read by `capture` :229-245, by the
 *   accessor's `latest` and the idle context, input/InputBuffer.ts:201, :532) becomes a
 *   {@link PlainInput}; its `clone()` (called once per buffered input, RoomInput.ts:245)
 *   returns the next slot of the client's ring, a plain copy.
 * - `client._inputDecoder` (RoomInput.ts:174; `decodeReliable` calls its `decode(body)`,
 *   :277) becomes a {@link FixedLayoutDecoder} writing into that object. The unreliable
 *   channel (`decodeAll`) stays refused: the frame guard never lets such a frame through.
 * - The room's `sanitize` is a plain function (`compileSanitizer` passes functions through,
 *   InputBuffer.ts:27-28) clamping the plain object's fields.
 * The buffer's ack, seq dedupe, pacing and `next()` are untouched: they read fields by name,
 * which a plain object has as well.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Client } from "@colyseus/core";
import { OPERATION } from "@colyseus/schema";

/** The versions this module was verified on. */
export const VERIFIED_PLAIN_INPUT = { core: "0.18.17", schema: "5.0.34" } as const;

/** The installed versions of the two packages whose internals this module uses. */
export function installedVersions(): { core: string; schema: string } {
  return { core: packageVersion("@colyseus/core"), schema: packageVersion("@colyseus/schema") };
}

/** A package's version, from the package.json above its entry point (not every package exports it). */
function packageVersion(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === name && typeof pkg.version === "string") return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

/** How one field of a flat, fixed-size input schema is read off the wire (little-endian). */
type FieldReader = (bytes: Uint8Array, at: number) => number | boolean;

const READERS: Readonly<Record<string, { width: number; read: FieldReader }>> = {
  boolean: { width: 1, read: (b, i) => b[i] === 1 },
  int8: { width: 1, read: (b, i) => (b[i]! << 24) >> 24 },
  uint8: { width: 1, read: (b, i) => b[i]! },
  int16: { width: 2, read: (b, i) => ((b[i]! | (b[i + 1]! << 8)) << 16) >> 16 },
  uint16: { width: 2, read: (b, i) => b[i]! | (b[i + 1]! << 8) },
  int32: { width: 4, read: (b, i) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24) },
  uint32: { width: 4, read: (b, i) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0 },
};

/** Member names of {@link PlainInput} itself, which no input field may take. */
const RESERVED: ReadonlySet<string> = new Set(["clone", "ring", "next", "layout"]);

/** The wire layout of a flat input schema: per field index, its name, width and reader. */
export interface InputLayout {
  readonly names: readonly string[];
  readonly widths: readonly number[];
  readonly readers: readonly FieldReader[];
  /** True for boolean fields (on the wire: one byte, 0 or 1). */
  readonly booleans: readonly boolean[];
  /** Each field's value before anything was received (the schema's default, else 0/false). */
  readonly defaults: readonly (number | boolean)[];
}

/** Reads the layout of `ctor` (a `schema({...})` class of fixed-size primitives) from its metadata. */
export function inputLayoutOf(ctor: new () => object): InputLayout {
  const metadata = (ctor as unknown as Record<symbol, unknown>)[Symbol.metadata] as
    Record<string, { type: unknown; index: number; name: string }> | undefined;
  if (metadata === undefined) throw new Error("input schema has no metadata");
  const names: string[] = [];
  const widths: number[] = [];
  const readers: FieldReader[] = [];
  const booleans: boolean[] = [];
  const defaults: (number | boolean)[] = [];
  const sample = new ctor() as Record<string, unknown>;
  for (let index = 0; ; index++) {
    const field = metadata[index];
    if (field === undefined) break;
    if (RESERVED.has(field.name)) throw new Error(`input field ${field.name} clashes with PlainInput's own members`);
    const reader = typeof field.type === "string" ? READERS[field.type] : undefined;
    if (reader === undefined) throw new Error(`input field ${field.name} is not a fixed-size primitive`);
    names.push(field.name);
    widths.push(reader.width);
    readers.push(reader.read);
    booleans.push(field.type === "boolean");
    const value = sample[field.name];
    defaults.push(
      typeof value === "number" || typeof value === "boolean" ? value : field.type === "boolean" ? false : 0,
    );
  }
  return { names, widths, readers, booleans, defaults };
}

/** A client's current input, and the ring its buffered copies come from. */
export class PlainInput {
  [field: string]: unknown;
  private readonly ring: Record<string, unknown>[] = [];
  private next = 0;

  constructor(
    private readonly layout: InputLayout,
    ringSize: number,
  ) {
    layout.names.forEach((name, i) => {
      this[name] = layout.defaults[i];
    });
    for (let i = 0; i < ringSize; i++) {
      const slot: Record<string, unknown> = {};
      layout.names.forEach((name, j) => (slot[name] = layout.defaults[j]));
      this.ring.push(slot);
    }
  }

  /**
   * A copy of the current values, for the input buffer: the next slot of the ring. A slot is
   * reused only after `ring.length` more inputs, and the buffer never holds more unconsumed
   * inputs than its maximum size, which the ring exceeds (see {@link usePlainInputs}); consumed
   * inputs are read only within the tick that consumes them.
   */
  clone(): Record<string, unknown> {
    const slot = this.ring[this.next]!;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    const names = this.layout.names;
    for (let i = 0; i < names.length; i++) slot[names[i]!] = this[names[i]!];
    return slot;
  }
}

/**
 * Decodes an input body (`[ADD | fieldIndex][value]…`, the shape the frame guard admits) into
 * a {@link PlainInput}: fields present are overwritten, absent ones keep their value, exactly as
 * the schema decoder does. Bytes of any other shape change nothing (the guard closes such a
 * client before they get here; this is a second line, never a crash).
 */
export class FixedLayoutDecoder {
  constructor(
    private readonly target: PlainInput,
    private readonly layout: InputLayout,
  ) {}

  decode(bytes: Uint8Array): PlainInput {
    const { names, widths, readers } = this.layout;
    let i = 0;
    while (i < bytes.length) {
      const head = bytes[i]!;
      const index = head & ~OPERATION.ADD;
      if ((head & OPERATION.ADD) !== OPERATION.ADD || index >= names.length) break;
      const width = widths[index]!;
      if (i + 1 + width > bytes.length) break;
      this.target[names[index]!] = readers[index]!(bytes, i + 1);
      i += 1 + width;
    }
    return this.target;
  }

  decodeAll(): number {
    // The unreliable input channel is not part of our protocol (the frame guard refuses it).
    throw new Error("unreliable input frames are not accepted");
  }
}

interface InputSlots {
  _input?: unknown;
  _inputDecoder?: unknown;
}

/**
 * Switches one client's input slots to plain frames. Call after Colyseus allocated them (in
 * `onJoin` and `onReconnect`: `Room._onJoin` allocates before either hook, core Room.ts:1678)
 * and before the client's first input frame (Colyseus holds a client's frames until it
 * acknowledged the join). The values received so far are carried over.
 *
 * @param ringSize plain copies per client: more than the input buffer's maximum size
 */
export function usePlainInputs(client: Client, layout: InputLayout, ringSize: number): void {
  const slots = client as unknown as InputSlots;
  if (slots._inputDecoder instanceof FixedLayoutDecoder) return;
  const current = slots._input as Record<string, unknown> | undefined;
  if (current === undefined || slots._inputDecoder === undefined) {
    const v = installedVersions();
    throw new Error(
      `client._input / _inputDecoder are missing: plain inputs were verified on @colyseus/core ` +
        `${VERIFIED_PLAIN_INPUT.core}, installed is ${v.core}`,
    );
  }
  const plain = new PlainInput(layout, ringSize);
  for (const name of layout.names) {
    const value = current[name];
    if (typeof value === "number" || typeof value === "boolean") plain[name] = value;
  }
  slots._input = plain;
  slots._inputDecoder = new FixedLayoutDecoder(plain, layout);
}
