/**
 * A large room's view budget and its scoped kill news, on a real server with SDK clients:
 * - when more ships crowd a player's circle than the budget, its decoded state holds exactly
 *   the budget (plus its own ship), and those are the nearest;
 * - a kill reaches (as the `kill` message and the "X destroyed Y" chat line) the two pilots and
 *   whoever sees either ship, never a pilot across the map; the roster still shows the score.
 */
import type { Room } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../server/app.ts";
import { INTEREST_MAX_SHIPS, SWAP_MARGIN_PX } from "../../../server/rooms/interest.ts";
import { AIM_SCALE, DEFAULT_TICK_RATE } from "../../../shared/constants.ts";
import { borderWalls, type ArenaMap } from "../../../shared/map.ts";
import type { ChatLine } from "../../../shared/chat.ts";
import { RoomName, ServerMessage, type KillMessage } from "../../../shared/protocol.ts";
import { LargeArenaState } from "../../../shared/schema.ts";
import { arenaMessages, guestClient, startTestServer, waitFor } from "../harness.ts";

interface LargePlayer {
  readonly room: Room<unknown, LargeArenaState>;
  readonly kills: KillMessage[];
  readonly chat: ChatLine[];
  send(frame: { aimX?: number; aimY?: number; fire?: boolean }): void;
}

async function joinLarge(url: string, name: string): Promise<LargePlayer> {
  const client = await guestClient(url, name);
  const room = await client.joinOrCreate(RoomName.ArenaLarge, { name }, LargeArenaState);
  room.reconnection.maxRetries = 0;
  const { chat } = arenaMessages(room);
  const kills: KillMessage[] = [];
  room.onMessage(ServerMessage.Kill, (m: KillMessage) => kills.push(m));
  const input = room.input();
  let seq = 0;
  return {
    room,
    kills,
    chat,
    send(frame) {
      input.data.seq = ++seq;
      input.data.moveX = 0;
      input.data.moveY = 0;
      input.data.aimX = frame.aimX ?? 0;
      input.data.aimY = frame.aimY ?? 0;
      input.data.fire = frame.fire ?? false;
      input.send();
    },
  };
}

const position = (p: LargePlayer): { x: number; y: number } => {
  const s = p.room.state.players.get(p.room.sessionId)!;
  return { x: s.x, y: s.y };
};

describe("large room: view budget", () => {
  /** 24 spawn points in a 500 × 300 block: every ship is within the interest radius of every other. */
  const CROWD: ArenaMap = {
    width: 4000,
    height: 2600,
    walls: borderWalls(4000, 2600, 40),
    spawns: Array.from({ length: 24 }, (_, i) => ({ x: 1000 + (i % 6) * 100, y: 1000 + Math.floor(i / 6) * 100 })),
  };
  let server: RunningServer;
  const players: LargePlayer[] = [];
  beforeAll(async () => {
    server = await startTestServer({ map: CROWD, seed: 4 });
  });
  afterAll(async () => {
    for (const p of players) await p.room.leave(true).catch(() => undefined);
    await server.stop();
  });

  it("holds the nearest ships up to the budget when more crowd the circle", async () => {
    const count = INTEREST_MAX_SHIPS + 4;
    for (let i = 0; i < count; i++) players.push(await joinLarge(server.url, `P${i}`));
    for (const p of players) {
      await waitFor(() => p.room.state.pilots.size === count, 5000, "the whole roster");
    }
    for (const viewer of players) {
      await waitFor(
        () => viewer.room.state.players.size === INTEREST_MAX_SHIPS + 1,
        5000,
        `${viewer.room.sessionId}'s view to fill up to the budget`,
      );
    }
    // Where every ship is, from each one's own (always visible) entry; the budget holds the nearest.
    const at = new Map(players.map((p) => [p.room.sessionId, position(p)]));
    for (const viewer of players) {
      const me = at.get(viewer.room.sessionId)!;
      const ranked = [...at]
        .filter(([id]) => id !== viewer.room.sessionId)
        .map(([id, p]) => ({ id, d: Math.hypot(p.x - me.x, p.y - me.y) }))
        .sort((a, b) => a.d - b.d);
      const inView = ranked.filter((r) => viewer.room.state.players.has(r.id));
      expect(inView.length).toBe(INTEREST_MAX_SHIPS);
      // Every ship left out is at most the swap margin nearer than the farthest one kept (a
      // newcomer displaces a ship in view only when clearly nearer: the views filled as the
      // pilots joined one by one).
      const farthestKept = Math.max(...inView.map((r) => r.d));
      for (const r of ranked) {
        if (!viewer.room.state.players.has(r.id)) expect(r.d).toBeGreaterThanOrEqual(farthestKept - SWAP_MARGIN_PX);
      }
    }
  }, 60_000);
});

