/**
 * Interest management in a large room: each client's decoded state holds the ships near its own
 * and not the far ones; the pilots roster lists everyone; a spectator sees every ship. Three
 * players on a test layout with three spawn points, two of them 300 px apart and one across
 * the map: whatever the seeded spawn choice, one pair is near and one far.
 */
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { INTEREST_RADIUS_PX } from "../../../server/rooms/interest.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { LargeArenaState } from "../../../shared/schema.ts";
import { NEAR_AND_FAR as FIELD } from "./layouts.ts";
import { guestClient, guestToken, sleep, startTestServer, waitFor } from "../harness.ts";
import { shooterOf } from "../../../client/src/net/projectiles.ts";

let server: RunningServer;
const rooms: Room<unknown, LargeArenaState>[] = [];

beforeAll(async () => {
  server = await startTestServer({ map: FIELD, seed: 9 });
});
afterAll(async () => {
  for (const r of rooms) await r.leave(true).catch(() => undefined);
  await server.stop();
});

async function join(name: string): Promise<Room<unknown, LargeArenaState>> {
  const client = await guestClient(server.url, name);
  const room = await client.joinOrCreate(RoomName.ArenaLarge, { name }, LargeArenaState);
  room.onMessage("*", () => undefined);
  room.reconnection.maxRetries = 0;
  rooms.push(room);
  return room;
}

describe("interest management", () => {
  it("sends each client the ships near its own, never the far ones, and everyone in the roster", async () => {
    const a = await join("Ann");
    const b = await join("Bob");
    const c = await join("Cid");
    const all = [a, b, c];
    for (const r of all) await waitFor(() => r.state.pilots.size === 3, 5000, "the roster of 3");
    // Where each ship really is: from each ship's own (always visible) entry.
    const position = (r: Room<unknown, LargeArenaState>) => {
      const p = r.state.players.get(r.sessionId)!;
      return { x: p.x, y: p.y };
    };
    for (const r of all) await waitFor(() => r.state.players.get(r.sessionId) !== undefined, 5000, "own ship");

    let nearPairs = 0;
    let farPairs = 0;
    for (const viewer of all) {
      // Views refresh every few ticks: wait until this client's set is settled.
      const expected = all.filter((other) => {
        const d = Math.hypot(position(other).x - position(viewer).x, position(other).y - position(viewer).y);
        return d <= INTEREST_RADIUS_PX;
      });
      await waitFor(
        () =>
          viewer.state.players.size === expected.length &&
          expected.every((other) => viewer.state.players.has(other.sessionId)),
        3000,
        `${viewer.sessionId}'s view to hold exactly the near ships`,
      );
      for (const other of all) {
        if (other === viewer) continue;
        const near = expected.includes(other);
        expect(viewer.state.players.has(other.sessionId)).toBe(near);
        expect(viewer.state.pilots.has(other.sessionId)).toBe(true);
        if (near) nearPairs += 1;
        else farPairs += 1;
      }
    }
    expect(nearPairs).toBeGreaterThan(0);
    expect(farPairs).toBeGreaterThan(0);

    // Everyone fires once: a client receives its own shot and its near neighbours', never the
    // far pilot's (its whole path stays beyond the radius).
    for (const r of all) {
      const input = r.input();
      input.data.seq = 1;
      input.data.aimX = 32767;
      input.data.fire = true;
      input.send();
    }
    const seen = new Map(all.map((r) => [r, new Set<string>()]));
    const until = Date.now() + 800;
    while (Date.now() < until) {
      for (const r of all) r.state.projectiles.forEach((p) => seen.get(r)!.add(shooterOf(r.state, p.owner)));
      await sleep(10);
    }
    for (const viewer of all) {
      const owners = seen.get(viewer)!;
      expect(owners.has(viewer.sessionId)).toBe(true);
      for (const other of all) {
        if (other === viewer) continue;
        expect(owners.has(other.sessionId)).toBe(viewer.state.players.has(other.sessionId));
      }
    }

    // A far pilot's roster entry says roughly where it is (a 1/255 grid of the map).
    const far = all.find((viewer) => viewer.state.players.size < 3)!;
    const hidden = all.find((other) => !far.state.players.has(other.sessionId))!;
    const coarse = far.state.pilots.get(hidden.sessionId)!;
    expect(Math.abs((coarse.cx / 255) * FIELD.width - position(hidden).x)).toBeLessThan(FIELD.width / 255 + 1);

    // A spectator sees every ship.
    const token = await guestToken(server.url, "Watcher");
    const res = await fetch(`${server.url}/spectate/${a.roomId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const watcher = await new Client(server.url).consumeSeatReservation(await res.json(), LargeArenaState);
    watcher.onMessage("*", () => undefined);
    rooms.push(watcher);
    await waitFor(() => watcher.state.players.size === 3, 5000, "the spectator to see all 3 ships");

    // A player who leaves disappears from the roster and from every view.
    await c.leave(true);
    rooms.splice(rooms.indexOf(c), 1);
    for (const r of [a, b, watcher]) {
      await waitFor(
        () => !r.state.pilots.has(c.sessionId) && !r.state.players.has(c.sessionId),
        3000,
        "Cid gone everywhere",
      );
    }
  }, 30_000);
});
