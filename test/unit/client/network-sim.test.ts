/** The network-conditions simulator: query parsing, and delay, order and loss on a fake link. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  hasNetworkEffects,
  parseNetworkConditions,
  RETRANSMIT_MS,
  simulateNetwork,
  type SimulatedConnection,
} from "../../../client/src/net/network-sim.ts";

describe("parseNetworkConditions", () => {
  it("reads lag, jitter and loss from the query string", () => {
    expect(parseNetworkConditions("?lag=150&jitter=30&loss=1")).toEqual({ lagMs: 150, jitterMs: 30, lossPercent: 1 });
    expect(parseNetworkConditions("?lag=80")).toEqual({ lagMs: 80, jitterMs: 0, lossPercent: 0 });
  });

  it("is null without any of them, so nothing is wrapped", () => {
    expect(parseNetworkConditions("")).toBeNull();
    expect(parseNetworkConditions("?name=x")).toBeNull();
    expect(hasNetworkEffects({ lagMs: 0, jitterMs: 0, lossPercent: 0 })).toBe(false);
  });

  it("clamps silly values", () => {
    expect(parseNetworkConditions("?lag=-5&jitter=abc&loss=400")).toEqual({ lagMs: 0, jitterMs: 0, lossPercent: 100 });
    expect(parseNetworkConditions("?lag=1e9")?.lagMs).toBe(2000);
  });
});

describe("simulateNetwork", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "performance"] }));
  afterEach(() => vi.useRealTimers());

  function link(): { conn: SimulatedConnection; sent: number[]; received: number[] } {
    const sent: number[] = [];
    const received: number[] = [];
    const conn: SimulatedConnection = {
      send: (d) => sent.push(d[0]!),
      sendUnreliable: (d) => sent.push(d[0]!),
      isOpen: true,
      events: { onmessage: (e) => received.push((e as { n: number }).n), onclose: null, onopen: null },
    };
    return { conn, sent, received };
  }

  it("holds each direction back lag/2 and keeps order", () => {
    const { conn, sent, received } = link();
    simulateNetwork(conn, { lagMs: 100, jitterMs: 0, random: () => 0.5 });
    conn.send(Uint8Array.of(1));
    conn.send(Uint8Array.of(2));
    conn.events.onmessage?.({ n: 7 });
    vi.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    expect(received).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1, 2]);
    expect(received).toEqual([7]);
  });

  it("retransmits a lost frame and holds the ones behind it (head-of-line blocking)", () => {
    const { conn, sent } = link();
    const draws = [0.5, 0.0, 0.5, 0.99]; // jitter, loss (lost), jitter, loss (kept)
    simulateNetwork(conn, { lagMs: 100, jitterMs: 0, lossPercent: 50, random: () => draws.shift() ?? 0.5 });
    conn.send(Uint8Array.of(1)); // lost: 50 + 200 ms
    conn.send(Uint8Array.of(2)); // on time at 50 ms, but behind 1
    vi.advanceTimersByTime(60);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(50 + RETRANSMIT_MS - 60);
    expect(sent).toEqual([1, 2]);
  });
});
