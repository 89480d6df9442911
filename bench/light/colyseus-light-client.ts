/**
 * A light Tick Arena load client: the Colyseus 0.18 client protocol on a raw `ws` socket, with no
 * state decoding, no timers while connected and pre-encoded input frames. One load process can
 * drive thousands of these from one shared interval; the full SDK would cost its own core about
 * as much as the server it measures.
 *
 * What it does, in protocol terms (see the SDK's `Client.joinOrCreate` and `Room`):
 * 0. Holds a guest token (given, or fetched with `POST /auth/guest` before the clock starts:
 *    a browser gets its token at the menu, so it is not part of the time to seat).
 * 1. `POST /matchmake/joinOrCreate/arena` with `{ name }` and `Authorization: Bearer <token>`
 *    → a seat reservation.
 * 2. Opens `ws://host/{processId}/{roomId}?sessionId=…&_authToken=…&skipHandshake=1`.
 * 3. Server → JOIN_ROOM; client → `[JOIN_ROOM]` (the acknowledgement).
 * 4. Server → ROOM_STATE (the full state): seated. Then ROOM_STATE_PATCH at the patch rate,
 *    and ROOM_DATA messages (the welcome, chat lines), which it counts and otherwise ignores.
 * 5. `sendInput()`: `[ROOM_INPUT_RELIABLE][PlayerInput delta]`, seq stamped in place; by default
 *    two ticks' frames go out together as one batch message (`[28][len][frame][len][frame]`,
 *    docs/PROTOCOL.md "Batched inputs"), as the browser client sends them.
 * 6. `close()`: `[LEAVE_ROOM]`; the server closes with 4000.
 * `ws` answers the server's heartbeat pings by itself.
 */
