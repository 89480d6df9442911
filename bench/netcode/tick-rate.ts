/**
 * Tick accuracy under load, as test/integration/netcode/tick-rate.test.ts: 48 clients in three
 * rooms of 16 send an input every tick (45 light clients from bench/light, paced by one shared
 * interval, and in each room one full SDK client that decodes the state). Each decoding client
 * records (arrival time, `state.tick`) for every patch; a room's effective simulation rate is the
 * least-squares slope of tick over wall time across the window (a fit over every patch, so one
 * late patch at either end does not move it). Error = |rate − nominal| ÷ nominal × 100; the
 * figure is the worst of the three rooms.
 */
import { Client, type Room } from "@colyseus/sdk";
import { ColyseusLightClient } from "../light/colyseus-light-client.ts";
import { DEFAULT_TICK_RATE } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { ArenaState } from "../../shared/schema.ts";
import { guestToken } from "../../test/integration/harness.ts";
import { range, sleep, slope, waitFor } from "./stats.ts";

const ROOMS = 3;
const PER_ROOM = 16;

export interface TickRateResult {
  readonly seconds: number;
  readonly clients: number;
  /** Effective rate of each room, Hz. */
  readonly ratesHz: number[];
  /** Error of each room, %. */
  readonly errorsPct: number[];
  /** The worst room's error, %. */
  readonly errorPct: number;
}

/** Runs the load for `seconds` on the server at `url` and measures each room's tick rate. */
export async function measureTickRate(url: string, seconds: number): Promise<TickRateResult> {
  const observers: Room<unknown, ArenaState>[] = [];
  const lights: ColyseusLightClient[] = [];
  let timer: NodeJS.Timeout | null = null;
  try {
    // Room by room: a full room locks, so the next observer opens the next room.
    for (let r = 0; r < ROOMS; r++) {
      const client = new Client(url);
      client.auth.token = await guestToken(url, `Clock ${r + 1}`);
      const room = await client.joinOrCreate(RoomName.Arena, { name: `Clock ${r + 1}` }, ArenaState);
      room.onMessage("*", () => undefined);
      room.reconnection.maxRetries = 0;
      observers.push(room);
      const batch = Array.from({ length: PER_ROOM - 1 }, (_, i) => new ColyseusLightClient(url, r * 100 + i));
      await Promise.all(batch.map((c) => c.connect()));
      lights.push(...batch);
      await waitFor(() => room.state.players.size === PER_ROOM, 10_000, `room ${r + 1} to fill`);
    }
    if (new Set(observers.map((o) => o.roomId)).size !== ROOMS) throw new Error("observers share a room");
    const inputs = observers.map((o) => o.input());
    let seq = 0;
    timer = setInterval(() => {
      seq += 1;
      for (const c of lights) c.sendInput();
      for (const input of inputs) {
        input.data.seq = seq;
        input.send();
      }
    }, 1000 / DEFAULT_TICK_RATE);
    await sleep(1000);

    const samples: { x: number; y: number }[][] = observers.map(() => []);
    const t0 = performance.now();
    const stops = observers.map((o, i) => {
      const listener = (): void => {
        samples[i]!.push({ x: (performance.now() - t0) / 1000, y: o.state.tick });
      };
      o.onStateChange(listener);
      return () => o.onStateChange.remove(listener);
    });
    await sleep(seconds * 1000);
    for (const stop of stops) stop();
    const ratesHz = samples.map((s) => slope(s));
    const errorsPct = ratesHz.map((r) => (Math.abs(r - DEFAULT_TICK_RATE) / DEFAULT_TICK_RATE) * 100);
    return {
      seconds: (performance.now() - t0) / 1000,
      clients: observers.length + lights.length,
      ratesHz,
      errorsPct,
      errorPct: range(errorsPct).max,
    };
  } finally {
    if (timer !== null) clearInterval(timer);
    await Promise.all([...observers.map((o) => o.leave(true).catch(() => 0)), ...lights.map((c) => c.close())]);
  }
}
