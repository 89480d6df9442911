/**
 * A client that stops reading is cut once more than `maxOutboundBufferBytes` wait for it, before
 * the heartbeat would notice: memory stays bounded however much the room sends it. The backlog
 * is produced from the test (the room's own patches are too small to fill 256 KiB before the
 * heartbeat cuts a silent reader): large messages sent to that one client.
 */
import type { Socket } from "node:net";
import { matchMaker, type Client as ServerClient } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { DEFAULT_LIMITS } from "../../../server/security/limits.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { arenaMessages, guestClient, sleep, startTestServer, waitFor } from "../harness.ts";
import { joinRaw } from "./fixture.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 5 });
});
afterAll(async () => {
  await server.stop();
});

describe("the outbound buffer cap", () => {
  it("cuts a reader that stopped reading once 256 KiB wait for it; the others play on", async () => {
    const honest = await (
      await guestClient(server.url, "Reader")
    ).joinOrCreate(RoomName.Arena, { name: "Reader" }, ArenaState);
    honest.reconnection.maxRetries = 0;
    arenaMessages(honest);
    let lastPatch = performance.now();
    let longestGap = 0;
    honest.onStateChange(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastPatch);
      lastPatch = now;
    });
    const stalled = await joinRaw(server.url, "Stalled");
    expect(stalled.seat.roomId).toBe(honest.roomId);
    (stalled.ws as unknown as { _socket: Socket })._socket.pause();

    const room = matchMaker.getLocalRoomById(honest.roomId)!;
    const target = room.clients.find((c: ServerClient) => c.sessionId === stalled.seat.sessionId)!;
    const ref = target.ref as unknown as { bufferedAmount: number };
    const chunk = "x".repeat(60_000);
    let sent = 0;
    let peakQueued = 0;
    // Bounded: at most 40 MB offered, each 60 kB, a little at a time.
    for (let i = 0; i < 700 && room.clients.includes(target); i++) {
      target.send("filler", chunk);
      sent += chunk.length;
      peakQueued = Math.max(peakQueued, ref.bufferedAmount);
      if (i % 10 === 9) await sleep(20);
    }
    await waitFor(() => !room.clients.includes(target), 3000, "the stalled reader to be cut");
    console.log(
      `outbound buffer: cut after ${(sent / 1024).toFixed(0)} KiB offered, at most ${(peakQueued / 1024).toFixed(0)} KiB queued (cap ${DEFAULT_LIMITS.maxOutboundBufferBytes / 1024} KiB); honest longest gap ${longestGap.toFixed(0)} ms`,
    );
    // Cut at the first patch after the cap was crossed: at most one patch interval of sends over.
    expect(peakQueued).toBeLessThan(DEFAULT_LIMITS.maxOutboundBufferBytes + 40 * chunk.length);
    expect(sent).toBeLessThan(40_000_000);
    expect(server.faults.totals.get("stalled-reader")).toBe(1);
    await sleep(200);
    expect(honest.connection.isOpen).toBe(true);
    expect(longestGap).toBeLessThanOrEqual(250);
    await honest.leave();
    stalled.ws.terminate();
  });
});