import { CloseCode, InputFlags, Protocol, PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import type { LightSocket } from "./raw-websocket.ts";
import { pack } from "../../client/src/net/input-batch.ts";
import { INPUT_BATCH_FRAMES, INPUT_BATCH_MAX, RoomName } from "../../shared/protocol.ts";
import type { LoadClientFactory } from "../load/types.ts";
import {
  endpointSettings,
  isSeatReservation,
  matchmakeHeaders,
  matchmakeUrl,
  parseErrorMessage,
  parseJoinRoom,
  roomEndpoint,
  type EndpointSettings,
} from "./colyseus-protocol.ts";
import { fetchGuestToken, tokenFor } from "./guest-tokens.ts";
import { BinaryInputScript, DEFAULT_FRAMES_PER_PATTERN } from "./input-script.ts";
import { LightSocketClient, type LightSocketTimeouts, type SeatControl } from "./light-socket-client.ts";

/** Options of a Colyseus light client. */
export interface ColyseusLightClientOptions extends LightSocketTimeouts {
  /** Nickname sent as the join option; default `light-{index}`. */
  readonly name?: string;
  /** Room to `joinOrCreate`; default `arena`. */
  readonly roomName?: string;
  /** Input frames per movement pattern; default 30 (~1 s at 30 Hz). */
  readonly framesPerPattern?: number;
  /**
   * Guest token sent with the matchmaking request. When absent, `connect()` fetches one from
   * `POST /auth/guest` first (not counted in the time to seat); a load run passes prefetched
   * ones instead, so no token request lands in a measured phase.
   */
  readonly token?: string;
  /**
   * Input frames per WebSocket message: 1 sends each alone (as the stock SDK does); default
   * {@link INPUT_BATCH_FRAMES} (2), as the browser client batches them.
   */
  readonly inputsPerMessage?: number;
}

const SINGLE_BYTE: Readonly<Record<number, Buffer>> = {
  [Protocol.JOIN_ROOM]: Buffer.from([Protocol.JOIN_ROOM]),
  [Protocol.LEAVE_ROOM]: Buffer.from([Protocol.LEAVE_ROOM]),
};

/** One light connection to a Tick Arena (or any Colyseus 0.18 room with a flat reliable input). */
export class ColyseusLightClient extends LightSocketClient {
  /** Session id from the seat reservation, once matchmaking answered. */
  sessionId: string | null = null;
  roomId: string | null = null;

  private readonly baseUrl: string;
  private readonly settings: EndpointSettings;
  private readonly name: string;
  private readonly roomName: string;
  private readonly script: BinaryInputScript;
  private token: string | null;
  private readonly inputsPerMessage: number;
  /** Frames waiting for their batch: copies, the script reuses its buffer. */
  private readonly waiting: Buffer[] = [];

  constructor(baseUrl: string, index: number, options: ColyseusLightClientOptions = {}) {
    super(options);
    this.baseUrl = baseUrl;
    this.settings = endpointSettings(baseUrl);
    this.name = options.name ?? `light-${index}`;
    this.roomName = options.roomName ?? RoomName.Arena;
    this.token = options.token ?? null;
    this.script = new BinaryInputScript(index, options.framesPerPattern ?? DEFAULT_FRAMES_PER_PATTERN);
    this.inputsPerMessage = Math.max(1, Math.min(INPUT_BATCH_MAX, options.inputsPerMessage ?? INPUT_BATCH_FRAMES));
  }

  /** Sequence number of the last input frame sent. */
  get lastSeq(): number {
    return this.script.seq;
  }

  protected async doConnect(): Promise<number> {
    this.token ??= (await fetchGuestToken(this.baseUrl, { timeoutMs: this.connectTimeoutMs })).token;
    if (this.closing) throw new Error("closed while connecting");
    const token = this.token;
    const startMs = performance.now();
    const response = await fetch(matchmakeUrl(this.settings, "joinOrCreate", this.roomName), {
      method: "POST",
      headers: matchmakeHeaders(token),
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

    return this.openSocket({
      url: roomEndpoint(this.settings, body, { skipHandshake: true, authToken: token }),
      startMs,
      label: "room connection",
      onFrame: (data, control) => this.onFrame(data, control),
    });
  }

  /** Dispatches one server frame by its protocol code (modifier bits stripped). */
  private onFrame(data: Buffer, control: SeatControl): void {
    const code = data[0]! & PROTOCOL_CODE_MASK;
    if (code === Protocol.ROOM_STATE_PATCH) {
      this.onPatch?.(performance.now());
    } else if (code === Protocol.ROOM_STATE) {
      control.seat();
    } else if (code === Protocol.JOIN_ROOM) {
      let info;
      try {
        info = parseJoinRoom(data);
      } catch (e) {
        control.fail(e as Error);
        return;
      }
      if (info.inputFlags & (InputFlags.RENDER_TIME | InputFlags.RECKON_TIME)) {
        // Stamped inputs need a synced clock per client: not a light client's job.
        control.fail(new Error("the room wants time-stamped inputs, which the light client does not send"));
        return;
      }
      this.send(SINGLE_BYTE[Protocol.JOIN_ROOM]!);
    } else if (code === Protocol.ERROR) {
      const { code: errorCode, message } = parseErrorMessage(data);
      control.fail(new Error(`room error ${errorCode}: ${message}`));
    } else if (code === Protocol.LEAVE_ROOM) {
      // The server asks us to leave: answer like the SDK does.
      this.send(SINGLE_BYTE[Protocol.LEAVE_ROOM]!);
    }
  }

  protected sendInputFrame(): void {
    const frame = this.script.next();
    if (this.inputsPerMessage === 1) {
      this.send(frame);
      return;
    }
    this.waiting.push(Buffer.from(frame));
    if (this.waiting.length < this.inputsPerMessage) return;
    const packed = pack(this.waiting);
    const batch = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
    this.waiting.length = 0;
    this.send(batch);
  }

  /** A seated client leaves like the SDK (LEAVE_ROOM; the server closes with 4000). */
  protected leave(ws: LightSocket): void {
    if (this.seated) this.send(SINGLE_BYTE[Protocol.LEAVE_ROOM]!);
    else ws.close(CloseCode.CONSENTED);
  }
}

/**
 * Builds light clients with options (e.g. a name prefix); see {@link colyseusLightClient}.
 * `tokens` are prefetched guest tokens (see guest-tokens.ts): client `index` uses
 * `tokens[index % tokens.length]`; without them each client fetches its own when it connects.
 */
export function createColyseusLightClientFactory(
  options: Omit<ColyseusLightClientOptions, "name" | "token"> & {
    readonly namePrefix?: string;
    readonly tokens?: readonly string[];
  } = {},
): LoadClientFactory {
  const { namePrefix, tokens = [], ...rest } = options;
  return (baseUrl, index) => {
    const token = tokenFor(tokens, index);
    return new ColyseusLightClient(baseUrl, index, {
      ...rest,
      ...(namePrefix !== undefined ? { name: `${namePrefix}${index}`.slice(0, 16) } : {}),
      ...(token !== null ? { token } : {}),
    });
  };
}

/**
 * The default Colyseus light client: nickname `light-{index}`, 30 frames per pattern, and a guest
 * token it fetches itself when it connects.
 */
export const colyseusLightClient: LoadClientFactory = (baseUrl, index) => new ColyseusLightClient(baseUrl, index);
