/**
 * The ranked queue while its process drains (SIGTERM): matchmaking hands out no seats, and the
 * queue seats no group either, even one that completes during the drain (a player who had his
 * reservation before the SIGTERM joins the queue after it). The queued players wait, hear the
 * shutdown's 4001 at `stop()`, and no ranked arena is opened on the way out.
 */
import type { Room, SeatReservation } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { RANKED_MATCH_PLAYERS } from "../../../shared/constants.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { sleep, startTestServer } from "../harness.ts";
import { leaveAllRooms, newGuest, roomCount, tempDir, track } from "./social-helpers.ts";

/** The queue groups players once a second (QueueRoom's cycle); two cycles and a margin. */
const GROUPING_MS = 2500;

let server: RunningServer | undefined;
let data: ReturnType<typeof tempDir>;

beforeAll(async () => {
  data = tempDir("tick-arena-ranked-drain-");
  server = await startTestServer({ dataDir: data.dir });
});

afterAll(async () => {
  await leaveAllRooms();
  await server?.stop().catch(() => undefined);
  data?.remove();
});

/** A queued player: the seats it was sent, and its queue socket's close code. */
interface Waiting {
  readonly seats: unknown[];
  readonly closed: Promise<number>;
}

function waitIn(room: Room): Waiting {
  const seats: unknown[] = [];
  room.onMessage("clients", () => undefined);
  room.onMessage("seat", (reservation: SeatReservation) => seats.push(reservation));
  return { seats, closed: new Promise<number>((resolve) => room.onLeave((code) => resolve(code))) };
}

describe("ranked queue while draining", () => {
  it("seats no group that completes during the drain; the queue closes with 4001 at shutdown", async () => {
    const srv = server!;
    const waiting: Waiting[] = [];
    // All but one join the queue: an incomplete group is never seated.
    for (let i = 1; i < RANKED_MATCH_PLAYERS; i++) {
      const guest = await newGuest(srv.url, `Early ${i}`);
      waiting.push(waitIn(track(await guest.client.joinOrCreate(RoomName.Ranked))));
    }
    // The last one gets its reservation before the SIGTERM and takes it after.
    const last = await newGuest(srv.url, "Last");
    const res = await fetch(`${srv.url}/matchmake/joinOrCreate/${RoomName.Ranked}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${last.token}` },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const reservation = (await res.json()) as SeatReservation;
    const roomsBefore = await roomCount(srv.url);

    await srv.drain();
    waiting.push(waitIn(track(await last.client.consumeSeatReservation(reservation))));
    await sleep(GROUPING_MS);

    // A complete group, and yet no seat and no new room (before the fix: a ranked arena, and
    // a "seat" for each of the four).
    expect(waiting.map((w) => w.seats.length)).toEqual(Array(RANKED_MATCH_PLAYERS).fill(0));
    expect(await roomCount(srv.url)).toBe(roomsBefore);

    await srv.stop();
    server = undefined;
    const codes = await Promise.all(waiting.map((w) => w.closed));
    expect(codes).toEqual(Array(RANKED_MATCH_PLAYERS).fill(CloseCodes.ServerShutdown));
  });
});
