/**
 * A whole duel on a real server: one client aims and fires at another until the target is
 * destroyed, and the kill and the score reach every client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { aimVector } from "../../client/src/input/controls.ts";
import { DEFAULT_TICK_RATE, PROJECTILE_DAMAGE, SHIP_MAX_HP } from "../../shared/constants.ts";
import { borderWalls, type ArenaMap } from "../../shared/map.ts";
import { ServerMessage, type KillMessage } from "../../shared/protocol.ts";
import { joinPlayer, startTestServer, waitFor, type TestPlayer, leaveAll } from "./harness.ts";
import { waitForRoomCount } from "./social/social-helpers.ts";

/** An open field with two spawn points 500 px apart and a border, so shots have a clear line. */
const DUEL_MAP: ArenaMap = {
  width: 1200,
  height: 800,
  walls: borderWalls(1200, 800, 20),
  spawns: [
    { x: 350, y: 400 },
    { x: 850, y: 400 },
  ],
};

let server: RunningServer;
const players: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer({ map: DUEL_MAP, seed: 7 });
});

afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

/**
 * The shooter aims at the target's current position (as the shooter's client sees it) every
 * tick and holds the trigger, until the returned function is called.
 */
function holdFireAt(shooter: TestPlayer, target: TestPlayer): () => void {
  const timer = setInterval(() => {
    const me = shooter.self();
    const them = shooter.room.state.players.get(target.id);
    if (me === undefined || them === undefined) return;
    shooter.send({ ...aimVector(them.x - me.x, them.y - me.y), fire: true });
  }, 1000 / DEFAULT_TICK_RATE);
  return () => clearInterval(timer);
}

describe("combat", () => {
  it("destroys a ship after enough hits and shows the score to every client", async () => {
    const shooter = await joinPlayer(server.url, "Shooter");
    const target = await joinPlayer(server.url, "Target");
    const watcher = await joinPlayer(server.url, "Watcher");
    players.push(shooter, target, watcher);
    await waitFor(() => watcher.room.state.players.size === 3, 5000, "three ships");

    const kills: KillMessage[][] = [[], [], []];
    players.forEach((p, i) => p.room.onMessage(ServerMessage.Kill, (m: KillMessage) => kills[i]!.push(m)));
    const hpSeen = new Set<number>();
    target.room.onStateChange(() => hpSeen.add(target.self()?.hp ?? -1));

    const stop = holdFireAt(shooter, target);
    try {
      await waitFor(() => kills.every((k) => k.length > 0), 10_000, "the kill to reach every client");
    } finally {
      stop();
    }

    for (const k of kills) expect(k[0]).toEqual({ killerId: shooter.id, victimId: target.id });
    await waitFor(
      () => players.every((p) => p.room.state.players.get(shooter.id)?.kills === 1),
      2000,
      "the score on every client",
    );
    for (const p of players) {
      expect(p.room.state.players.get(target.id)?.deaths).toBe(1);
      expect(p.room.state.players.get(target.id)?.alive).toBe(false);
    }
    // The target went down one hit at a time (the watcher's own view may skip values between patches).
    const expectedSteps = SHIP_MAX_HP / PROJECTILE_DAMAGE;
    expect([...hpSeen].filter((hp) => hp > 0 && hp < SHIP_MAX_HP).length).toBeGreaterThanOrEqual(expectedSteps - 2);

    // It comes back at full health after the respawn delay.
    await waitFor(() => target.self()?.alive === true, 6000, "the respawn");
    expect(target.self()?.hp).toBe(SHIP_MAX_HP);
  });

  it("sends `kill` right after the patch that shows it: every client already sees the victim destroyed", async () => {
    // A room of its own: the pilots of the test before leave first.
    await leaveAll(players.splice(0));
    await waitForRoomCount(server.url, 0);
    const shooter = await joinPlayer(server.url, "Gunner");
    const target = await joinPlayer(server.url, "Prey");
    const bystander = await joinPlayer(server.url, "Bystander");
    const trio = [shooter, target, bystander];
    players.push(...trio);
    expect(new Set(trio.map((p) => p.room.roomId)).size).toBe(1);
    await waitFor(() => trio.every((p) => p.room.state.players.size === 3), 5000, "three ships on every client");

    // docs/PROTOCOL.md: `kill` is "sent right after the patch that shows it". So when the
    // message arrives, the client's decoded state must already show the victim destroyed and
    // the score; what it shows is read synchronously, inside the handler.
    interface Seen {
      readonly receiver: string;
      readonly kill: KillMessage;
      readonly victimAlive: boolean | undefined;
      readonly victimDeaths: number | undefined;
      readonly killerKills: number | undefined;
    }
    const seen: Seen[] = [];
    for (const p of trio) {
      p.room.onMessage(ServerMessage.Kill, (kill: KillMessage) => {
        const victim = p.room.state.players.get(kill.victimId);
        seen.push({
          receiver: p.id,
          kill,
          victimAlive: victim?.alive,
          victimDeaths: victim?.deaths,
          killerKills: p.room.state.players.get(kill.killerId)?.kills,
        });
      });
    }

    const stop = holdFireAt(shooter, target);
    try {
      await waitFor(() => trio.every((p) => seen.some((s) => s.receiver === p.id)), 10_000, "the kill on every client");
    } finally {
      stop();
    }

    // The killer, the bystander, and the victim itself: each saw the kill already patched in.
    for (const p of trio) {
      const mine = seen.filter((s) => s.receiver === p.id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      for (const s of mine) {
        expect(s.kill).toEqual({ killerId: shooter.id, victimId: target.id });
        expect(s.victimAlive, `alive of the victim on ${p.id} when \`kill\` arrived`).toBe(false);
        expect(s.victimDeaths).toBe(1);
        expect(s.killerKills).toBe(1);
      }
    }
  });
});
