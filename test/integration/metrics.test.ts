/**
 * The server's own figures on a live server with real SDK clients: GET /metrics.json (tick and
 * patch durations, event-loop lag, CPU, memory, CCU and rooms over a window) and GET /metrics
 * (Prometheus text: it parses strictly, its CCU is the clients connected, and its histograms and
 * traffic counters grow while they play). The figures come from the running rooms and sockets,
 * not from constants.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/app.ts";
import type { MetricsSnapshot } from "../../server/metrics/server-metrics.ts";
import { DEFAULT_TICK_RATE, PATCH_RATE_HZ } from "../../shared/constants.ts";
import { RoomName } from "../../shared/protocol.ts";
import { parsePrometheusText, type Exposition } from "../prometheus-text.ts";
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

describe("GET /metrics.json", () => {
  it("reports the live rooms' tick and patch figures", async () => {
    players.push(await joinPlayer(server.url, "One"), await joinPlayer(server.url, "Two"));
    await sleep(1100); // let a whole second with both players pass
    await everyTick(DEFAULT_TICK_RATE, 3000, 1, () => players[0]!.send({ moveX: 1, fire: true }));
    const res = await fetch(`${server.url}/metrics.json?window=3`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
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

/** Every metric of Tick Arena's own that GET /metrics must list, each with HELP and TYPE. */
const OWN_METRICS: Readonly<Record<string, string>> = {
  tick_arena_ccu: "gauge",
  tick_arena_rooms: "gauge",
  tick_arena_rooms_by_type: "gauge",
  tick_arena_tick_duration_seconds: "histogram",
  tick_arena_patch_duration_seconds: "histogram",
  tick_arena_messages_in_total: "counter",
  tick_arena_messages_out_total: "counter",
  tick_arena_bytes_in_total: "counter",
  tick_arena_bytes_out_total: "counter",
  tick_arena_patch_bytes_total: "counter",
  tick_arena_state_bytes_total: "counter",
  tick_arena_event_loop_lag_p50_seconds: "gauge",
  tick_arena_event_loop_lag_p99_seconds: "gauge",
  tick_arena_event_loop_lag_max_seconds: "gauge",
  tick_arena_client_faults_total: "counter",
  tick_arena_quick_play_seats_total: "counter",
  tick_arena_quick_play_rooms_created_total: "counter",
  tick_arena_quick_play_missed_picks_total: "counter",
  tick_arena_quick_play_fallbacks_total: "counter",
};

/** GET /metrics, checked as Prometheus would read it. */
async function scrape(): Promise<Exposition> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

/** Scrapes until `name` reads `value` (the server counts a leave when it sees the close); bounded. */
async function untilValue(name: string, value: number, timeoutMs = 3000): Promise<Exposition> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await scrape();
    if (m.value(name) === value || Date.now() > deadline) return m;
    await sleep(50);
  }
}

