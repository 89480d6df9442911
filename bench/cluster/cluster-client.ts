/**
 * The cluster benchmark's player: the light client's Colyseus 0.18 protocol (bench/light:
 * matchmaking with a prefetched guest token, the room socket, the JOIN_ROOM acknowledgement,
 * pre-encoded inputs batched two ticks to a message as the browser sends them) on a bare
 * `wss://` socket through nginx ({@link RawWebSocket}), with what the cluster benchmark reads on
 * top:
 * - a timestamp of every step of the join (matchmaking answered, TLS done, socket open,
 *   JOIN_ROOM, first state), so the time to seat can be split where it goes;
 * - the room and the process that seated it (from the seat reservation);
 * - failures with a short `kind` (`matchmake 503`, `socket error ECONNRESET`, `closed 4002`,
 *   `timeout before JOIN_ROOM`, ...) to count them by kind;
 * - a second patch listener ({@link ClusterLightClient.patchTap}) beside the load tester's.
 *
 * It implements the load tester's `LoadClient`, so `LoadRun` (bench/load) drives it.
 */
import { CloseCode, InputFlags, Protocol, PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { pack } from "../../client/src/net/input-batch.ts";
import { INPUT_BATCH_FRAMES, INPUT_BATCH_MAX, RoomName } from "../../shared/protocol.ts";
import {
  endpointSettings,
  isSeatReservation,
  matchmakeHeaders,
  matchmakeUrl,
  parseErrorMessage,
  parseJoinRoom,
  roomEndpoint,
  type EndpointSettings,
} from "../light/colyseus-protocol.ts";
import { BinaryInputScript, DEFAULT_FRAMES_PER_PATTERN } from "../light/input-script.ts";
import type { LoadClient, TrafficCounters } from "../load/types.ts";
import { RawWebSocket } from "../light/raw-websocket.ts";

/** A failed join, with a short kind to count failures by. */
export class JoinError extends Error {
  constructor(
    readonly kind: string,
    detail: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}

/** `performance.now()` at each step of a join; null until reached. */
export interface JoinTimings {
  matchmakeStart: number | null;
  /** The seat reservation arrived (matchmaking answered 200). */
  reservation: number | null;
  /** The room socket's TLS handshake finished. */
  secure: number | null;
  /** The WebSocket upgrade was answered (101). */
  open: number | null;
  /** JOIN_ROOM arrived: the server ran `onJoin` and confirmed the seat. */
  joinRoom: number | null;
  /** The first full state arrived (after our JOIN_ROOM acknowledgement). */
  state: number | null;
}

export interface ClusterClientOptions {
  /** Guest token for matchmaking (prefetched: not part of the time to seat). */
  readonly token: string;
  /** Nickname; default `cb-{index}`. */
  readonly name?: string;
  /** Gives up the join after this long from the matchmaking request; default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Waits at most this long for the server's close after `close()`; default 2 s. */
  readonly closeTimeoutMs?: number;
  /** Input frames per message; default {@link INPUT_BATCH_FRAMES} (as the browser batches). */
  readonly inputsPerMessage?: number;
}

const JOIN_ACK = Buffer.from([Protocol.JOIN_ROOM]);
const LEAVE = Buffer.from([Protocol.LEAVE_ROOM]);

/** One player on a cluster, through nginx. */
export class ClusterLightClient implements LoadClient {
  readonly counters: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  readonly timings: JoinTimings = {
    matchmakeStart: null,
    reservation: null,
    secure: null,
    open: null,
    joinRoom: null,
    state: null,
  };
  closeCode: number | null = null;
  /** The load tester's patch listener. */
  onPatch: ((nowMs: number) => void) | null = null;
  /** Another patch listener (the cluster bench's per-process timing). */
  patchTap: ((nowMs: number) => void) | null = null;
  sessionId: string | null = null;
  roomId: string | null = null;
  /** Colyseus process id of the room (from the seat reservation). */
  processId: string | null = null;

  private readonly settings: EndpointSettings;
  private readonly name: string;
  private readonly token: string;
  private readonly connectTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly inputsPerMessage: number;
  private readonly script: BinaryInputScript;
  private readonly waiting: Buffer[] = [];
  private ws: RawWebSocket | null = null;
  private seated = false;
  private closing = false;
  private connectPromise: Promise<number> | null = null;
  private closePromise: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;

  constructor(baseUrl: string, index: number, options: ClusterClientOptions) {
    this.settings = endpointSettings(baseUrl);
    this.name = options.name ?? `cb-${index}`;
    this.token = options.token;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.inputsPerMessage = Math.max(1, Math.min(INPUT_BATCH_MAX, options.inputsPerMessage ?? INPUT_BATCH_FRAMES));
    this.script = new BinaryInputScript(index, DEFAULT_FRAMES_PER_PATTERN);
  }

  /** Seated (first state received) and not closed. */
  get isSeated(): boolean {
    return this.seated && this.closeCode === null;
  }

  /** Joins; resolves with ms from the matchmaking request to the first state. */
  connect(): Promise<number> {
    this.connectPromise ??= this.doConnect();
    return this.connectPromise;
  }

  sendInput(): void {
    if (!this.seated || this.closing) return;
    const frame = this.script.next();
    if (this.inputsPerMessage === 1) {
      this.send(frame);
      return;
    }
    this.waiting.push(Buffer.from(frame));
    if (this.waiting.length < this.inputsPerMessage) return;
    const packed = pack(this.waiting);
    this.waiting.length = 0;
    this.send(Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength));
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doConnect(): Promise<number> {
    const start = performance.now();
    this.timings.matchmakeStart = start;
    let response: Response;
    try {
      response = await fetch(matchmakeUrl(this.settings, "joinOrCreate", RoomName.Arena), {
        method: "POST",
        headers: matchmakeHeaders(this.token),
        body: JSON.stringify({ name: this.name }),
        signal: AbortSignal.timeout(this.connectTimeoutMs),
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      if (e.name === "TimeoutError") throw new JoinError("timeout before seat reservation", e.message);
      throw new JoinError(`matchmake network ${e.cause?.code ?? e.name}`, e.cause?.code ?? e.message);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const b = (body ?? {}) as { error?: unknown; message?: unknown };
      throw new JoinError(`matchmake ${response.status}`, String(b.message ?? b.error ?? response.statusText));
    }
    if (!isSeatReservation(body)) throw new JoinError("matchmake bad answer", "no seat reservation");
    this.timings.reservation = performance.now();
    if (this.closing) throw new JoinError("closed by the bench", "while matchmaking");
    this.sessionId = body.sessionId;
    this.roomId = body.roomId;
    this.processId = body.processId ?? null;
    return this.openSocket(roomEndpoint(this.settings, body, { skipHandshake: true, authToken: this.token }), start);
  }

  private openSocket(url: string, start: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const ws = new RawWebSocket(url);
      this.ws = ws;
      let settled = false;
      const fail = (error: JoinError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (ws.readyState === 0 || ws.readyState === 1) ws.terminate();
        reject(error);
      };
      const timeout = setTimeout(
        () => {
          const t = this.timings;
          const stage = t.open === null ? "socket open" : t.joinRoom === null ? "JOIN_ROOM" : "first state";
          fail(new JoinError(`timeout before ${stage}`, `not seated after ${this.connectTimeoutMs} ms`));
        },
        Math.max(0, this.connectTimeoutMs - (performance.now() - start)),
      );
      ws.on("open", () => {
        this.timings.secure = ws.secureAt;
        this.timings.open = performance.now();
      });
      ws.on("message", (data: Buffer) => {
        this.counters.bytesIn += data.length;
        this.counters.framesIn += 1;
        const code = data[0]! & PROTOCOL_CODE_MASK;
        if (code === Protocol.ROOM_STATE_PATCH) {
          const now = performance.now();
          this.patchTap?.(now);
          this.onPatch?.(now);
        } else if (code === Protocol.ROOM_STATE) {
          if (settled) return;
          this.timings.state = performance.now();
          this.seated = true;
          settled = true;
          clearTimeout(timeout);
          resolve(this.timings.state - start);
        } else if (code === Protocol.JOIN_ROOM) {
          this.timings.joinRoom = performance.now();
          let flags: number;
          try {
            flags = parseJoinRoom(data).inputFlags;
          } catch (e) {
            fail(new JoinError("bad JOIN_ROOM", (e as Error).message));
            return;
          }
          if (flags & (InputFlags.RENDER_TIME | InputFlags.RECKON_TIME)) {
            fail(new JoinError("bad JOIN_ROOM", "the room wants time-stamped inputs"));
            return;
          }
          this.send(JOIN_ACK);
        } else if (code === Protocol.ERROR) {
          const { code: errorCode, message } = parseErrorMessage(data);
          fail(new JoinError(`room error ${errorCode}`, message));
        } else if (code === Protocol.LEAVE_ROOM) {
          this.send(LEAVE);
        }
      });
      ws.on("error", (error: Error & { code?: string }) =>
        fail(new JoinError(`socket error ${error.code ?? "?"}`, error.message)),
      );
      ws.on("close", (code: number) => {
        this.closeCode = code;
        this.seated = false;
        fail(new JoinError(`closed ${code}`, "before the first state"));
        this.onClosed?.();
      });
    });
  }

  private send(frame: Buffer): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== 1) return;
    ws.send(frame);
    this.counters.bytesOut += frame.length;
    this.counters.framesOut += 1;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    // Let an in-flight matchmaking request settle so its socket is known.
    if (this.connectPromise !== null && this.ws === null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.connectPromise.catch(() => 0),
        new Promise((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    const ws = this.ws;
    if (ws === null || ws.readyState === 3) return;
    const closed = new Promise<void>((resolve) => {
      this.onClosed = resolve;
    });
    // A seated client leaves like the SDK (LEAVE_ROOM; the server closes with 4000).
    if (ws.readyState === 1 && this.seated) this.send(LEAVE);
    else if (ws.readyState === 1) ws.close(CloseCode.CONSENTED);
    else ws.terminate();
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.closeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (late) ws.terminate();
  }
}
