/**
 * Other ships' interpolation (client/src/net/remote-ships.ts): exact on the tick axis for a ship
 * at constant speed whether patches carry 1 or 2 ticks, carried on briefly when a patch is late
 * (exactly where it will be, at constant speed), never across a teleport.
 */
import { describe, expect, it } from "vitest";
import { MAX_EXTRAPOLATION_TICKS, RemoteShips } from "../../../client/src/net/remote-ships.ts";

const SPEED = 260 / 30; // px per tick

describe("remote ship interpolation", () => {
  it("is exact between samples for a ship at constant speed, whatever ticks the patches carry", () => {
    const ships = new RemoteShips(120);
    // Patches at 20 Hz of a 30 Hz simulation: 1 or 2 ticks apart.
    const ticks = [100, 101, 103, 104, 106, 107, 109];
    for (const t of ticks) ships.observe("a", t, 200 + SPEED * (t - 100), 300, 0);
    for (let r = 100; r <= 109; r += 0.125) {
      const pose = ships.at("a", r)!;
      expect(pose.x).toBeCloseTo(200 + SPEED * (r - 100), 9);
      expect(pose.y).toBe(300);
    }
  });

  it("carries a ship on along its last velocity when a patch is late, up to a cap", () => {
    const ships = new RemoteShips(120);
    for (const t of [10, 11, 13]) ships.observe("a", t, SPEED * t, 0, 0);
    expect(ships.at("a", 14.5)!.x).toBeCloseTo(SPEED * 14.5, 9); // where the late patch will put it
    const capped = ships.at("a", 13 + MAX_EXTRAPOLATION_TICKS + 5)!.x;
    expect(capped).toBeCloseTo(SPEED * (13 + MAX_EXTRAPOLATION_TICKS), 9);
    // The late patch arrives: the interpolated path continues without a step.
    ships.observe("a", 15, SPEED * 15, 0, 0);
    expect(ships.at("a", 14.5)!.x).toBeCloseTo(SPEED * 14.5, 9);
  });

  it("does not interpolate across a teleport (a respawn) and ignores stale samples", () => {
    const ships = new RemoteShips(120);
    ships.observe("a", 1, 100, 100, 0);
    ships.observe("a", 2, 108, 100, 0);
    ships.observe("a", 3, 1500, 900, 0); // respawned far away
    expect(ships.at("a", 2.5)).toEqual({ x: 1500, y: 900, aim: 0 });
    ships.observe("a", 2, 0, 0, 0); // older than the newest: ignored
    expect(ships.at("a", 3)).toEqual({ x: 1500, y: 900, aim: 0 });
  });

  it("turns the aim the short way round and forgets ships that left", () => {
    const ships = new RemoteShips(120);
    ships.observe("a", 1, 0, 0, Math.PI - 0.1);
    ships.observe("a", 2, 0, 0, -Math.PI + 0.1);
    const mid = ships.at("a", 1.5)!.aim;
    expect(Math.abs(Math.cos(mid) + 1)).toBeLessThan(1e-9); // facing −x, not through 0
    ships.retain((id) => id !== "a");
    expect(ships.at("a", 1.5)).toBeNull();
  });
});
