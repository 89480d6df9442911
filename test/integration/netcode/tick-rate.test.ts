/**
 * Tick accuracy: with 48 clients sending an input every tick in three rooms, every room's
 * effective simulation rate stays within 0.5 % of nominal over 15 s (Colyseus's fixed timestep
 * is an accumulator: a late timer runs the missed steps, so the count keeps up with the clock).
 */
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ColyseusLightClient } from "../../../bench/light/colyseus-light-client.ts";
import type { RunningServer } from "../../../server/app.ts";
import { DEFAULT_TICK_RATE } from "../../../shared/constants.ts";
import type { ArenaState } from "../../../shared/schema.ts";
import { sleep, startTestServer } from "../harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 13 });
});
afterAll(async () => {
  await server.stop();
});

describe("tick accuracy", () => {
  it("keeps every room within 0.5 % of the nominal rate under load", async () => {
    const clients = Array.from({ length: 48 }, (_, i) => new ColyseusLightClient(server.url, i));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const roomIds = [...new Set(clients.map((c) => c.roomId!))];
      const tickOf = (id: string): number => (matchMaker.getLocalRoomById(id)!.state as ArenaState).tick;
      const timer = setInterval(() => {
        for (const c of clients) c.sendInput();
      }, 1000 / DEFAULT_TICK_RATE);
      await sleep(1000);
      const t0 = performance.now();
      const ticks0 = roomIds.map(tickOf);
      await sleep(15_000);
      const seconds = (performance.now() - t0) / 1000;
      const rates = roomIds.map((id, i) => (tickOf(id) - ticks0[i]!) / seconds);
      clearInterval(timer);
      const errors = rates.map((r) => (Math.abs(r - DEFAULT_TICK_RATE) / DEFAULT_TICK_RATE) * 100);
      console.log(
        `tick rate over ${seconds.toFixed(1)} s, ${clients.length} clients in ${roomIds.length} rooms: ` +
          `${rates.map((r) => r.toFixed(3)).join(", ")} Hz (error ${errors.map((e) => e.toFixed(3)).join(", ")} %)`,
      );
      expect(roomIds.length).toBe(3);
      // One tick of slack for where the window's ends fall within a tick.
      for (const e of errors) expect(e).toBeLessThanOrEqual(0.5 + 100 / (DEFAULT_TICK_RATE * seconds));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 40_000);
});
