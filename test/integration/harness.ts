/**
 * Integration harness: a real game server on a loopback port and real `@colyseus/sdk` clients.
 * Every wait is bounded; nothing here mocks the server or the network.
 */
import { Client, type Room } from "@colyseus/sdk";
import { fetchGuestToken, type GuestTokenAnswer } from "../../bench/light/guest-tokens.ts";
import { startGameServer, type RunningServer } from "../../server/app.ts";
import { LIVE_MESSAGE, type LiveEvent } from "../../shared/live.ts";
import { configFromEnv, LOOPBACK_LOAD_ENV, type ServerConfig } from "../../server/config.ts";
import { DEFAULT_TICK_RATE, RESULTS_SECONDS, SHIP_RADIUS } from "../../shared/constants.ts";
import { ARENA_MAP } from "../../shared/map.ts";
import type { ChatLine } from "../../shared/chat.ts";
import { RoomName, ServerMessage, type WelcomeMessage } from "../../shared/protocol.ts";
import { ArenaState, LargeArenaState, type AnyArenaState, type PlayerState } from "../../shared/schema.ts";
import { circleHitsWalls } from "../../shared/sim/geometry.ts";

/**
 * Starts a server on 127.0.0.1 with an OS-chosen port and no static client. Every test client
 * comes from 127.0.0.1, so the per-address rate and connection limits are raised to the global
 * ones (the robustness tests that exercise those limits pass their own). Its data folder (token
 * secret, ratings) is a fresh temporary one that `stop()` removes (startGameServer does that
 * when no `dataDir` is given). Colyseus keeps one matchmaker per process: never run two servers
 * of one process at the same time.
 */
export function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startGameServer({
    port: 0,
    host: "127.0.0.1",
    tickRate: DEFAULT_TICK_RATE,
    matchSeconds: 300,
    resultsSeconds: RESULTS_SECONDS,
    staticDir: null,
    limits: configFromEnv(LOOPBACK_LOAD_ENV, null).limits,
    ...overrides,
  });
}

/** A connected player: the SDK room and a helper to send input frames. */
export interface TestPlayer<S extends AnyArenaState = ArenaState> {
  readonly room: Room<unknown, S>;
  readonly id: string;
  /** Sends one input frame with the next sequence number. */
  send(frame: Partial<{ moveX: number; moveY: number; aimX: number; aimY: number; fire: boolean }>): void;
  /** This player's ship as this client sees it. */
  self(): PlayerState | undefined;
  /** Resolves with the close code when the room connection closes. */
  readonly closed: Promise<number>;
  /** The welcome message the arena sends every client on join. */
  readonly welcome: Promise<WelcomeMessage>;
  /** Chat lines received so far (the history sent on join, then live lines), in order. */
  readonly chat: ChatLine[];
  /** Server-wide live events received so far (the `live` message). */
  readonly live: LiveEvent[];
}

/** A guest token from `POST /auth/guest` (a new player id, named `name` when given). */
export async function guestToken(url: string, name?: string): Promise<string> {
  return (await guestIdentity(url, name)).token;
}

/** An SDK client holding a fresh guest token, as the browser client has after the menu. */
export async function guestClient(url: string, name?: string): Promise<Client> {
  const client = new Client(url);
  client.auth.token = await guestToken(url, name);
  return client;
}

/**
 * `POST /auth/guest` (a new player id, named `name` when given), by the same client the load
 * bench uses (it waits out a 429).
 */
export function guestIdentity(url: string, name?: string): Promise<GuestTokenAnswer> {
  return fetchGuestToken(url, name === undefined ? {} : { name });
}

/**
 * Listens to the messages the arena sends every client (the welcome, chat lines), so the SDK
 * does not warn "onMessage() not registered" for a room a test joined by hand. Returns what
 * arrived: the welcome (once) and every chat line.
 */
export function arenaMessages(room: Room): { welcome: Promise<WelcomeMessage>; chat: ChatLine[]; live: LiveEvent[] } {
  const chat: ChatLine[] = [];
  const live: LiveEvent[] = [];
  room.onMessage(LIVE_MESSAGE, (event: LiveEvent) => live.push(event));
  const welcome = new Promise<WelcomeMessage>((resolve) => {
    room.onMessage(ServerMessage.Welcome, (msg: WelcomeMessage) => resolve(msg));
  });
  room.onMessage(ServerMessage.Chat, (line: ChatLine) => chat.push(line));
  return { welcome, chat, live };
}

