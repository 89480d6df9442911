/**
 * Everything a room does to keep one client from harming the others, in one place: every frame
 * screened before Colyseus parses it (frame-guard.ts, hooked through colyseus-seam.ts), a
 * deadline to acknowledge the join, socket faults remembered so no seat is held for them, and
 * readers that stopped reading cut before their backlog grows. A violation closes that client
 * alone (4002) and is logged at most once per interval.
 */
import { Protocol, type Client, type Room } from "@colyseus/core";
import { MAX_INPUTS_PER_TICK, MAX_MESSAGES_PER_SECOND } from "../../shared/constants.ts";
import { CloseCodes, INPUT_BATCH_CODE } from "../../shared/protocol.ts";
import { PlayerInput } from "../../shared/schema.ts";
import type { FaultLog } from "../log/fault-log.ts";
import {
  hasAcknowledgedJoin,
  inputStampShape,
  interceptClientFrames,
  outboundBufferedBytes,
  terminateSocket,
  type FrameVerdict,
} from "./colyseus-seam.ts";
import { FrameGuard, type FrameFault } from "./frame-guard.ts";
import { createInputFrameValidator } from "./input-guard.ts";
import type { ServerLimits } from "./limits.ts";
import { MessageWindow, TOO_MANY_MESSAGES, type TokenBucket } from "./rate-limiter.ts";

const inputBody = createInputFrameValidator(PlayerInput);
/** Largest reliable input frame: code byte, a stamp of up to 5 + 2 bytes, every field once. */
const MAX_INPUT_FRAME_BYTES = 1 + 7 + inputBody.maxBytes;

export interface ClientGuardOptions {
  readonly tickRate: number;
  readonly limits: Pick<ServerLimits, "joinAckTimeoutMs" | "maxOutboundBufferBytes">;
  readonly faults: FaultLog;
  /** Whether a session is a spectator (the room keeps that list; a reconnection keeps it). */
  readonly isSpectator: (sessionId: string) => boolean;
}

/**
 * What the guard keeps of one client connection, read once per frame. A reconnected client is
 * a new connection with a new record; what belongs to its session (spectator or not, the
 * input-rate budget) is carried over from the guard's per-session maps.
 */
interface GuardRecord {
  /** Closed for a fault: no seat is held for it, its frames are ignored. */
  faulted: boolean;
  /** A spectator: it has no ship, so an input frame from it is a violation. */
  watcher: boolean;
  /** Its session's input-frame rate (frame-guard.ts): a reconnection does not refill it. */
  readonly inputRate: TokenBucket;
  /** Frames it had delivered to Colyseus, per second (any kind; a batch's frames each). */
  readonly messages: MessageWindow;
}

/**
 * The record is a property of the Colyseus client object itself, under a symbol of ours, read
 * once per frame. Why not a WeakMap: this runs for every frame of every player, and at 1,000
 * players the objects it touches are mostly out of cache. With a WeakSet, a Set, a WeakMap and
 * a Map per frame (and an object behind each) screening a two-input message took ≈ 2.9 µs; with
 * one record ≈ 2.0 (docs/PERFORMANCE.md, "the guard's per-client state in one record").
 */
const RECORD = Symbol("tick-arena.client-guard");
type Guarded = Client & { [RECORD]?: GuardRecord };

/** One room's guard over its clients. */
export class ClientGuard {
  private readonly frames: FrameGuard;
  /** Each session's input-rate bucket, read when a connection's record is made. */
  private readonly inputRates = new Map<string, TokenBucket>();

  /** Hooks the guard into `room`; call it in `onCreate`, after `allowRewindState` if used. */
  constructor(
    private readonly room: Room,
    private readonly options: ClientGuardOptions,
  ) {
    this.frames = new FrameGuard({
      isValidInputBody: inputBody.isValid,
      maxInputFrameBytes: MAX_INPUT_FRAME_BYTES,
      stamp: inputStampShape(room),
      // An honest client sends one frame per tick. Up to ten per tick are tolerated (they
      // never move a ship faster: one is consumed per step); beyond that a client only costs
      // us CPU. A second's worth may arrive at once, as after a network stall.
      inputRate: { perSecond: MAX_INPUTS_PER_TICK * options.tickRate, burst: MAX_INPUTS_PER_TICK * options.tickRate },
      acceptsMessages: true,
    });
    interceptClientFrames(room, (client, frame) => this.screen(client, frame));
  }

  /**
   * A client took its seat, first or again after a drop. Its socket's own faults (an oversized
   * or invalid frame) come as an error just before a close that reads as 1006, like a network
   * drop: remember them. And a seat taken but never acknowledged (closed tab, broken or hostile
   * client) would be held, with messages queued for it, forever: close it after the deadline.
   */
  seated(client: Client): void {
    client.ref.once("error", (error: Error) => {
      this.recordOf(client).faulted = true;
      this.options.faults.report({ kind: "socket-error", offender: client.sessionId, detail: error.message });
    });
    // The room's clock: the deadline stops with the room.
    this.room.clock.setTimeout(() => {
      if (this.room.clients.includes(client) && !hasAcknowledgedJoin(client)) {
        this.reject(client, "join-not-acknowledged", "join not acknowledged in time");
      }
    }, this.options.limits.joinAckTimeoutMs);
  }

