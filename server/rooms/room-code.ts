/**
 * Join codes of private rooms: six characters from an alphabet without look-alikes (no 0/O,
 * 1/I/L), easy to read aloud and type on a phone. 31⁶ ≈ 887 million codes; guessing one is
 * held back by the matchmaking rate limit. The code is the room id, so joining by code is
 * `joinById(code)`.
 */
import { randomInt } from "node:crypto";

/** The characters a code is made of. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A random code. */
export function randomRoomCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** True for a string shaped like a code (after `normalizeRoomCode`). */
export function isRoomCode(text: string): boolean {
  return CODE_PATTERN.test(text);
}

/** A code a player typed: upper case, spaces and dashes removed. */
export function normalizeRoomCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, "");
}

/** A code no live room uses (`taken` asks the matchmaker); gives up after a few collisions. */
export async function uniqueRoomCode(taken: (code: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = randomRoomCode();
    if (!(await taken(code))) return code;
  }
  throw new Error("could not find a free room code");
}
