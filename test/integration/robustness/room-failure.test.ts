/**
 * An exception inside one room (a bug of ours in the step or the patch) stops that room only:
 * its players are told (4500) and the room is disposed, while another room of the same process
 * plays on without losing a patch. The fault is injected by replacing the room instance's step
 * from the test, since no client input can cause one.
 */
import type { Room } from "@colyseus/sdk";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { arenaMessages, guestClient, sleep, startTestServer, waitFor } from "../harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 11 });
});
afterAll(async () => {
  await server.stop();
});

interface Watched {
  room: Room<unknown, ArenaState>;
  closed: Promise<number>;
  longestGap(): number;
}

function watch(room: Room<unknown, ArenaState>): Watched {
  room.reconnection.maxRetries = 0;
  arenaMessages(room);
  let last = performance.now();
  let longest = 0;
  room.onStateChange(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  });
  const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
  return { room, closed, longestGap: () => Math.max(longest, performance.now() - last) };
}

/** Two players, each with a guest token, in a room of their own (created, then joined by id). */
async function pairInOwnRoom(prefix: string): Promise<[Watched, Watched]> {
  const a = await (await guestClient(server.url)).create(RoomName.Arena, { name: `${prefix} A` }, ArenaState);
  const watchedA = watch(a);
  const b = await (await guestClient(server.url)).joinById(a.roomId, { name: `${prefix} B` }, ArenaState);
  return [watchedA, watch(b)];
}

describe("a failing room", () => {
  // The step is our simulation; applyPatches is the state encoder under the patch broadcast.
  for (const where of ["step", "patch"] as const) {
    it(`stops alone when its ${where} throws; the other room plays on`, async () => {
      const [doomedA, doomedB] = await pairInOwnRoom(`Doomed ${where}`);
      const [safeA, safeB] = await pairInOwnRoom(`Safe ${where}`);
      expect(doomedA.room.roomId).not.toBe(safeA.room.roomId);
      await waitFor(() => safeA.room.state.players.size === 2, 3000, "the safe pair to see each other");
      const safeTick = safeA.room.state.tick;

      const instance = matchMaker.getLocalRoomById(doomedA.room.roomId) as unknown as Record<string, unknown>;
      expect(instance).toBeDefined();
      const target = where === "step" ? instance : (instance["_serializer"] as Record<string, unknown>);
      target[where === "step" ? "step" : "applyPatches"] = () => {
        throw new Error(`injected failure in ${where}`);
      };

      expect(await doomedA.closed).toBe(CloseCodes.RoomError);
      expect(await doomedB.closed).toBe(CloseCodes.RoomError);
      await waitFor(
        () => matchMaker.getLocalRoomById(doomedA.room.roomId) === undefined,
        5000,
        "the room to be disposed",
      );

      await sleep(500);
      for (const p of [safeA, safeB]) {
        expect(p.room.connection.isOpen).toBe(true);
        expect(p.longestGap()).toBeLessThanOrEqual(250);
      }
      expect(safeA.room.state.tick).toBeGreaterThan(safeTick + 10);
      await Promise.all([safeA.room.leave(), safeB.room.leave()]);
    });
  }
});
