/**
 * The one place that reaches into `ws` internals: server-to-client binary messages written as
 * one buffer, header and payload together, in one `socket.write`.
 *
 * Why: ws 8's `Sender` frames a server message as two chunks, a 2–10 byte header and the
 * payload, and writes them between `socket.cork()` and `socket.uncork()` (ws/lib/sender.js
 * `sendFrame`, line 566). Node then buffers both chunks in the Writable, builds a chunk array
 * and a write request for `writev`, and frees them after: for our messages, a state patch of
 * ~140 bytes to each client 20 times a second, that JavaScript costs more than the copy of
 * the bytes. The CPU profile at 1,500 CCU put ~7 % of the server's busy time in the
 * cork/uncork/writev path around the syscall (docs/PERFORMANCE.md); copying the payload behind
 * its header (a slice of Node's buffer pool) and writing once is cheaper.
 *
 * Where it applies (anything else goes through ws's own `send`, unchanged):
 * - the socket is OPEN, and ws's sender is idle (`_state` DEFAULT: nothing queued behind a
 *   compression or a Blob read) and not in the middle of a fragmented message;
 * - no permessage-deflate was negotiated (Colyseus's transport turns it off by default);
 * - the socket is a server's (a client's frames are masked), and the message is binary, final,
 *   unmasked, its data a `Uint8Array`.
 * Then the bytes on the wire are exactly ws's (test/unit/server/ws-seam.test.ts compares them), the
 * order of frames is kept (every write, ws's or ours, is one whole frame appended to the same
 * socket, synchronously), and the callback is called when the write completes or fails, as
 * ws's is. A copy also means the transport never holds a buffer its caller may reuse.
 *
 * Verified on ws 8.23.0 (pinned exactly in package.json); `test/unit/server/ws-seam.test.ts` fails
 * loudly when the installed version or any internal used here changes.
 */
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import WebSocket from "ws";

/** The ws version this module was verified on. */
export const VERIFIED_WS = "8.23.0";

/** The installed ws version. */
export function installedWs(): string {
  const require = createRequire(import.meta.url);
  return (require("ws/package.json") as { version: string }).version;
}

/** ws's `Sender` `_state` when nothing is queued (ws/lib/sender.js:22, `DEFAULT = 0`). */
const SENDER_IDLE = 0;
/** The extension whose presence means frames may need compressing: then ws frames them. */
const DEFLATE = "permessage-deflate";

/** The internals of a ws `WebSocket` this module reads (all private in ws). */
export interface WsInternals {
  _isServer?: boolean;
  _socket?: Socket;
  _extensions?: Record<string, unknown>;
  _sender?: { _state?: number; _firstFragment?: boolean } | null;
}

/** What ws's `send` accepts as options (the subset a server passes). */
export interface WsSendOptions {
  binary?: boolean;
  compress?: boolean;
  fin?: boolean;
  mask?: boolean;
}

/**
 * Writes `data` as one final binary frame in a single `socket.write` when the socket and the
 * message allow it (above); returns false, having written nothing, when they do not, and the
 * caller then sends through ws.
 */
export function writeBinaryFrame(
  ws: WebSocket,
  data: unknown,
  options: WsSendOptions | undefined,
  cb: ((err?: Error) => void) | undefined,
): boolean {
  if (!(data instanceof Uint8Array)) return false;
  // ws spreads the caller's options over its defaults, so a key given as undefined overrides
  // them (`{ binary: undefined }` is a text frame): only true (or absent) is ours.
  if (
    options !== undefined &&
    (("binary" in options && options.binary !== true) ||
      ("fin" in options && options.fin !== true) ||
      options.mask === true)
  ) {
    return false;
  }
  if (ws.readyState !== WebSocket.OPEN) return false;
  const inner = ws as unknown as WsInternals;
  // A client's frames are masked: only a server's socket is ours.
  if (inner._isServer !== true) return false;
  const sender = inner._sender;
  const socket = inner._socket;
  if (
    sender === undefined ||
    sender === null ||
    sender._state !== SENDER_IDLE ||
    sender._firstFragment !== true ||
    socket === undefined ||
    inner._extensions === undefined ||
    inner._extensions[DEFLATE] !== undefined
  ) {
    return false;
  }
  // ws hands its callback to `socket.write` just so (sender.js:570), whatever Node passes it.
  socket.write(frameOf(data), cb as ((err?: Error | null) => void) | undefined);
  return true;
}

/**
 * One unmasked, final binary WebSocket frame (RFC 6455 §5.2) holding `payload`: the header
 * (FIN + opcode 2, then a 7-bit, 16-bit or 64-bit length) followed by a copy of the payload.
 */
export function frameOf(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  // Small sizes come from Node's shared pool: a slice, no allocation of its own.
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x82;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerLength);
  return frame;
}
