/** Multiplayer Elo: pairwise duels by score, K scaled by 1/(n−1), integer results. */
import { describe, expect, it } from "vitest";
import {
  expectedScore,
  INITIAL_RATING,
  RATING_K,
  ratingChanges,
  type Standing,
} from "../../../server/ranked/rating.ts";

function deltas(standings: Standing[]): Record<string, number> {
  const changes = ratingChanges(standings);
  return Object.fromEntries([...changes].map(([id, c]) => [id, c.after - c.before]));
}

function sumOfChanges(standings: Standing[]): number {
  return Object.values(deltas(standings)).reduce((a, b) => a + b, 0);
}

describe("expectedScore", () => {
  it("is one half between equals and the two sides sum to one", () => {
    expect(expectedScore(1500, 1500)).toBe(0.5);
    expect(expectedScore(1600, 1400) + expectedScore(1400, 1600)).toBeCloseTo(1, 12);
  });

  it("gives 10:1 odds across a 400-point gap", () => {
    expect(expectedScore(1600, 1200)).toBeCloseTo(10 / 11, 12);
    expect(expectedScore(1200, 1600)).toBeCloseTo(1 / 11, 12);
  });
});

describe("ratingChanges", () => {
  it("starts everyone at 1200 with K = 32", () => {
    expect(INITIAL_RATING).toBe(1200);
    expect(RATING_K).toBe(32);
  });

  it("moves two equal players by K/2 each way", () => {
    const changes = ratingChanges([
      { playerId: "a", rating: 1200, score: 5 },
      { playerId: "b", rating: 1200, score: 1 },
    ]);
    expect(changes.get("a")).toEqual({ before: 1200, after: 1216 });
    expect(changes.get("b")).toEqual({ before: 1200, after: 1184 });
  });

  it("gives the winner what the loser loses", () => {
    const d = deltas([
      { playerId: "w", rating: 1340, score: 3 },
      { playerId: "l", rating: 1275, score: -2 },
    ]);
    expect(d.w).toBeGreaterThan(0);
    expect(d.w).toBe(-d.l!);
    expect(d.w).toBe(Math.round(RATING_K * (1 - expectedScore(1340, 1275))));
  });

  it("pays more for an upset than for the expected result", () => {
    const favouriteWins = deltas([
      { playerId: "fav", rating: 1600, score: 10 },
      { playerId: "dog", rating: 1200, score: 0 },
    ]);
    const underdogWins = deltas([
      { playerId: "fav", rating: 1600, score: 0 },
      { playerId: "dog", rating: 1200, score: 10 },
    ]);
    expect(favouriteWins.fav).toBe(3); // 32 · 1/11
    expect(underdogWins.dog).toBe(29); // 32 · 10/11
    expect(underdogWins.dog!).toBeGreaterThan(favouriteWins.fav!);
    expect(underdogWins.fav).toBe(-29);
  });

  it("orders 8 equal players by their place, within ±K, symmetric around the middle", () => {
    const standings = Array.from({ length: 8 }, (_, i) => ({ playerId: `p${i}`, rating: 1200, score: 20 - 3 * i }));
    const d = deltas(standings);
    const inPlace = standings.map((s) => d[s.playerId]!);
    for (let i = 1; i < 8; i++) expect(inPlace[i]!).toBeLessThan(inPlace[i - 1]!);
    // first place wins all 7 duels: 32/7 · 7 · 0.5 = 16; last loses them all
    expect(inPlace[0]).toBe(16);
    expect(inPlace[7]).toBe(-16);
    for (let i = 0; i < 4; i++) expect(inPlace[i]).toBe(-inPlace[7 - i]!);
    for (const x of inPlace) expect(Math.abs(x)).toBeLessThan(RATING_K);
    expect(inPlace.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("never moves a rating by K or more, even with large gaps in a big lobby", () => {
    const standings = Array.from({ length: 16 }, (_, i) => ({
      playerId: `p${i}`,
      rating: 800 + 100 * i, // the weakest player wins everything
      score: 100 - i,
    }));
    const d = deltas(standings);
    for (const x of Object.values(d)) expect(Math.abs(x)).toBeLessThan(RATING_K);
    // the upset winner: 15 duels each worth 32/15 · (1 − expected)
    let surprise = 0;
    for (let j = 1; j < 16; j++) surprise += 1 - 1 / (1 + 10 ** ((100 * j) / 400));
    expect(d.p0).toBe(Math.round((RATING_K / 15) * surprise));
    expect(d.p0!).toBeGreaterThan(25);
  });

  it("is zero-sum up to rounding: at most n/2 points off", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const n = 2 + Math.floor(next() * 9);
      const standings = Array.from({ length: n }, (_, i) => ({
        playerId: `p${i}`,
        rating: 900 + Math.floor(next() * 800),
        score: Math.floor(next() * 7) - 3,
      }));
      const sum = sumOfChanges(standings);
      expect(Math.abs(sum)).toBeLessThanOrEqual(n / 2);
      for (const c of ratingChanges(standings).values()) expect(Number.isInteger(c.after)).toBe(true);
    }
  });

  it("treats equal scores as draws", () => {
    // a draw between equals changes nothing
    expect(
      deltas([
        { playerId: "a", rating: 1200, score: 2 },
        { playerId: "b", rating: 1200, score: 2 },
      ]),
    ).toEqual({ a: 0, b: 0 });
    // a draw with a stronger player still gains the weaker one something
    const d = deltas([
      { playerId: "strong", rating: 1500, score: 0 },
      { playerId: "weak", rating: 1300, score: 0 },
    ]);
    expect(d.weak).toBeGreaterThan(0);
    expect(d.weak).toBe(-d.strong!);
    // two players sharing first place get the same change, between a sole winner's and the loser's
    const shared = deltas([
      { playerId: "a", rating: 1200, score: 4 },
      { playerId: "b", rating: 1200, score: 4 },
      { playerId: "c", rating: 1200, score: 0 },
    ]);
    expect(shared).toEqual({ a: 8, b: 8, c: -16 });
  });

  it("changes nothing for a lone player and rejects bad standings", () => {
    expect(ratingChanges([{ playerId: "solo", rating: 1234, score: 9 }]).get("solo")).toEqual({
      before: 1234,
      after: 1234,
    });
    expect(ratingChanges([]).size).toBe(0);
    expect(() =>
      ratingChanges([
        { playerId: "a", rating: 1200, score: 1 },
        { playerId: "a", rating: 1200, score: 2 },
      ]),
    ).toThrow(RangeError);
    expect(() => ratingChanges([{ playerId: "a", rating: Number.NaN, score: 1 }])).toThrow(RangeError);
    expect(() => ratingChanges([{ playerId: "a", rating: 1200, score: Infinity }])).toThrow(RangeError);
  });
});
