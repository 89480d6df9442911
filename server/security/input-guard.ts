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
import { inputLayoutOf } from "../rooms/plain-input.ts";

/** A validator for one input schema's frame bodies, and the largest body it accepts. */
export interface InputBodyShape {
  /** Accepts exactly the bodies an `InputEncoder` of the schema emits. */
  readonly isValid: (bytes: Uint8Array) => boolean;
  /** Bytes of a body that carries every field once. */
  readonly maxBytes: number;
}

/** Returns the body validator of the reliable frames an `InputEncoder` of `ctor` emits. */
export function createInputFrameValidator(ctor: new () => object): InputBodyShape {
  // The one description of the flat input layout, shared with the decoder (plain-input.ts).
  const layout = inputLayoutOf(ctor);
  const fields = layout.widths.map((width, i) => ({ width, isBoolean: layout.booleans[i]! }));

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