  /** True when the client was closed for a fault (no seat is held for it). */
  isFaulted(client: Client): boolean {
    return (client as Guarded)[RECORD]?.faulted === true;
  }

  /**
   * The room made this client a spectator: it may chat but sends no inputs. (A record made
   * later reads the room's list itself; this updates one made before.)
   */
  watching(client: Client): void {
    this.recordOf(client).watcher = true;
  }

  /** Forgets a session that left for good. */
  forget(sessionId: string): void {
    this.inputRates.delete(sessionId);
  }

  /** Closes a client that sent a message the room does not offer (4002). */
  refuseMessage(client: Client, type: unknown): void {
    this.reject(client, "unknown-message", `unknown message type ${JSON.stringify(String(type).slice(0, 32))}`);
  }

  /**
   * Call after each patch: a client with more than `maxOutboundBufferBytes` waiting stopped
   * reading (or reads far slower than we send); its socket is cut so memory stays flat. That
   * reads as a network drop, so the seat is held for the usual grace period.
   */
  cutStalledReaders(): void {
    const max = this.options.limits.maxOutboundBufferBytes;
    for (const client of this.room.clients) {
      const queued = outboundBufferedBytes(client);
      if (queued <= max) continue;
      this.options.faults.report({
        kind: "stalled-reader",
        offender: client.sessionId,
        detail: `${queued} bytes queued`,
      });
      terminateSocket(client);
    }
  }

  /** The client's record, made at its first frame (or when it is first marked). */
  private recordOf(client: Client): GuardRecord {
    const guarded = client as Guarded;
    let record = guarded[RECORD];
    if (record === undefined) {
      let inputRate = this.inputRates.get(client.sessionId);
      if (inputRate === undefined) {
        inputRate = this.frames.inputRate();
        this.inputRates.set(client.sessionId, inputRate);
      }
      record = {
        faulted: false,
        watcher: this.options.isSpectator(client.sessionId),
        inputRate,
        messages: new MessageWindow(MAX_MESSAGES_PER_SECOND),
      };
      guarded[RECORD] = record;
    }
    return record;
  }

  /** The verdict on one client frame; a violation closes that client alone. */
  private screen(client: Client, frame: Uint8Array): FrameVerdict {
    const record = this.recordOf(client);
    if (record.faulted) return "drop";
    const head = frame[0] ?? 0;
    const code = head & 0x1f;
    if (
      record.watcher &&
      (code === Protocol.ROOM_INPUT_RELIABLE || code === Protocol.ROOM_INPUT_UNRELIABLE || head === INPUT_BATCH_CODE)
    ) {
      this.reject(client, "spectator-input", "spectators send no inputs");
      return "drop";
    }
    if (head === INPUT_BATCH_CODE) {
      const frames = this.frames.checkBatch(record.inputRate, frame);
      if (typeof frames !== "string") return this.withinMessageRate(client, record, frames.length) ? frames : "drop";
      this.reject(client, frames, describeFault(frames));
      return "drop";
    }
    const fault = this.frames.check(record.inputRate, frame);
    if (fault === null) return this.withinMessageRate(client, record, 1) ? "deliver" : "drop";
    this.reject(client, fault, describeFault(fault));
    return "drop";
  }

  /**
   * Counts `n` frames about to reach Colyseus against `MAX_MESSAGES_PER_SECOND`, on the room's
   * clock as Colyseus's own `maxMessagesPerSecond` check does, one frame earlier than it
   * (rate-limiter.ts): a client over the limit (a PING flood, say) is closed here, with a reason.
   */
  private withinMessageRate(client: Client, record: GuardRecord, n: number): boolean {
    if (record.messages.take(this.room.clock.currentTime, n)) return true;
    this.reject(client, "message-flood", TOO_MANY_MESSAGES);
    return false;
  }

  /** Closes a client for a protocol violation (4002): logged once per interval, no seat held. */
  private reject(client: Client, kind: string, reason: string): void {
    const record = this.recordOf(client);
    if (record.faulted) return;
    record.faulted = true;
    this.options.faults.report({ kind, offender: client.sessionId, detail: reason });
    client.leave(CloseCodes.ProtocolError, reason);
  }
}

/** The close reason a client reads for each frame fault. */
function describeFault(fault: FrameFault): string {
  switch (fault) {
    case "unreliable-input":
      return "the unreliable input channel is not offered";
    case "message-not-offered":
    case "unknown-code":
      return "unknown message type";
    case "input-flood":
      return "input frames over the rate limit";
    case "input-too-large":
    case "malformed-batch":
    case "malformed-input":
    case "bad-input-stamp":
      return "malformed input frame";
    default:
      return "malformed frame";
  }
}
