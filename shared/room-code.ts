/**
 * Join codes of private rooms, one rule for the server that makes them and the client that
 * reads them from a field or a link: six characters from an alphabet without look-alikes (no
 * 0/O, 1/I/L), easy to read aloud and type on a phone. 31⁶ ≈ 887 million codes; guessing one is
 * held back by the matchmaking rate limit. The code is the room id, so joining by code is
 * `joinById(code)`.
 */

/** The characters a code is made of. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A code a player typed or pasted: upper case, spaces and dashes removed. */
export function normalizeRoomCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, "");
}

/** True for a string shaped like a code (after {@link normalizeRoomCode}). */
export function isRoomCode(text: string): boolean {
  return CODE_PATTERN.test(text);
}
