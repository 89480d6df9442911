/**
 * Helpers of the social integration tests (identity, private rooms, lobby, spectators, chat,
 * ranked): guest identities from `POST /auth/guest`, SDK rooms that record what they hear,
 * matchmaking refusals as values, and cleanup. Real server, real SDK clients; nothing mocked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, MatchMakeError, type Room } from "@colyseus/sdk";
import type { ChatLine } from "../../../shared/chat.ts";
import { ServerMessage, type ArenaListing, type WelcomeMessage } from "../../../shared/protocol.ts";
import type { ArenaState, PlayerState } from "../../../shared/schema.ts";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import type { ServerConfig } from "../../../server/config.ts";
import { sleep, startTestServer, waitFor } from "../harness.ts";

/** What `POST /auth/guest` answers. */
export interface GuestAnswer {
  readonly token: string;
  readonly playerId: string;
  readonly name: string;
  readonly expiresAt: number;
  readonly rating: number | null;
  readonly games: number;
}

/** A guest: its identity and an SDK client that sends its token. */
export interface Guest extends GuestAnswer {
  readonly client: Client;
}

/** `POST /auth/guest` with a JSON body and an optional Bearer token; the status and parsed body. */
export async function postGuest(
  url: string,
  body: unknown = {},
  bearer?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bearer !== undefined) headers["authorization"] = `Bearer ${bearer}`;
  const res = await fetch(`${url}/auth/guest`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A new guest named `name` (or a generated name), with an SDK client holding its token. */
export async function newGuest(url: string, name?: string): Promise<Guest> {
  const answer = await postGuest(url, name === undefined ? {} : { name });
  if (answer.status !== 200)
    throw new Error(`POST /auth/guest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const identity = answer.body as unknown as GuestAnswer;
  const client = new Client(url);
  client.auth.token = identity.token;
  return { ...identity, client };
}

/** An SDK client that sends `token` (or none). */
export function clientWithToken(url: string, token?: string): Client {
  const client = new Client(url);
  if (token !== undefined) client.auth.token = token;
  return client;
}

/** Every room opened through {@link watch}, left by {@link leaveAllRooms}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDK rooms of every kind
const openRooms = new Set<Room<any, any>>();

/** An arena seat that records what the server sends it. */
export interface Seat {
  readonly room: Room<unknown, ArenaState>;
  readonly sessionId: string;
  readonly chat: ChatLine[];
  readonly welcomes: WelcomeMessage[];
  /** Close code once the connection closed, else undefined. */
  closeCode: number | undefined;
  /** The close's reason text, once closed. */
  closeReason: string | undefined;
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
  /** This seat's ship, as this client sees it. */
  self(): PlayerState | undefined;
  /** Chat lines of `kind`, distinct by id (a line may be sent both live and in the history). */
  lines(kind?: ChatLine["kind"]): ChatLine[];
}

/**
 * Wraps a freshly joined arena room: registers handlers for every message the arena sends (no
 * SDK warnings), turns automatic reconnection off (a close must be seen as a close), and tracks
 * it for cleanup. Call it synchronously after the join resolves, before any other await, so no
 * message arrives before its handler.
 */
export function watch(room: Room<unknown, ArenaState>): Seat {
  room.reconnection.maxRetries = 0;
  openRooms.add(room);
  const seat: Seat = {
    room,
    sessionId: room.sessionId,
    chat: [],
    welcomes: [],
    closeCode: undefined,
    closeReason: undefined,
    closed: new Promise<number>((resolve) =>
      room.onLeave((code, reason) => {
        seat.closeCode = code;
        seat.closeReason = reason;
        openRooms.delete(room);
        resolve(code);
      }),
    ),
    self: () => room.state.players?.get(room.sessionId),
    lines(kind) {
      const seen = new Set<number>();
      return seat.chat.filter((line) => {
        if (kind !== undefined && line.kind !== kind) return false;
        if (seen.has(line.id)) return false;
        seen.add(line.id);
        return true;
      });
    },
  };
  room.onMessage(ServerMessage.Chat, (line: ChatLine) => seat.chat.push(line));
  room.onMessage(ServerMessage.Welcome, (msg: WelcomeMessage) => seat.welcomes.push(msg));
  room.onMessage(ServerMessage.Kill, () => undefined);
  return seat;
}

/** Tracks a non-arena room (lobby, queue) for cleanup; no reconnection. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDK rooms of every kind
export function track<R extends Room<any, any>>(room: R): R {
  room.reconnection.maxRetries = 0;
  openRooms.add(room);
  room.onLeave(() => openRooms.delete(room));
  return room;
}

/** Leaves every room still open (consented leave), waiting at most 3 s. */
export async function leaveAllRooms(): Promise<void> {
  const rooms = [...openRooms];
  openRooms.clear();
  const open = rooms.filter((r) => r.connection.isOpen);
  await Promise.race([Promise.all(open.map((r) => r.leave().catch(() => 0))), sleep(3000)]);
}

/** A matchmaking refusal: the SDK's MatchMakeError code and message. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/**
 * Awaits a join that should be refused and returns the refusal. A join that succeeds instead is
 * left at once and reported as a failure.
 */
export async function refusal(join: Promise<unknown>): Promise<Refusal> {
  let joined: unknown;
  try {
    joined = await join;
  } catch (error) {
    if (error instanceof MatchMakeError) return { code: error.code, message: error.message };
    throw error;
  }
  const room = joined as { leave?: () => Promise<unknown>; roomId?: string };
  await room.leave?.().catch(() => 0);
  throw new Error(`expected the join to be refused, but it seated the client in ${room.roomId ?? "a room"}`);
}

/** Live view of the lobby: the listings it holds, and every message it got. */
export interface LobbyView {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the lobby room
  readonly room: Room<any, any>;
  /** Listings by room id, as the lobby messages built them. */
  readonly rooms: Map<string, Listing>;
  /** Every "rooms" list received. */
  readonly lists: Listing[][];
  /** Every "+" received, in order. */
  readonly adds: Array<[string, Listing]>;
  /** Every "-" received, in order. */
  readonly removes: string[];
}

/** A room listing as the lobby sends it. */
export interface Listing {
  readonly roomId: string;
  readonly name: string;
  readonly clients: number;
  readonly maxClients: number;
  readonly locked?: boolean;
  readonly private?: boolean;
  readonly metadata: ArenaListing;
}

/** Joins the lobby (no token needed) and waits for its first "rooms" list. */
export async function joinLobby(url: string): Promise<LobbyView> {
  const room = track(await new Client(url).joinOrCreate("lobby"));
  const view: LobbyView = { room, rooms: new Map(), lists: [], adds: [], removes: [] };
  room.onMessage("rooms", (list: Listing[]) => {
    view.lists.push(list);
    view.rooms.clear();
    for (const l of list) view.rooms.set(l.roomId, l);
  });
  room.onMessage("+", ([roomId, listing]: [string, Listing]) => {
    view.adds.push([roomId, listing]);
    view.rooms.set(roomId, listing);
  });
  room.onMessage("-", (roomId: string) => {
    view.removes.push(roomId);
    view.rooms.delete(roomId);
  });
  await waitFor(() => view.lists.length > 0, 3000, "the lobby's first room list");
  return view;
}

/** Polls an asynchronous `check` every 25 ms until it is true; rejects after `timeoutMs`. */
export async function waitForAsync(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The rooms the server holds now (GET /healthz). */
export async function roomCount(url: string): Promise<number> {
  const res = await fetch(`${url}/healthz`);
  return ((await res.json()) as { rooms: number }).rooms;
}

/** Waits until the server holds `n` rooms (left rooms dispose asynchronously). */
export async function waitForRoomCount(url: string, n: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    last = await roomCount(url);
    if (last === n) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} rooms (server holds ${last})`);
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** p50/p95/max of `values`, rounded to 0.1 ms, for a one-line JSON report. */
export function summary(values: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: round(Math.max(...values)),
  };
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Distance between two points. */
export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The server of one test file (see {@link useFileServer}). */
export interface FileServer {
  /** The running server (between the file's first and last test). */
  readonly server: RunningServer;
}

/**
 * One server for a test file: started before its tests with `overrides` and a data folder of
 * its own, every room emptied after each test (the next test starts from no rooms), and the
 * server stopped and its folder removed after the last test.
 */
export function useFileServer(prefix: string, overrides: Partial<ServerConfig> = {}): FileServer {
  let server: RunningServer | undefined;
  let data: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    data = tempDir(prefix);
    server = await startTestServer({ ...overrides, dataDir: data.dir });
  });
  afterEach(async () => {
    await leaveAllRooms();
    if (server !== undefined) await waitForRoomCount(server.url, 0);
  });
  afterAll(async () => {
    await leaveAllRooms();
    await server?.stop();
    data?.remove();
  });
  return {
    get server(): RunningServer {
      if (server === undefined) throw new Error("the file's server is not running");
      return server;
    },
  };
}
