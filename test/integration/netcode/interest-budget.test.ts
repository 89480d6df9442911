/**
 * A large room's view budget and its scoped kill news, on a real server with SDK clients:
 * - when more ships crowd a player's circle than the budget, its decoded state holds exactly
 *   the budget (plus its own ship), and those are the nearest;
 * - a kill reaches (as the `kill` message and the "X destroyed Y" chat line) the two pilots and
 *   whoever sees either ship, never a pilot across the map; the roster still shows the score.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { aimVector } from "../../../client/src/input/controls.ts";
import type { RunningServer } from "../../../server/app.ts";
import { INTEREST_MAX_SHIPS, SWAP_MARGIN_PX } from "../../../server/rooms/interest.ts";
import { DEFAULT_TICK_RATE } from "../../../shared/constants.ts";
import { borderWalls, type ArenaMap } from "../../../shared/map.ts";
import { ServerMessage, type KillMessage } from "../../../shared/protocol.ts";
import type { LargeArenaState } from "../../../shared/schema.ts";
import { joinLargePlayer, startTestServer, waitFor, type TestPlayer } from "../harness.ts";
import { NEAR_AND_FAR } from "./layouts.ts";

type LargePlayer = TestPlayer<LargeArenaState>;

/** 24 spawn points in a 500 × 300 block: every ship is within the interest radius of every other. */
const CROWD: ArenaMap = {
  width: 4000,
  height: 2600,
  walls: borderWalls(4000, 2600, 40),
  spawns: Array.from({ length: 24 }, (_, i) => ({ x: 1000 + (i % 6) * 100, y: 1000 + Math.floor(i / 6) * 100 })),
};

// One server at a time (Colyseus keeps one matchmaker per process): each test starts its own.
let server: RunningServer | null = null;
const players: LargePlayer[] = [];
afterEach(async () => {
  for (const p of players.splice(0)) await p.room.leave(true).catch(() => undefined);
  await server?.stop();
  server = null;
});
afterAll(async () => {
  await server?.stop();
});

const position = (p: LargePlayer): { x: number; y: number } => {
  const s = p.self()!;
  return { x: s.x, y: s.y };
};

describe("large room", () => {
  it("holds the nearest ships up to the budget when more crowd the circle", async () => {
    server = await startTestServer({ map: CROWD, seed: 4 });
    const count = INTEREST_MAX_SHIPS + 4;
    for (let i = 0; i < count; i++) players.push(await joinLargePlayer(server.url, `P${i}`));
    for (const p of players) {
      await waitFor(() => p.room.state.pilots.size === count, 5000, "the whole roster");
    }
    for (const viewer of players) {
      await waitFor(
        () => viewer.room.state.players.size === INTEREST_MAX_SHIPS + 1,
        5000,
        `${viewer.id}'s view to fill up to the budget`,
      );
    }
    // Where every ship is, from each one's own (always visible) entry; the budget holds the nearest.
    const at = new Map(players.map((p) => [p.id, position(p)]));
    for (const viewer of players) {
      const me = at.get(viewer.id)!;
      const ranked = [...at]
        .filter(([id]) => id !== viewer.id)
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

  it("tells of a kill the pilots who see either ship, never the far one", async () => {
    server = await startTestServer({ map: NEAR_AND_FAR, seed: 9 });
    for (const name of ["Ann", "Bob", "Cid"]) players.push(await joinLargePlayer(server.url, name));
    const kills = new Map(players.map((p) => [p, [] as KillMessage[]]));
    for (const p of players) p.room.onMessage(ServerMessage.Kill, (m: KillMessage) => kills.get(p)!.push(m));
    for (const p of players) await waitFor(() => p.room.state.pilots.size === 3, 5000, "the roster of 3");
    for (const p of players) await waitFor(() => p.self() !== undefined, 5000, "own ship");
    // The pair 300 px apart, and the pilot across the map.
    const dist = (a: LargePlayer, b: LargePlayer): number =>
      Math.hypot(position(a).x - position(b).x, position(a).y - position(b).y);
    const [a, b, c] = players as [LargePlayer, LargePlayer, LargePlayer];
    const [shooter, target, far] = (
      [
        [a, b, c],
        [a, c, b],
        [b, c, a],
      ] as const
    ).find(([p, q]) => dist(p, q) < 500)!;
    await waitFor(() => shooter.room.state.players.has(target.id), 5000, "the target in the shooter's view");

    // The shooter aims at the target every tick, as the browser client would, and fires.
    const timer = setInterval(() => {
      const them = shooter.room.state.players.get(target.id);
      if (them === undefined) return;
      const me = position(shooter);
      shooter.send({ ...aimVector(them.x - me.x, them.y - me.y), fire: true });
    }, 1000 / DEFAULT_TICK_RATE);
    try {
      await waitFor(
        () => kills.get(shooter)!.length > 0 && kills.get(target)!.length > 0,
        10_000,
        "the kill to reach the pair",
      );
    } finally {
      clearInterval(timer);
    }
    const news = { killerId: shooter.id, victimId: target.id };
    expect(kills.get(shooter)![0]).toEqual(news);
    expect(kills.get(target)![0]).toEqual(news);
    const toldInChat = (p: LargePlayer): boolean =>
      p.chat.some((line) => line.kind === "system" && line.text.includes(" destroyed "));
    await waitFor(() => toldInChat(shooter) && toldInChat(target), 2000, "the chat line to reach the pair");

    // The far pilot sees the score in the roster, and heard nothing of the kill.
    await waitFor(
      () => far.room.state.pilots.get(shooter.id)?.kills === 1,
      3000,
      "the score in the far pilot's roster",
    );
    expect(kills.get(far)).toEqual([]);
    expect(toldInChat(far)).toBe(false);
  }, 30_000);
});
