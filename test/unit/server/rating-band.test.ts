/**
 * The ranked queue's grouping rule as PROTOCOL.md gives it: a player joins a group whose average
 * rating is within 150 points of theirs, and the band widens by 50 with every cycle the player
 * has waited.
 */
import type { QueueClientData, QueueMatchGroup } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { fitsRatingBand } from "../../../server/rooms/social-rooms.ts";

function fits(rank: number, averageRank: number, currentCycle?: number): boolean {
  const client: QueueClientData = { rank, ...(currentCycle === undefined ? {} : { currentCycle }) };
  const group: QueueMatchGroup = { averageRank, clients: [] };
  return fitsRatingBand(client, group);
}

describe("ranked rating band", () => {
  it("takes a new player within 150 points of the group's average, either side, and no further", () => {
    expect(fits(1150, 1000)).toBe(true);
    expect(fits(850, 1000)).toBe(true);
    expect(fits(1151, 1000)).toBe(false);
    expect(fits(849, 1000)).toBe(false);
    expect(fits(1150, 1000, 0)).toBe(true);
    expect(fits(1151, 1000, 0)).toBe(false);
  });

  it("widens the band by 50 points for every cycle waited", () => {
    for (const cycle of [1, 2, 5, 10]) {
      const band = 150 + 50 * cycle;
      expect(fits(1000 + band, 1000, cycle), `cycle ${cycle}: ${band} points`).toBe(true);
      expect(fits(1000 - band, 1000, cycle), `cycle ${cycle}: −${band} points`).toBe(true);
      expect(fits(1000 + band + 1, 1000, cycle), `cycle ${cycle}: ${band + 1} points`).toBe(false);
    }
  });
});