describe("GET /metrics", () => {
  it("parses as Prometheus text, with HELP and TYPE for every metric and GC and event-loop figures", async () => {
    const m = await scrape();
    for (const [name, type] of Object.entries(OWN_METRICS)) {
      const family = m.families.get(name);
      expect(family, name).toBeDefined();
      expect(family!.type, name).toBe(type);
      expect(family!.help?.length ?? 0, `${name} HELP`).toBeGreaterThan(10);
    }
    for (const family of m.families.values()) {
      expect(family.help, `${family.name} HELP`).toBeDefined();
      if (family.name.startsWith("tick_arena_")) {
        for (const sample of family.samples) expect(Number.isFinite(sample.value), sample.name).toBe(true);
      }
    }
    // Event-loop lag and GC pauses: every GC kind is listed before any has happened.
    expect(m.families.get("nodejs_eventloop_lag_p99_seconds")?.type).toBe("gauge");
    expect(m.families.get("nodejs_gc_duration_seconds")?.type).toBe("histogram");
    for (const kind of ["major", "minor", "incremental", "weakcb"]) {
      expect(m.value("nodejs_gc_duration_seconds_count", { kind })).toBeGreaterThanOrEqual(0);
    }
    expect(m.value("process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("counts the clients connected, and its histograms and traffic grow while they play", async () => {
    // Whoever an earlier test seated leaves first: CCU is this test's clients only.
    await leaveAll(players.splice(0));
    expect((await untilValue("tick_arena_ccu", 0)).value("tick_arena_ccu")).toBe(0);

    const three = [
      await joinPlayer(server.url, "Ada"),
      await joinPlayer(server.url, "Bo"),
      await joinPlayer(server.url, "Cy"),
    ];
    players.push(...three);
    const before = await untilValue("tick_arena_ccu", 3);
    expect(before.value("tick_arena_ccu")).toBe(3);
    expect(before.value("tick_arena_rooms")).toBe(1);
    expect(before.value("tick_arena_rooms_by_type", { type: RoomName.Arena })).toBe(1);
    expect(before.value("tick_arena_rooms_by_type", { type: RoomName.Lobby })).toBe(0);

    let inputs = 0;
    await everyTick(DEFAULT_TICK_RATE, 1500, 1, () => {
      for (const p of three) p.send({ moveX: 1, aimX: 1, fire: true });
      inputs += three.length;
    });
    await sleep(200);
    const after = await scrape();
    const grew = (name: string): number => after.value(name) - before.value(name);
    console.log(
      JSON.stringify({
        inputs,
        ticks: grew("tick_arena_tick_duration_seconds_count"),
        patches: grew("tick_arena_patch_duration_seconds_count"),
        messagesIn: grew("tick_arena_messages_in_total"),
        messagesOut: grew("tick_arena_messages_out_total"),
        bytesOut: grew("tick_arena_bytes_out_total"),
        patchBytes: grew("tick_arena_patch_bytes_total"),
      }),
    );
    // One room: about tickRate steps and PATCH_RATE_HZ patches a second.
    expect(grew("tick_arena_tick_duration_seconds_count")).toBeGreaterThan(DEFAULT_TICK_RATE * 1.5 * 0.7);
    expect(grew("tick_arena_tick_duration_seconds_sum")).toBeGreaterThan(0);
    expect(grew("tick_arena_patch_duration_seconds_count")).toBeGreaterThan(PATCH_RATE_HZ * 1.5 * 0.7);
    // Every input is a WebSocket message; every patch goes to each of the three.
    expect(grew("tick_arena_messages_in_total")).toBeGreaterThanOrEqual(inputs);
    expect(grew("tick_arena_bytes_in_total")).toBeGreaterThan(inputs);
    expect(grew("tick_arena_messages_out_total")).toBeGreaterThan(three.length * PATCH_RATE_HZ * 1.5 * 0.7);
    expect(grew("tick_arena_patch_bytes_total")).toBeGreaterThan(0);
    expect(grew("tick_arena_patch_bytes_total")).toBeLessThanOrEqual(grew("tick_arena_bytes_out_total"));
    expect(after.value("tick_arena_state_bytes_total")).toBeGreaterThan(0); // three full states on join

    await three[0]!.room.leave();
    const two = await untilValue("tick_arena_ccu", 2);
    expect(two.value("tick_arena_ccu")).toBe(2);
  });

  it("leaves GET /metrics.json as it was: the JSON snapshot", async () => {
    const res = await fetch(`${server.url}/metrics.json?window=1`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsSnapshot & { faults: Record<string, number> };
    expect(Object.keys(m).sort()).toEqual(
      [
        "windowSeconds",
        "uptimeSeconds",
        "ccu",
        "rooms",
        "rssBytes",
        "heapUsedBytes",
        "cpuPercent",
        "tickBudgetMs",
        "tickMs",
        "patchMs",
        "eventLoopLagMs",
        "faults",
      ].sort(),
    );
    expect(m.ccu).toBe(2);
    expect(Object.keys(m.eventLoopLagMs)).toEqual(["p50", "p99", "max"]);
  });
});
