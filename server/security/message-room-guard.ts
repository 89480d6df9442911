/**
 * The frame guard for rooms that take only small messages and no inputs: the lobby and the
 * ranked queue (stock Colyseus rooms). Without it, their sockets would reach Colyseus's input
 * decoders unscreened (a 10-byte unreliable-input frame froze the process; see issue 6), so
 * every frame's code and size are checked before Colyseus parses it: control frames and small
 * messages pass (Colyseus decodes a message's msgpack payload), anything else, more than a few
 * messages a second, or more than `MAX_MESSAGES_PER_SECOND` frames of any kind a second (a PING
 * flood), closes that client alone (4002), as the arena does.
 */
import { Protocol, type Room } from "@colyseus/core";
import { MAX_MESSAGES_PER_SECOND } from "../../shared/constants.ts";
import { CloseCodes } from "../../shared/protocol.ts";
import type { FaultLog } from "../log/fault-log.ts";
import { interceptClientFrames } from "./colyseus-seam.ts";
import { MessageWindow, TokenBucket, TOO_MANY_MESSAGES } from "./rate-limiter.ts";

/** Largest message frame these rooms take (a lobby filter, a queue confirm). */
export const MAX_MESSAGE_BYTES = 512;
/** Messages per second a client may send, and at once. */
export const MESSAGE_RATE = { perSecond: 5, burst: 20 };

/** Hooks the guard into `room`; call it first thing in `onCreate`. */
export function guardMessageRoom(room: Room, faults: FaultLog): void {
  const buckets = new WeakMap<object, TokenBucket>();
  const windows = new WeakMap<object, MessageWindow>();
  const refused = new WeakSet<object>();
  interceptClientFrames(room, (client, frame) => {
    if (refused.has(client)) return "drop";
    const fault = check(frame);
    let problem = fault;
    if (problem === null && (frame[0]! & 0x1f) === Protocol.ROOM_DATA) {
      let bucket = buckets.get(client);
      if (bucket === undefined) {
        bucket = new TokenBucket(MESSAGE_RATE, performance.now());
        buckets.set(client, bucket);
      }
      if (!bucket.take(performance.now())) problem = "message flood";
    }
    if (problem === null) {
      // Every frame counts, pings included. These rooms leave Colyseus's own limit off
      // (maxMessagesPerSecond: Infinity), so this window needs no common clock with it.
      let window = windows.get(client);
      if (window === undefined) {
        window = new MessageWindow(MAX_MESSAGES_PER_SECOND);
        windows.set(client, window);
      }
      if (!window.take(performance.now())) problem = TOO_MANY_MESSAGES;
    }
    if (problem === null) return "deliver";
    refused.add(client);
    faults.report({ kind: "message-room-frame", offender: client.sessionId, detail: `${room.roomName}: ${problem}` });
    client.leave(CloseCodes.ProtocolError, problem);
    return "drop";
  });
}

function check(frame: Uint8Array): string | null {
  if (frame.byteLength === 0) return "empty frame";
  const head = frame[0]!;
  if ((head & ~0x1f) !== 0) return "malformed frame";
  switch (head) {
    case Protocol.JOIN_ROOM:
    case Protocol.LEAVE_ROOM:
    case Protocol.PING:
      return frame.byteLength === 1 ? null : "malformed frame";
    case Protocol.ROOM_DATA:
      return frame.byteLength <= MAX_MESSAGE_BYTES ? null : "message too large";
    default:
      return "unknown message type";
  }
}
