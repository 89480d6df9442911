/**
 * Fixture of the robustness tests: the production server (`server/main.ts`) in a child process
 * on a loopback port, so a crash is seen as the process exiting and its memory is its own; two
 * honest SDK players who keep playing throughout and whose experience is checked afterwards;
 * and a raw attacker that speaks the Colyseus protocol on plain sockets and can stop at any step.
 *
 * Every arena join needs a guest token (`POST /auth/guest`, sent as `Authorization: Bearer`):
 * each honest player gets its own, as a browser does; the raw attacker holds one token per
 * server and uses it for every matchmaking request ({@link matchmake}), unless a test asks for
 * none or brings its own. Each server process keeps its data (token secret, ratings) in a fresh
 * temporary folder, removed when it stops: tests never write into the repository's `data/`.
 *
 * Every wait is bounded; nothing is mocked.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client, type Room } from "@colyseus/sdk";
import { Protocol, type ISeatReservation } from "@colyseus/shared-types";
import { expect } from "vitest";
import WebSocket from "ws";
import {
  endpointSettings,
  guestTokenUrl,
  isSeatReservation,
  matchmakeHeaders,
  matchmakeUrl,
  parseJoinRoom,
  roomEndpoint,
} from "../../../bench/light/colyseus-protocol.ts";
import { DEFAULT_TICK_RATE } from "../../../shared/constants.ts";
import { RoomName, ServerMessage } from "../../../shared/protocol.ts";
import { ArenaState } from "../../../shared/schema.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The server's own figures, from GET /metrics.json. */
export interface ServerFigures {
  readonly ccu: number;
  readonly rooms: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly faults: Record<string, number>;
}

/** A game server running as its own process. */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** The process's `DATA_DIR` (a fresh temporary folder, removed by `stop()`). */
  readonly dataDir: string;
  /** Everything the process wrote to stdout and stderr, line by line. */
  readonly output: string[];
  /** Exit code once the process exited, null while it runs. */
  exitCode(): number | null;
  figures(): Promise<ServerFigures>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone and its data folder removed. */
  stop(): Promise<void>;
}

