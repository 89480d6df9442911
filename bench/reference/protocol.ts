/**
 * Wire format of the bare-`ws` reference server (bench/reference/ws-server.ts): binary frames
 * only, sized like Tick Arena's traffic so the reference moves the same number of messages of
 * the same sizes, with none of a framework's work in between.
 *
 * Client → server, one input frame per tick (30 Hz) of exactly {@link INPUT_BYTES} bytes, sent
 * as many to a message as Tick Arena's clients batch them (two: 15 messages a second):
 *   [0] = {@link RefMessage.Input}, [1..4] seq (uint32 LE), [5] moveX (int8), [6] moveY (int8),
 *   [7..8] aimX (int16 LE), [9..10] aimY (int16 LE), [11] fire (0/1), [12..15] zero padding.
 * Server → client, `patchBytes` bytes each (default {@link DEFAULT_PATCH_BYTES}):
 *   [0] = {@link RefMessage.Seat} once on join (the seated moment), then
 *   [0] = {@link RefMessage.Patch} at the patch rate: [1..4] the client's last input seq (its
 *   ack, which makes every client's frame its own, as Tick Arena's are), [5..8] the room tick,
 *   then the room's entity positions (int16 x, y per slot), zero-filled to the size.
 */

/** First byte of every reference frame. */
export const RefMessage = { Input: 1, Seat: 2, Patch: 3 } as const;

/** Size of a client input frame (Tick Arena's full `PlayerInput` frame is 16 B). */
export const INPUT_BYTES = 16;
/** Patch size per client when no Tick Arena measurement says otherwise. */
export const DEFAULT_PATCH_BYTES = 200;
/** Smallest patch that holds the header (type, ack, tick). */
export const PATCH_HEADER_BYTES = 9;

/** Writes an input frame into `out` (at least INPUT_BYTES long). */
export function writeInput(
  out: Buffer,
  seq: number,
  input: { moveX: number; moveY: number; aimX: number; aimY: number; fire: boolean },
): void {
  out.fill(0, 0, INPUT_BYTES);
  out[0] = RefMessage.Input;
  out.writeUInt32LE(seq >>> 0, 1);
  out.writeInt8(input.moveX, 5);
  out.writeInt8(input.moveY, 6);
  out.writeInt16LE(input.aimX, 7);
  out.writeInt16LE(input.aimY, 9);
  out[11] = input.fire ? 1 : 0;
}

/**
 * Reads a message of one or more input frames back to back (the reference's clients send as
 * many per message as Tick Arena's, see shared/protocol.ts INPUT_BATCH_FRAMES, so both servers
 * read the same number of messages). Calls `each` per frame in order; false when malformed.
 */
export function readInputs(data: Buffer, each: (seq: number, moveX: number, moveY: number) => void): boolean {
  if (data.length === 0 || data.length % INPUT_BYTES !== 0) return false;
  for (let at = 0; at < data.length; at += INPUT_BYTES) if (data[at] !== RefMessage.Input) return false;
  for (let at = 0; at < data.length; at += INPUT_BYTES) {
    each(data.readUInt32LE(at + 1), data.readInt8(at + 5), data.readInt8(at + 6));
  }
  return true;
}
