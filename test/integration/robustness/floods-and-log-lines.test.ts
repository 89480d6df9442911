/**
 * Message floods on every room that screens its frames (the arena, the lobby, the ranked queue),
 * and what the server writes to its log for the client mistakes Colyseus itself sees (a message
 * payload it cannot decode, a reconnection to a room that is gone):
 * - more than `MAX_MESSAGES_PER_SECOND` frames a second, PINGs included, closes the sender with
 *   4002 and the reason `too many messages`, in every room;
 * - an undecodable payload closes its sender with 4002 and is logged as one `colyseus-error` line
 *   per client and interval, naming the client, with the first line of the error only;
 * - Colyseus's info lines carry an `event` and come at most once per template and interval;
 * - every JSON record carries `event` and `processId` (docs/DEPLOY.md).
 *
 * The server runs with NODE_ENV=development: Colyseus prints its reconnection hint only then.
 */
import { Protocol } from "@colyseus/shared-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { isSeatReservation } from "../../../bench/light/colyseus-protocol.ts";
import { LOOPBACK_LOAD_ENV } from "../../../server/config.ts";
import { MAX_MESSAGES_PER_SECOND } from "../../../shared/constants.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import {
  attackerToken,
  expectServerAlive,
  guestToken,
  joinRaw,
  matchmake,
  openRoomSocket,
  sleep,
  startServerProcess,
  type RawSocket,
  type ServerProcess,
  closeOf,
  within,
  type Closed,
} from "./fixture.ts";

const CLOSE_WITHIN_MS = 3000;

