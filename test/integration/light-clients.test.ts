/**
 * The benchmark's light load clients against real servers on loopback: 20 Colyseus light clients
 * on a Tick Arena server and 20 JSON light clients on the baseline server, inputs driven from ONE
 * shared 30 Hz interval as the load tester does. Checks seating, frame validity (no 4002), room
 * filling (16 + 4), patch cadence, that the light ships really move (seen by an observer), and a
 * clean close; prints the downstream bytes per client per second of both servers.
 */
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startBaselineServer, type RunningBaselineServer } from "../../bench/baseline/server.ts";
import type { BaselineState } from "../../bench/baseline/protocol.ts";
import { BaselineLightClient } from "../../bench/light/baseline-light-client.ts";
import { ColyseusLightClient } from "../../bench/light/colyseus-light-client.ts";
import type { LoadClient } from "../../bench/load/types.ts";
import type { RunningServer } from "../../server/app.ts";
import { DEFAULT_TICK_RATE, MAX_PLAYERS, PATCH_RATE_HZ } from "../../shared/constants.ts";
import { CloseCodes } from "../../shared/protocol.ts";
import { joinPlayer, leaveAll, startTestServer, waitFor, type TestPlayer } from "./harness.ts";

const CLIENTS = 20;
const DRIVE_MS = 3000;

let arena: RunningServer | null = null;
let baseline: RunningBaselineServer | null = null;
let observer: TestPlayer | null = null;
const opened: LoadClient[] = [];

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  if (observer !== null) await leaveAll([observer]);
  await arena?.stop();
  await baseline?.stop();
});

/** What driving a set of clients measured. */
interface DriveResult {
  seconds: number;
  /** Patches each client saw while driven. */
  patches: number[];
  /** Bytes each client received while driven. */
  bytesIn: number[];
}

/** Calls `sendInput()` on every client from one interval at the tick rate, for `ms`. */
async function drive(clients: readonly LoadClient[], ms: number, onTick: () => void = () => {}): Promise<DriveResult> {
  const patches = clients.map(() => 0);
  clients.forEach((c, i) => {
    c.onPatch = () => {
      patches[i]! += 1;
    };
  });
  const bytesBefore = clients.map((c) => c.counters.bytesIn);
  const start = performance.now();
  const timer = setInterval(() => {
    for (const c of clients) c.sendInput();
    onTick();
  }, 1000 / DEFAULT_TICK_RATE);
  await new Promise((resolve) => setTimeout(resolve, ms));
  clearInterval(timer);
  const seconds = (performance.now() - start) / 1000;
  for (const c of clients) c.onPatch = null;
  return { seconds, patches, bytesIn: clients.map((c, i) => c.counters.bytesIn - bytesBefore[i]!) };
}

/** Asserts the patch cadence of every client and prints the downstream rate; returns B/s. */
function checkAndReport(label: string, result: DriveResult, clients: readonly LoadClient[]): number {
  const expected = PATCH_RATE_HZ * result.seconds;
  for (const n of result.patches) {
    expect(n).toBeGreaterThan(expected * 0.7);
    expect(n).toBeLessThan(expected * 1.2);
  }
  const perClientPerSecond = result.bytesIn.reduce((a, b) => a + b, 0) / clients.length / result.seconds;
  const upPerClient =
    clients.reduce((n, c) => n + c.counters.bytesOut, 0) / clients.length / Math.max(1, clients[0]!.counters.framesOut);
  console.log(
    `[light-clients] ${label}: ${clients.length} clients, ${perClientPerSecond.toFixed(0)} B/s down per client ` +
      `(payload, no WS framing), ~${upPerClient.toFixed(1)} B per input message up, ` +
      `${(result.patches.reduce((a, b) => a + b, 0) / clients.length / result.seconds).toFixed(1)} patches/s`,
  );
  expect(perClientPerSecond).toBeGreaterThan(0);
  return perClientPerSecond;
}

/** Tracks, per id, how far a ship got from where it was first seen. */
class Displacement {
  private readonly origin = new Map<string, { x: number; y: number }>();
  readonly max = new Map<string, number>();

  see(id: string, x: number, y: number): void {
    const o = this.origin.get(id);
    if (o === undefined) {
      this.origin.set(id, { x, y });
      this.max.set(id, 0);
      return;
    }
    const d = Math.hypot(x - o.x, y - o.y);
    if (d > (this.max.get(id) ?? 0)) this.max.set(id, d);
  }
}

