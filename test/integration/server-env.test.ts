/**
 * The README's server settings, end to end: the production entry started the way `npm start`
 * starts it (package.json's "start" command, `scripts/start.ts`, then `server/main.ts`), each in
 * a child process of its own with one setting changed, on 127.0.0.1 with an OS-chosen port, no
 * client build (`STATIC_DIR=""`) and a fresh `DATA_DIR`; what it does is checked with the stock
 * `@colyseus/sdk` client against what README.md and docs/PROTOCOL.md promise:
 *
 * - `TICK_RATE=45`: `state.tickRate` and the input handle's `tickRate` say 45, and the tick
 *   advances 45 a second (the patch interval stays 50 ms). Not 60: that is also Colyseus's own
 *   default fixed step, so a room that stopped passing the setting on would still pass at 60.
 * - `MAP=large`: quick play (`joinOrCreate("arena")`) lands in a large arena, decoded from the
 *   server's schema description (no root class given): the large map, `pilots`.
 * - `ROOM_PLAYERS=3`: an `arena-large` room seats 3 pilots; the 4th quick play opens another
 *   one, and the lobby lists the first as full (`locked`, `maxPlayers` 3).
 * - `MAX_CONNECTIONS=2`: with two WebSockets open, a third TCP connection is not served (no
 *   HTTP answer, no WebSocket); once one closes, the same seat connects.
 * - A taken `PORT` stops the process at once, exit code 1, with one line naming the port.
 *
 * (config.test.ts checks how each variable is parsed; this file checks what it does.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client, type Room } from "@colyseus/sdk";
import type { ISeatReservation } from "@colyseus/shared-types";
import { afterAll, beforeAll, describe, it } from "vitest";
import { PATCH_RATE_HZ } from "../../shared/constants.ts";
import { LIVE_MESSAGE } from "../../shared/live.ts";
import { RoomName, ServerMessage, type ArenaListing } from "../../shared/protocol.ts";
import { guestClient, sleep, waitFor } from "./harness.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** package.json's "start" command (`node <flags> scripts/start.ts`) as arguments to this Node. */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== "node") throw new Error(`package.json's start script no longer runs node: ${pkg.scripts.start}`);
  return args;
}

/**
 * Every variable of the README's settings table: none is inherited from the environment the
 * tests run in, so each child runs on the defaults plus the one setting under test.
 */
function readmeVariables(): string[] {
  const start = README.indexOf("| Variable | Default | Meaning |");
  if (start < 0) throw new Error("the README's settings table is gone");
  const names: string[] = [];
  for (const line of README.slice(start).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    names.push(...[...line.split("|")[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
  }
  return names;
}

interface Child {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Everything it wrote to stdout and stderr, line by line. */
  readonly output: string[];
  /** Resolves when it exits: the code (null when killed by a signal) and when. */
  readonly exited: Promise<{ code: number | null; at: number }>;
  readonly spawnedAt: number;
}

interface Server extends Child {
  readonly url: string;
}

/** An SDK room whose state is decoded from the server's schema description (no root class given). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a reflected state has no static type
type AnyRoom = Room<any, any>;

const children: Child[] = [];
const rooms = new Set<AnyRoom>();

/** Starts the production entry with `vars` on top of the defaults (loopback, port 0, no client). */
function spawnStart(vars: Record<string, string>): Child {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tick-arena-env-"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of readmeVariables()) delete env[name];
  Object.assign(env, { PORT: "0", HOST: "127.0.0.1", STATIC_DIR: "", DATA_DIR: dataDir, ...vars });
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, startArguments(), { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    // Whole lines only: a chunk may end in the middle of one.
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== "") output.push(line);
    });
    stream.on("end", () => {
      if (partial.trim() !== "") output.push(partial);
    });
  }
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    // "close": after "exit" and after its output streams ended, so every line is in `output`.
    child.once("close", (code) => resolve({ code, at: performance.now() })),
  );
  const started: Child = { child, dataDir, output, exited, spawnedAt };
  children.push(started);
  return started;
}