/** Sends `count` one-byte PING frames as fast as the socket takes them; returns how many went. */
async function pingFlood(ws: WebSocket, count: number): Promise<number> {
  let sent = 0;
  for (; sent < count && ws.readyState === WebSocket.OPEN; sent++) {
    ws.send(Uint8Array.of(Protocol.PING));
    if (sent % 500 === 499) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return sent;
}

/** Joins a lobby or queue room on a raw socket and acknowledges the join, as the SDK does. */
async function joinMessageRoom(url: string, roomName: string, token: string): Promise<RawSocket> {
  const answer = await matchmake(url, "joinOrCreate", roomName, {}, token);
  if (answer.status !== 200 || !isSeatReservation(answer.body)) {
    throw new Error(`joinOrCreate ${roomName} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const socket = await openRoomSocket(url, answer.body);
  await socket.waitFor(Protocol.JOIN_ROOM);
  socket.ws.send(Uint8Array.of(Protocol.JOIN_ROOM));
  return socket;
}

/** A ROOM_DATA frame of type `type` whose msgpack payload has a stray byte after its value. */
function undecodableMessage(type: string, text: string): Uint8Array {
  const str = (s: string): number[] => [0xa0 | s.length, ...Buffer.from(s, "latin1")];
  // { text: "<text>" } then 0xc0: msgpackr reads the map, finds bytes left and quotes the map.
  return Uint8Array.from([Protocol.ROOM_DATA, ...str(type), 0x81, ...str("text"), ...str(text), 0xc0]);
}

/** The JSON records among `lines` (the start-up line is plain text). */
function records(lines: readonly string[]): Record<string, unknown>[] {
  return lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("message floods and Colyseus's log lines", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ ...LOOPBACK_LOAD_ENV, NODE_ENV: "development" });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it(`closes a PING flood with 4002 "too many messages" in the arena, the lobby and the ranked queue`, async () => {
    const results: { room: string; pings: number; sent: number; closed: Closed | undefined }[] = [];
    const flood = async (room: string, socket: RawSocket, pings: number): Promise<void> => {
      const closed = closeOf(socket.ws);
      const sent = await pingFlood(socket.ws, pings);
      results.push({ room, pings, sent, closed: await within(closed, CLOSE_WITHIN_MS) });
      if (socket.ws.readyState !== WebSocket.CLOSED) socket.ws.terminate();
    };
    await flood("arena", await joinRaw(server.url, "Pinger"), 3000);
    for (const pings of [3000, 20_000]) {
      await flood("lobby", await joinMessageRoom(server.url, RoomName.Lobby, await attackerToken(server.url)), pings);
    }
    await flood("ranked", await joinMessageRoom(server.url, RoomName.Ranked, await guestToken(server.url)), 3000);
    console.log(`[ping floods] ${JSON.stringify(results)}`);
    for (const r of results) {
      expect(r.closed, `${r.room}, ${r.pings} PINGs`).toEqual({
        code: CloseCodes.ProtocolError,
        reason: "too many messages",
      });
      expect(r.sent, `${r.room}: closed after more than ${MAX_MESSAGES_PER_SECOND} frames`).toBeGreaterThan(
        MAX_MESSAGES_PER_SECOND,
      );
    }
    // An honest rate of PINGs (a few a second) is fine: a fresh lobby client pinging 50 times in 2 s stays.
    const calm = await joinMessageRoom(server.url, RoomName.Lobby, await guestToken(server.url));
    for (let i = 0; i < 50; i++) {
      calm.ws.send(Uint8Array.of(Protocol.PING));
      await sleep(40);
    }
    expect(calm.ws.readyState, "a client pinging 25 times a second stays").toBe(WebSocket.OPEN);
    calm.ws.close();
    await expectServerAlive(server);
  }, 60_000);

  it("logs undecodable payloads once per client, first line only, and closes each sender with 4002", async () => {
    const before = server.output.length;
    const arena = await Promise.all([0, 1, 2].map((i) => joinRaw(server.url, `Garbled${i}`)));
    const lobby = await joinMessageRoom(server.url, RoomName.Lobby, await guestToken(server.url));
    const clients = [
      ...arena.map((raw) => ({ socket: raw as RawSocket, sessionId: raw.seat.sessionId, type: "chat" })),
      { socket: lobby, sessionId: "", type: "filter" },
    ];
    const closes = clients.map((c) => within(closeOf(c.socket.ws), CLOSE_WITHIN_MS));
    // Each client sends 10 different undecodable payloads at once: Colyseus parses those already
    // on their way after it closed the sender, and each error text differs (it quotes the payload).
    for (const c of clients) for (let k = 0; k < 10; k++) c.socket.ws.send(undecodableMessage(c.type, `a${k}`));
    const closed = await Promise.all(closes);
    await sleep(300);
    const lines = server.output.slice(before);
    const errors = records(lines).filter((r) => r["kind"] === "colyseus-error");
    console.log(`[undecodable] closes ${JSON.stringify(closed)}\n${errors.map((r) => JSON.stringify(r)).join("\n")}`);
    for (const c of closed) expect(c?.code).toBe(CloseCodes.ProtocolError);
    // One line per client (the lobby client's session id is not in its seat: count the rest).
    expect(errors.length, "colyseus-error lines").toBeLessThanOrEqual(clients.length);
    for (const raw of arena) {
      expect(
        errors.filter((r) => r["offender"] === raw.seat.sessionId),
        raw.seat.sessionId,
      ).toHaveLength(1);
    }
    for (const r of errors) {
      expect(r).toMatchObject({ event: "fault", count: 1, processId: expect.any(String) });
      expect(String(r["detail"])).toMatch(/^Error: Data read, but end of buffer not reached /);
      expect(String(r["detail"])).not.toMatch(/\n|\bat \S+ \(/);
      expect(String(r["detail"]).length).toBeLessThanOrEqual(160);
    }
    expect(
      lines.filter((l) => /^\s+at /.test(l) || l.includes("\\n    at ")),
      "stack traces",
    ).toEqual([]);
    await expectServerAlive(server);
  }, 30_000);

  it("gives Colyseus's reconnection hint an event and prints it once for 50 reconnections to gone rooms", async () => {
    const before = server.output.length;
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) {
      const answer = await matchmake(server.url, "reconnect", `gone${i}`, { reconnectionToken: `token${i}` });
      answers.push(answer.status);
    }
    await sleep(300);
    const logged = records(server.output.slice(before));
    const hints = logged.filter((r) => String(r["message"] ?? r["msg"] ?? "").includes("has been disposed"));
    console.log(
      `[reconnect] answers ${[...new Set(answers)].join(",")}; ${hints.length} hint lines: ${JSON.stringify(hints)}`,
    );
    expect(new Set(answers)).toEqual(new Set([404]));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({
      level: "info",
      event: "colyseus-log",
      template: '❌ room "…" has been disposed. Did you miss .allowReconnection()?',
      processId: expect.any(String),
    });
  }, 30_000);

  it("writes every JSON record with an event and a processId", () => {
    const all = records(server.output);
    expect(all.length).toBeGreaterThan(0);
    const without = all.filter((r) => typeof r["event"] !== "string" || typeof r["processId"] !== "string");
    expect(without, "records without event or processId").toEqual([]);
  });
});
