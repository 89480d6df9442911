/**
 * Colours (issue 11): 16 real SDK clients quick-play into one room; every pair of the `color`
 * indices they decode is distinct and their palette colours differ by at least
 * PALETTE_MIN_DELTA_E (CIEDE2000). A 17th player gets a room of its own. A leaver's colour goes
 * to the next player; a player who drops and reconnects keeps theirs.
 */
import { CloseCode } from "@colyseus/shared-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { MAX_PLAYERS } from "../../shared/constants.ts";
import { deltaE2000Rgb } from "../../shared/colour.ts";
import { PALETTE_MIN_DELTA_E, PALETTE_SIZE, paletteColor } from "../../shared/palette.ts";
import { joinPlayer, leaveAll, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

let server: RunningServer;
const players: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: 5 });
});

afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

/** Palette index of every ship `observer` has decoded, by session id. */
function decodedColors(observer: TestPlayer): Map<string, number> {
  const out = new Map<string, number>();
  observer.room.state.players.forEach((p, id) => out.set(id, p.color));
  return out;
}

/** Every pair of indices distinct and their colours at least PALETTE_MIN_DELTA_E apart. */
function expectDistinct(colors: readonly number[]): void {
  expect(new Set(colors).size).toBe(colors.length);
  for (let i = 0; i < colors.length; i++) {
    expect(colors[i]).toBeGreaterThanOrEqual(0);
    expect(colors[i]).toBeLessThan(PALETTE_SIZE);
    for (let j = i + 1; j < colors.length; j++) {
      const d = deltaE2000Rgb(paletteColor(colors[i]!), paletteColor(colors[j]!));
      expect(d, `colours ${colors[i]} and ${colors[j]}`).toBeGreaterThanOrEqual(PALETTE_MIN_DELTA_E);
    }
  }
}

describe("ship colours in a full room", () => {
  it(`gives ${MAX_PLAYERS} pilots of one room ${MAX_PLAYERS} distinct, perceptually distant colours`, async () => {
    for (let i = 0; i < MAX_PLAYERS; i++) {
      // One at a time, as quick play fills the fullest open room: all land in one room.
      players.push(await joinPlayer(server.url, `Pilot ${i + 1}`));
    }
    const roomId = players[0]!.room.roomId;
    for (const p of players) expect(p.room.roomId).toBe(roomId);
    for (const p of players) {
      await waitFor(() => p.room.state.players.size === MAX_PLAYERS, 5000, `${p.id} to see every ship`);
    }

    const colors = decodedColors(players[0]!);
    // The lowest free index at each join: join order is palette order.
    expect(players.map((p) => colors.get(p.id))).toStrictEqual([...Array(MAX_PLAYERS).keys()]);
    expectDistinct([...colors.values()]);
    // Everyone decodes the same colours, their own included.
    for (const p of players) {
      expect(decodedColors(p)).toStrictEqual(colors);
      expect(p.self()?.color).toBe(colors.get(p.id));
    }

    // The room is full: a 17th player is seated in a new room, where it is the first colour.
    const extra = await joinPlayer(server.url, "Pilot 17");
    players.push(extra);
    expect(extra.room.roomId).not.toBe(roomId);
    await waitFor(() => extra.self() !== undefined, 5000, "the 17th ship");
    expect(extra.self()!.color).toBe(0);
  });

  it("gives a leaver's colour to the next pilot and keeps a dropped pilot's colour through reconnection", async () => {
    const [observer] = players;
    const leaver = players[5]!;
    const dropper = players[3]!;
    const roomId = observer!.room.roomId;
    const leaverColor = decodedColors(observer!).get(leaver.id);
    const dropperColor = decodedColors(observer!).get(dropper.id);
    expect([leaverColor, dropperColor]).toStrictEqual([5, 3]);

    await leaver.room.leave();
    players.splice(players.indexOf(leaver), 1);
    await waitFor(() => !observer!.room.state.players.has(leaver.id), 5000, "the leaver's ship to go");

    // The dropper loses its socket; the SDK reconnects on its own within the grace period.
    dropper.room.reconnection.maxRetries = 5;
    dropper.room.reconnection.minUptime = 0;
    // Late enough that the newcomer below is seated while the dropper's seat is held.
    dropper.room.reconnection.minDelay = 1500;
    const dropped = new Promise<number>((resolve) => dropper.room.onDrop((code) => resolve(code)));
    let back = false;
    const reconnected = new Promise<void>((resolve) =>
      dropper.room.onReconnect(() => {
        back = true;
        resolve();
      }),
    );
    dropper.room.connection.close(CloseCode.MAY_TRY_RECONNECT);
    expect(await dropped).toBe(CloseCode.MAY_TRY_RECONNECT);

    // Meanwhile a newcomer takes the free seat: the leaver's colour, not the held one.
    const newcomer = await joinPlayer(server.url, "Newcomer");
    players.push(newcomer);
    expect(newcomer.room.roomId).toBe(roomId);
    await waitFor(() => newcomer.self() !== undefined, 5000, "the newcomer's ship");
    expect(newcomer.self()!.color).toBe(leaverColor);
    expect(back).toBe(false);
    expect(observer!.room.state.players.get(dropper.id)?.color).toBe(dropperColor);

    await reconnected;
    expect(dropper.room.sessionId).toBe(dropper.id);
    await waitFor(() => dropper.room.state.players.size === MAX_PLAYERS, 5000, "the dropper to see every ship");
    expect(dropper.self()?.color).toBe(dropperColor);

    const colors = decodedColors(observer!);
    expect(colors.size).toBe(MAX_PLAYERS);
    expect(colors.get(dropper.id)).toBe(dropperColor);
    expectDistinct([...colors.values()]);
    expect(decodedColors(dropper)).toStrictEqual(colors);
  });
});
