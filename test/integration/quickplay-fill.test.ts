/**
 * Quick play under a rush: 500 simultaneous `joinOrCreate` calls are all seated, no room goes
 * over its 16 seats, and they fill the fewest rooms possible (the fullest open room first).
 * Quick play's allocator (server/matchmaking/quick-play.ts) seats the whole rush itself: every
 * seat and room counted on GET /metrics, none handed to Colyseus's own joinOrCreate. Prints the
 * time-to-seat percentiles. Each player holds its guest token before the rush, as a
 * browser does after the menu, so the 500 matchmaking calls really are simultaneous.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ColyseusLightClient } from "../../bench/light/colyseus-light-client.ts";
import { fetchGuestTokens } from "../../bench/light/guest-tokens.ts";
import type { RunningServer } from "../../server/app.ts";
import { MAX_PLAYERS } from "../../shared/constants.ts";
import { parsePrometheusText } from "../prometheus-text.ts";
import { startTestServer } from "./harness.ts";

const PLAYERS = 500;

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 9 });
});
afterAll(async () => {
  await server.stop();
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("quick play", () => {
  it(`seats ${PLAYERS} simultaneous players in the fewest rooms, none over ${MAX_PLAYERS}`, async () => {
    const tokens = await fetchGuestTokens(server.url, PLAYERS);
    expect(new Set(tokens).size).toBe(PLAYERS);
    const clients = Array.from(
      { length: PLAYERS },
      (_, i) => new ColyseusLightClient(server.url, i, { token: tokens[i]! }),
    );
    try {
      const results = await Promise.allSettled(clients.map((c) => c.connect()));
      const failed = results.filter((r) => r.status === "rejected");
      expect(failed.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
      const seatMs = results.map((r) => (r as PromiseFulfilledResult<number>).value).sort((a, b) => a - b);
      const perRoom = new Map<string, number>();
      for (const c of clients) perRoom.set(c.roomId!, (perRoom.get(c.roomId!) ?? 0) + 1);
      console.log(
        `quick play rush: ${PLAYERS} seated in ${perRoom.size} rooms (largest ${Math.max(...perRoom.values())}); ` +
          `time to seat p50 ${percentile(seatMs, 50).toFixed(0)} ms, p95 ${percentile(seatMs, 95).toFixed(0)} ms, ` +
          `max ${seatMs.at(-1)!.toFixed(0)} ms`,
      );
      expect(Math.max(...perRoom.values())).toBeLessThanOrEqual(MAX_PLAYERS);
      expect(perRoom.size).toBe(Math.ceil(PLAYERS / MAX_PLAYERS));
      expect(clients.every((c) => c.isSeated)).toBe(true);
      const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
      expect(metrics.value("tick_arena_quick_play_seats_total")).toBe(PLAYERS);
      expect(metrics.value("tick_arena_quick_play_rooms_created_total")).toBe(Math.ceil(PLAYERS / MAX_PLAYERS));
      expect(metrics.value("tick_arena_quick_play_fallbacks_total")).toBe(0);
      // One process: it knows every seat it is reserving, so no pick finds a room full.
      expect(metrics.value("tick_arena_quick_play_missed_picks_total")).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 60_000);
});
