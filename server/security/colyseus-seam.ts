/**
 * The one place that reaches into Colyseus internals. Everything here was read in, and verified
 * against, @colyseus/core 0.18.17 (pinned exactly in package.json); `test/unit/colyseus-seam.test.ts`
 * fails loudly if any of it changes in another version.
 *
 * Why we need it: Colyseus offers no supported hook that sees a client's frame before it parses
 * it. `Room._onMessage` (core/build/Room.mjs:1388) dispatches every frame straight into the
 * input decoders; the unreliable-input path allocates an array from a client-supplied count
 * before anything of ours runs (a 10-byte frame asked for four billion entries). So we wrap the
 * room instance's `_onMessage`: Colyseus binds `this._onMessage` for every socket it accepts, on
 * join *and* on reconnection (Room.mjs:1146), so an instance property is seen by every socket
 * of the room and survives reconnections. Core itself patches `_onMessage` the same way for
 * latency simulation (core/build/Server.mjs:320-337).
 */
import { createRequire } from "node:module";
import type { Client, Room } from "@colyseus/core";

/** The @colyseus/core version this module was verified on. */
export const VERIFIED_COLYSEUS_CORE = "0.18.17";

/** The installed @colyseus/core version. */
export function installedColyseusCore(): string {
  const require = createRequire(import.meta.url);
  return (require("@colyseus/core/package.json") as { version: string }).version;
}

/**
 * What the frame filter decides for one client frame: deliver it, drop it, or deliver these
 * frames in its place, in order (a batch unpacked into its frames).
 */
export type FrameVerdict = "deliver" | "drop" | readonly Uint8Array[];

/** Sees every frame a client sends to the room before Colyseus parses it. */
export type FrameFilter = (client: Client, frame: Uint8Array) => FrameVerdict;

type MessageHandler = (client: Client, frame: Uint8Array) => void;

/**
 * Routes every frame that reaches `room` through `filter` first; only "deliver" frames reach
 * Colyseus. Must be called in `onCreate`, before any client joins. Throws if the Colyseus
 * method it wraps is missing, so a changed Colyseus cannot silently switch the guard off.
 */
export function interceptClientFrames(room: Room, filter: FrameFilter): void {
  const target = room as unknown as { _onMessage?: MessageHandler };
  const original = target._onMessage;
  if (typeof original !== "function") {
    throw new Error(
      `Room._onMessage is missing: the frame guard was verified on @colyseus/core ${VERIFIED_COLYSEUS_CORE}, ` +
        `installed is ${installedColyseusCore()}`,
    );
  }
  const deliver = (self: Room, client: Client, frame: Uint8Array): void => {
    const outer = dispatching;
    dispatching = client;
    try {
      original.call(self, client, frame);
    } finally {
      dispatching = outer;
    }
  };
  target._onMessage = function guardedOnMessage(this: Room, client: Client, frame: Uint8Array): void {
    if (frame === undefined) return original.call(this, client, frame);
    const verdict = filter(client, frame);
    if (verdict === "deliver") deliver(this, client, frame);
    else if (verdict !== "drop") for (const part of verdict) deliver(this, client, part);
  };
}

/** The client whose frame a guarded room's `_onMessage` is handling at this moment, if any. */
let dispatching: Client | undefined;

/**
 * The client whose frame Colyseus is parsing or dispatching right now (synchronously, inside a
 * guarded room's `_onMessage`), or undefined. Colyseus logs a payload it cannot decode
 * (`RoomMessages.onData`: `debugAndPrintError(e)`, then `client.leave(4002)`,
 * core/build/RoomMessages.mjs) without saying whose it was; its logger asks here, so the line
 * names the client and is rate-limited per client (log/fault-log.ts).
 */
export function clientInDispatch(): Client | undefined {
  return dispatching;
}

/**
 * True once the client acknowledged JOIN_ROOM. Until then Colyseus queues every message for it
 * in `_enqueuedMessages` (Room.mjs:1418-1427) and `allowReconnection` refuses it ("not joined",
 * Room.mjs:1179).
 */
export function hasAcknowledgedJoin(client: Client): boolean {
  return (client as unknown as { _enqueuedMessages?: unknown })._enqueuedMessages === undefined;
}

/** Which lag-compensation stamps a client's TIMED input frames carry in this room. */
export interface InputStampShape {
  /** False: the room asked for no stamp, so a TIMED input frame is malformed. */
  readonly stamped: boolean;
  /** True: after the delta-coded stamp comes a uint16 render delta (both timelines). */
  readonly withRenderDelta: boolean;
}

/**
 * The stamp layout Colyseus expects on reliable input frames, from the room's rewind timeline
 * (`Room._timelineMode`, Room.mjs:605; read by `RoomInput.decodeReliable`, input/RoomInput.mjs:185).
 * Call it after `allowRewindState` (if the room uses it).
 */
export function inputStampShape(room: Room): InputStampShape {
  const timeline = (room as unknown as { _timelineMode?: () => { snapshot?: boolean; reckon?: boolean } | undefined })
    ._timelineMode;
  if (typeof timeline !== "function") {
    throw new Error(`Room._timelineMode is missing (verified on @colyseus/core ${VERIFIED_COLYSEUS_CORE})`);
  }
  const mode = timeline.call(room);
  const snapshot = mode?.snapshot === true;
  const reckon = mode?.reckon === true;
  return { stamped: snapshot || reckon, withRenderDelta: snapshot && reckon };
}

/** Bytes queued for a client's socket and not yet written to the network. */
export function outboundBufferedBytes(client: Client): number {
  const ref = (client as unknown as { ref?: { bufferedAmount?: number } }).ref;
  return ref?.bufferedAmount ?? 0;
}

/** Cuts a client's socket at once (no closing handshake), as the heartbeat does for dead peers. */
export function terminateSocket(client: Client): void {
  const ref = (client as unknown as { ref?: { terminate?: () => void } }).ref;
  ref?.terminate?.();
}

/**
 * Seats reserved in the room and not yet taken, with the auth data each was reserved with
 * (`Room._reservedSeats`: sessionId → [options, auth, consumed, reconnection], Room.mjs:1697).
 * The arena counts players apart from spectators with it (its player cap).
 */
export function reservedSeatAuths(room: Room): unknown[] {
  const seats = (room as unknown as { _reservedSeats?: Record<string, [unknown, unknown, boolean?, boolean?]> })
    ._reservedSeats;
  if (seats === undefined || typeof seats !== "object") {
    throw new Error(`Room._reservedSeats is missing (verified on @colyseus/core ${VERIFIED_COLYSEUS_CORE})`);
  }
  return Object.values(seats).map((seat) => seat[1]);
}
