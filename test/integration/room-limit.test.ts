/**
 * `MAX_ROOMS`: once a process holds that many rooms, matchmaking that needs a new room answers
 * 503 whatever the room type (an arena by `create` or `joinOrCreate`, the lobby, the ranked
 * queue), while joins into rooms that exist go on; a room closing makes space again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { configFromEnv, LOOPBACK_LOAD_ENV } from "../../server/config.ts";
import { DEFAULT_LIMITS } from "../../server/security/limits.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import { startTestServer, waitFor } from "./harness.ts";
import { leaveAllRooms, newGuest, refusal, tempDir, track } from "./social/social-helpers.ts";

const MAX_ROOMS = 2;

let server: RunningServer;
let data: ReturnType<typeof tempDir>;

beforeAll(async () => {
  data = tempDir("tick-arena-room-limit-");
  const limits = { ...DEFAULT_LIMITS, ...configFromEnv(LOOPBACK_LOAD_ENV, null).limits, maxRooms: MAX_ROOMS };
  server = await startTestServer({ dataDir: data.dir, limits });
});

afterEach(async () => {
  await leaveAllRooms();
});

afterAll(async () => {
  await leaveAllRooms();
  await server?.stop();
  data?.remove();
});

async function roomsOnServer(): Promise<number> {
  const res = await fetch(`${server.url}/healthz`);
  return ((await res.json()) as { rooms: number }).rooms;
}

describe("MAX_ROOMS", () => {
  it("answers 503 to every request that needs a new room once the process is full, for every room type", async () => {
    const host = await newGuest(server.url, "Host");
    const first = track(await host.client.create(RoomName.Arena, { private: true }, ArenaState));
    const other = await newGuest(server.url, "Other Host");
    const second = track(await other.client.create(RoomName.Arena, { private: true }, ArenaState));
    expect(await roomsOnServer()).toBe(MAX_ROOMS);

    const guest = await newGuest(server.url, "Latecomer");
    const asks: [string, Promise<unknown>][] = [
      ["create arena", guest.client.create(RoomName.Arena, { private: true }, ArenaState)],
      // Private rooms are never quick-played: this joinOrCreate needs a room of its own.
      ["joinOrCreate arena", guest.client.joinOrCreate(RoomName.Arena, {}, ArenaState)],
      ["joinOrCreate arena-large", guest.client.joinOrCreate(RoomName.ArenaLarge, {})],
      ["joinOrCreate lobby", guest.client.joinOrCreate(RoomName.Lobby)],
      ["joinOrCreate ranked", guest.client.joinOrCreate(RoomName.Ranked)],
    ];
    for (const [what, ask] of asks) {
      const refused = await refusal(ask);
      expect(refused.code, what).toBe(503);
      expect(refused.message, what).toMatch(/holds all the rooms it can/);
    }
    expect(await roomsOnServer()).toBe(MAX_ROOMS);

    // Over HTTP, as PROTOCOL.md gives it: 503 with `Retry-After: 10`, whichever call needed the room.
    for (const [method, room, options] of [
      ["create", RoomName.Arena, { private: true }],
      ["joinOrCreate", RoomName.Arena, {}],
      ["joinOrCreate", RoomName.ArenaLarge, {}],
      ["joinOrCreate", RoomName.Lobby, {}],
      ["joinOrCreate", RoomName.Ranked, {}],
    ] as const) {
      const res = await fetch(`${server.url}/matchmake/${method}/${room}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${guest.token}` },
        body: JSON.stringify(options),
      });
      const what = `${method} ${room}`;
      expect(res.status, what).toBe(503);
      expect(res.headers.get("retry-after"), what).toBe("10");
      expect(((await res.json()) as { error: string }).error, what).toMatch(/holds all the rooms it can/);
    }
    expect(await roomsOnServer()).toBe(MAX_ROOMS);

    // A room that exists still takes players.
    const friend = await newGuest(server.url, "Friend");
    track(await friend.client.joinById(first.roomId, {}, ArenaState));

    // One room closes (its only player leaves): there is space for the lobby again.
    await second.leave();
    let rooms = MAX_ROOMS;
    await waitFor(
      () => {
        void roomsOnServer().then((n) => (rooms = n));
        return rooms < MAX_ROOMS;
      },
      5000,
      "a room to close",
    );
    const lobby = track(await guest.client.joinOrCreate(RoomName.Lobby));
    expect(lobby.roomId).toBeTruthy();
  });
});
