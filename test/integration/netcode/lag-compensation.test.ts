/**
 * Lag compensation: a shooter on a 250 ms round trip, drawing others 100 ms in the past, aims at
 * where it sees a target crossing its view at constant speed (no lead) and fires. With lag
 * compensation the server tests each shot against the targets as the shooter saw them, so it
 * hits about as often as it would on a perfect link; without it, the shot flies at where the
 * target was a quarter of a second ago and misses. Real servers, the browser's session module
 * for the shooter, an SDK client for the target; the duel and its counting are the netcode
 * bench's (bench/netcode/lag-compensation.ts), so the test and `npm run bench:netcode` measure
 * the same way.
 */
import { describe, expect, it } from "vitest";
import { FIELD } from "../../../bench/netcode/field.ts";
import { duel, type DuelOutcome } from "../../../bench/netcode/lag-compensation.ts";
import { LAG_COMPENSATION_MS } from "../../../shared/constants.ts";
import { startTestServer } from "../harness.ts";

const SHOTS = 24;

/** One duel on a fresh server with the given compensation. */
async function duelOn(lagCompensationMs: number): Promise<DuelOutcome> {
  const server = await startTestServer({ map: FIELD, seed: 3, lagCompensationMs });
  try {
    return await duel(server.url, SHOTS, { seatMs: 5000, shootingMs: 60_000 });
  } finally {
    await server.stop();
  }
}

describe("lag compensation", () => {
  it("lets a shooter at 250 ms RTT hit what it saw; without it the same shots miss", async () => {
    // One after the other: Colyseus's matchmaker is one per process, so two servers in one
    // process must not overlap.
    const compensated = await duelOn(LAG_COMPENSATION_MS);
    const uncompensated = await duelOn(0);
    const rate = (o: DuelOutcome): number => o.hits / Math.max(1, o.counted);
    console.log(
      JSON.stringify({
        rttMs: 250,
        hitRateCompensated: Number(rate(compensated).toFixed(3)),
        hitRateUncompensated: Number(rate(uncompensated).toFixed(3)),
        compensated,
        uncompensated,
      }),
    );
    expect(compensated.counted).toBeGreaterThanOrEqual(12);
    expect(uncompensated.counted).toBeGreaterThanOrEqual(12);
    expect(rate(compensated)).toBeGreaterThanOrEqual(0.95);
    expect(rate(uncompensated)).toBeLessThan(0.5);
  }, 150_000);
});
