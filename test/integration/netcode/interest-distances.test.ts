/**
 * Interest management's distances over the wire (docs/PROTOCOL.md, State): a ship enters your
 * view within 1,300 px of yours and leaves it beyond 1,450 px. Two pilots on an open row: one
 * holds still, the other flies away until it drops out of the first one's decoded state, then
 * back until it reappears; where it was when that happened is read from its own client's state
 * at the same tick. And a shot from a pilot out of your view reaches your decoded state only when
 * its path passes within 600 px of your ship.
 */
import type { Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { INTEREST_RADIUS_PX, LEAVE_RADIUS_PX } from "../../../server/rooms/interest.ts";
import { RoomName } from "../../../shared/protocol.ts";
import { LargeArenaState } from "../../../shared/schema.ts";
import { guestClient, sleep, startTestServer, waitFor } from "../harness.ts";
import { FAR_ROW, OPEN_ROW } from "./layouts.ts";

let server: RunningServer;
const rooms: Room<unknown, LargeArenaState>[] = [];

beforeAll(async () => {
  server = await startTestServer({ map: OPEN_ROW, seed: 2 });
});
afterAll(async () => {
  for (const r of rooms) await r.leave(true).catch(() => undefined);
  await server.stop();
});

/** Quick-plays `name` into a large arena of the server at `url`; resolves once its ship is in. */
async function join(url: string, name: string): Promise<Room<unknown, LargeArenaState>> {
  const client = await guestClient(url, name);
  const room = await client.joinOrCreate(RoomName.ArenaLarge, { name }, LargeArenaState);
  room.onMessage("*", () => undefined);
  room.reconnection.maxRetries = 0;
  rooms.push(room);
  await waitFor(() => room.state.players.get(room.sessionId) !== undefined, 5000, `${name}'s ship`);
  return room;
}

/** Where a room's own ship was at each patch tick it received. */
function trackOwn(room: Room<unknown, LargeArenaState>): Map<number, number> {
  const xs = new Map<number, number>();
  room.onStateChange((state) => {
    const own = state.players.get(room.sessionId);
    if (own !== undefined) xs.set(state.tick, own.x);
  });
  return xs;
}

/** The first patch tick at which `viewer`'s decoded state holds `other` (or not), from now on. */
function watchPresence(viewer: Room<unknown, LargeArenaState>, other: string, present: boolean): Promise<number> {
  return new Promise((resolve) => {
    const listener = (state: LargeArenaState): void => {
      if (state.players.has(other) === present) {
        viewer.onStateChange.remove(listener);
        resolve(state.tick);
      }
    };
    viewer.onStateChange(listener);
  });
}

describe("interest management distances", () => {
  it("drops a ship from your view beyond 1,450 px and takes it back within 1,300 px", async () => {
    const still = await join(server.url, "Still");
    const mover = await join(server.url, "Mover");
    const moverX = trackOwn(mover);
    await waitFor(() => still.state.players.has(mover.sessionId), 3000, "the mover in view at the start");
    const stillX = still.state.players.get(still.sessionId)!.x;
    const input = mover.input();
    let seq = 0;
    const fly = async (moveX: number, until: Promise<number>): Promise<number> => {
      let done: number | undefined;
      void until.then((tick) => (done = tick));
      const deadline = Date.now() + 15_000;
      while (done === undefined && Date.now() < deadline) {
        input.data.seq = ++seq;
        input.data.moveX = moveX;
        input.data.moveY = 0;
        input.send();
        await sleep(1000 / 30);
      }
      if (done === undefined) throw new Error("timed out waiting for the view to change");
      return done;
    };

    const leftAt = await fly(1, watchPresence(still, mover.sessionId, false));
    const cameAt = await fly(-1, watchPresence(still, mover.sessionId, true));
    const distanceAt = (tick: number): number => {
      const x = moverX.get(tick);
      if (x === undefined) throw new Error(`the mover's client has no patch of tick ${tick}`);
      return Math.abs(x - stillX);
    };
    const left = distanceAt(leftAt);
    const came = distanceAt(cameAt);
    console.log(`interest: left the view at ${left.toFixed(1)} px, came back at ${came.toFixed(1)} px`);
    // Views are refreshed every other patch (≈ 3 ticks, 26 px of flight): the change shows at
    // most a refresh and a patch after the line was crossed.
    const slack = 60;
    expect(left).toBeGreaterThan(LEAVE_RADIUS_PX);
    expect(left).toBeLessThanOrEqual(LEAVE_RADIUS_PX + slack);
    expect(came).toBeLessThanOrEqual(INTEREST_RADIUS_PX);
    expect(came).toBeGreaterThanOrEqual(INTEREST_RADIUS_PX - slack);
    // Both in the same room all along, the roster listing both.
    expect(still.state.pilots.size).toBe(2);
  }, 40_000);

  it("sends you a far pilot's shot only when its path passes within 600 px of your ship", async () => {
    const far = await startTestServer({ map: FAR_ROW, seed: 2 });
    try {
      const target = await join(far.url, "Target");
      const shooter = await join(far.url, "Shooter");
      await waitFor(() => target.state.pilots.has(shooter.sessionId), 3000, "the shooter in the roster");
      const own = target.state.players.get(target.sessionId)!;
      const other = shooter.state.players.get(shooter.sessionId)!;
      expect(Math.abs(other.x - own.x)).toBeGreaterThan(LEAVE_RADIUS_PX);
      expect(target.state.players.has(shooter.sessionId)).toBe(false);
      const shooterSlot = target.state.pilots.get(shooter.sessionId)!.slot;
      const shotsFrom = (): number => {
        let n = 0;
        target.state.projectiles.forEach((p) => {
          if (p.owner === shooterSlot) n += 1;
        });
        return n;
      };
      let received = 0;
      target.onStateChange(() => (received = Math.max(received, shotsFrom())));
      const input = shooter.input();
      let seq = 0;
      const fire = async (aimX: number): Promise<void> => {
        for (let i = 0; i < 24; i++) {
          input.data.seq = ++seq;
          input.data.aimX = aimX;
          input.data.aimY = 0;
          input.data.fire = i < 12; // 0.4 s of trigger: two or three shots
          input.send();
          await sleep(1000 / 30);
        }
      };
      // Away from the target (its path never comes within 600 px): never sent to it.
      const away = Math.sign(other.x - own.x) * 32767;
      await fire(away);
      await sleep(1500);
      expect(received, "shots fired away from the target").toBe(0);
      // Towards the target: its path ends 520 px from it, so it is sent.
      await fire(-away);
      await waitFor(() => received > 0, 3000, "a shot fired towards the target in its state");
      expect(target.state.players.has(shooter.sessionId)).toBe(false);
    } finally {
      for (const r of rooms.splice(0)) await r.leave(true).catch(() => undefined);
      await far.stop();
    }
  }, 40_000);
});
