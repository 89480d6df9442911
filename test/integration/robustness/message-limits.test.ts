/**
 * The message limits docs/PROTOCOL.md promises ("Other messages" and "Limits"), each on its own,
 * without tripping a neighbouring limit first:
 * - input frames: at most 10 per simulation tick on average, a second's worth at once; a client
 *   over it is closed with 4002 `input frames over the rate limit`. The flood tests elsewhere
 *   send thousands at once and so also break the 400-messages-a-second limit; here the senders
 *   stay under 400 frames in any second, so only the input limit can close them;
 * - the lobby takes only its own small messages (`filter`): at most 512 bytes, 5 a second
 *   (bursts of 20); anything else (an input frame, say) closes the sender with 4002, and only it.
 *
 * A spectator's input frame (4002) is tested in test/integration/social/spectators.test.ts; the
 * 400-frames-a-second limit (PINGs included) in every room in floods-and-log-lines.test.ts.
 *
 * The doc's numbers are written out here, not imported, so the test states the promise rather
 * than whatever the constants say.
 */
import type { Room } from "@colyseus/sdk";
import { Protocol } from "@colyseus/shared-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { isSeatReservation } from "../../../bench/light/colyseus-protocol.ts";
import { LOOPBACK_LOAD_ENV } from "../../../server/config.ts";
import { LIVE_MESSAGE } from "../../../shared/live.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import {
  expectServerAlive,
  guestToken,
  ignoreArenaMessages,
  matchmake,
  openRoomSocket,
  sleep,
  startServerProcess,
  tokenClient,
  type RawSocket,
  type ServerProcess,
  closeOf,
  within,
  type Closed,
} from "./fixture.ts";

/** The server runs at the doc's reference rate ("300/s at 30 Hz"). */
const TICK_HZ = 30;
/** PROTOCOL.md, Limits: input frames per simulation tick on average; a second's worth at once. */
const INPUTS_PER_TICK_ALLOWED = 10;
/** PROTOCOL.md, Limits: frames of any kind a client may send per second. */
const FRAMES_PER_SECOND_ALLOWED = 400;
/** The greedy client: over the input limit (360/s against 300/s), under the frame limit (400/s). */
const GREEDY_PER_TICK = 12;
/** PROTOCOL.md, Other messages: the lobby's message size, rate and burst. */
const LOBBY_MESSAGE_BYTES = 512;
const LOBBY_MESSAGES_PER_SECOND = 5;
const LOBBY_BURST = 20;

const INPUT_LIMIT_REASON = "input frames over the rate limit";
/** How soon a violating lobby client must be closed. */
const CLOSE_WITHIN_MS = 2000;

/** An SDK player quick-played into the arena, with what its connection read when it closed. */
interface SdkPlayer {
  readonly room: Room<unknown, ArenaState>;
  /** Set once the room connection closed. */
  left: Closed | null;
  /** Wall-clock times (performance.now) of every frame the SDK wrote to the socket. */
  readonly wire: number[];
}

async function quickPlay(url: string, name: string): Promise<SdkPlayer> {
  const client = await tokenClient(url, name);
  const room = await client.joinOrCreate(RoomName.Arena, { name }, ArenaState);
  room.reconnection.maxRetries = 0;
  ignoreArenaMessages(room);
  room.onMessage(LIVE_MESSAGE, () => undefined);
  const player: SdkPlayer = { room, left: null, wire: [] };
  room.onLeave((code, reason) => (player.left = { code, reason: reason ?? "" }));
  // Count what actually goes on the wire: every WebSocket message the SDK sends, inputs included.
  const connection = room.connection;
  const send = connection.send.bind(connection);
  connection.send = (data) => {
    player.wire.push(performance.now());
    send(data);
  };
  return player;
}

