/**
 * Headless bots against a real server on loopback: they all join one room, move, shoot and
 * score kills; the server never holds one of their ships inside a wall or outside the map; a
 * dropped bot resumes its seat, a closed one rejoins; a bot behind simulated lag measures it;
 * and every bot leaves cleanly at the end.
 */
import { execFile } from "node:child_process";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leftCleanly } from "../../bots/bot.ts";
import { BotSwarm } from "../../bots/swarm.ts";
import type { RunningServer } from "../../server/app.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { SHIP_RADIUS } from "../../shared/constants.ts";
import { borderWalls, type ArenaMap } from "../../shared/map.ts";
import { circleHitsWalls } from "../../shared/sim/geometry.ts";
import { sleep, startTestServer, waitFor } from "./harness.ts";
import { shooterOf } from "../../client/src/net/projectiles.ts";

/** A small open field inside a border, so fights start at once and kills surely happen. */
const FIELD: ArenaMap = {
  width: 1000,
  height: 700,
  walls: [
    ...borderWalls(1000, 700, 20),
    // One pillar in the middle, to steer around.
    { x: 470, y: 320, w: 60, h: 60 },
  ],
  spawns: [
    { x: 150, y: 150 },
    { x: 850, y: 150 },
    { x: 150, y: 550 },
    { x: 850, y: 550 },
    { x: 500, y: 120 },
    { x: 500, y: 580 },
  ],
};
const BOTS = 5;
const PLAY_MS = 8000;
/** Positions are on a 1/16 px grid: a ship pushed against a wall may sit a hair inside it. */
const GRID_SLACK = 0.1;

let server: RunningServer;
let swarm: BotSwarm;
let laggy: BotSwarm;

/** The one arena room on the server. */
async function arenaRoom(): Promise<ArenaRoom> {
  const rooms = await matchMaker.query({ name: "arena" });
  expect(rooms).toHaveLength(1);
  const room = matchMaker.getLocalRoomById(rooms[0]!.roomId) as ArenaRoom | undefined;
  if (room === undefined) throw new Error("arena room not found");
  return room;
}

beforeAll(async () => {
  server = await startTestServer({ map: FIELD, seed: 5 });
  const common = { url: server.url, map: FIELD, staggerMs: 30, resume: { minUptimeMs: 0 } } as const;
  swarm = new BotSwarm({ ...common, count: BOTS, seed: 42 });
  laggy = new BotSwarm({ ...common, count: 1, seed: 7, namePrefix: "Laggy", network: { lagMs: 120, jitterMs: 20 } });
});

afterAll(async () => {
  await Promise.all([swarm.stop(2000), laggy.stop(2000)]);
  await server.stop();
});

