/**
 * A light Tick Arena load client: the Colyseus 0.18 client protocol on a raw `ws` socket, with no
 * state decoding, no timers while connected and pre-encoded input frames. One load process can
 * drive thousands of these from one shared interval; the full SDK would cost its own core about
 * as much as the server it measures.
 *
 * What it does, in protocol terms (see the SDK's `Client.joinOrCreate` and `Room`):
 * 1. `POST /matchmake/joinOrCreate/arena` with `{ name }` → a seat reservation.
 * 2. Opens `ws://host/{processId}/{roomId}?sessionId=…&skipHandshake=1`.
 * 3. Server → JOIN_ROOM; client → `[JOIN_ROOM]` (the acknowledgement).
 * 4. Server → ROOM_STATE (the full state): seated. Then ROOM_STATE_PATCH at the patch rate.
 * 5. `sendInput()`: `[ROOM_INPUT_RELIABLE][PlayerInput delta]`, seq stamped in place.
 * 6. `close()`: `[LEAVE_ROOM]`; the server closes with 4000.
 * `ws` answers the server's heartbeat pings by itself.
 */
import { CloseCode, InputFlags, Protocol, PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import WebSocket from "ws";
import { RoomName } from "../../shared/protocol.ts";
import type { LoadClient, LoadClientFactory, TrafficCounters } from "../load/types.ts";
import {
  endpointSettings,
  isSeatReservation,
  matchmakeUrl,
  parseErrorMessage,
  parseJoinRoom,
  roomEndpoint,
  type EndpointSettings,
} from "./colyseus-protocol.ts";
import { BinaryInputScript, DEFAULT_FRAMES_PER_PATTERN } from "./input-script.ts";

/** Options of a Colyseus light client. */
export interface ColyseusLightClientOptions {
  /** Nickname sent as the join option; default `light-{index}`. */
  readonly name?: string;
  /** Room to `joinOrCreate`; default `arena`. */
  readonly roomName?: string;
  /** Input frames per movement pattern; default 30 (~1 s at 30 Hz). */
  readonly framesPerPattern?: number;
  /** Gives up `connect()` after this long; default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Waits at most this long for the close after `close()`; default 2 s. */
  readonly closeTimeoutMs?: number;
}

const SINGLE_BYTE: Readonly<Record<number, Buffer>> = {
  [Protocol.JOIN_ROOM]: Buffer.from([Protocol.JOIN_ROOM]),
  [Protocol.LEAVE_ROOM]: Buffer.from([Protocol.LEAVE_ROOM]),
};

/** One light connection to a Tick Arena (or any Colyseus 0.18 room with a flat reliable input). */
export class ColyseusLightClient implements LoadClient {
  readonly counters: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  closeCode: number | null = null;
  onPatch: ((nowMs: number) => void) | null = null;
  /** Session id from the seat reservation, once matchmaking answered. */
  sessionId: string | null = null;
  roomId: string | null = null;

  private readonly settings: EndpointSettings;
  private readonly name: string;
  private readonly roomName: string;
  private readonly connectTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly script: BinaryInputScript;
  private ws: WebSocket | null = null;
  private seated = false;
  private closing = false;
  private connectPromise: Promise<number> | null = null;
  private closePromise: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;

  constructor(baseUrl: string, index: number, options: ColyseusLightClientOptions = {}) {
    this.settings = endpointSettings(baseUrl);
    this.name = options.name ?? `light-${index}`;
    this.roomName = options.roomName ?? RoomName.Arena;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.script = new BinaryInputScript(index, options.framesPerPattern ?? DEFAULT_FRAMES_PER_PATTERN);
  }

  /** True once the first full state arrived and until the socket closes. */
  get isSeated(): boolean {
    return this.seated && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sequence number of the last input frame sent. */
  get lastSeq(): number {
    return this.script.seq;
  }

  connect(): Promise<number> {
    this.connectPromise ??= this.doConnect();
    return this.connectPromise;
  }

  private async doConnect(): Promise<number> {
    const start = performance.now();
    const response = await fetch(matchmakeUrl(this.settings, "joinOrCreate", this.roomName), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ name: this.name }),
      signal: AbortSignal.timeout(this.connectTimeoutMs),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const b = (body ?? {}) as { error?: unknown; message?: unknown };
      throw new Error(
        `matchmaking failed (${response.status}): ${String(b.message ?? b.error ?? response.statusText)}`,
      );
    }
    if (!isSeatReservation(body)) throw new Error("matchmaking answered without a seat reservation");
    if (this.closing) throw new Error("closed while connecting");
    this.sessionId = body.sessionId;
    this.roomId = body.roomId;

    const url = roomEndpoint(this.settings, body, { skipHandshake: true });
    return new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      this.ws = ws;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        reject(error);
      };
      const timeout = setTimeout(
        () => fail(new Error(`not seated after ${this.connectTimeoutMs} ms`)),
        Math.max(0, this.connectTimeoutMs - (performance.now() - start)),
      );

      ws.on("message", (raw: WebSocket.RawData) => {
        // binaryType is "nodebuffer": every message arrives as one Buffer.
        const data = raw as Buffer;
        this.counters.bytesIn += data.length;
        this.counters.framesIn += 1;
        const code = data[0]! & PROTOCOL_CODE_MASK;
        if (code === Protocol.ROOM_STATE_PATCH) {
          this.onPatch?.(performance.now());
        } else if (code === Protocol.ROOM_STATE) {
          if (!this.seated) {
            this.seated = true;
            settled = true;
            clearTimeout(timeout);
            resolve(performance.now() - start);
          }
        } else if (code === Protocol.JOIN_ROOM) {
          let info;
          try {
            info = parseJoinRoom(data);
          } catch (e) {
            fail(e as Error);
            return;
          }
          if (info.inputFlags & (InputFlags.RENDER_TIME | InputFlags.RECKON_TIME)) {
            // Stamped inputs need a synced clock per client: not a light client's job.
            fail(new Error("the room wants time-stamped inputs, which the light client does not send"));
            return;
          }
          this.sendRaw(SINGLE_BYTE[Protocol.JOIN_ROOM]!);
        } else if (code === Protocol.ERROR) {
          const { code: errorCode, message } = parseErrorMessage(data);
          fail(new Error(`room error ${errorCode}: ${message}`));
        } else if (code === Protocol.LEAVE_ROOM) {
          // The server asks us to leave: answer like the SDK does.
          this.sendRaw(SINGLE_BYTE[Protocol.LEAVE_ROOM]!);
        }
      });
      ws.on("error", (error) => fail(error));
      ws.on("close", (code) => {
        this.closeCode = code;
        this.seated = false;
        fail(new Error(`room connection closed (${code}) before the first state`));
        this.onClosed?.();
      });
    });
  }

  sendInput(): void {
    if (!this.seated || this.closing) return;
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    this.sendRaw(this.script.next());
  }

  private sendRaw(frame: Buffer): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    ws.send(frame);
    this.counters.bytesOut += frame.length;
    this.counters.framesOut += 1;
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    // Let an in-flight matchmaking request finish (or fail) so its socket is known.
    if (this.connectPromise !== null && this.ws === null) {
      await Promise.race([this.connectPromise.catch(() => 0), sleep(this.closeTimeoutMs)]);
    }
    const ws = this.ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => {
      this.onClosed = resolve;
    });
    if (ws.readyState === WebSocket.OPEN && this.seated) {
      this.sendRaw(SINGLE_BYTE[Protocol.LEAVE_ROOM]!);
    } else if (ws.readyState === WebSocket.OPEN) {
      ws.close(CloseCode.CONSENTED);
    } else {
      ws.terminate();
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.closeTimeoutMs);
    });
    const late = await Promise.race([closed.then(() => false), timedOut]);
    clearTimeout(timer);
    // readyState changed while we awaited (TypeScript keeps the earlier narrowing).
    if (late && (ws.readyState as number) !== WebSocket.CLOSED) ws.terminate();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Builds light clients with options (e.g. a name prefix); see {@link colyseusLightClient}. */
export function createColyseusLightClientFactory(
  options: Omit<ColyseusLightClientOptions, "name"> & { readonly namePrefix?: string } = {},
): LoadClientFactory {
  const { namePrefix, ...rest } = options;
  return (baseUrl, index) =>
    new ColyseusLightClient(baseUrl, index, {
      ...rest,
      ...(namePrefix !== undefined ? { name: `${namePrefix}${index}`.slice(0, 16) } : {}),
    });
}

/** The default Colyseus light client: nickname `light-{index}`, 30 frames per pattern. */
export const colyseusLightClient: LoadClientFactory = (baseUrl, index) => new ColyseusLightClient(baseUrl, index);