/** Most timestamps of `times` (ascending) inside any window of `windowMs`. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Joins the lobby on a raw socket, with a guest token of its own, and acknowledges the join. */
async function joinLobby(url: string): Promise<RawSocket> {
  const answer = await matchmake(url, "joinOrCreate", RoomName.Lobby, {}, await guestToken(url));
  if (answer.status !== 200 || !isSeatReservation(answer.body)) {
    throw new Error(`joinOrCreate lobby answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const socket = await openRoomSocket(url, answer.body);
  await socket.waitFor(Protocol.JOIN_ROOM);
  socket.ws.send(Uint8Array.of(Protocol.JOIN_ROOM));
  return socket;
}

/** A msgpack string (fixstr, str 8 or str 16). */
function msgpackString(text: string): number[] {
  const bytes = [...Buffer.from(text, "utf8")];
  if (bytes.length < 32) return [0xa0 | bytes.length, ...bytes];
  if (bytes.length < 256) return [0xd9, bytes.length, ...bytes];
  return [0xda, bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/** The frame `room.send("filter", { name })` writes: [13][type]["name" → name], exactly. */
function filterFrame(name: string): Uint8Array {
  return Uint8Array.from([
    Protocol.ROOM_DATA,
    ...msgpackString("filter"),
    0x81,
    ...msgpackString("name"),
    ...msgpackString(name),
  ]);
}

/** A `filter` message frame of exactly `bytes` bytes (a long room name as padding). */
function filterFrameOfSize(bytes: number): Uint8Array {
  // [13] + "filter" (7) + fixmap (1) + "name" (5) + str 16 header (3) = 17 bytes around the name.
  const frame = filterFrame("x".repeat(bytes - 17));
  expect(frame.byteLength).toBe(bytes);
  return frame;
}

/** Sends a `filter` and waits for the lobby's `rooms` answer: the client is served. */
async function lobbyAnswers(socket: RawSocket): Promise<boolean> {
  const before = socket.frames.length;
  socket.ws.send(filterFrame(RoomName.Arena));
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    if (socket.frames.slice(before).some((f) => (f[0]! & 0x1f) === Protocol.ROOM_DATA)) return true;
    await sleep(10);
  }
  return false;
}

describe("message limits of docs/PROTOCOL.md, each on its own", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ ...LOOPBACK_LOAD_ENV, TICK_RATE: String(TICK_HZ) });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it(`closes a client sending ${GREEDY_PER_TICK} input frames per tick (under ${FRAMES_PER_SECOND_ALLOWED} frames/s) with 4002 "${INPUT_LIMIT_REASON}"; one sending 1 per tick in the same room stays`, async () => {
    const honest = await quickPlay(server.url, "Steady");
    const greedy = await quickPlay(server.url, "Greedy");
    expect(greedy.room.roomId).toBe(honest.room.roomId);
    const honestInput = honest.room.input();
    const greedyInput = greedy.room.input();

    // Paced on the monotonic clock, frame by frame (not 12 at each tick's edge). A late timer
    // catches up at most one tick's worth, so no second ever carries more than the steady rate
    // plus a tick: the frame limit stays out of reach and only the input limit can trip.
    const greedyPerSecond = GREEDY_PER_TICK * TICK_HZ;
    const began = performance.now();
    const greedyWireBefore = greedy.wire.length;
    let honestSent = 0;
    let greedySent = 0;
    let greedySkipped = 0;
    let greedyClosedAt: number | null = null;
    const runMs = 10_000;
    for (;;) {
      const elapsed = performance.now() - began;
      if (greedy.left !== null && greedyClosedAt === null) greedyClosedAt = elapsed;
      // Play on for half a second after the close: the honest player must not be affected.
      if (elapsed >= runMs || (greedyClosedAt !== null && elapsed >= greedyClosedAt + 500)) break;
      const honestDue = Math.floor((elapsed * TICK_HZ) / 1000);
      for (; honestSent < honestDue; honestSent++) {
        honestInput.data.seq = honestSent + 1;
        honestInput.data.moveX = Math.floor(honestSent / 30) % 2 === 0 ? 1 : -1;
        honestInput.send();
      }
      if (greedy.left === null) {
        const greedyDue = Math.floor((elapsed * greedyPerSecond) / 1000);
        const behind = greedyDue - greedySent - greedySkipped;
        if (behind > GREEDY_PER_TICK) greedySkipped += behind - GREEDY_PER_TICK;
        while (greedySent + greedySkipped < greedyDue) {
          greedyInput.data.seq = greedySent + 1;
          greedyInput.data.moveX = Math.floor(greedySent / 360) % 2 === 0 ? 1 : -1;
          // 0: nothing sent, the connection closed (its close may not be reported yet).
          if (greedyInput.send() === 0) break;
          greedySent++;
        }
      }
      await sleep(2);
    }
    const greedyWire = greedy.wire.slice(greedyWireBefore);
    const greedyLastFrame = greedyWire[greedyWire.length - 1] ?? began;
    const greedyRate = (greedyWire.length / (greedyLastFrame - began)) * 1000;
    const busiest = busiestWindow(greedyWire, 1000);
    const tickAfter = honest.room.state.tick;
    await sleep(200);
    console.log(
      `[input limit] greedy: ${greedySent} input frames (${greedySkipped} skipped by late timers), ` +
        `${greedyWire.length} on the wire at ${greedyRate.toFixed(0)}/s, busiest second ${busiest}, ` +
        `closed after ${greedyClosedAt === null ? "never" : (greedyClosedAt / 1000).toFixed(2) + " s"} ` +
        `with ${JSON.stringify(greedy.left)}; honest: ${honestSent} frames, left ${JSON.stringify(honest.left)}`,
    );

    // The wire rate is what this test claims: over 10 per tick, under 400 frames in any second.
    expect(greedyWire.length, "one WebSocket message per input frame").toBe(greedySent);
    expect(greedyRate, "greedy frames/s").toBeGreaterThan(INPUTS_PER_TICK_ALLOWED * TICK_HZ * 1.1);
    expect(busiest, "greedy frames in its busiest second").toBeLessThan(FRAMES_PER_SECOND_ALLOWED);

    expect(greedy.left, "the greedy client's close").toEqual({
      code: CloseCodes.ProtocolError,
      reason: INPUT_LIMIT_REASON,
    });
    expect(greedyClosedAt, "closed within 10 s").toBeLessThan(runMs);
    // A second's worth (300) may arrive at once: 60 frames a second over the rate take about 5 s
    // to use it up. A limit without that allowance would close the client within a tick or two.
    expect(greedyClosedAt!, "closed before the burst allowance was used up").toBeGreaterThan(3000);

    expect(honest.left, "the 1-per-tick client was disconnected").toBeNull();
    expect(honest.room.connection.isOpen).toBe(true);
    expect(honest.room.state.tick, "the honest client still gets patches").toBeGreaterThan(tickAfter);
    expect(honest.room.state.players.has(honest.room.sessionId)).toBe(true);
    await honest.room.leave();
    await expectServerAlive(server);
  }, 20_000);

  it(`lobby: ${LOBBY_BURST} filter messages at once pass, ${LOBBY_BURST + 1} close the sender (4002), and ${LOBBY_MESSAGES_PER_SECOND} a second follow`, async () => {
    const bystander = await joinLobby(server.url);
    const atBurst = await joinLobby(server.url);
    const overBurst = await joinLobby(server.url);
    const overRate = await joinLobby(server.url);
    const closes = [atBurst, overBurst, overRate].map((s) => within(closeOf(s.ws), 2 * 1000 + 2 * CLOSE_WITHIN_MS));

    const burst = (socket: RawSocket, count: number): void => {
      for (let i = 0; i < count; i++) socket.ws.send(filterFrame(RoomName.Arena));
    };
    burst(atBurst, LOBBY_BURST);
    burst(overBurst, LOBBY_BURST + 1);
    burst(overRate, LOBBY_BURST);
    // Two seconds refill 10 messages at 5 a second: 9 more pass, 11 do not (a margin of 200 ms
    // either way for the frames' travel).
    await sleep(2000);
    burst(atBurst, 2 * LOBBY_MESSAGES_PER_SECOND - 1);
    burst(overRate, 2 * LOBBY_MESSAGES_PER_SECOND + 1);
    await sleep(500);
    const atBurstOpen = atBurst.ws.readyState === WebSocket.OPEN;
    const bystanderServed = await lobbyAnswers(bystander);
    const atBurstServed = await lobbyAnswers(atBurst);
    atBurst.ws.close();
    const [, overBurstClosed, overRateClosed] = await Promise.all(closes);
    console.log(
      `[lobby rate] ${LOBBY_BURST} at once + ${2 * LOBBY_MESSAGES_PER_SECOND - 1} after 2 s → ${atBurstOpen ? "open" : "closed"}; ` +
        `${LOBBY_BURST + 1} at once → ${JSON.stringify(overBurstClosed)}; ` +
        `${LOBBY_BURST} at once + ${2 * LOBBY_MESSAGES_PER_SECOND + 1} after 2 s → ${JSON.stringify(overRateClosed)}`,
    );
    expect(atBurstOpen, `${LOBBY_BURST} at once, then 5 a second, stays`).toBe(true);
    expect(atBurstServed, "and is still answered").toBe(true);
    expect(overBurstClosed, `${LOBBY_BURST + 1} at once`).toEqual({
      code: CloseCodes.ProtocolError,
      reason: "message flood",
    });
    expect(overRateClosed, "over 5 a second after the burst").toEqual({
      code: CloseCodes.ProtocolError,
      reason: "message flood",
    });
    expect(bystanderServed, "another lobby client is unaffected").toBe(true);
    bystander.ws.close();
  }, 20_000);

  it(`lobby: a ${LOBBY_MESSAGE_BYTES}-byte message passes, one byte more closes the sender (4002)`, async () => {
    const fits = await joinLobby(server.url);
    const tooLarge = await joinLobby(server.url);
    const closed = within(closeOf(tooLarge.ws), CLOSE_WITHIN_MS);
    fits.ws.send(filterFrameOfSize(LOBBY_MESSAGE_BYTES));
    tooLarge.ws.send(filterFrameOfSize(LOBBY_MESSAGE_BYTES + 1));
    expect(await closed, `a ${LOBBY_MESSAGE_BYTES + 1}-byte message`).toEqual({
      code: CloseCodes.ProtocolError,
      reason: "message too large",
    });
    expect(await lobbyAnswers(fits), `a ${LOBBY_MESSAGE_BYTES}-byte message is taken`).toBe(true);
    expect(fits.ws.readyState).toBe(WebSocket.OPEN);
    fits.ws.close();
  });

  it("lobby: an input frame (reliable, unreliable or a batch) closes the sender (4002), nobody else", async () => {
    const bystander = await joinLobby(server.url);
    // The frames a stock SDK or the browser client sends to an arena: a reliable input
    // [19][0x80|field][value]…, the unreliable channel (20), a batch of two (28).
    const reliable = [Protocol.ROOM_INPUT_RELIABLE, 0x80, 1, 0, 0, 0, 0x81, 1];
    const frames: Record<string, Uint8Array> = {
      reliable: Uint8Array.from(reliable),
      unreliable: Uint8Array.from([Protocol.ROOM_INPUT_UNRELIABLE, 1, 1, 0x80, 1, 0, 0, 0]),
      batch: Uint8Array.from([28, reliable.length, ...reliable, reliable.length, ...reliable]),
    };
    const results: Record<string, Closed | undefined> = {};
    await Promise.all(
      Object.entries(frames).map(async ([kind, frame]) => {
        const socket = await joinLobby(server.url);
        const closed = within(closeOf(socket.ws), CLOSE_WITHIN_MS);
        socket.ws.send(frame);
        results[kind] = await closed;
      }),
    );
    console.log(`[lobby inputs] ${JSON.stringify(results)}`);
    for (const kind of Object.keys(frames)) {
      expect(results[kind], kind).toEqual({ code: CloseCodes.ProtocolError, reason: "unknown message type" });
    }
    expect(await lobbyAnswers(bystander), "another lobby client is unaffected").toBe(true);
    bystander.ws.close();
    await expectServerAlive(server);
  });
});
