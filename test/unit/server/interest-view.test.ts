/**
 * The choice of a large room's per-client view (server/rooms/interest.ts `chooseView`): a
 * distance circle with hysteresis, and a budget of ships, the nearest first, with a margin
 * before a newcomer displaces a ship already in view.
 */
import { describe, expect, it } from "vitest";
import {
  chooseView,
  INTEREST_MAX_SHIPS,
  INTEREST_RADIUS_PX,
  LEAVE_RADIUS_PX,
  SWAP_MARGIN_PX,
  type ViewCandidate,
} from "../../../server/rooms/interest.ts";

/** Ships on the +x axis from the viewer at the origin, at the given distances. */
function row(...distances: number[]): ViewCandidate[] {
  return distances.map((d, i) => ({ id: `s${i}`, x: d, y: 0 }));
}

describe("chooseView", () => {
  it("takes ships within the radius and never the viewer itself", () => {
    const ships = [{ id: "me", x: 0, y: 0 }, ...row(100, INTEREST_RADIUS_PX, INTEREST_RADIUS_PX + 1)];
    expect([...chooseView(0, 0, "me", ships, new Set())].sort()).toEqual(["s0", "s1"]);
  });

  it("keeps a ship in view until it is beyond the leave radius", () => {
    const ships = row(INTEREST_RADIUS_PX + 100, LEAVE_RADIUS_PX + 1);
    expect(chooseView(0, 0, "me", ships, new Set())).toEqual(new Set());
    expect(chooseView(0, 0, "me", ships, new Set(["s0", "s1"]))).toEqual(new Set(["s0"]));
  });

  it("holds at most the budget, the nearest ones, when more crowd the circle", () => {
    const distances = Array.from({ length: 40 }, (_, i) => 1000 - i * 20);
    const view = chooseView(0, 0, "me", row(...distances), new Set());
    expect(view.size).toBe(INTEREST_MAX_SHIPS);
    const nearest = distances
      .map((d, i) => ({ d, id: `s${i}` }))
      .sort((a, b) => a.d - b.d)
      .slice(0, INTEREST_MAX_SHIPS)
      .map((s) => s.id);
    expect([...view].sort()).toEqual(nearest.sort());
  });

  it("lets a newcomer displace the farthest ship in a full view only when clearly nearer", () => {
    const budget = 2;
    const seen = new Set(["s0", "s1"]);
    // s1 at 800 px is the farthest in view; s2 is nearer, but by less than the margin.
    const close = row(100, 800, 800 - SWAP_MARGIN_PX + 1);
    expect(chooseView(0, 0, "me", close, seen, budget)).toEqual(seen);
    // Nearer by more than the margin: it takes s1's place.
    const clearly = row(100, 800, 800 - SWAP_MARGIN_PX - 1);
    expect(chooseView(0, 0, "me", clearly, seen, budget)).toEqual(new Set(["s0", "s2"]));
  });

  it("drops the farthest ships when the view holds more than the budget", () => {
    const seen = new Set(["s0", "s1", "s2"]);
    expect(chooseView(0, 0, "me", row(300, 100, 200), seen, 2)).toEqual(new Set(["s1", "s2"]));
  });
});
