/**
 * Issue 6, the join lifecycle: clients that vanish at every step of joining, clients that take a
 * seat and go silent, a replayed reconnection token, and the frame guard after a reconnection.
 * Each test runs the production server as its own process while two honest SDK players play in
 * the same room, and checks afterwards that the process lives, the honest players are still
 * connected, their patches never paused for more than 250 ms and their ships and scores are
 * intact.
 *
 * Abrupt network drops of SDK clients go through a loopback TCP relay (`Link`) that the test
 * cuts: the server then reads the close as 1006, as it does for a pulled cable. (On Node 24 the
 * SDK uses Node's built-in WebSocket, which has no `terminate()`.)
 */
import { randomBytes } from "node:crypto";
import net, { type Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client, type Room } from "@colyseus/sdk";
import { Protocol, type ISeatReservation } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { endpointSettings, roomEndpoint } from "../../../bench/light/colyseus-protocol.ts";
import { DEFAULT_TICK_RATE, RECONNECT_GRACE_SECONDS } from "../../../shared/constants.ts";
import { CloseCodes, RoomName } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";
import {
  attackerToken,
  Bystanders,
  expectServerAlive,
  ignoreArenaMessages,
  joinRaw,
  matchmake,
  openRoomSocket,
  reserveSeat,
  sleep,
  startServerProcess,
  tokenClient,
  type RawSocket,
  type ServerFigures,
  type ServerProcess,
} from "./fixture.ts";
import { LOOPBACK_LOAD_ENV } from "../../../server/config.ts";

/** Close code of a connection lost without a close frame. */
const ABNORMAL_CLOSURE = 1006;
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Small bounded helpers
// ---------------------------------------------------------------------------------------------

/** `promise`, or an error naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 25 ms until it holds; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Waits for a raw socket's close; terminates it if the closing handshake takes over 3 s. */
async function settle(ws: WebSocket, closed: Promise<number>): Promise<number> {
  const code = await Promise.race([closed, sleep(3000).then(() => null)]);
  if (code !== null) return code;
  ws.terminate();
  return within(closed, 2000, "a terminated socket to close");
}

/** A reconnection attempt's outcome: the resumed room, or the HTTP status it was refused with. */
type Resumption = { room: Room<unknown, ArenaState> } | { status: number; message: string };

/** `new Client(url).reconnect(token)` from the SDK, with its refusal as a status. */
async function sdkReconnect(url: string, token: string): Promise<Resumption> {
  try {
    const room = await within(new Client(url).reconnect(token, ArenaState), 10_000, "SDK reconnect");
    room.reconnection.maxRetries = 0;
    return { room };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { status: typeof code === "number" ? code : -1, message: String(error) };
  }
}

/** Expects a reconnection to have been refused with a 4xx; leaves the room if it was not. */
async function expectRefused(resumption: Resumption, what: string): Promise<number> {
  if ("room" in resumption) {
    await resumption.room.leave().catch(() => 0);
    expect.unreachable(`${what}: the server resumed the seat (${resumption.room.sessionId}) instead of refusing`);
  }
  expect(resumption.status, `${what}: ${resumption.message}`).toBeGreaterThanOrEqual(400);
  expect(resumption.status, `${what}: ${resumption.message}`).toBeLessThan(500);
  return resumption.status;
}

/** The same over plain HTTP: POST /matchmake/reconnect/<roomId> with `{ reconnectionToken }`. */
async function rawReconnect(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const [roomId = "", secret = ""] = token.split(":");
  return matchmake(url, "reconnect", roomId, { reconnectionToken: secret });
}

/** The server's worst event-loop delay over the figures' window, in ms (0 if not reported). */
function lagOf(figures: ServerFigures): number {
  const lag = (figures as unknown as { eventLoopLagMs?: { max?: unknown } }).eventLoopLagMs?.max;
  return typeof lag === "number" ? lag : 0;
}

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// A relay the test can cut, and an SDK player behind it
// ---------------------------------------------------------------------------------------------

/**
 * A loopback TCP relay in front of the game server. Every connection one SDK client makes
 * (matchmaking and room socket) goes through it, so `cut()` drops that client's network at once:
 * no close frame either way, as when a cable is pulled.
 */
