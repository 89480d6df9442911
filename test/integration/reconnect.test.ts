/**
 * A dropped connection keeps its seat: the SDK reconnects on its own and the player finds the
 * same ship, name and score, while the others saw the ship stay in the arena.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { CloseCode } from "@colyseus/shared-types";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { everyTick, freeAxis, joinPlayer, leaveAll, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

let server: RunningServer;
const players: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: 11 });
});

afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

describe("reconnection", () => {
  it("gives a dropped player back the same ship after an automatic reconnect", async () => {
    const a = await joinPlayer(server.url, "Dropper");
    const b = await joinPlayer(server.url, "Watcher");
    players.push(a, b);
    await waitFor(() => b.room.state.players.has(a.id), 3000, "A's ship");
    // Allow the SDK's automatic reconnection (the harness turns it off by default).
    a.room.reconnection.maxRetries = 5;
    a.room.reconnection.minUptime = 0;
    const dropped = new Promise<number>((resolve) => a.room.onDrop((code) => resolve(code)));
    const reconnected = new Promise<void>((resolve) => a.room.onReconnect(() => resolve()));

    a.room.connection.close(CloseCode.MAY_TRY_RECONNECT);
    expect(await dropped).toBe(CloseCode.MAY_TRY_RECONNECT);
    // While A is away the others still see its ship.
    expect(b.room.state.players.get(a.id)?.name).toBe("Dropper");
    await reconnected;

    expect(a.room.sessionId).toBe(a.id);
    expect(b.room.state.players.get(a.id)?.name).toBe("Dropper");
    expect(b.room.state.players.size).toBe(2);
    // And A plays on: its inputs move its ship again.
    const start = { x: a.self()!.x, y: a.self()!.y };
    const axis = freeAxis(start.x, start.y, 80);
    await everyTick(DEFAULT_TICK_RATE, 300, 1, () => a.send({ moveX: axis.dx, moveY: axis.dy }));
    await waitFor(
      () => {
        const seen = b.room.state.players.get(a.id)!;
        return Math.hypot(seen.x - start.x, seen.y - start.y) > 30;
      },
      3000,
      "A to move after reconnecting",
    );
  });
});
