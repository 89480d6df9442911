/**
 * A dropped connection keeps its seat: the SDK reconnects on its own and the player finds the
 * same ship, name and score, while the others saw the ship stay in the arena.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { CloseCode } from "@colyseus/shared-types";
import { DEFAULT_TICK_RATE, RECONNECT_GRACE_SECONDS } from "../../shared/constants.ts";
import {
  everyTick,
  freeAxis,
  joinPlayer,
  leaveAll,
  sleep,
  startTestServer,
  waitFor,
  type TestPlayer,
} from "./harness.ts";

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

    // What the server holds for A just before the cut: ship, position, hp and score.
    const held = (): unknown => {
      const p = b.room.state.players.get(a.id);
      return (
        p && {
          name: p.name,
          x: p.x,
          y: p.y,
          hp: p.hp,
          alive: p.alive,
          kills: p.kills,
          deaths: p.deaths,
          // Colour and slot (which names its shots) are the ship's for its life: kept too.
          color: p.color,
          slot: p.slot,
        }
      );
    };
    const before = held();
    a.room.connection.close(CloseCode.MAY_TRY_RECONNECT);
    expect(await dropped).toBe(CloseCode.MAY_TRY_RECONNECT);
    // While A is away the others still see its ship.
    expect(held()).toStrictEqual(before);
    await reconnected;

    expect(a.room.sessionId).toBe(a.id);
    expect(held()).toStrictEqual(before);
    const own = a.self()!;
    expect(own.slot).toBe((before as { slot: number }).slot);
    expect(own.slot).not.toBe(b.self()!.slot);
    expect({ x: own.x, y: own.y, hp: own.hp, kills: own.kills, deaths: own.deaths }).toStrictEqual({
      x: (before as { x: number }).x,
      y: (before as { y: number }).y,
      hp: (before as { hp: number }).hp,
      kills: (before as { kills: number }).kills,
      deaths: (before as { deaths: number }).deaths,
    });
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

  it("removes a player who stays away past the 20 s window, and keeps it until then", async () => {
    const a = await joinPlayer(server.url, "Leaver");
    const b = await joinPlayer(server.url, "Stayer");
    players.push(a, b);
    await waitFor(() => b.room.state.players.has(a.id), 3000, "A's ship");
    a.room.reconnection.maxRetries = 0;
    const cutAt = Date.now();
    a.room.connection.close(CloseCode.MAY_TRY_RECONNECT);
    await sleep((RECONNECT_GRACE_SECONDS - 2) * 1000);
    expect(b.room.state.players.has(a.id)).toBe(true);
    await waitFor(() => !b.room.state.players.has(a.id), 6000, "A's ship to be removed");
    const goneAfter = (Date.now() - cutAt) / 1000;
    console.log(`seat held ${goneAfter.toFixed(1)} s after the cut (window ${RECONNECT_GRACE_SECONDS} s)`);
    expect(goneAfter).toBeGreaterThanOrEqual(RECONNECT_GRACE_SECONDS - 1);
  }, 40_000);
});