/** {@link spawnStart}, resolved once it prints its listening line. */
async function startServer(vars: Record<string, string>): Promise<Server> {
  const started = spawnStart(vars);
  let port = 0;
  await waitFor(
    () => {
      if (started.child.exitCode !== null) {
        throw new Error(
          `server with ${JSON.stringify(vars)} exited with ${started.child.exitCode}:\n${started.output.join("\n")}`,
        );
      }
      const match = started.output.find((l) => l.includes("Tick Arena listening on"))?.match(/:(\d+) \(tick/);
      if (match) port = Number(match[1]);
      return port !== 0;
    },
    20_000,
    `the listening line of the server with ${JSON.stringify(vars)}`,
  );
  return { ...started, url: `http://127.0.0.1:${port}` };
}

/** Tracks an SDK room for cleanup; a close is a close (no automatic reconnection). */
function track<R extends AnyRoom>(room: R): R {
  room.reconnection.maxRetries = 0;
  rooms.add(room);
  room.onLeave(() => rooms.delete(room));
  // The messages an arena sends every client: registered, so the SDK does not warn.
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => undefined);
  room.onMessage(LIVE_MESSAGE, () => undefined);
  return room;
}

/** Quick play (or any joinOrCreate) by a new guest, without a root schema class: reflection decodes. */
async function quickPlay(url: string, roomName: string, name: string): Promise<AnyRoom> {
  const client = await guestClient(url, name);
  const room = track(await client.joinOrCreate(roomName, {}));
  await firstState(room);
  return room;
}

/** Resolves once the full state sent after the join is decoded. */
function firstState(room: AnyRoom): Promise<void> {
  return waitFor(() => typeof room.state?.tick === "number", 3000, "the room's first state");
}

/** The state's tick and when it arrived, at the next patch. */
function nextPatch(room: AnyRoom): Promise<{ tick: number; at: number }> {
  return new Promise((resolve) =>
    room.onStateChange.once(() => resolve({ tick: room.state.tick as number, at: performance.now() })),
  );
}

interface PlainAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP request on a connection of its own that is closed after the answer (`Connection:
 * close`, no agent): nothing stays open, so the test controls how many connections the server
 * holds. Resolves once the socket is closed; rejects when the connection ends without an answer.
 */
function requestOnce(
  url: string,
  method: string,
  pathname: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${pathname}`,
      { method, agent: false, headers: { connection: "close", ...headers }, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") };
          if (res.socket.closed) resolve(answer);
          else res.socket.once("close", () => resolve(answer));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** GET /healthz on a connection of its own, again every 50 ms until answered: the status. */
async function healthzOnceServed(url: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return (await requestOnce(url, "GET", "/healthz")).status;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** `POST /auth/guest` and `POST /matchmake/joinOrCreate/arena` on connections that close: a seat. */
async function reserveSeat(url: string, name: string): Promise<ISeatReservation> {
  const json = { "content-type": "application/json" };
  const guest = await requestOnce(url, "POST", "/auth/guest", json, JSON.stringify({ name }));
  if (guest.status !== 200) throw new Error(`POST /auth/guest answered ${guest.status}: ${guest.body}`);
  const { token } = JSON.parse(guest.body) as { token: string };
  const seat = await requestOnce(
    url,
    "POST",
    `/matchmake/joinOrCreate/${RoomName.Arena}`,
    { ...json, authorization: `Bearer ${token}` },
    "{}",
  );
  if (seat.status !== 200) throw new Error(`quick play answered ${seat.status}: ${seat.body}`);
  return JSON.parse(seat.body) as ISeatReservation;
}

/** The lobby's listings, kept up to date ("rooms", then "+" and "-"). */
async function lobbyListings(url: string): Promise<Map<string, { locked?: boolean; metadata: ArenaListing }>> {
  const lobby = track(await new Client(url).joinOrCreate(RoomName.Lobby));
  const listings = new Map<string, { locked?: boolean; metadata: ArenaListing }>();
  type Listing = { roomId: string; locked?: boolean; metadata: ArenaListing };
  lobby.onMessage("rooms", (list: Listing[]) => {
    listings.clear();
    for (const l of list) listings.set(l.roomId, l);
  });
  lobby.onMessage("+", ([roomId, listing]: [string, Listing]) => listings.set(roomId, listing));
  lobby.onMessage("-", (roomId: string) => listings.delete(roomId));
  return listings;
}

/** The README's "Meaning" cell of a variable. */
function readmeMeaning(variable: string): string {
  const row = README.split("\n").find((l) => l.startsWith(`| \`${variable}\` |`));
  if (row === undefined) throw new Error(`${variable} is no longer in the README's settings table`);
  return row.split("|")[3]!.trim();
}

