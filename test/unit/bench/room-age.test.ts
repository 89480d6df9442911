/**
 * bench/netcode/room-age.ts, small: a room that reuses its projectile instances keeps 1-byte
 * refIds and cheaper patches as it ages; one that makes a fresh instance per launch does not.
 */
import { describe, expect, it } from "vitest";
import { runVariant } from "../../../bench/netcode/room-age.ts";

describe("room age", () => {
  it("keeps refIds small and patches lean with reuse, not without", () => {
    const fresh = runVariant("fresh", 5000);
    const reuse = runVariant("reuse", 5000);
    expect(fresh.launches).toBeGreaterThanOrEqual(5000);
    expect(reuse.maxRefId).toBeLessThan(128);
    expect(fresh.maxRefId).toBeGreaterThan(4000);
    expect(reuse.lateJoinerMoveBytes).toBeLessThan(fresh.lateJoinerMoveBytes);
    expect(reuse.bytesPerPatchLate).toBeLessThan(fresh.bytesPerPatchLate);
  });
});
