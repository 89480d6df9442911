/**
 * The frame guard for rooms that take only small messages and no inputs: the lobby and the
 * ranked queue (stock Colyseus rooms). Without it, their sockets would reach Colyseus's input
 * decoders unscreened (a 10-byte unreliable-input frame froze the process; see issue 6), so
 * every frame is checked before Colyseus parses it: control frames and small messages pass,
 * anything else, or more than a few messages a second, closes that client alone (4002).
 */
import { Protocol, type Room } from "@colyseus/core";
import { CloseCodes } from "../../shared/protocol.ts";
import type { FaultLog } from "../log/fault-log.ts";
import { interceptClientFrames } from "./colyseus-seam.ts";
import { TokenBucket } from "./rate-limiter.ts";

/** Largest message frame these rooms take (a lobby filter, a queue confirm). */
const MAX_MESSAGE_BYTES = 512;
/** Messages per second a client may send, and at once. */
const MESSAGE_RATE = { perSecond: 5, burst: 20 };

/** Hooks the guard into `room`; call it first thing in `onCreate`. */
export function guardMessageRoom(room: Room, faults: FaultLog): void {
  const buckets = new WeakMap<object, TokenBucket>();
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