describe("bots", () => {
  it("join one room, move, shoot and score kills, never inside a wall", async () => {
    await Promise.race([Promise.all([swarm.start(), laggy.start()]), sleep(5000)]);
    const all = [...swarm.bots, ...laggy.bots];
    expect(all.map((b) => b.state)).toEqual(all.map(() => "playing"));

    // Every bot is seated in the same room, as the server and each client see it, each under a
    // guest token of its own (its own player id).
    const room = await arenaRoom();
    const ids = all.map((b) => b.selfId!);
    expect(new Set(ids).size).toBe(all.length);
    expect(Array.from(room.clients, (c) => c.sessionId).sort()).toEqual([...ids].sort());
    expect(new Set(ids.map((id) => playerIdOf(room, id))).size).toBe(all.length);
    await waitFor(
      () => all.every((b) => ids.every((id) => b.view?.players.some((p) => p.id === id) === true)),
      3000,
      "every bot to see every other bot",
    );

    // Watch the authoritative state while they play.
    const travelled = new Map<string, number>();
    const last = new Map<string, { x: number; y: number }>();
    const violations: string[] = [];
    const projectileOwners = new Set<string>();
    const deadline = Date.now() + PLAY_MS;
    while (Date.now() < deadline) {
      room.state.players.forEach((p, id) => {
        if (!p.alive) {
          last.delete(id);
          return;
        }
        const outside = p.x < SHIP_RADIUS || p.y < SHIP_RADIUS || p.x > FIELD.width - SHIP_RADIUS;
        if (
          outside ||
          p.y > FIELD.height - SHIP_RADIUS ||
          circleHitsWalls(p.x, p.y, SHIP_RADIUS - GRID_SLACK, FIELD.walls)
        ) {
          violations.push(`${p.name} at (${p.x}, ${p.y})`);
        }
        const prev = last.get(id);
        if (prev !== undefined) travelled.set(id, (travelled.get(id) ?? 0) + Math.hypot(p.x - prev.x, p.y - prev.y));
        last.set(id, { x: p.x, y: p.y });
      });
      room.state.projectiles.forEach((p) => projectileOwners.add(shooterOf(room.state, p.owner)));
      await sleep(50);
    }

    expect(violations).toEqual([]);
    for (const bot of all) {
      expect(travelled.get(bot.selfId!) ?? 0, `${bot.name} moved`).toBeGreaterThan(300);
      expect(bot.stats.shots, `${bot.name} fired`).toBeGreaterThan(0);
      expect(bot.stats.distance, `${bot.name} saw itself move`).toBeGreaterThan(300);
    }
    expect(projectileOwners.size, "bots whose projectiles the state carried").toBeGreaterThanOrEqual(3);
    const botKills = (): number => all.reduce((n, b) => n + b.stats.kills, 0);
    expect(botKills(), "kills the bots saw").toBeGreaterThanOrEqual(1);
    // The server's count and the bots' agree: the bots hear of a kill a moment after the server's
    // state counts it, and they play on meanwhile, so wait for an instant at which they match.
    const serverKills = (): number => {
      let n = 0;
      room.state.players.forEach((p) => (n += p.kills));
      return n;
    };
    await waitFor(() => serverKills() === botKills(), 3000, "the bots' kill count to match the server's");

    // The bot behind simulated lag measures it (120 ms ± 20 ms on top of loopback).
    expect(laggy.bots[0]!.stats.ping).toBeGreaterThanOrEqual(90);
    for (const bot of swarm.bots) expect(bot.stats.ping ?? Infinity).toBeLessThan(90);
  });

  it("resumes its seat after a dropped socket and plays on", async () => {
    const bot = swarm.bots[0]!;
    const id = bot.selfId!;
    const room = await arenaRoom();
    // A network drop: the server closes the bot's socket with "may try reconnect" (4010).
    room.clients.find((c) => c.sessionId === id)!.leave(4010);
    await waitFor(() => bot.stats.resumes === 1 && bot.connected, 5000, "the bot to resume");
    expect(bot.selfId).toBe(id);
    expect(bot.stats.reconnects).toBe(1);
    await expectPlaying(room, id);
  });

  it("rejoins after its session is closed, as the same player", async () => {
    const bot = swarm.bots[1]!;
    const id = bot.selfId!;
    const room = await arenaRoom();
    const playerId = playerIdOf(room, id);
    // A close the SDK does not retry: the seat is gone, the bot must join again.
    room.clients.find((c) => c.sessionId === id)!.leave(4100);
    await waitFor(() => bot.stats.joins === 2 && bot.connected, 5000, "the bot to rejoin");
    expect(bot.stats.lastCloseCode).toBe(4100);
    expect(bot.selfId).not.toBe(id);
    expect(bot.stats.reconnects).toBe(1);
    // It kept its guest token: a new seat, the same player id.
    expect(playerIdOf(room, bot.selfId!)).toBe(playerId);
    await expectPlaying(room, bot.selfId!);
  });

  it("leaves cleanly", async () => {
    const room = await arenaRoom();
    await Promise.all([swarm.stop(3000), laggy.stop(3000)]);
    for (const bot of [...swarm.bots, ...laggy.bots]) {
      expect(bot.state, bot.name).toBe("stopped");
      expect(bot.stats.lastCloseCode, bot.name).toBe(4000);
      expect(leftCleanly(bot), bot.name).toBe(true);
    }
    await waitFor(() => room.clients.length === 0, 2000, "the room to empty");
  });
});

describe("bots CLI", () => {
  it("plays for the duration, leaves and prints a summary", async () => {
    const run = await cli(["--url", server.url, "--count", "3", "--duration", "2", "--seed", "1", "--stagger", "0"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Tick Arena bots: 3 → http:\/\/127\.0\.0\.1:\d+ \(room arena\) for 2 s, seed 1$/);
    expect(lines.some((l) => /^\[2s\/2s\] connected 3\/3 {2}kills \d+/.test(l))).toBe(true);
    expect(lines.filter((l) => /^Bot \d\s+stopped\s+1\s/.test(l) && /\s4000\s/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^total \(3\)\s+3 joined/);
  });

  it("exits 2 on bad arguments and 1 when no bot can join", async () => {
    const bad = await cli(["--url", server.url, "--room", "lobby"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bots: --room must be "arena"/);
    // Nothing listens on port 1.
    const none = await cli(["--url", "http://127.0.0.1:1", "--count", "1", "--duration", "1"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/\nBot 1 +stopped +0 .* 3 +- +-\n/);
    expect(none.stdout).toMatch(/\nNo bot could join: .+\n$/);
  });
});

/** Runs the bot CLI to completion (bounded) and collects its output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "node_modules/.bin/tsx",
      ["bots/cli.ts", ...args],
      { timeout: 15_000, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The player id (from its guest token) the server seated session `id` under. */
function playerIdOf(room: ArenaRoom, id: string): string {
  const auth = room.clients.find((c) => c.sessionId === id)?.auth as { playerId?: unknown } | undefined;
  expect(auth?.playerId, `player id of ${id}`).toMatch(/^[0-9a-f-]{36}$/);
  return auth!.playerId as string;
}

/** Waits until the server sees ship `id` alive and moving (more than 40 px). */
async function expectPlaying(room: ArenaRoom, id: string): Promise<void> {
  let start: { x: number; y: number } | null = null;
  await waitFor(
    () => {
      const p = room.state.players.get(id);
      if (p === undefined || !p.alive) return false;
      start ??= { x: p.x, y: p.y };
      return Math.hypot(p.x - start.x, p.y - start.y) > 40;
    },
    // A bot dropped while destroyed first waits out the respawn delay (3 s).
    5000,
    `ship ${id} to move`,
  );
}