describe("large room: kill news", () => {
  /** Two spawn points 300 px apart, one across the map. */
  const FIELD: ArenaMap = {
    width: 4000,
    height: 2600,
    walls: borderWalls(4000, 2600, 40),
    spawns: [
      { x: 300, y: 300 },
      { x: 3700, y: 2300 },
      { x: 600, y: 300 },
    ],
  };
  let server: RunningServer;
  const players: LargePlayer[] = [];
  beforeAll(async () => {
    server = await startTestServer({ map: FIELD, seed: 9 });
  });
  afterAll(async () => {
    for (const p of players) await p.room.leave(true).catch(() => undefined);
    await server.stop();
  });

  it("reaches the pilots who see either ship, never the far one", async () => {
    for (const name of ["Ann", "Bob", "Cid"]) players.push(await joinLarge(server.url, name));
    for (const p of players) await waitFor(() => p.room.state.pilots.size === 3, 5000, "the roster of 3");
    for (const p of players) await waitFor(() => p.room.state.players.has(p.room.sessionId), 5000, "own ship");
    // The pair 300 px apart, and the pilot across the map.
    const dist = (a: LargePlayer, b: LargePlayer): number =>
      Math.hypot(position(a).x - position(b).x, position(a).y - position(b).y);
    const pairs: [LargePlayer, LargePlayer, LargePlayer][] = [
      [players[0]!, players[1]!, players[2]!],
      [players[0]!, players[2]!, players[1]!],
      [players[1]!, players[2]!, players[0]!],
    ];
    const [shooter, target, far] = pairs.find(([a, b]) => dist(a, b) < 500)!;
    await waitFor(
      () => shooter.room.state.players.has(target.room.sessionId),
      5000,
      "the target in the shooter's view",
    );

    const timer = setInterval(() => {
      const me = position(shooter);
      const them = shooter.room.state.players.get(target.room.sessionId);
      if (them === undefined) return;
      const dx = them.x - me.x;
      const dy = them.y - me.y;
      const scale = AIM_SCALE / Math.max(Math.abs(dx), Math.abs(dy), 1);
      shooter.send({ aimX: Math.round(dx * scale), aimY: Math.round(dy * scale), fire: true });
    }, 1000 / DEFAULT_TICK_RATE);
    try {
      await waitFor(() => shooter.kills.length > 0 && target.kills.length > 0, 10_000, "the kill to reach the pair");
    } finally {
      clearInterval(timer);
    }
    const news = { killerId: shooter.room.sessionId, victimId: target.room.sessionId };
    expect(shooter.kills[0]).toEqual(news);
    expect(target.kills[0]).toEqual(news);
    const line = (p: LargePlayer): boolean => p.chat.some((c) => c.kind === "system" && c.text.includes(" destroyed "));
    await waitFor(() => line(shooter) && line(target), 2000, "the chat line to reach the pair");

    // The far pilot sees the score in the roster, and heard nothing of the kill.
    await waitFor(
      () => far.room.state.pilots.get(shooter.room.sessionId)?.kills === 1,
      3000,
      "the score in the far pilot's roster",
    );
    expect(far.kills).toEqual([]);
    expect(line(far)).toBe(false);
  }, 30_000);
});
