/**
 * WebSocket traffic of one server, counted where every message passes: the `ws` socket itself.
 * The transport is given a `WebSocket` subclass (the `WebSocket` option of ws's server, which
 * Colyseus's transport passes through) whose `send` and `emit("message")` bump plain number
 * fields; `/metrics` reads them when scraped. One subclass per server, so several servers in
 * one process (tests) count apart. Counting costs a few additions per message and allocates nothing.
 *
 * What counts: WebSocket data messages on every socket of the server's transport (arena,
 * lobby, ranked queue, and the SDK's room-less ping sockets). Not counted: control frames
 * (ping, pong, close) and the WebSocket framing bytes; bytes are message payload bytes.
 */
import { Protocol } from "@colyseus/core";
import WebSocket from "ws";
import { writeBinaryFrame, type WsSendOptions } from "../transport/ws-seam.ts";

/** Running totals since the server started. */
export interface WireCounters {
  /** Data messages received from clients. */
  messagesIn: number;
  /** Payload bytes of those messages. */
  bytesIn: number;
  /** Data messages sent to clients (only those sent on an open socket). */
  messagesOut: number;
  /** Payload bytes of those messages. */
  bytesOut: number;
  /**
   * Payload bytes of the state patches among them (Colyseus `ROOM_STATE_PATCH` frames, each
   * client's own frame as sent: its timing prefix and, in large rooms, its own view).
   */
  patchBytesOut: number;
  /** Full states sent (`ROOM_STATE`: on join and reconnection): payload bytes. */
  stateBytesOut: number;
}

/** All zeros. */
export function newWireCounters(): WireCounters {
  return { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0, patchBytesOut: 0, stateBytesOut: 0 };
}

/** The low five bits of a Colyseus frame's first byte; the high three are modifiers (TIMED...). */
const PROTOCOL_CODE_MASK = 0x1f;

type SendCallback = (err?: Error) => void;

/**
 * A `WebSocket` class for the transport's `WebSocket` option: every socket of that transport
 * counts its traffic into `wire`, and writes binary messages as one frame per write
 * (transport/ws-seam.ts).
 */
export function countingWebSocket(wire: WireCounters): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    override send(data: WebSocketData, options?: WsSendOptions | SendCallback, cb?: SendCallback): void {
      if (this.readyState === WebSocket.OPEN) {
        const bytes = byteLengthOf(data);
        wire.messagesOut += 1;
        wire.bytesOut += bytes;
        if (data instanceof Uint8Array && data.byteLength > 0) {
          const code = data[0]! & PROTOCOL_CODE_MASK;
          if (code === Protocol.ROOM_STATE_PATCH) wire.patchBytesOut += bytes;
          else if (code === Protocol.ROOM_STATE) wire.stateBytesOut += bytes;
        }
      }
      const callback = typeof options === "function" ? options : cb;
      if (writeBinaryFrame(this, data, typeof options === "function" ? undefined : options, callback)) return;
      // The two overloads of ws's send, passed through as they came.
      if (typeof options === "function") super.send(data, options);
      else if (options === undefined) super.send(data, cb);
      else super.send(data, options, cb);
    }

    // Fixed arity, no rest array: this runs for every message received. ws emits at most two
    // arguments with any event; trailing undefined arguments are not passed on.
    override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
      if (event === "message") {
        wire.messagesIn += 1;
        wire.bytesIn += byteLengthOf(a);
      }
      if (b !== undefined) return super.emit(event, a, b);
      if (a !== undefined) return super.emit(event, a);
      return super.emit(event);
    }
  };
}

/** What ws's `send` takes. */
type WebSocketData = Parameters<WebSocket["send"]>[0];

/** Payload bytes of a message as ws hands it over or is given it; 0 for shapes nobody here uses. */
function byteLengthOf(data: unknown): number {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  if (typeof data === "string") return Buffer.byteLength(data);
  if (Array.isArray(data)) {
    // binaryType "fragments": the message's fragments.
    let n = 0;
    for (const part of data) n += byteLengthOf(part);
    return n;
  }
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
