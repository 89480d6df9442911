/**
 * Bytes up and down on the room connection, per second, for the debug overlay: counted where
 * the SDK hands frames to its socket and where the socket hands them back.
 */
import type { SimulatedConnection } from "./network-sim.ts";

/** Bytes per second over the last whole second, each way. */
export interface TrafficRates {
  readonly downBytesPerSec: number;
  readonly upBytesPerSec: number;
}

/** Counts a connection's bytes; `rates(now)` gives the last complete second. */
export class TrafficCounter {
  private down = 0;
  private up = 0;
  private windowStart = Number.NaN;
  private last: TrafficRates = { downBytesPerSec: 0, upBytesPerSec: 0 };

  /** Rates over the last complete one-second window ending at or before `nowMs`. */
  rates(nowMs: number): TrafficRates {
    if (Number.isNaN(this.windowStart)) this.windowStart = nowMs;
    const elapsed = nowMs - this.windowStart;
    if (elapsed >= 1000) {
      this.last = { downBytesPerSec: (this.down * 1000) / elapsed, upBytesPerSec: (this.up * 1000) / elapsed };
      this.down = 0;
      this.up = 0;
      this.windowStart = nowMs;
    }
    return this.last;
  }

  addDown(bytes: number): void {
    this.down += bytes;
  }

  addUp(bytes: number): void {
    this.up += bytes;
  }
}

/** Size of a received message event's payload (ArrayBuffer, typed array or Blob-less Node data). */
function sizeOf(event: unknown): number {
  const data = (event as { data?: unknown } | null)?.data;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof data === "string") return data.length;
  return 0;
}

/** Wraps the connection's send paths and message handler to count bytes both ways. */
export function countTraffic(connection: SimulatedConnection): TrafficCounter {
  const counter = new TrafficCounter();
  const send = connection.send.bind(connection);
  const sendUnreliable = connection.sendUnreliable.bind(connection);
  connection.send = (data) => {
    counter.addUp(data.byteLength);
    send(data);
  };
  connection.sendUnreliable = (data) => {
    counter.addUp(data.byteLength);
    sendUnreliable(data);
  };
  const events = connection.events;
  const onmessage = events.onmessage;
  events.onmessage = (event: unknown) => {
    counter.addDown(sizeOf(event));
    onmessage?.(event);
  };
  return counter;
}
