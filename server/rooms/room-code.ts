/**
 * Making join codes for private rooms (the rule is shared/room-code.ts): random, and unused by
 * any live room.
 */
import { randomInt } from "node:crypto";
import { CODE_ALPHABET, CODE_LENGTH } from "../../shared/room-code.ts";

/** A random code. */
export function randomRoomCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A code no live room uses (`taken` asks the matchmaker); gives up after a few collisions. */
export async function uniqueRoomCode(taken: (code: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = randomRoomCode();
    if (!(await taken(code))) return code;
  }
  throw new Error("could not find a free room code");
}
