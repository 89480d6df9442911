/**
 * GET /metrics on a live server: tick and patch durations, event-loop lag, CPU, memory, CCU and
 * rooms come from the running rooms, not from constants.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import type { MetricsSnapshot } from "../../server/metrics/server-metrics.ts";
import { DEFAULT_TICK_RATE, PATCH_RATE_HZ } from "../../shared/constants.ts";
import { everyTick, joinPlayer, leaveAll, sleep, startTestServer, type TestPlayer } from "./harness.ts";

let server: RunningServer;
const players: TestPlayer[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await leaveAll(players);
  await server.stop();
});

describe("GET /metrics", () => {
  it("reports the live rooms' tick and patch figures", async () => {
    players.push(await joinPlayer(server.url, "One"), await joinPlayer(server.url, "Two"));
    await sleep(1100); // let a whole second with both players pass
    await everyTick(DEFAULT_TICK_RATE, 3000, 1, () => players[0]!.send({ moveX: 1, fire: true }));
    const res = await fetch(`${server.url}/metrics?window=3`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsSnapshot;
    console.log(JSON.stringify(m));
    expect(m.windowSeconds).toBe(3);
    expect(m.ccu).toBe(2);
    expect(m.rooms).toBe(1);
    expect(m.tickBudgetMs).toBeCloseTo(1000 / DEFAULT_TICK_RATE, 6);
    // One room: about tickRate steps and PATCH_RATE_HZ patches per second.
    expect(m.tickMs.count).toBeGreaterThan(DEFAULT_TICK_RATE * 3 * 0.7);
    expect(m.tickMs.count).toBeLessThan(DEFAULT_TICK_RATE * 3 * 1.3);
    expect(m.patchMs.count).toBeGreaterThan(PATCH_RATE_HZ * 3 * 0.7);
    expect(m.patchMs.count).toBeLessThan(PATCH_RATE_HZ * 3 * 1.3);
    expect(m.tickMs.p50).toBeGreaterThan(0);
    expect(m.tickMs.p99).toBeGreaterThanOrEqual(m.tickMs.p50);
    expect(m.tickMs.max).toBeGreaterThanOrEqual(m.tickMs.p99);
    expect(m.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(m.cpuPercent).toBeGreaterThan(0);
    expect(m.eventLoopLagMs.max).toBeGreaterThanOrEqual(m.eventLoopLagMs.p99);
  });
});
