/**
 * Names on a real server: emoji and apostrophes are welcome, a name already shown in the room
 * gets a number, and a player without a name is named by the server (its guest token carries
 * the name the server made up; a join without a name uses the token's name).
 */
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import {
  arenaMessages,
  guestIdentity,
  joinPlayer,
  leaveAll,
  startTestServer,
  waitFor,
  type TestPlayer,
} from "./harness.ts";

let server: RunningServer;
const players: TestPlayer[] = [];
beforeAll(async () => {
  server = await startTestServer({ seed: 4 });
});
afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

describe("names", () => {
  it("accepts any script and emoji, and never shows two players under one name", async () => {
    for (const name of ["O'Neil 🚀", "Twin", "Twin", "李小龙"]) players.push(await joinPlayer(server.url, name));
    // A guest who gave no name: the server names the token, and the join (no name) uses it.
    const guest = await guestIdentity(server.url);
    expect(guest.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{2}$/);
    const client = new Client(server.url);
    client.auth.token = guest.token;
    const anonymous = await client.joinOrCreate(RoomName.Arena, {}, ArenaState);
    const { welcome } = arenaMessages(anonymous);
    const viewer = players[0]!.room;
    await waitFor(() => viewer.state.players.size === 5, 3000, "everyone to appear");
    const names = [...viewer.state.players.values()].map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["O'Neil 🚀", "Twin", "Twin 2", "李小龙"]));
    expect(viewer.state.players.get(anonymous.sessionId)!.name).toBe(guest.name);
    expect(new Set(names).size).toBe(names.length);
    expect(await welcome).toEqual({
      playerId: guest.playerId,
      role: "player",
      mode: "quick",
      code: null,
      processId: expect.any(String),
    });
    await anonymous.leave();
  });
});
