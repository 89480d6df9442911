/**
 * Private rooms: `create("arena", { private: true })` opens a room whose id is a 6-character
 * join code; friends join with `joinById(code)` and spawn next to the host; quick play never
 * lands there; a wrong or expired code answers 404.
 */
import { afterAll, describe, expect, it } from "vitest";
import { SHIP_RADIUS } from "../../../shared/constants.ts";
import { ARENA_MAP } from "../../../shared/map.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { waitFor } from "../harness.ts";
import {
  distance,
  newGuest,
  refusal,
  summary,
  waitForRoomCount,
  watch,
  type Seat,
  useFileServer,
} from "./social-helpers.ts";

const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;

const served = useFileServer("tick-arena-private-", { seed: 21 });
/** Time from `joinById(code)` to a seated room, ms. */
const codeJoinTimes: number[] = [];

afterAll(() => {
  if (codeJoinTimes.length > 0) {
    console.log(JSON.stringify({ metric: "private-code-time-to-seat-ms", ...summary(codeJoinTimes) }));
  }
});

async function host(name: string): Promise<Seat> {
  const guest = await newGuest(served.server.url, name);
  const seat = watch(await guest.client.create(RoomName.Arena, { private: true }, ArenaState));
  await waitFor(() => seat.self() !== undefined, 3000, `${name}'s ship`);
  return seat;
}

async function joinByCode(code: string, name: string): Promise<Seat> {
  const guest = await newGuest(served.server.url, name);
  const started = performance.now();
  const seat = watch(await guest.client.joinById(code, {}, ArenaState));
  codeJoinTimes.push(performance.now() - started);
  await waitFor(() => seat.self() !== undefined, 3000, `${name}'s ship`);
  return seat;
}

/** A code shaped like a real one that no room uses. */
function unusedCode(taken: string): string {
  return taken === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ";
}

describe("private rooms", () => {
  it("opens a room whose id is a 6-character join code and tells the host", async () => {
    const h = await host("Hostess");
    expect(h.room.roomId).toMatch(CODE);
    await waitFor(() => h.welcomes.length > 0, 3000, "welcome");
    expect(h.welcomes[0]).toMatchObject({ role: "player", mode: "private", code: h.room.roomId });
  });

  it("seats a party of three joining by code in one room, the joiners spawned near the host", async () => {
    const h = await host("Host");
    const code = h.room.roomId;
    const hostAt = { x: h.self()!.x, y: h.self()!.y };
    const a = await joinByCode(code, "Friend A");
    const b = await joinByCode(code, "Friend B");
    expect(a.room.roomId).toBe(code);
    expect(b.room.roomId).toBe(code);
    await waitFor(() => [h, a, b].every((s) => s.room.state.players.size === 3), 3000, "three ships seen by all");
    for (const s of [a, b]) {
      await waitFor(() => s.welcomes.length > 0, 3000, "welcome");
      expect(s.welcomes[0]).toMatchObject({ role: "player", mode: "private", code });
    }

    // "Near": closer than the typical separation of spawn points from the host's position,
    // and never on the host's spot or on each other.
    const spawnDistances = ARENA_MAP.spawns.map((p) => distance(p, hostAt)).sort((x, y) => x - y);
    const median = spawnDistances[Math.floor(spawnDistances.length / 2)]!;
    const farthest = spawnDistances[spawnDistances.length - 1]!;
    // The host stands on a spawn point (distance 0); the two nearest others are the party's.
    const thirdNearest = spawnDistances[2]!;
    const ships = [h, a, b].map((s) => h.room.state.players.get(s.sessionId)!);
    for (const joiner of ships.slice(1)) {
      const d = distance(joiner, hostAt);
      expect(d).toBeGreaterThanOrEqual(2 * SHIP_RADIUS);
      expect(d).toBeLessThan(farthest);
      expect(d).toBeLessThan(median);
      expect(d).toBeLessThanOrEqual(thirdNearest + 1);
    }
    expect(distance(ships[1]!, ships[2]!)).toBeGreaterThanOrEqual(2 * SHIP_RADIUS);
  });

  it("is never matched by quick play, which opens or joins a public room instead", async () => {
    const h = await host("Secret");
    const code = h.room.roomId;
    const quick = await newGuest(served.server.url, "Quick");
    const q = watch(await quick.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
    expect(q.room.roomId).not.toBe(code);
    await waitFor(() => q.welcomes.length > 0, 3000, "welcome");
    expect(q.welcomes[0]).toMatchObject({ mode: "quick", code: null });
    // A second quick player joins the public room, not the private one.
    const quick2 = await newGuest(served.server.url, "Quick Two");
    const q2 = watch(await quick2.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
    expect(q2.room.roomId).toBe(q.room.roomId);
    await waitFor(() => q.room.state.players.size === 2, 3000, "two ships in the public room");
    expect(h.room.state.players.size).toBe(1);
  });

  it("refuses private quick play (400), a wrong code (404) and an expired code (404)", async () => {
    const g = await newGuest(served.server.url, "Tester");
    const privateQuick = await refusal(g.client.joinOrCreate(RoomName.Arena, { private: true }, ArenaState));
    expect(privateQuick.code).toBe(400);
    expect(privateQuick.message).toMatch(/private/);

    const h = await host("Ephemeral");
    const code = h.room.roomId;
    const wrong = await refusal(g.client.joinById(unusedCode(code), {}, ArenaState));
    expect(wrong.code).toBe(404);
    expect(wrong.message).toMatch(/not found/);

    // Everyone leaves: the room disposes, and its code stops working.
    const friend = await joinByCode(code, "Visitor");
    await friend.room.leave();
    await h.room.leave();
    await waitForRoomCount(served.server.url, 0);
    const expired = await refusal(g.client.joinById(code, {}, ArenaState));
    expect(expired.code).toBe(404);
    expect(expired.message).toMatch(/not found/);
  });

  it("keeps a room alive while anyone is in it (the host may leave)", async () => {
    const h = await host("Leaver");
    const code = h.room.roomId;
    const stay = await joinByCode(code, "Stayer");
    await h.room.leave();
    await waitFor(() => stay.room.state.players.size === 1, 3000, "the host's ship to go");
    const late = await joinByCode(code, "Late Friend");
    expect(late.room.roomId).toBe(code);
    await waitFor(() => stay.room.state.players.size === 2, 3000, "the late friend's ship");
  });

  it("measures time to seat by code", async () => {
    const h = await host("Timer");
    for (let i = 0; i < 8; i++) {
      const s = await joinByCode(h.room.roomId, `Timed ${i}`);
      await s.room.leave();
    }
    expect(codeJoinTimes.length).toBeGreaterThanOrEqual(8);
  });
});
