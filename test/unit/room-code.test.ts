/** Join codes: one rule for the server that makes them and the client that reads them. */
import { describe, expect, it } from "vitest";
import { randomRoomCode } from "../../server/rooms/room-code.ts";
import { isRoomCode, normalizeRoomCode } from "../../shared/room-code.ts";

describe("room codes", () => {
  it("reads a code typed in lower case, with spaces or a dash", () => {
    expect(normalizeRoomCode(" k7pq-2m ")).toBe("K7PQ2M");
    expect(isRoomCode(normalizeRoomCode("k7p q2m"))).toBe(true);
  });

  it("refuses look-alike characters, wrong lengths and anything else", () => {
    for (const bad of ["K7PQ2O", "K7PQ21", "I7PQ2M", "L7PQ2M", "K7PQ2", "K7PQ2MM", "K7PQ2!", ""]) {
      expect(isRoomCode(bad), bad).toBe(false);
    }
  });

  it("makes codes the rule accepts", () => {
    for (let i = 0; i < 1000; i++) expect(isRoomCode(randomRoomCode())).toBe(true);
  });
});
