/**
 * Spectators: `POST /spectate/:roomId` with a Bearer token reserves a seat to watch a public
 * arena; consumed with `consumeSeatReservation`, it has no ship, sees the players and the chat,
 * and does not count toward the 16-player cap (a full room can be watched; a spectator never
 * takes a player's seat). A spectator that sends an input frame is closed with 4002. Private
 * and unknown rooms cannot be watched (404); no token is 401.
 */
import { matchMaker } from "@colyseus/core";
import type { SeatReservation } from "@colyseus/sdk";
import { describe, expect, it } from "vitest";
import { MAX_PLAYERS } from "../../../shared/constants.ts";
import { CloseCodes, RoomName, type ArenaListing } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import { sleep, waitFor } from "../harness.ts";
import { newGuest, waitForAsync, watch, type Guest, type Seat, useFileServer } from "./social-helpers.ts";
import { Protocol } from "@colyseus/shared-types";
import { pack } from "../../../client/src/net/input-batch.ts";

const served = useFileServer("tick-arena-spectators-", { seed: 41 });

async function quickPlay(name: string): Promise<Seat> {
  const guest = await newGuest(served.server.url, name);
  return watch(await guest.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
}

/** `POST /spectate/:roomId`, with `token` as Bearer when given. */
async function spectate(roomId: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  const res = await fetch(`${served.server.url}/spectate/${encodeURIComponent(roomId)}`, { method: "POST", headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Reserves a spectator seat for `guest` and takes it. */
async function watchRoom(guest: Guest, roomId: string): Promise<Seat> {
  const answer = await spectate(roomId, guest.token);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const reservation = answer.body as unknown as SeatReservation;
  expect(reservation.roomId).toBe(roomId);
  return watch(await guest.client.consumeSeatReservation(reservation, ArenaState));
}

/** The listing the room publishes (what the lobby shows). */
async function listing(roomId: string): Promise<ArenaListing | undefined> {
  return ((await matchMaker.getRoomById(roomId)) as { metadata?: ArenaListing } | undefined)?.metadata;
}

describe("spectators", () => {
  it("watch a full room: no ship, the players seen, chat received, the cap untouched", async () => {
    const players: Seat[] = [];
    for (let i = 0; i < MAX_PLAYERS - 1; i++) players.push(await quickPlay(`Pilot ${i + 1}`));
    const roomId = players[0]!.room.roomId;
    expect(players.every((p) => p.room.roomId === roomId)).toBe(true);

    // A spectator of a room with one free seat: the 16th player still gets it.
    const watcher = await newGuest(served.server.url, "Watcher");
    const spectator = await watchRoom(watcher, roomId);
    const last = await quickPlay("Pilot 16");
    players.push(last);
    expect(last.room.roomId).toBe(roomId);
    await waitFor(() => spectator.room.state.players.size === MAX_PLAYERS, 3000, "16 ships seen by the spectator");
    await waitForAsync(async () => (await listing(roomId))?.players === MAX_PLAYERS, 3000, "listing at 16 players");

    // The room is full (locked): a 17th quick play goes elsewhere.
    const extra = await quickPlay("Overflow");
    expect(extra.room.roomId).not.toBe(roomId);

    // Yet a second spectator can still watch the full room.
    const late = await newGuest(served.server.url, "Late Watcher");
    const spectator2 = await watchRoom(late, roomId);
    for (const s of [spectator, spectator2]) {
      await waitFor(() => s.welcomes.length > 0, 3000, "welcome");
      expect(s.welcomes[0]).toMatchObject({ role: "spectator", mode: "quick", code: null });
      await waitFor(() => s.room.state.players.size === MAX_PLAYERS, 3000, "the players' ships");
      expect(s.room.state.players.has(s.sessionId)).toBe(false);
    }
    const meta = await listing(roomId);
    expect(meta).toMatchObject({ players: MAX_PLAYERS, spectators: 2 });
    expect(players[0]!.room.state.players.size).toBe(MAX_PLAYERS);

    // Spectators receive the players' chat.
    players[3]!.room.send("chat", { text: "hello watchers" });
    for (const s of [spectator, spectator2]) {
      await waitFor(() => s.lines("player").some((l) => l.text === "hello watchers"), 3000, "chat to spectators");
    }
    // A spectator's own chat reaches the players, marked as watching.
    spectator.room.send("chat", { text: "nice shot" });
    await waitFor(() => players[0]!.lines("player").some((l) => l.text === "nice shot"), 3000, "spectator chat");
    const line = players[0]!.lines("player").find((l) => l.text === "nice shot")!;
    expect(line.name).toMatch(/Watcher/);
    expect(line.fromId).toBe(spectator.sessionId);
    // Spectators joining announce nothing: no "joined" line names them.
    expect(players[0]!.lines("system").some((l) => /Watcher/.test(l.text))).toBe(false);

    // A spectator leaving a full room must not open it to quick play: Colyseus alone would
    // unlock it on any client leaving, and the 16-player room would be picked and refuse.
    await spectator2.room.leave(true);
    await sleep(300);
    expect(((await matchMaker.getRoomById(roomId)) as { locked?: boolean } | undefined)?.locked).toBe(true);
    const another = await quickPlay("After Watcher");
    expect(another.room.roomId).not.toBe(roomId);
    // A player leaving frees a seat: the room opens again.
    await players.pop()!.room.leave(true);
    await waitForAsync(
      async () => ((await matchMaker.getRoomById(roomId)) as { locked?: boolean } | undefined)?.locked === false,
      3000,
      "the room to unlock when a player leaves",
    );
  }, 45_000);

  it("closes a spectator that sends an input frame or a batch of them (4002), and nobody else", async () => {
    const a = await quickPlay("Flyer");
    const b = await quickPlay("Flyer Two");
    const roomId = a.room.roomId;
    const watcher = await newGuest(served.server.url, "Cheeky");
    const spectator = await watchRoom(watcher, roomId);
    await waitFor(() => spectator.room.state.players.size === 2, 3000, "the two ships");
    const input = spectator.room.input();
    input.data.seq = 1;
    input.data.moveX = 1;
    input.send();
    expect(await Promise.race([spectator.closed, sleep(3000).then(() => -1)])).toBe(CloseCodes.ProtocolError);
    expect(spectator.closeReason).toBe("spectators send no inputs");
    // A batch of input frames (docs/PROTOCOL.md "Batched inputs") from a spectator: the same.
    const batcher = await watchRoom(await newGuest(served.server.url, "Batcher"), roomId);
    await waitFor(() => batcher.room.state.players.size === 2, 3000, "the two ships");
    const frame = (seq: number): Uint8Array => Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, 0x80, seq, 0, 0, 0]);
    batcher.room.connection.send(pack([frame(1), frame(2)]));
    expect(await Promise.race([batcher.closed, sleep(3000).then(() => -1)])).toBe(CloseCodes.ProtocolError);
    expect(batcher.closeReason).toBe("spectators send no inputs");
    await sleep(200);
    expect(a.room.connection.isOpen).toBe(true);
    expect(b.room.connection.isOpen).toBe(true);
    const tick = a.room.state.tick;
    await waitFor(() => a.room.state.tick > tick + 3, 2000, "the room to play on");
    expect(a.room.state.players.size).toBe(2);
    await waitForAsync(async () => (await listing(roomId))?.spectators === 0, 3000, "the spectator count back to 0");
  });

  it("answers 409 to a 33rd spectator (the room has 32), and seats one again once a spectator leaves", async () => {
    const player = await quickPlay("Watched");
    const roomId = player.room.roomId;
    const guests = await Promise.all(
      Array.from({ length: 34 }, (_, i) => newGuest(served.server.url, `Crowd ${i + 1}`)),
    );
    // 32 spectators (docs/PROTOCOL.md "Spectators": "409: the room has 32 spectators"), all seated.
    const spectators = await Promise.all(guests.slice(0, 32).map((g) => watchRoom(g, roomId)));
    await waitForAsync(async () => (await listing(roomId))?.spectators === 32, 3000, "32 spectators listed");
    for (const s of spectators) expect(s.room.connection.isOpen).toBe(true);

    // The 33rd: 409, with the JSON error of every matchmaking answer.
    const refused = await spectate(roomId, guests[32]!.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 409 });
    expect(refused.body["error"]).toEqual(expect.any(String));
    expect((refused.body["error"] as string).length).toBeGreaterThan(0);
    // The refusal reserved nothing: still 32 spectators, and the player plays on.
    expect((await listing(roomId))?.spectators).toBe(32);
    expect(player.room.connection.isOpen).toBe(true);

    // One spectator leaves: the room has 31, and a new spectator is seated again.
    await spectators[5]!.room.leave(true);
    await waitForAsync(async () => (await listing(roomId))?.spectators === 31, 3000, "31 spectators listed");
    const back = await watchRoom(guests[32]!, roomId);
    await waitFor(() => back.welcomes.length > 0, 3000, "the new spectator's welcome");
    expect(back.welcomes[0]).toMatchObject({ role: "spectator" });
    await waitFor(() => back.room.state.players.has(player.sessionId), 3000, "the player's ship seen");
    await waitForAsync(async () => (await listing(roomId))?.spectators === 32, 3000, "32 spectators listed again");
    // And at 32 again the next one is refused.
    expect((await spectate(roomId, guests[33]!.token)).status).toBe(409);
  }, 15_000);

  it("refuses to watch a private room (404), an unknown room (404), or without a valid token (401)", async () => {
    const guest = await newGuest(served.server.url, "Nosy");
    const hostGuest = await newGuest(served.server.url, "Private Host");
    const h = watch(await hostGuest.client.create(RoomName.Arena, { private: true }, ArenaState));
    const privateAnswer = await spectate(h.room.roomId, guest.token);
    expect(privateAnswer.status).toBe(404);

    const unknown = await spectate("NOROOM", guest.token);
    expect(unknown.status).toBe(404);
    expect(unknown.body["error"]).toMatch(/NOROOM|no such room/);

    const pub = await quickPlay("Public");
    const noToken = await spectate(pub.room.roomId);
    expect(noToken.status).toBe(401);
    expect(noToken.body["error"]).toMatch(/^missing token: /);
    const badToken = await spectate(pub.room.roomId, "forged.token.here");
    expect(badToken.status).toBe(401);
    expect(badToken.body["error"]).toMatch(/^invalid token: /);

    await sleep(100);
    expect(h.room.state.players.size).toBe(1);
    expect((await listing(pub.room.roomId))?.spectators).toBe(0);
  });
});