class Link {
  private constructor(
    private readonly relay: net.Server,
    private readonly pairs: Set<readonly [Socket, Socket]>,
    readonly url: string,
  ) {}

  static async open(targetPort: number): Promise<Link> {
    const pairs = new Set<readonly [Socket, Socket]>();
    const relay = net.createServer((down) => {
      const up = net.connect(targetPort, "127.0.0.1");
      const pair = [down, up] as const;
      pairs.add(pair);
      const drop = (): void => {
        down.destroy();
        up.destroy();
      };
      down.on("error", drop);
      up.on("error", drop);
      up.once("close", () => pairs.delete(pair));
      down.pipe(up);
      up.pipe(down);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const port = (relay.address() as net.AddressInfo).port;
    return new Link(relay, pairs, `http://127.0.0.1:${port}`);
  }

  /** Destroys every relayed connection, server side first. Returns how many there were. */
  cut(): number {
    const count = this.pairs.size;
    for (const [down, up] of this.pairs) {
      up.destroy();
      down.destroy();
    }
    this.pairs.clear();
    return count;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.relay.close(() => resolve()));
  }
}

/** An SDK player that can move, and what it lived through: patch gaps, drops, leaves. */
class Player {
  readonly drops: number[] = [];
  readonly leaves: number[] = [];
  private lastPatch = performance.now();
  private longestGap = 0;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;

  constructor(readonly room: Room<unknown, ArenaState>) {
    room.reconnection.maxRetries = 0;
    ignoreArenaMessages(room);
    room.onStateChange(() => {
      const now = performance.now();
      this.longestGap = Math.max(this.longestGap, now - this.lastPatch);
      this.lastPatch = now;
    });
    room.onDrop((code) => this.drops.push(code));
    room.onLeave((code) => this.leaves.push(code));
  }

