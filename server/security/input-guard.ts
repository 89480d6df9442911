/**
 * Strict structural check of reliable input frames before Colyseus decodes them.
 *
 * Why our own: `@colyseus/schema`'s decoder never rejects bytes. Given garbage it logs
 * "refId not found" and writes whatever it parsed into the input (we measured it setting
 * `seq` to 4294967295 from six junk bytes), so a hostile client could freeze its own seq or
 * spam the server log. Our input schema is flat and fixed-size, so a frame has exactly one
 * valid shape: a run of `[ADD | fieldIndex][value bytes]` entries, each field at most once,
 * values of the field's exact width, booleans 0 or 1, nothing trailing.
 */
import { OPERATION } from "@colyseus/schema";

/** Wire widths of the fixed-size primitive types an input schema may use. */
const FIXED_WIDTH: Readonly<Record<string, number>> = {
  boolean: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

interface FieldShape {
  readonly width: number;
  readonly isBoolean: boolean;
}

/** A validator for one input schema's frame bodies, and the largest body it accepts. */
export interface InputBodyShape {
  /** Accepts exactly the bodies an `InputEncoder` of the schema emits. */
  readonly isValid: (bytes: Uint8Array) => boolean;
  /** Bytes of a body that carries every field once. */
  readonly maxBytes: number;
}

/** Returns the body validator of the reliable frames an `InputEncoder` of `ctor` emits. */
export function createInputFrameValidator(ctor: abstract new () => object): InputBodyShape {
  const metadata = (ctor as unknown as Record<symbol, unknown>)[Symbol.metadata] as
    Record<string, { type: unknown; index: number; name: string }> | undefined;
  if (metadata === undefined) throw new Error("input schema has no metadata");
  const fields: FieldShape[] = [];
  for (const key of Object.keys(metadata)) {
    const field = metadata[key];
    if (field === undefined || !/^\d+$/.test(key)) continue;
    const width = typeof field.type === "string" ? FIXED_WIDTH[field.type] : undefined;
    if (width === undefined) throw new Error(`input field ${field.name} is not a fixed-size primitive`);
    fields[field.index] = { width, isBoolean: field.type === "boolean" };
  }

  const maxBytes = fields.reduce((sum, f) => sum + 1 + f.width, 0);
  const isValid = (bytes: Uint8Array): boolean => {
    let seen = 0;
    let i = 0;
    while (i < bytes.length) {
      const head = bytes[i]!;
      const index = head & ~OPERATION.ADD;
      const field = (head & OPERATION.ADD) === OPERATION.ADD ? fields[index] : undefined;
      if (field === undefined || seen & (1 << index)) return false;
      seen |= 1 << index;
      i += 1;
      if (i + field.width > bytes.length) return false;
      if (field.isBoolean && bytes[i]! > 1) return false;
      i += field.width;
    }
    return true;
  };
  return { isValid, maxBytes };
}