describe("light clients", () => {
  it("seat 20 Colyseus light clients in 16 + 4 with valid frames, steady patches and moving ships", async () => {
    arena = await startTestServer();
    const clients = Array.from({ length: CLIENTS }, (_, i) => new ColyseusLightClient(arena!.url, i));
    opened.push(...clients);
    // One after another, so the 16 + 4 split is about the clients, not about concurrent matchmaking.
    const seatTimes: number[] = [];
    for (const c of clients) seatTimes.push(await c.connect());
    for (const t of seatTimes) expect(t).toBeGreaterThan(0);
    expect(clients.every((c) => c.isSeated)).toBe(true);

    const byRoom = new Map<string, ColyseusLightClient[]>();
    for (const c of clients) byRoom.set(c.roomId!, [...(byRoom.get(c.roomId!) ?? []), c]);
    expect([...byRoom.values()].map((list) => list.length).sort((a, b) => b - a)).toStrictEqual([
      MAX_PLAYERS,
      CLIENTS - MAX_PLAYERS,
    ]);

    // An SDK observer lands in the room that still has seats, with the last four light ships.
    observer = await joinPlayer(arena.url, "Observer");
    const watched = byRoom.get(observer.room.roomId);
    expect(watched).toHaveLength(CLIENTS - MAX_PLAYERS);
    const health = (await (await fetch(`${arena.url}/healthz`)).json()) as { rooms: number; ccu: number };
    expect(health).toMatchObject({ rooms: 2, ccu: CLIENTS + 1 });

    const moved = new Displacement();
    const watch = (): void => {
      for (const c of watched!) {
        const p = observer!.room.state.players.get(c.sessionId!);
        if (p !== undefined) moved.see(c.sessionId!, p.x, p.y);
      }
    };
    watch();
    const result = await drive(clients, DRIVE_MS, watch);

    // Frames were valid: nobody was closed (a bad frame closes with 4002), everyone still seated.
    expect(clients.map((c) => c.closeCode)).toStrictEqual(clients.map(() => null));
    expect(clients.every((c) => c.isSeated)).toBe(true);
    checkAndReport("Tick Arena (Colyseus)", result, clients);
    // Each watched ship moved: 3 s at 260 px/s with a new direction every second.
    for (const c of watched!) expect(moved.max.get(c.sessionId!) ?? 0).toBeGreaterThan(60);

    await Promise.all(clients.map((c) => c.close()));
    expect(clients.map((c) => c.closeCode)).toStrictEqual(clients.map(() => CloseCodes.Consented));
    await waitFor(() => observer!.room.state.players.size === 1, 3000, "the light ships to leave");
  });

  it("seat 20 light clients on the JSON baseline in 16 + 4 with steady patches and moving ships", async () => {
    baseline = await startBaselineServer({ port: 0, host: "127.0.0.1", seed: 7 });
    const clients = Array.from({ length: CLIENTS }, (_, i) => new BaselineLightClient(baseline!.url, i));
    opened.push(...clients);
    const seatTimes: number[] = [];
    for (const c of clients) seatTimes.push(await c.connect());
    for (const t of seatTimes) expect(t).toBeGreaterThan(0);
    expect(clients.every((c) => c.isSeated && c.playerId !== null)).toBe(true);

    // A raw observer: the 21st player, so it lands with the last four light ships.
    const moved = new Displacement();
    let observed: BaselineState | null = null;
    const ws = new WebSocket(`${baseline.url.replace("http", "ws")}/?name=Observer`);
    ws.on("message", (data: WebSocket.RawData) => {
      const text = String(data);
      if (!text.startsWith('{"tick"')) return;
      observed = JSON.parse(text) as BaselineState;
      for (const [id, p] of Object.entries(observed.players)) moved.see(id, p.x, p.y);
    });
    await waitFor(() => observed !== null, 3000, "the observer's first state");
    const health = (await (await fetch(`${baseline.url}/healthz`)).json()) as { rooms: number; ccu: number };
    expect(health).toMatchObject({ status: "ok", rooms: 2, ccu: CLIENTS + 1 });
    const watchedIds = Object.keys(observed!.players).filter((id) => clients.some((c) => c.playerId === id));
    expect(watchedIds).toHaveLength(CLIENTS - MAX_PLAYERS);

    const result = await drive(clients, DRIVE_MS);
    expect(clients.map((c) => c.closeCode)).toStrictEqual(clients.map(() => null));
    checkAndReport("JSON baseline", result, clients);
    for (const id of watchedIds) expect(moved.max.get(id) ?? 0).toBeGreaterThan(60);

    await Promise.all(clients.map((c) => c.close()));
    expect(clients.map((c) => c.closeCode)).toStrictEqual(clients.map(() => 1000));
    await waitFor(() => baseline!.stats().ccu === 1, 3000, "the light players to leave");
    ws.close();
    await waitFor(() => baseline!.stats().ccu === 0 && baseline!.stats().rooms === 0, 3000, "the rooms to close");
  });
});