  /**
   * Quick-plays through `url` (a Link's, to be able to cut it) with a guest token of its own.
   * Resolves once the full state arrived: the server sends it when it processed the join
   * acknowledgement, so the seat is then one that a drop holds for reconnection.
   */
  static async join(url: string, name: string): Promise<Player> {
    const client = await tokenClient(url, name);
    const room = await within(client.joinOrCreate(RoomName.Arena, { name }, ArenaState), 10_000, name);
    const player = new Player(room);
    await until(() => room.state.players?.has(room.sessionId) === true, 3000, `${name}'s full state`);
    return player;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  /** Restarts the patch-gap measurement. */
  resetGaps(): void {
    this.lastPatch = performance.now();
    this.longestGap = 0;
  }

  /** Longest time between two patches (or since the last one), in ms. */
  longestGapMs(): number {
    return Math.max(this.longestGap, performance.now() - this.lastPatch);
  }

  /** Sends one input per tick, moving left and right a second each, until `stop()`. */
  move(): void {
    const input = this.room.input();
    this.timer = setInterval(() => {
      this.seq += 1;
      input.data.seq = this.seq;
      input.data.moveX = Math.floor(this.seq / DEFAULT_TICK_RATE) % 2 === 0 ? 1 : -1;
      input.data.moveY = 0;
      input.send();
    }, 1000 / DEFAULT_TICK_RATE);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  async leave(): Promise<void> {
    this.stop();
    if (this.room.connection?.isOpen) await Promise.race([this.room.leave().catch(() => 0), sleep(2000)]);
  }
}

/** How far a ship moved, as `viewer` sees it, over `ms`: the spread of its x and y. */
async function travel(viewer: Room<unknown, ArenaState>, sessionId: string, ms: number): Promise<number> {
  const xs: number[] = [];
  const ys: number[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ship = viewer.state.players.get(sessionId);
    if (ship !== undefined) {
      xs.push(ship.x);
      ys.push(ship.y);
    }
    await sleep(50);
  }
  if (xs.length === 0) return 0;
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

// ---------------------------------------------------------------------------------------------
// Test 1: the ways to vanish while joining
// ---------------------------------------------------------------------------------------------

/** Where an attempt stops. */
type Step =
  | "a: before the HTTP answer"
  | "b: seat, no socket"
  | "c: socket, before JOIN_ROOM"
  | "d: JOIN_ROOM, no ack"
  | "e: ack, then gone";
const STEPS: readonly Step[] = [
  "a: before the HTTP answer",
  "b: seat, no socket",
  "c: socket, before JOIN_ROOM",
  "d: JOIN_ROOM, no ack",
  "e: ack, then gone",
];

/**
 * (a) A matchmaking request (with a valid guest token: one that would be seated) whose socket
 * goes away before any byte of the answer: the whole request then FIN or RST, a body cut short,
 * or only the head. True if no answer byte arrived.
 */
async function abortMatchmaking(port: number, variant: number, token: string): Promise<boolean> {
  const body = JSON.stringify({ name: `Quitter ${variant % 100}` });
  const head = [
    `POST /matchmake/joinOrCreate/${RoomName.Arena} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Content-Type: application/json",
    "Accept: application/json",
    `Authorization: Bearer ${token}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    "",
  ].join("\r\n");
  const socket = net.connect(port, "127.0.0.1");
  let answered = false;
  socket.on("data", () => {
    answered = true;
  });
  socket.on("error", () => undefined);
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    }),
    5000,
    "matchmaking connection",
  );
  const write = (data: string): Promise<void> => new Promise((resolve) => socket.write(data, () => resolve()));
  switch (variant % 4) {
    case 0:
      await write(head + body);
      socket.destroy();
      break;
    case 1:
      await write(head + body);
      socket.resetAndDestroy();
      break;
    case 2:
      await write(head + body.slice(0, 5));
      socket.destroy();
      break;
    default:
      await write(head);
      await sleep(2);
      socket.destroy();
  }
  return !answered;
}

/** (c) variant: the WebSocket upgrade request is sent and the socket destroyed before the 101. */
async function upgradeThenVanish(url: string, port: number, seat: ISeatReservation): Promise<boolean> {
  const endpoint = new URL(roomEndpoint(endpointSettings(url), seat, { skipHandshake: true }));
  const head = [
    `GET ${endpoint.pathname}${endpoint.search} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    "",
    "",
  ].join("\r\n");
  const socket = net.connect(port, "127.0.0.1");
  let answered = false;
  socket.on("data", () => {
    answered = true;
  });
  socket.on("error", () => undefined);
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    }),
    5000,
    "upgrade connection",
  );
  await new Promise<void>((resolve) => socket.write(head, () => resolve()));
  socket.destroy();
  return !answered;
}

/** (c) The room socket opens and is closed (1000) or terminated (1006) before any frame. */
async function socketBeforeJoin(url: string, port: number, variant: number): Promise<boolean> {
  const seat = await reserveSeat(url, "Shy");
  if (variant % 3 === 2) return upgradeThenVanish(url, port, seat);
  const ws = new WebSocket(roomEndpoint(endpointSettings(url), seat, { skipHandshake: true }));
  ws.on("error", () => undefined);
  let frames = 0;
  ws.on("message", () => {
    frames += 1;
  });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const clean = await within(
    new Promise<boolean>((resolve) => {
      ws.once("open", () => {
        const none = frames === 0;
        if (variant % 3 === 0) ws.terminate();
        else ws.close(1000);
        resolve(none);
      });
      ws.once("close", () => resolve(false));
    }),
    5000,
    "room socket to open",
  );
  await settle(ws, closed);
  return clean;
}

/** (d) JOIN_ROOM arrives; the socket is terminated (1006) or closed (1000) without the ack. */
async function joinWithoutAck(url: string, variant: number): Promise<boolean> {
  const socket = await openRoomSocket(url, await reserveSeat(url, "Ghost"));
  await socket.waitFor(Protocol.JOIN_ROOM);
  if (variant % 2 === 0) socket.ws.terminate();
  else socket.ws.close(1000);
  await settle(socket.ws, socket.closed);
  return true;
}

/** (e) The ack is sent and flushed, then the socket is terminated (seat held 20 s) or closed. */
async function ackThenDrop(url: string, variant: number): Promise<boolean> {
  const socket = await openRoomSocket(url, await reserveSeat(url, "Flash"));
  await socket.waitFor(Protocol.JOIN_ROOM);
  await new Promise<void>((resolve, reject) =>
    socket.ws.send(new Uint8Array([Protocol.JOIN_ROOM]), (error) => (error ? reject(error) : resolve())),
  );
  if (variant % 2 === 0) socket.ws.terminate();
  else socket.ws.close(1000);
  await settle(socket.ws, socket.closed);
  return true;
}

/** Runs one attempt; true if it stopped exactly at its step. */
async function attempt(server: ServerProcess, step: Step, variant: number): Promise<boolean> {
  switch (step) {
    case "a: before the HTTP answer":
      return abortMatchmaking(server.port, variant, await attackerToken(server.url));
    case "b: seat, no socket":
      await reserveSeat(server.url, "Absent");
      return true;
    case "c: socket, before JOIN_ROOM":
      return socketBeforeJoin(server.url, server.port, variant);
    case "d: JOIN_ROOM, no ack":
      return joinWithoutAck(server.url, variant);
    case "e: ack, then gone":
      return ackThenDrop(server.url, variant);
  }
}

interface StepTally {
  planned: number;
  reached: number;
  missed: number;
  failed: number;
  errors: Set<string>;
}

describe("join lifecycle: vanishing at every step of joining", () => {
  it("survives 1,000 joins abandoned at every step, and gets back to the two honest players", async () => {
    const ATTEMPTS = 1000;
    const IN_FLIGHT = 16;
    const server = await startServerProcess(LOOPBACK_LOAD_ENV);
    let bystanders: Bystanders | undefined;
    try {
      bystanders = await Bystanders.join(server.url);
      await sleep(500);
      const before = await server.figures();
      expect(before.ccu).toBe(2);
      expect(before.rooms).toBe(1);
      bystanders.resetGaps();

      const tally = new Map<Step, StepTally>(
        STEPS.map((s) => [s, { planned: 0, reached: 0, missed: 0, failed: 0, errors: new Set<string>() }]),
      );
      let peak: ServerFigures = before;
      let peakRss = before.rssBytes;
      let serverLagMs = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling && server.exitCode() === null) {
          const f = await server.figures().catch(() => null);
          if (f !== null) {
            if (f.rooms > peak.rooms) peak = f;
            peakRss = Math.max(peakRss, f.rssBytes);
            serverLagMs = Math.max(serverLagMs, lagOf(f));
          }
          await sleep(1000);
        }
      })();

      // The test's own event loop also delivers the bystanders' patches: its delays are printed
      // with the server's, so a long gap can be told apart.
      const ownLoop = monitorEventLoopDelay({ resolution: 10 });
      ownLoop.enable();
      const started = performance.now();
      const attackDeadline = Date.now() + 45_000;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < ATTEMPTS && server.exitCode() === null && Date.now() < attackDeadline) {
          const i = next++;
          const step = STEPS[i % STEPS.length]!;
          const variant = Math.floor(i / STEPS.length);
          const t = tally.get(step)!;
          t.planned += 1;
          try {
            if (await within(attempt(server, step, variant), 15_000, step)) t.reached += 1;
            else t.missed += 1;
          } catch (error) {
            t.failed += 1;
            if (t.errors.size < 5) t.errors.add(String(error).slice(0, 200));
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, () => worker()));
      const attackSeconds = (performance.now() - started) / 1000;
      const during = await server.figures().catch(() => null);

      await expectServerAlive(server);
      const summary = [...tally].map(([s, t]) => `${s.slice(0, 1)}=${t.reached}/${t.planned}`).join(" ");
      const problems = [...tally]
        .filter(([, t]) => t.failed > 0 || t.missed > 0)
        .map(([s, t]) => `${s}: ${t.failed} failed, ${t.missed} missed their step ${[...t.errors].join(" | ")}`);
      expect(problems, "attempts that did not run as planned").toEqual([]);
      expect([...tally.values()].reduce((n, t) => n + t.planned, 0)).toBe(ATTEMPTS);

      // Reservations expire after 10 s and held seats after 20 s; then only the two remain.
      const drainStarted = performance.now();
      let after = await server.figures();
      const drainDeadline = Date.now() + (RECONNECT_GRACE_SECONDS + 15) * 1000;
      while ((after.ccu !== 2 || after.rooms !== 1) && Date.now() < drainDeadline && server.exitCode() === null) {
        await sleep(500);
        after = await server.figures();
      }
      sampling = false;
      await sampler;
      ownLoop.disable();
      const drainSeconds = (performance.now() - drainStarted) / 1000;

      console.log(
        `join-lifecycle: ${ATTEMPTS} attempts (${summary}) in ${attackSeconds.toFixed(1)} s, ${IN_FLIGHT} in flight; ` +
          `at the end of the attempts ccu=${during?.ccu} rooms=${during?.rooms}; peak rooms=${peak.rooms} (ccu ${peak.ccu}); ` +
          `back to ccu=${after.ccu} rooms=${after.rooms} after ${drainSeconds.toFixed(1)} s; ` +
          `rss ${megabytes(before.rssBytes)} MB -> ${megabytes(after.rssBytes)} MB (peak ${megabytes(peakRss)} MB), ` +
          `heap used ${megabytes(before.heapUsedBytes)} MB -> ${megabytes(after.heapUsedBytes)} MB; ` +
          `longest bystander patch gap ${bystanders.longestGapMs().toFixed(0)} ms ` +
          `(event-loop delay max: server ${serverLagMs.toFixed(0)} ms, test ${(ownLoop.max / 1e6 - 10).toFixed(0)} ms); faults ${JSON.stringify(after.faults ?? {})}`,
      );

      await expectServerAlive(server);
      expect(after.ccu, "clients left over after every seat expired").toBe(2);
      expect(after.rooms, "rooms left over after every seat expired").toBe(1);
      expect(after.rssBytes - before.rssBytes, "server memory growth").toBeLessThan(100 * MB);
      bystanders.expectUnharmed();
    } finally {
      await bystanders?.leave();
      await server.stop();
    }
  }, 100_000);
});

// ---------------------------------------------------------------------------------------------
// Tests 2-4: silent clients, token replay, the guard after a reconnection
// (each on its own server; they mostly wait, so they run side by side)
// ---------------------------------------------------------------------------------------------

describe.concurrent("join lifecycle: silence, replay and reconnection", () => {
  it("closes a seat that is never acknowledged and drops acknowledged clients that go silent", async () => {
    const server = await startServerProcess();
    let bystanders: Bystanders | undefined;
    const sockets: RawSocket[] = [];
    try {
      bystanders = await Bystanders.join(server.url);
      bystanders.resetGaps();
      const viewer = bystanders.players[0]!;

      // 1. Takes the seat, receives JOIN_ROOM, never acknowledges it.
      const muteSeat = await reserveSeat(server.url, "Mute");
      const mute = await openRoomSocket(server.url, muteSeat);
      sockets.push(mute);
      const muteClose = new Promise<{ at: number; reason: string }>((resolve) =>
        mute.ws.once("close", (_code, reason) => resolve({ at: performance.now(), reason: reason.toString() })),
      );
      await mute.waitFor(Protocol.JOIN_ROOM);
      const muteSeatedAt = performance.now();

      // 2. Acknowledges, then stops answering pings (keeps reading).
      const deaf = await joinRaw(server.url, "Deaf");
      sockets.push(deaf);
      const deafClosedAt = new Promise<number>((resolve) => deaf.ws.once("close", () => resolve(performance.now())));
      (deaf.ws as unknown as { _autoPong: boolean })._autoPong = false;
      const deafSilentAt = performance.now();

      // 3. Acknowledges, then stops reading altogether (answers nothing: it reads no ping).
      const frozen = await joinRaw(server.url, "Frozen");
      sockets.push(frozen);
      const frozenSocket = (frozen.ws as unknown as { _socket: Socket })._socket;
      frozenSocket.pause();
      const frozenSilentAt = performance.now();

      // 4. Joins properly, drops, comes back with its token and then never acknowledges the new
      //    join: the reconnected seat gets the same deadline as a first one.
      const ghost = await joinRaw(server.url, "Ghost");
      ghost.ws.terminate();
      await sleep(300);
      const ghostAgain = await openRoomSocket(server.url, ghost.seat, ghost.reconnectionToken);
      sockets.push(ghostAgain);
      await ghostAgain.waitFor(Protocol.JOIN_ROOM);

      await until(() => viewer.state.players.has(muteSeat.sessionId), 3000, "the unacknowledged ship to appear");

      // The unacknowledged seat is closed by the join-ack timeout (10 s), with 4002.
      const muteCode = await within(
        mute.closed,
        15_000,
        "the server to close the seat whose join was never acknowledged",
      );
      const { at: muteClosedAt, reason: muteReason } = await muteClose;
      const muteAfter = muteClosedAt - muteSeatedAt;
      expect(muteCode).toBe(CloseCodes.ProtocolError);
      expect(muteReason).toMatch(/acknowledg/);
      expect(muteAfter).toBeGreaterThan(9000);
      expect(muteAfter).toBeLessThan(12_500);
      // ... and no seat is held for it: its ship goes.
      await until(() => !viewer.state.players.has(muteSeat.sessionId), 2000, "the unacknowledged ship to be removed");

      expect(await within(ghostAgain.closed, 15_000, "the server to close an unacknowledged reconnection")).toBe(
        CloseCodes.ProtocolError,
      );
      await until(() => !viewer.state.players.has(ghost.seat.sessionId), 2000, "the ghost's ship to be removed");

      // The one that stopped answering pings is cut by the heartbeat (ping every 3 s, two missed):
      // 6 to 9 s after it went silent, plus scheduling.
      const deafCode = await within(deaf.closed, 15_000, "the client that stopped answering pings to be cut");
      const deafAfter = (await deafClosedAt) - deafSilentAt;
      expect(deafCode).toBe(ABNORMAL_CLOSURE);
      expect(deafAfter).toBeGreaterThan(5000);
      expect(deafAfter).toBeLessThan(10_500);

      // The one that stopped reading cannot see its close while paused: once 10.5 s passed, it
      // reads again and must find its connection already gone (a live one would answer the pings
      // now and stay open).
      await sleep(Math.max(0, frozenSilentAt + 10_500 - performance.now()));
      frozenSocket.resume();
      const frozenCode = await within(frozen.closed, 2000, "the client that stopped reading to have been cut");
      expect(frozenCode).toBe(ABNORMAL_CLOSURE);

      const figures = await server.figures();
      console.log(
        `join-lifecycle silent: unacknowledged closed ${muteCode} after ${(muteAfter / 1000).toFixed(1)} s; ` +
          `non-answering cut ${deafCode} after ${(deafAfter / 1000).toFixed(1)} s; paused reader cut ${frozenCode} ` +
          `before 10.5 s; ccu=${figures.ccu} faults ${JSON.stringify(figures.faults ?? {})}`,
      );
      await expectServerAlive(server);
      bystanders.expectUnharmed();
    } finally {
      for (const s of sockets) s.ws.terminate();
      await bystanders?.leave();
      await server.stop();
    }
  }, 40_000);

  it("refuses a replayed reconnection token of a live player and resumes a dropped one", async () => {
    const server = await startServerProcess();
    let bystanders: Bystanders | undefined;
    let owner: Player | undefined;
    let resumed: Player | undefined;
    const links: Link[] = [];
    try {
      bystanders = await Bystanders.join(server.url);
      const viewer = bystanders.players[0]!;

      // A player who drops (abruptly) and never comes back: its token is tried past the window.
      const leaver = await joinRaw(server.url, "Leaver");
      const leaverToken = `${leaver.seat.roomId}:${leaver.reconnectionToken}`;
      leaver.ws.terminate();
      const leaverDroppedAt = performance.now();

      const link = await Link.open(server.port);
      links.push(link);
      owner = await Player.join(link.url, "Owner");
      expect(owner.room.roomId).toBe(bystanders.roomId);
      const token = owner.room.reconnectionToken;
      const ownerId = owner.sessionId;
      await until(() => viewer.state.players.has(ownerId), 3000, "the owner's ship");
      owner.move();
      await sleep(500);
      bystanders.resetGaps();
      owner.resetGaps();

      // Replays of the live owner's token, over plain HTTP and through the SDK: 409 with a JSON
      // error, and the owner is not touched (before the fix: 200, and the owner closed with 4002).
      const rawReplay = await rawReconnect(server.url, token);
      await sleep(300);
      const fate = (): unknown => ({ open: owner!.room.connection.isOpen, drops: owner!.drops, leaves: owner!.leaves });
      expect({ status: rawReplay.status, owner: fate() }, "HTTP replay of a live token").toEqual({
        status: 409,
        owner: { open: true, drops: [], leaves: [] },
      });
      expect(rawReplay.body).toMatchObject({ error: expect.any(String), code: 409 });
      const replay = await sdkReconnect(server.url, token);
      expect(await expectRefused(replay, "SDK replay of a live token")).toBe(409);

      // The owner plays on: connected, same ship, patches, and its inputs still move it.
      const moved = await travel(viewer, ownerId, 1200);
      expect(owner.drops).toEqual([]);
      expect(owner.leaves).toEqual([]);
      expect(owner.room.connection.isOpen).toBe(true);
      expect(owner.longestGapMs(), "patches to the owner stopped").toBeLessThanOrEqual(250);
      expect(viewer.state.players.get(ownerId)?.name).toBe("Owner");
      expect(moved, "the owner's ship stopped moving after the replay").toBeGreaterThan(10);

      // The owner stops, its ship comes to rest, and its network is cut.
      owner.stop();
      await sleep(700);
      const rest = viewer.state.players.get(ownerId)!;
      const before = { x: rest.x, y: rest.y, name: rest.name, kills: rest.kills, deaths: rest.deaths };
      expect(link.cut()).toBeGreaterThan(0);
      await until(() => owner!.drops.length + owner!.leaves.length > 0, 3000, "the owner's SDK to see the drop");
      expect(owner.drops).toEqual([ABNORMAL_CLOSURE]);
      await sleep(300);
      // The seat is held: the others still see the ship.
      expect(viewer.state.players.get(ownerId)?.name).toBe("Owner");

      // Within the window the token resumes the same session, ship and score, where it stood.
      const link2 = await Link.open(server.port);
      links.push(link2);
      const resumption = await sdkReconnect(link2.url, token);
      if (!("room" in resumption)) expect.unreachable(`reconnection within the window refused: ${resumption.message}`);
      resumed = new Player(resumption.room);
      expect(resumed.sessionId).toBe(ownerId);
      await until(() => resumed!.room.state.players?.has(ownerId) === true, 3000, "the resumed state");
      const mine = resumed.room.state.players.get(ownerId)!;
      expect({ name: mine.name, kills: mine.kills, deaths: mine.deaths }).toEqual({
        name: before.name,
        kills: before.kills,
        deaths: before.deaths,
      });
      expect(Math.hypot(mine.x - before.x, mine.y - before.y)).toBeLessThanOrEqual(3);
      const seen = viewer.state.players.get(ownerId)!;
      expect(Math.hypot(seen.x - before.x, seen.y - before.y)).toBeLessThanOrEqual(3);
      resumed.resetGaps();
      resumed.move();
      expect(await travel(viewer, ownerId, 1200), "the resumed ship does not move").toBeGreaterThan(10);
      expect(resumed.longestGapMs(), "patches to the resumed owner stopped").toBeLessThanOrEqual(250);

      // The token used up by the reconnection and a made-up one: 410 (a token that is used or
      // unknown); a made-up room: 404 (an unknown room id). docs/PROTOCOL.md, Matchmaking answers.
      const spent = await expectRefused(await sdkReconnect(server.url, token), "reusing a spent token");
      expect(spent, "reusing a spent token").toBe(410);
      const bogus = `${bystanders.roomId}:${"x".repeat(21)}`;
      expect(await expectRefused(await sdkReconnect(server.url, bogus), "a bogus token")).toBe(410);
      const bogusRaw = await rawReconnect(server.url, bogus);
      expect(bogusRaw.status, "a bogus token over HTTP").toBe(410);
      const noRoom = await rawReconnect(server.url, `nosuchroom1:${"y".repeat(21)}`);
      expect(noRoom.status, "a token for an unknown room").toBe(404);
      // The resumed session's own token, while it is live: 409 again.
      expect(await expectRefused(await sdkReconnect(server.url, resumed.room.reconnectionToken), "replay")).toBe(409);
      expect(resumed.leaves).toEqual([]);

      // Past the window the leaver's seat and ship are gone, and its token is refused.
      await sleep(Math.max(0, leaverDroppedAt + (RECONNECT_GRACE_SECONDS + 1.5) * 1000 - performance.now()));
      expect(viewer.state.players.has(leaver.seat.sessionId), "the leaver's ship outlived the window").toBe(false);
      const late = await expectRefused(await sdkReconnect(server.url, leaverToken), "a token past the window");
      expect(late, "a token past the window").toBe(410);
      const lateRaw = await rawReconnect(server.url, leaverToken);
      expect(lateRaw.status, "a token past the window over HTTP").toBe(410);

      const figures = await server.figures();
      console.log(
        `join-lifecycle replay: live token refused 409 (SDK and HTTP); resumed ${ownerId} within the window; ` +
          `spent/bogus/unknown-room tokens ${spent}/${bogusRaw.status}/${noRoom.status}; past the window ${late}/${lateRaw.status}; ` +
          `ccu=${figures.ccu} rooms=${figures.rooms}`,
      );
      expect(resumed.leaves).toEqual([]);
      expect(resumed.room.connection.isOpen).toBe(true);
      await expectServerAlive(server);
      bystanders.expectUnharmed();
    } finally {
      await owner?.leave();
      await resumed?.leave();
      for (const l of links) await l.close();
      await bystanders?.leave();
      await server.stop();
    }
  }, 45_000);

  it("closes a reconnected player that sends a malformed input frame (4002)", async () => {
    const server = await startServerProcess();
    let bystanders: Bystanders | undefined;
    let owner: Player | undefined;
    let resumed: Player | undefined;
    let link: Link | undefined;
    try {
      bystanders = await Bystanders.join(server.url);
      const viewer = bystanders.players[0]!;
      link = await Link.open(server.port);
      owner = await Player.join(link.url, "Returner");
      const ownerId = owner.sessionId;
      await until(() => viewer.state.players.has(ownerId), 3000, "the returner's ship");
      const token = owner.room.reconnectionToken;
      bystanders.resetGaps();

      link.cut();
      await until(() => owner!.drops.length + owner!.leaves.length > 0, 3000, "the returner's SDK to see the drop");
      const resumption = await sdkReconnect(server.url, token);
      if (!("room" in resumption)) expect.unreachable(`reconnection refused: ${resumption.message}`);
      resumed = new Player(resumption.room);
      expect(resumed.sessionId).toBe(ownerId);
      await until(() => resumed!.room.state.players?.has(ownerId) === true, 3000, "the resumed state");
      // Honest inputs first: the reconnected socket is decoded as usual...
      resumed.move();
      expect(await travel(viewer, ownerId, 800), "the resumed ship does not move").toBeGreaterThan(10);
      resumed.stop();

      // ... and a malformed reliable input frame closes it with 4002, no seat held.
      resumed.room.connection.send(new Uint8Array([Protocol.ROOM_INPUT_RELIABLE, 0xff, 0xfe, 0x13, 0x37]));
      await until(
        () => resumed!.leaves.length + resumed!.drops.length > 0,
        3000,
        "the server to close the reconnected sender of a malformed frame",
      );
      expect(resumed.drops).toEqual([]);
      expect(resumed.leaves).toEqual([CloseCodes.ProtocolError]);
      await until(() => !viewer.state.players.has(ownerId), 3000, "the malformed sender's ship to be removed");

      const figures = await server.figures();
      console.log(
        `join-lifecycle guard: reconnected sender of a malformed frame closed ${resumed.leaves[0]}; ` +
          `faults ${JSON.stringify(figures.faults ?? {})}`,
      );
      await expectServerAlive(server);
      bystanders.expectUnharmed();
    } finally {
      await owner?.leave();
      await resumed?.leave();
      await link?.close();
      await bystanders?.leave();
      await server.stop();
    }
  }, 30_000);
});