let tickRate45: Server;
let largeMap: Server;
let roomPlayers3: Server;
let maxConnections2: Server;

beforeAll(async () => {
  // All four at once: each takes 2–3 s to start, mostly loading TypeScript.
  [tickRate45, largeMap, roomPlayers3, maxConnections2] = await Promise.all([
    startServer({ TICK_RATE: "45" }),
    startServer({ MAP: "large" }),
    startServer({ ROOM_PLAYERS: "3" }),
    startServer({ MAX_CONNECTIONS: "2" }),
  ]);
}, 30_000);

afterAll(async () => {
  const open = [...rooms].filter((r) => r.connection.isOpen);
  rooms.clear();
  await Promise.race([Promise.all(open.map((r) => r.leave().catch(() => 0))), sleep(2000)]);
  await Promise.all(
    children.splice(0).map(async ({ child, dataDir, exited }) => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }),
  );
});

describe.concurrent("server settings of the README, on the production entry", () => {
  it("TICK_RATE=45: state.tickRate and the input handle say 45, and the tick advances 45 a second", async ({
    expect,
  }) => {
    expect(readmeMeaning("TICK_RATE")).toContain("Simulation steps per second");
    const room = await quickPlay(tickRate45.url, RoomName.Arena, "FortyFive");
    expect(room.state.tickRate).toBe(45);
    const input = room.input();
    expect(input.tickRate).toBe(45);
    // PROTOCOL.md, Timing: the patch interval is 50 ms whatever the tick rate.
    expect(input.patchRate).toBe(1000 / PATCH_RATE_HZ);

    // Over about 2 s of patches (each patch carries the tick it was taken at).
    await sleep(300);
    const first = await nextPatch(room);
    await sleep(2000);
    const last = await nextPatch(room);
    const perSecond = (last.tick - first.tick) / ((last.at - first.at) / 1000);
    expect(perSecond).toBeGreaterThan(40);
    expect(perSecond).toBeLessThan(50);
  });

  it("MAP=large: quick play lands in a large arena (the large map, pilots), decoded by reflection", async ({
    expect,
  }) => {
    expect(readmeMeaning("MAP")).toContain("`large`: quick play opens large arenas");
    const room = await quickPlay(largeMap.url, RoomName.Arena, "Wide");
    expect(room.name).toBe(RoomName.Arena);
    await waitFor(() => room.state.pilots?.has(room.sessionId) === true, 3000, "this pilot in state.pilots");
    // PROTOCOL.md, State: `map` "large" (4000 × 2600), `pilots` (LargeArenaState only), your own ship.
    expect(room.state.map).toBe("large");
    expect(room.state.pilots.size).toBe(1);
    expect(room.state.players.has(room.sessionId)).toBe(true);
  });

  it("ROOM_PLAYERS=3: an arena-large room seats 3 pilots, the 4th quick play opens another, the full one is listed locked", async ({
    expect,
  }) => {
    expect(readmeMeaning("ROOM_PLAYERS")).toContain("Pilots of a large arena");
    const url = roomPlayers3.url;
    const lobby = await lobbyListings(url);
    const first: AnyRoom[] = [];
    for (const name of ["One", "Two", "Three"]) first.push(await quickPlay(url, RoomName.ArenaLarge, name));
    const fullId = first[0]!.roomId;
    expect(first.map((r) => r.roomId)).toEqual([fullId, fullId, fullId]);
    expect(first[0]!.state.map).toBe("large");
    await waitFor(() => first[0]!.state.pilots?.size === 3, 3000, "three pilots in the first room");

    const fourth = await quickPlay(url, RoomName.ArenaLarge, "Four");
    expect(fourth.roomId).not.toBe(fullId);
    expect(fourth.state.map).toBe("large");

    // PROTOCOL.md, Lobby: `maxPlayers` is the cap; a full arena stays listed, `locked: true`.
    await waitFor(
      () => lobby.get(fullId)?.metadata.players === 3 && lobby.get(fourth.roomId)?.metadata.players === 1,
      3000,
      "both rooms listed with their pilots",
    );
    expect(lobby.get(fullId)).toMatchObject({ locked: true, metadata: { maxPlayers: 3, players: 3, map: "large" } });
    expect(lobby.get(fourth.roomId)).toMatchObject({ metadata: { maxPlayers: 3, players: 1, map: "large" } });
    expect(lobby.get(fourth.roomId)!.locked).not.toBe(true);
  });

  it("MAX_CONNECTIONS=2: a third TCP connection is not served while two WebSockets are open, and is once one closes", async ({
    expect,
  }) => {
    expect(readmeMeaning("MAX_CONNECTIONS")).toBe(
      "Open TCP connections of the process; one more is closed as soon as it is accepted, without an answer",
    );
    const url = maxConnections2.url;
    // Three seats reserved one connection at a time, then two of them connected.
    const seats = [];
    for (const name of ["Ada", "Bob", "Cy"]) seats.push(await reserveSeat(url, name));
    const [a, b, c] = seats as [ISeatReservation, ISeatReservation, ISeatReservation];
    expect(new Set([a.roomId, b.roomId, c.roomId]).size).toBe(1);
    const client = new Client(url);
    const roomA = track(await client.consumeSeatReservation<AnyRoom["state"]>(a));
    track(await client.consumeSeatReservation<AnyRoom["state"]>(b));

    // Two open: a third connection is closed without an answer, HTTP and the WebSocket of a valid seat alike.
    await expect(requestOnce(url, "GET", "/healthz")).rejects.toThrow();
    const refused = await Promise.race([
      client.consumeSeatReservation<AnyRoom["state"]>(c).then(
        (room) => {
          track(room);
          return "connected";
        },
        () => "refused",
      ),
      sleep(5000).then(() => "no answer in 5 s"),
    ]);
    // (The SDK warns "Room connection was closed unexpectedly (1006)".)
    expect(refused).toBe("refused");

    // One closes: the same requests are served again.
    await roomA.leave();
    expect(await healthzOnceServed(url, 3000)).toBe(200);
    const roomC = track(await client.consumeSeatReservation<AnyRoom["state"]>(c));
    expect(roomC.sessionId).toBe(c.sessionId);
    await waitFor(() => roomC.state?.players?.has(c.sessionId) === true, 3000, "the third player's ship");
  });

  it("a taken PORT stops the process at once, exit code 1, with one line naming the port", async ({ expect }) => {
    expect(README.replace(/\s+/g, " ")).toContain(
      "A port already taken stops `npm run dev` at once with one line naming it (and `npm start` likewise).",
    );
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once("error", reject);
      blocker.listen(0, "127.0.0.1", resolve);
    });
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const started = spawnStart({ PORT: String(port) });
      const exit = await Promise.race([started.exited, sleep(15_000).then(() => null)]);
      expect(exit, `exited:\n${started.output.join("\n")}`).not.toBeNull();
      expect(exit!.code).toBe(1);
      // One line, for a person (no structured fault line: a taken port is nobody's fault).
      expect(started.output).toEqual([
        `Tick Arena: port ${port} on 127.0.0.1 is already in use; set PORT to a free port`,
      ]);
      expect(started.output.join("\n")).not.toMatch(/\n\s+at /); // no stack trace
      // At once: no longer than loading the code takes (the servers above start in 2–3 s).
      expect(exit!.at - started.spawnedAt).toBeLessThan(8000);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
