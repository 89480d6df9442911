/**
 * The Prometheus side of the server's figures: the fixed-bucket histogram rooms record into, its
 * exposition (seconds, cumulative buckets), the counters read from plain fields, room counts by
 * type, the GC histogram, and the socket class that counts WebSocket traffic (the last test on a
 * loopback socket pair: ws only sends on a connected socket).
 */
import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { Protocol, type RegisteredHandler } from "@colyseus/core";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { FaultLog } from "../../../server/log/fault-log.ts";
import { CumulativeHistogram } from "../../../server/metrics/histogram.ts";
import { GC_METRIC, PrometheusMetrics } from "../../../server/metrics/prometheus.ts";
import { ServerMetrics } from "../../../server/metrics/server-metrics.ts";
import { countingWebSocket, newWireCounters } from "../../../server/metrics/wire-counters.ts";
import { parsePrometheusText } from "../../prometheus-text.ts";

describe("CumulativeHistogram", () => {
  it("counts each sample in the first bucket whose bound it does not exceed", () => {
    const h = new CumulativeHistogram([1, 5, 10]);
    for (const ms of [0, 1, 1.0001, 5, 7, 10, 11, 500]) h.record(ms);
    expect(h.cumulative()).toEqual([2, 4, 6]);
    expect(h.count).toBe(8);
    expect(h.sumMs).toBeCloseTo(535.0001, 9);
  });

  it("ignores non-finite samples and refuses bounds that are not ascending and positive", () => {
    const h = new CumulativeHistogram([1]);
    h.record(Number.NaN);
    h.record(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(0);
    expect(h.sumMs).toBe(0);
    expect(() => new CumulativeHistogram([1, 1])).toThrow(/ascending/);
    expect(() => new CumulativeHistogram([2, 1])).toThrow(/ascending/);
    expect(() => new CumulativeHistogram([0, 1])).toThrow(/positive/);
  });
});

describe("PrometheusMetrics", () => {
  const started: { prometheus: PrometheusMetrics; metrics: ServerMetrics }[] = [];
  afterEach(() => {
    for (const s of started.splice(0)) {
      s.prometheus.stop();
      s.metrics.stop();
    }
  });

  function start(counts = { ccu: 0, rooms: 0 }, faults?: FaultLog) {
    const metrics = new ServerMetrics(1000 / 30, () => counts);
    const prometheus = new PrometheusMetrics({ metrics, ...(faults !== undefined ? { faults } : {}) });
    started.push({ prometheus, metrics });
    return { metrics, prometheus };
  }

  it("exposes the tick and patch histograms in seconds, with the tick budget as a bucket", async () => {
    const { metrics, prometheus } = start();
    for (const ms of [0.05, 0.3, 2, 30, 40, 200]) metrics.recordTick(ms);
    metrics.recordPatch(0.2);
    const text = await prometheus.text();
    const m = parsePrometheusText(text);
    const tick = "tick_arena_tick_duration_seconds";
    expect(m.families.get(tick)?.type).toBe("histogram");
    expect(m.value(`${tick}_bucket`, { le: "0.0001" })).toBe(1);
    expect(m.value(`${tick}_bucket`, { le: "0.0005" })).toBe(2);
    expect(m.value(`${tick}_bucket`, { le: "0.0025" })).toBe(3);
    // 1000 / 30 ms, to the µs: 30 ms is within the budget, 40 ms is not.
    expect(m.value(`${tick}_bucket`, { le: "0.033333" })).toBe(4);
    expect(m.value(`${tick}_bucket`, { le: "0.05" })).toBe(5);
    expect(m.value(`${tick}_bucket`, { le: "0.1" })).toBe(5);
    expect(m.value(`${tick}_bucket`, { le: "+Inf" })).toBe(6);
    expect(m.value(`${tick}_count`)).toBe(6);
    expect(m.value(`${tick}_sum`)).toBeCloseTo(0.27235, 9);
    expect(m.value("tick_arena_patch_duration_seconds_count")).toBe(1);
    expect(m.value("tick_arena_patch_duration_seconds_bucket", { le: "0.00025" })).toBe(1);
    // Bounds print without float noise.
    expect(text).not.toMatch(/le="[0-9.]*0000000/);
  });

  it("reads CCU, rooms, traffic and faults when scraped", async () => {
    const counts = { ccu: 3, rooms: 1 };
    const faults = new FaultLog({ sink: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    const { metrics, prometheus } = start(counts, faults);
    Object.assign(metrics.wire, {
      messagesIn: 10,
      bytesIn: 200,
      messagesOut: 7,
      bytesOut: 900,
      patchBytesOut: 600,
      stateBytesOut: 250,
    });
    faults.report({ kind: "malformed-input", offender: "a" });
    faults.report({ kind: "malformed-input", offender: "b" });
    let m = parsePrometheusText(await prometheus.text());
    expect(m.value("tick_arena_ccu")).toBe(3);
    expect(m.value("tick_arena_rooms")).toBe(1);
    expect(m.value("tick_arena_messages_in_total")).toBe(10);
    expect(m.value("tick_arena_bytes_in_total")).toBe(200);
    expect(m.value("tick_arena_messages_out_total")).toBe(7);
    expect(m.value("tick_arena_bytes_out_total")).toBe(900);
    expect(m.value("tick_arena_patch_bytes_total")).toBe(600);
    expect(m.value("tick_arena_state_bytes_total")).toBe(250);
    expect(m.value("tick_arena_client_faults_total", { kind: "malformed-input" })).toBe(2);
    expect(m.families.get("tick_arena_messages_in_total")?.type).toBe("counter");
    expect(m.families.get("tick_arena_ccu")?.type).toBe("gauge");

    // Scraped again: totals, not increments, and CCU as it is now.
    counts.ccu = 2;
    metrics.wire.messagesIn = 15;
    m = parsePrometheusText(await prometheus.text());
    expect(m.value("tick_arena_ccu")).toBe(2);
    expect(m.value("tick_arena_messages_in_total")).toBe(15);
    expect(m.value("tick_arena_client_faults_total", { kind: "malformed-input" })).toBe(2);
    faults.stop();
  });

  it("counts rooms by type from the handlers' create and dispose events", async () => {
    const { prometheus } = start();
    const arena = new EventEmitter();
    const lobby = new EventEmitter();
    prometheus.countRooms({ arena, lobby } as unknown as Record<string, RegisteredHandler>);
    arena.emit("create", {});
    arena.emit("create", {});
    lobby.emit("create", {});
    arena.emit("dispose", {});
    const m = parsePrometheusText(await prometheus.text());
    expect(m.value("tick_arena_rooms_by_type", { type: "arena" })).toBe(1);
    expect(m.value("tick_arena_rooms_by_type", { type: "lobby" })).toBe(1);
  });

  it("lists every GC kind from the first scrape and records every collection", async () => {
    const { prometheus } = start();
    let m = parsePrometheusText(await prometheus.text());
    const kinds = ["major", "minor", "incremental", "weakcb"];
    for (const kind of kinds) expect(m.value(`${GC_METRIC}_count`, { kind })).toBeGreaterThanOrEqual(0);
    expect(m.families.get(GC_METRIC)?.type).toBe("histogram");
    // Garbage enough for scavenges, then a turn of the loop for the observer.
    let keep: unknown[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100_000; i++) keep.push({ i, a: [i] });
      keep = [];
    }
    expect(keep).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    m = parsePrometheusText(await prometheus.text());
    const total = kinds.reduce((n, kind) => n + m.value(`${GC_METRIC}_count`, { kind }), 0);
    expect(total).toBeGreaterThan(0);
  });

  it("has HELP and TYPE for every metric, and a content type for the text format", async () => {
    const { prometheus } = start();
    const m = parsePrometheusText(await prometheus.text());
    for (const family of m.families.values()) {
      expect(family.help, family.name).toBeTruthy();
      expect(family.type, family.name).toBeTruthy();
    }
    expect(m.families.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);
    expect(m.families.has("tick_arena_event_loop_lag_p99_seconds")).toBe(true);
    expect(prometheus.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe("countingWebSocket", () => {
  it("counts every message received, and passes events on with the arguments they came with", () => {
    const wire = newWireCounters();
    // As ws's server builds its sockets: no address, the server's options.
    const Socket = countingWebSocket(wire) as unknown as new (
      address: null,
      protocols: undefined,
      options: object,
    ) => WebSocket;
    const socket = new Socket(null, undefined, {});
    const seen: unknown[][] = [];
    socket.on("message", (...args: unknown[]) => seen.push(args));
    socket.on("ping", (...args: unknown[]) => seen.push(args));
    socket.emit("message", Buffer.alloc(12), true);
    socket.emit("message", Buffer.alloc(3), true);
    socket.emit("ping", Buffer.alloc(4));
    expect(wire.messagesIn).toBe(2);
    expect(wire.bytesIn).toBe(15);
    expect(seen.map((args) => args.length)).toEqual([2, 2, 1]);
  });

  it("counts what a server sends on open sockets, patches and full states apart (loopback)", async () => {
    const wire = newWireCounters();
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1", WebSocket: countingWebSocket(wire) });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as AddressInfo;
    const sent = new Promise<void>((resolve) => {
      server.once("connection", (socket: WebSocket) => {
        socket.send(Uint8Array.of(Protocol.ROOM_STATE_PATCH | 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9)); // TIMED patch
        socket.send(Uint8Array.of(Protocol.ROOM_STATE_PATCH, 1, 2), { binary: true });
        socket.send(Uint8Array.of(Protocol.ROOM_STATE, 1, 2, 3, 4), () => undefined);
        socket.send(Uint8Array.of(Protocol.ROOM_DATA, 1));
        socket.send("héllo");
        socket.on("message", () => {
          if (wire.messagesIn === 2) resolve();
        });
      });
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const received = new Promise<void>((resolve) => {
      let n = 0;
      client.on("message", () => {
        if (++n === 5) resolve();
      });
    });
    await new Promise<void>((resolve) => client.once("open", () => resolve()));
    client.send(Uint8Array.of(1, 2, 3));
    client.send(Uint8Array.of(4));
    await Promise.all([sent, received]);
    expect(wire).toEqual({
      messagesIn: 2,
      bytesIn: 4,
      messagesOut: 5,
      bytesOut: 10 + 3 + 5 + 2 + 6,
      patchBytesOut: 13,
      stateBytesOut: 5,
    });
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
