/**
 * Quick play on a real server with real SDK clients: seating, visibility, movement, the
 * input buffer's speed cap, and room capacity.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import { DEFAULT_TICK_RATE, MAX_PLAYERS, SHIP_SPEED } from "../../shared/constants.ts";
import { everyTick, freeAxis, joinPlayer, startTestServer, waitFor, type TestPlayer, leaveAll } from "./harness.ts";

const SPEED_PER_TICK = SHIP_SPEED / DEFAULT_TICK_RATE;

let server: RunningServer;
const players: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: 42 });
});

afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

async function join(name: string): Promise<TestPlayer> {
  const p = await joinPlayer(server.url, name);
  players.push(p);
  return p;
}

/** Starts summing the distance a player's own ship travels, patch by patch. */
function trackPath(p: TestPlayer): () => { path: number; ticks: number } {
  let lx = p.self()!.x;
  let ly = p.self()!.y;
  const startTick = p.room.state.tick;
  let path = 0;
  const onChange = (): void => {
    const s = p.self();
    if (s === undefined) return;
    path += Math.hypot(s.x - lx, s.y - ly);
    lx = s.x;
    ly = s.y;
  };
  p.room.onStateChange(onChange);
  return () => {
    p.room.onStateChange.remove(onChange);
    return { path, ticks: p.room.state.tick - startTick };
  };
}

describe("quick play", () => {
  it("seats two players in one room, and each sees the other", async () => {
    const a = await join("Alice");
    const b = await join("Bob");
    expect(b.room.roomId).toBe(a.room.roomId);
    await waitFor(() => a.room.state.players.size === 2 && b.room.state.players.size === 2, 5000, "both ships");
    expect(a.room.state.players.get(b.id)?.name).toBe("Bob");
    expect(b.room.state.players.get(a.id)?.name).toBe("Alice");
    expect(a.room.state.tickRate).toBe(DEFAULT_TICK_RATE);
  });

  it("moves the ship of the player who sent the input, and only that ship", async () => {
    const [a, b] = players as [TestPlayer, TestPlayer];
    const startA = { x: a.self()!.x, y: a.self()!.y };
    const startB = { x: b.self()!.x, y: b.self()!.y };
    const axis = freeAxis(startA.x, startA.y, 120);
    await everyTick(DEFAULT_TICK_RATE, 300, 1, () => a.send({ moveX: axis.dx, moveY: axis.dy }));
    await waitFor(
      () => {
        const seen = b.room.state.players.get(a.id)!;
        return Math.hypot(seen.x - startA.x, seen.y - startA.y) > 40;
      },
      3000,
      "B to see A move",
    );
    const aSeenByB = b.room.state.players.get(a.id)!;
    expect(Math.sign(aSeenByB.x - startA.x)).toBe(axis.dx);
    expect(Math.sign(aSeenByB.y - startA.y)).toBe(axis.dy);
    const bSeenByA = a.room.state.players.get(b.id)!;
    expect({ x: bSeenByA.x, y: bSeenByA.y }).toEqual(startB);
  });

  it("moves a client that sends 10 inputs per tick no faster than one that sends one", async () => {
    const [honest, flooder] = players as [TestPlayer, TestPlayer];
    const reach = 80;
    const hAxis = freeAxis(honest.self()!.x, honest.self()!.y, reach);
    const fAxis = freeAxis(flooder.self()!.x, flooder.self()!.y, reach);
    // Both oscillate every 250 ms (65 px at full speed), staying clear of walls.
    const started = Date.now();
    const dir = () => (Math.floor((Date.now() - started) / 250) % 2 === 0 ? 1 : -1);
    const stopH = trackPath(honest);
    const stopF = trackPath(flooder);
    await Promise.all([
      everyTick(DEFAULT_TICK_RATE, 2000, 1, () => honest.send({ moveX: hAxis.dx * dir(), moveY: hAxis.dy * dir() })),
      everyTick(DEFAULT_TICK_RATE, 2000, 10, () => flooder.send({ moveX: fAxis.dx * dir(), moveY: fAxis.dy * dir() })),
    ]);
    // Stop measuring when sending stops: the flooder still has a full input buffer to play
    // out, which costs it latency, not speed.
    const h = stopH();
    const fl = stopF();
    console.log(
      `honest: ${h.path.toFixed(1)} px in ${h.ticks} ticks; flooder: ${fl.path.toFixed(1)} px in ${fl.ticks} ticks; cap ${SPEED_PER_TICK.toFixed(2)} px/tick`,
    );
    expect(h.path).toBeGreaterThan(h.ticks * SPEED_PER_TICK * 0.5);
    // The cap: never more than one step of movement per simulated tick.
    expect(fl.path).toBeLessThanOrEqual((fl.ticks + 1) * SPEED_PER_TICK + 0.5);
    // And no faster than the honest client, give or take two ticks of timer jitter.
    expect(fl.path).toBeLessThanOrEqual(h.path * 1.1 + 2 * SPEED_PER_TICK);
    expect(flooder.room.connection.isOpen).toBe(true);
  });

  it("opens a new room for the 17th player", async () => {
    const firstRoom = players[0]!.room.roomId;
    while (players.length < MAX_PLAYERS) await join(`P${players.length + 1}`);
    expect(new Set(players.map((p) => p.room.roomId))).toEqual(new Set([firstRoom]));
    const extra = await join("Seventeen");
    expect(extra.room.roomId).not.toBe(firstRoom);
    await waitFor(() => players[0]!.room.state.players.size === MAX_PLAYERS, 5000, "a full first room");
    await waitFor(() => extra.room.state.players.size === 1, 5000, "the new room's state");
    expect(extra.self()?.name).toBe("Seventeen");
  });
});