/**
 * Starts `server/main.ts` on 127.0.0.1 with an OS-chosen port. `env` adds server settings (the
 * limits in the README); STATIC_DIR is empty unless given; DATA_DIR is a fresh temporary folder
 * (never the repository's `data/`), removed when the server stops.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-robustness-"));
  const removeData = (): void => rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      // A test's stop is not a deploy to drain (SIGTERM would wait DRAIN_SECONDS, 2 by default).
      DRAIN_SECONDS: "0",
      PORT: "0",
      HOST: "127.0.0.1",
      STATIC_DIR: "",
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") output.push(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 30_000;
  let port = 0;
  while (port === 0) {
    if (child.exitCode !== null) {
      removeData();
      throw new Error(`server exited with ${child.exitCode}:\n${output.join("\n")}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      removeData();
      throw new Error(`server did not start:\n${output.join("\n")}`);
    }
    const line = output.find((l) => l.includes("Tick Arena listening on"));
    const match = line?.match(/:(\d+) \(tick/);
    if (match) port = Number(match[1]);
    else await sleep(50);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    child,
    dataDir,
    output,
    exitCode: () => child.exitCode,
    figures: async () => {
      const response = await fetch(`${url}/metrics.json?window=1`, { signal: AbortSignal.timeout(5000) });
      return (await response.json()) as ServerFigures;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      }
      removeData();
      // A later server may get the same port: it would not know this one's tokens.
      attackerTokens.delete(url);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Guest tokens

/** A fresh guest token from `POST /auth/guest` (a new player id, named `name` when given). */
export async function guestToken(url: string, name?: string): Promise<string> {
  const response = await fetch(guestTokenUrl(endpointSettings(url)), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(name === undefined ? {} : { name }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const body = parseJson(text) as { token?: unknown } | null;
  if (!response.ok || typeof body?.token !== "string") {
    throw new Error(`POST /auth/guest answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return body.token;
}

/** The raw attacker's token for each server, fetched once (an attacker holds one token). */
const attackerTokens = new Map<string, Promise<string>>();

/**
 * The one guest token the raw attacker uses on the server at `url` (fetched on first use, then
 * reused: a token is a bearer token, good for any number of joins).
 */
export function attackerToken(url: string): Promise<string> {
  let token = attackerTokens.get(url);
  if (token === undefined) {
    token = guestToken(url, "Raw");
    // A failed fetch is not kept: the next call asks again.
    token.catch(() => attackerTokens.delete(url));
    attackerTokens.set(url, token);
  }
  return token;
}

/** An SDK client holding a fresh guest token of its own, as a browser has after the menu. */
export async function tokenClient(url: string, name?: string): Promise<Client> {
  const client = new Client(url);
  client.auth.token = await guestToken(url, name);
  return client;
}

/**
 * Registers no-op handlers for the messages the arena sends every client (the welcome, chat
 * lines about joins and leaves), so an honest SDK client does not print "onMessage() not
 * registered" for each of the thousands of joins a storm makes.
 */
export function ignoreArenaMessages(room: Room): void {
  room.onMessage(ServerMessage.Welcome, () => undefined);
  room.onMessage(ServerMessage.Chat, () => undefined);
}

/** What a bystander looked like when the watch started. */
interface Baseline {
  readonly name: string;
  readonly kills: number;
  readonly deaths: number;
}

/**
 * Two (or more) honest players in one room who send an input every tick, moving back and forth,
 * for as long as they watch. They record the longest time between two patches.
 */
export class Bystanders {
  private readonly baselines = new Map<string, Baseline>();
  private lastPatch: number[] = [];
  private gaps: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closes: (number | null)[] = [];

  private constructor(readonly players: Room<unknown, ArenaState>[]) {}

  /** Quick-plays `count` honest SDK clients into one room and starts them playing. */
  static async join(url: string, count = 2): Promise<Bystanders> {
    const rooms: Room<unknown, ArenaState>[] = [];
    for (let i = 0; i < count; i++) {
      const name = `Honest ${i + 1}`;
      const client = await tokenClient(url, name);
      const room = await client.joinOrCreate(RoomName.Arena, { name }, ArenaState);
      room.reconnection.maxRetries = 0;
      ignoreArenaMessages(room);
      rooms.push(room);
    }
    const ids = new Set(rooms.map((r) => r.roomId));
    if (ids.size !== 1) throw new Error("bystanders landed in different rooms");
    const b = new Bystanders(rooms);
    await b.start();
    return b;
  }

  /** The room the bystanders play in. */
  get roomId(): string {
    return this.players[0]!.roomId;
  }

  private async start(): Promise<void> {
    const first = this.players[0]!;
    const deadline = Date.now() + 5000;
    while (this.players.some((p) => p.state.players?.size !== this.players.length)) {
      if (Date.now() > deadline) throw new Error("bystanders do not see each other");
      await sleep(20);
    }
    for (const p of this.players) {
      const ship = first.state.players.get(p.sessionId)!;
      this.baselines.set(p.sessionId, { name: ship.name, kills: ship.kills, deaths: ship.deaths });
    }
    this.lastPatch = this.players.map(() => performance.now());
    this.gaps = this.players.map(() => 0);
    this.closes = this.players.map(() => null);
    this.players.forEach((p, i) => {
      p.onStateChange(() => {
        const now = performance.now();
        this.gaps[i] = Math.max(this.gaps[i]!, now - this.lastPatch[i]!);
        this.lastPatch[i] = now;
      });
      p.onLeave((code) => {
        this.closes[i] = code;
      });
    });
    const inputs = this.players.map((p) => p.input());
    let seq = 0;
    this.timer = setInterval(() => {
      seq += 1;
      const dir = Math.floor(seq / 30) % 2 === 0 ? 1 : -1;
      for (const input of inputs) {
        input.data.seq = seq;
        input.data.moveX = dir;
        input.data.moveY = 0;
        input.send();
      }
    }, 1000 / DEFAULT_TICK_RATE);
  }

  /** Restarts the patch-gap measurement (after a setup phase that is not under test). */
  resetGaps(): void {
    const now = performance.now();
    this.lastPatch = this.players.map(() => now);
    this.gaps = this.players.map(() => 0);
  }

  /** Longest time between two patches (or since the last one) of any bystander, in ms. */
  longestGapMs(): number {
    const now = performance.now();
    return Math.max(...this.gaps, ...this.lastPatch.map((t) => now - t));
  }

  /**
   * Asserts that every bystander is still connected, never waited more than `maxGapMs` for a
   * patch, and that every bystander's ship is still there with its name and a score that was
   * never reset, as every bystander sees it.
   */
  expectUnharmed(maxGapMs = 250): void {
    expect(this.closes, "a bystander was disconnected").toEqual(this.players.map(() => null));
    for (const p of this.players) expect(p.connection.isOpen).toBe(true);
    expect(this.longestGapMs(), "patches to a bystander stopped").toBeLessThanOrEqual(maxGapMs);
    for (const viewer of this.players) {
      for (const [id, base] of this.baselines) {
        const ship = viewer.state.players.get(id);
        expect(ship, `ship ${base.name} is gone`).toBeDefined();
        expect(ship!.name).toBe(base.name);
        expect(ship!.kills).toBeGreaterThanOrEqual(base.kills);
        expect(ship!.deaths).toBeGreaterThanOrEqual(base.deaths);
      }
    }
  }

  /** Stops sending and leaves (consented). */
  async leave(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await Promise.race([Promise.all(this.players.map((p) => p.leave().catch(() => 0))), sleep(2000)]);
  }
}

/**
 * Matchmaking over plain HTTP: the status and the parsed JSON body (null when not JSON). Sends
 * the attacker's guest token ({@link attackerToken}) unless `token` is given; `null` sends none.
 */
export async function matchmake(
  url: string,
  method: string,
  target: string,
  body: unknown = {},
  token?: string | null,
): Promise<{ status: number; body: unknown }> {
  const bearer = token === undefined ? await attackerToken(url) : token;
  const response = await fetch(matchmakeUrl(endpointSettings(url), method, target), {
    method: "POST",
    headers: matchmakeHeaders(bearer),
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: parseJson(text) };
}

/** The JSON value of `text`, or null when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A seat reservation for the arena (quick play), or an error naming the answer. */
export async function reserveSeat(url: string, name = "Raw"): Promise<ISeatReservation> {
  const answer = await matchmake(url, "joinOrCreate", RoomName.Arena, { name });
  if (answer.status !== 200 || !isSeatReservation(answer.body)) {
    throw new Error(`matchmaking answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** A raw room socket: the WebSocket and the frames it received. */
export interface RawSocket {
  readonly ws: WebSocket;
  readonly frames: Buffer[];
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
  /** Resolves once a frame with this protocol code arrived (rejects after `timeoutMs`). */
  waitFor(code: number, timeoutMs?: number): Promise<Buffer>;
}

/** Opens the room WebSocket of a reservation and resolves once it is open. */
export async function openRoomSocket(
  url: string,
  seat: ISeatReservation,
  reconnectionToken?: string,
): Promise<RawSocket> {
  const reservation = reconnectionToken === undefined ? seat : { ...seat, reconnectionToken };
  const ws = new WebSocket(roomEndpoint(endpointSettings(url), reservation, { skipHandshake: true }));
  const frames: Buffer[] = [];
  const waiters: { code: number; resolve: (b: Buffer) => void }[] = [];
  ws.on("message", (data: Buffer) => {
    frames.push(data);
    const code = data[0]! & 0x1f;
    for (const w of waiters.filter((x) => x.code === code)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(data);
    }
  });
  ws.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("close", (code) => reject(new Error(`room socket closed with ${code} before it opened`)));
    setTimeout(() => reject(new Error("room socket did not open in 5 s")), 5000).unref();
  });
  return {
    ws,
    frames,
    closed,
    waitFor: (code, timeoutMs = 5000) => {
      const seen = frames.find((f) => (f[0]! & 0x1f) === code);
      if (seen) return Promise.resolve(seen);
      return new Promise<Buffer>((resolve, reject) => {
        waiters.push({ code, resolve });
        setTimeout(() => reject(new Error(`no frame ${code} in ${timeoutMs} ms`)), timeoutMs).unref();
      });
    },
  };
}

/** A raw client seated in the arena: matchmaking, socket, JOIN_ROOM acknowledged. */
export interface RawPlayer extends RawSocket {
  readonly seat: ISeatReservation;
  readonly reconnectionToken: string;
}

/** Joins the arena on a raw socket and acknowledges the join, as the SDK does. */
export async function joinRaw(url: string, name = "Raw"): Promise<RawPlayer> {
  const seat = await reserveSeat(url, name);
  const socket = await openRoomSocket(url, seat);
  const join = await socket.waitFor(Protocol.JOIN_ROOM);
  socket.ws.send(new Uint8Array([Protocol.JOIN_ROOM]));
  await socket.waitFor(Protocol.ROOM_STATE);
  return { ...socket, seat, reconnectionToken: parseJoinRoom(join).reconnectionToken };
}

/** Whatever a socket reads when it closes: code and reason. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** The close `ws` reads (code -1 if it was closed before this was asked). */
export function closeOf(ws: WebSocket): Promise<Closed> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: -1, reason: "closed before watched" });
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** The promise's value, or undefined when it did not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts the server process is alive and answers its health route. */
export async function expectServerAlive(server: ServerProcess): Promise<void> {
  expect(server.exitCode(), `server exited:\n${server.output.slice(-20).join("\n")}`).toBeNull();
  const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) });
  expect(health.status).toBe(200);
}