/** Quick-plays into the arena like the browser client does. */
export function joinPlayer(url: string, name: string): Promise<TestPlayer> {
  return joinArena(url, name, RoomName.Arena, ArenaState);
}

/** Quick-plays into a large arena (`arena-large`: 64 pilots, interest management). */
export function joinLargePlayer(url: string, name: string): Promise<TestPlayer<LargeArenaState>> {
  return joinArena(url, name, RoomName.ArenaLarge, LargeArenaState);
}

async function joinArena<S extends AnyArenaState>(
  url: string,
  name: string,
  roomName: string,
  stateClass: new () => S,
): Promise<TestPlayer<S>> {
  const client = await guestClient(url, name);
  const room: Room<unknown, S> = await client.joinOrCreate(roomName, { name }, stateClass);
  // Never auto-reconnect in tests: a close must be seen as a close.
  room.reconnection.maxRetries = 0;
  const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
  const { welcome, chat, live } = arenaMessages(room);
  const input = room.input();
  let seq = 0;
  return {
    room,
    id: room.sessionId,
    closed,
    welcome,
    chat,
    live,
    send(frame) {
      seq += 1;
      input.data.seq = seq;
      input.data.moveX = frame.moveX ?? 0;
      input.data.moveY = frame.moveY ?? 0;
      input.data.aimX = frame.aimX ?? 0;
      input.data.aimY = frame.aimY ?? 0;
      input.data.fire = frame.fire ?? false;
      input.send();
    },
    self: () => room.state.players.get(room.sessionId),
  };
}

/** Polls `check` every 10 ms until it returns true; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `fn` `perTick` times per simulation tick (tickRate per second) for `ms` milliseconds,
 * paced by a fixed-step accumulator on the monotonic clock, as the browser client paces its
 * inputs: no drift, however late the timer fires.
 */
export async function everyTick(tickRate: number, ms: number, perTick: number, fn: () => void): Promise<void> {
  const start = performance.now();
  let ticks = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    const due = Math.min(Math.floor((elapsed * tickRate) / 1000), Math.floor((ms * tickRate) / 1000));
    for (; ticks < due; ticks++) for (let i = 0; i < perTick; i++) fn();
    if (elapsed >= ms) return;
    await sleep(4);
  }
}

/**
 * An axis direction along which a ship at (x, y) can move `reach` px both ways without
 * touching a wall, so movement tests measure speed, not collisions.
 */
export function freeAxis(x: number, y: number, reach: number): { dx: number; dy: number } {
  const candidates = [
    { dx: 1, dy: 0 },
    { dx: 0, dy: 1 },
  ];
  for (const c of candidates) {
    let clear = true;
    for (let d = -reach; d <= reach && clear; d += 4) {
      if (circleHitsWalls(x + c.dx * d, y + c.dy * d, SHIP_RADIUS + 1, ARENA_MAP.walls)) clear = false;
    }
    if (clear) return c;
  }
  throw new Error(`no free axis of ±${reach} px at (${x}, ${y})`);
}

/**
 * A straight direction (±x or ±y) in which a ship at (x, y) can fly `reach` px without touching
 * a wall or the map's edge, so a movement test measures speed, not collisions.
 */
export function clearDirection(x: number, y: number, reach: number): { dx: number; dy: number } {
  const candidates = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const;
  for (const [dx, dy] of candidates) {
    let clear = true;
    for (let d = 0; d <= reach && clear; d += 2) {
      const px = x + dx * d;
      const py = y + dy * d;
      const inside =
        px > SHIP_RADIUS &&
        py > SHIP_RADIUS &&
        px < ARENA_MAP.width - SHIP_RADIUS &&
        py < ARENA_MAP.height - SHIP_RADIUS;
      if (!inside || circleHitsWalls(px, py, SHIP_RADIUS + 1, ARENA_MAP.walls)) clear = false;
    }
    if (clear) return { dx, dy };
  }
  throw new Error(`no clear direction of ${reach} px from (${x}, ${y})`);
}

/** Leaves every still-open room (consented leave), waiting at most 2 s. */
export async function leaveAll(players: readonly TestPlayer[]): Promise<void> {
  const open = players.filter((p) => p.room.connection.isOpen);
  await Promise.race([Promise.all(open.map((p) => p.room.leave().catch(() => 0))), sleep(2000)]);
}
