/**
 * The lobby: `joinOrCreate("lobby")` (no token) lists open public arenas live: "rooms" on join,
 * "+" when one opens or changes (players, phase, match number), "-" when it closes. Private
 * rooms are never listed. Matches are short here (2 s + 1 s of results) to see phases change.
 */
import { describe, expect, it } from "vitest";
import { MAX_PLAYERS } from "../../../shared/constants.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { ArenaState, LargeArenaState } from "../../../shared/schema.ts";
import { sleep, waitFor } from "../harness.ts";
import { joinLobby, newGuest, refusal, watch, type LobbyView, type Seat, useFileServer } from "./social-helpers.ts";

const served = useFileServer("tick-arena-lobby-", { seed: 31, matchSeconds: 2, resultsSeconds: 1 });

async function quickPlay(name: string): Promise<Seat> {
  const guest = await newGuest(served.server.url, name);
  return watch(await guest.client.joinOrCreate(RoomName.Arena, {}, ArenaState));
}

function playersListed(lobby: LobbyView, roomId: string): number | undefined {
  return lobby.rooms.get(roomId)?.metadata.players;
}

describe("lobby", () => {
  it("lists a quick-play room as it opens and fills, and removes it when the last player leaves", async () => {
    const lobby = await joinLobby(served.server.url);
    expect(lobby.lists[0]).toEqual([]);

    const a = await quickPlay("Ann");
    const roomId = a.room.roomId;
    await waitFor(() => playersListed(lobby, roomId) === 1, 3000, "the new room listed with one player");
    const listing = lobby.rooms.get(roomId)!;
    expect(listing).toMatchObject({ roomId, name: RoomName.Arena });
    expect(listing.metadata).toMatchObject({ mode: "quick", players: 1, maxPlayers: MAX_PLAYERS, spectators: 0 });
    expect([0, 1]).toContain(listing.metadata.phase);
    expect(listing.metadata.matchNumber).toBeGreaterThanOrEqual(1);
    expect(listing.metadata.phaseEndsAt).toBeGreaterThan(Date.now() - 1000);
    expect(listing.metadata.phaseEndsAt).toBeLessThan(Date.now() + 5000);
    expect(listing.maxClients).toBeGreaterThanOrEqual(MAX_PLAYERS);

    const b = await quickPlay("Bea");
    expect(b.room.roomId).toBe(roomId);
    await waitFor(() => playersListed(lobby, roomId) === 2, 3000, "the listing to show two players");
    expect(lobby.rooms.get(roomId)!.clients).toBe(2);

    // A second lobby client gets the room in its first list.
    const late = await joinLobby(served.server.url);
    expect(late.lists[0]!.map((l) => l.roomId)).toContain(roomId);

    await a.room.leave();
    await waitFor(() => playersListed(lobby, roomId) === 1, 3000, "the listing to drop to one player");
    await b.room.leave();
    await waitFor(() => lobby.removes.includes(roomId), 3000, `"-" for the closed room`);
    expect(lobby.rooms.has(roomId)).toBe(false);
    await waitFor(() => late.removes.includes(roomId), 3000, `"-" on the second lobby client`);
  });

  it("updates a listing's phase and match number as matches end and start", async () => {
    const lobby = await joinLobby(served.server.url);
    const a = await quickPlay("Phaser");
    const roomId = a.room.roomId;
    const seen = (): Array<{ phase: number; matchNumber: number }> =>
      lobby.adds.filter(([id]) => id === roomId).map(([, l]) => l.metadata);
    await waitFor(
      () => seen().some((m) => m.phase === 0 && m.matchNumber === 2),
      8000,
      "the listing to show match 2 playing",
    );
    const states = seen();
    const firstResults = states.findIndex((m) => m.phase === 1 && m.matchNumber === 1);
    const secondMatch = states.findIndex((m) => m.phase === 0 && m.matchNumber === 2);
    expect(firstResults, JSON.stringify(states)).toBeGreaterThanOrEqual(0);
    expect(secondMatch).toBeGreaterThan(firstResults);
    // The room's own state agrees with what the lobby shows (its patch may come a little later).
    await waitFor(() => a.room.state.matchNumber >= 2, 2000, "the room's state to reach match 2");
  });

  it("ignores a client's own filter, however crafted: the list stays the arenas", async () => {
    const lobby = await joinLobby(served.server.url);
    await waitFor(() => lobby.lists.length > 0, 3000, "the first list");
    // The stock LobbyRoom would apply it, and a metadata filter throws on rooms without metadata.
    lobby.room.send("filter", { name: "ranked", metadata: { a: 1 } });
    lobby.room.send("filter", { metadata: { mode: "quick" } });
    const seat = await quickPlay("Still Listed");
    await waitFor(() => lobby.rooms.has(seat.room.roomId), 3000, "the arena still listed after the filters");
    expect(lobby.room.connection.isOpen).toBe(true);
  });

  it("lists a public big arena beside the standard ones, with its map and its cap of 64", async () => {
    const lobby = await joinLobby(served.server.url);
    const guest = await newGuest(served.server.url, "Bigshot");
    const big = await guest.client.joinOrCreate(RoomName.ArenaLarge, {}, LargeArenaState);
    const standard = await quickPlay("Smallfry");
    await waitFor(() => playersListed(lobby, big.roomId) === 1, 3000, "the big arena listed");
    await waitFor(() => playersListed(lobby, standard.room.roomId) === 1, 3000, "the standard arena listed");
    const listing = lobby.rooms.get(big.roomId)!;
    expect(listing).toMatchObject({ roomId: big.roomId, name: RoomName.ArenaLarge });
    expect(listing.metadata).toMatchObject({ mode: "quick", players: 1, maxPlayers: 64, map: "large" });
    expect(lobby.rooms.get(standard.room.roomId)!.metadata).toMatchObject({ maxPlayers: MAX_PLAYERS, map: "standard" });
    await big.leave();
    await waitFor(() => lobby.removes.includes(big.roomId), 3000, `"-" for the big arena`);
  });

  it('keeps one lobby: create("lobby") beside it is refused (409)', async () => {
    const lobby = await joinLobby(served.server.url);
    await waitFor(() => lobby.lists.length > 0, 3000, "the first list");
    const guest = await newGuest(served.server.url, "Second Lobby");
    const refused = await refusal(guest.client.create(RoomName.Lobby));
    expect(refused.code).toBe(409);
    expect(refused.message).toMatch(/joinOrCreate\("lobby"\)/);
  });

  it("never lists a private room, in the first list or as an update", async () => {
    const lobby = await joinLobby(served.server.url);
    const hostGuest = await newGuest(served.server.url, "Hidden");
    const h = watch(await hostGuest.client.create(RoomName.Arena, { private: true }, ArenaState));
    const code = h.room.roomId;
    const friendGuest = await newGuest(served.server.url, "Hidden Pal");
    const f = watch(await friendGuest.client.joinById(code, {}, ArenaState));
    await waitFor(() => h.room.state.players.size === 2, 3000, "two ships in the private room");
    // A public room opened afterwards is a marker: once it is listed, the lobby has caught up.
    const marker = await quickPlay("Marker");
    await waitFor(() => lobby.rooms.has(marker.room.roomId), 3000, "the public marker room listed");
    // Let a phase change of the private room pass too (a 2 s match + 1 s results).
    await sleep(3200);
    const late = await joinLobby(served.server.url);
    for (const view of [lobby, late]) {
      expect(view.rooms.has(code)).toBe(false);
      expect(view.adds.some(([id]) => id === code)).toBe(false);
      expect(view.lists.flat().some((l) => l.roomId === code)).toBe(false);
      expect(view.removes).not.toContain(code);
    }
    expect(late.rooms.has(marker.room.roomId)).toBe(true);
    await f.room.leave();
  });

  it("shows a full room with 16 players and locked, and the 17th quick play in a room of its own", async () => {
    const lobby = await joinLobby(served.server.url);
    const seats: Seat[] = [];
    for (let i = 0; i < MAX_PLAYERS; i++) seats.push(await quickPlay(`Full ${i + 1}`));
    const roomId = seats[0]!.room.roomId;
    expect(seats.every((s) => s.room.roomId === roomId)).toBe(true);
    await waitFor(() => playersListed(lobby, roomId) === MAX_PLAYERS, 5000, "the listing to show 16 players");
    const extra = await quickPlay("Seventeenth");
    expect(extra.room.roomId).not.toBe(roomId);
    await waitFor(() => playersListed(lobby, extra.room.roomId) === 1, 3000, "the overflow room listed");
    expect(playersListed(lobby, roomId)).toBe(MAX_PLAYERS);
    // PROTOCOL.md: a full arena stays listed with `locked: true` (it can still be watched).
    await waitFor(() => lobby.rooms.get(roomId)?.locked === true, 3000, "the full room listed as locked");
    expect(lobby.rooms.get(extra.room.roomId)?.locked).toBe(false);
  }, 45_000);
});
