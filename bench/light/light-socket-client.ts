/**
 * What every light load client shares, whatever the server's protocol: one raw `ws` socket,
 * traffic counters, a connect that resolves with the time to seat (or fails once, cleanly, on
 * error, close or timeout), paced input sends, and a close that waits a bounded time for the
 * server's goodbye. Subclasses supply the protocol: how to connect, what a frame means, what an
 * input looks like, how to leave. The socket is the `ws` client by default, or with `rawSocket`
 * the much cheaper {@link RawWebSocket} (what `npm run bench` uses, so one load process can drive
 * thousands of connections).
 */
import WebSocket from "ws";
import type { LoadClient, TrafficCounters } from "../load/types.ts";
import { RawWebSocket, type LightSocket } from "./raw-websocket.ts";

/** Timeouts (and the socket implementation) every light client takes. */
export interface LightSocketTimeouts {
  /** Gives up `connect()` after this long; default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Waits at most this long for the close after `close()`; default 2 s. */
  readonly closeTimeoutMs?: number;
  /** Use the bare-TCP {@link RawWebSocket} instead of the `ws` client; default false. */
  readonly rawSocket?: boolean;
}

/** Handed to a frame handler during connect. */
export interface SeatControl {
  /** The client is seated: `connect()` resolves with the time since it started. */
  seat(): void;
  /** The join failed: the socket is terminated and `connect()` rejects with `error`. */
  fail(error: Error): void;
}

/** A light client over one raw WebSocket. */
export abstract class LightSocketClient implements LoadClient {
  readonly counters: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  closeCode: number | null = null;
  onPatch: ((nowMs: number) => void) | null = null;

  protected readonly connectTimeoutMs: number;
  protected readonly closeTimeoutMs: number;
  protected readonly rawSocket: boolean;
  protected ws: LightSocket | null = null;
  protected seated = false;
  protected closing = false;
  private connectPromise: Promise<number> | null = null;
  private closePromise: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;

  constructor(timeouts: LightSocketTimeouts) {
    this.connectTimeoutMs = timeouts.connectTimeoutMs ?? 15_000;
    this.closeTimeoutMs = timeouts.closeTimeoutMs ?? 2000;
    this.rawSocket = timeouts.rawSocket ?? false;
  }

  /** True once seated and until the socket closes. */
  get isSeated(): boolean {
    return this.seated && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect(): Promise<number> {
    this.connectPromise ??= this.doConnect();
    return this.connectPromise;
  }

  sendInput(): void {
    if (!this.seated || this.closing) return;
    this.sendInputFrame();
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  /** Joins; resolves with the time to seat. */
  protected abstract doConnect(): Promise<number>;
  /** Sends this client's next input frame (only called while seated). */
  protected abstract sendInputFrame(): void;
  /** Starts a consented leave on an open socket. */
  protected abstract leave(ws: LightSocket): void;

  /**
   * Opens `url` and feeds every frame to `onFrame` until it calls `seat()` or `fail()`; the
   * connect deadline counts from `startMs`. `label` names the connection in errors.
   */
  protected openSocket(opts: {
    url: string;
    startMs: number;
    label: string;
    onOpen?: () => void;
    onFrame: (data: Buffer, control: SeatControl) => void;
  }): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const ws: LightSocket = this.rawSocket
        ? new RawWebSocket(opts.url)
        : (new WebSocket(opts.url, { perMessageDeflate: false, skipUTF8Validation: true }) as unknown as LightSocket);
      this.ws = ws;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        reject(error);
      };
      const seat = (): void => {
        if (settled) return;
        settled = true;
        this.seated = true;
        clearTimeout(timeout);
        resolve(performance.now() - opts.startMs);
      };
      const control: SeatControl = { seat, fail };
      const timeout = setTimeout(
        () => fail(new Error(`not seated after ${this.connectTimeoutMs} ms`)),
        Math.max(0, this.connectTimeoutMs - (performance.now() - opts.startMs)),
      );
      if (opts.onOpen !== undefined) ws.on("open", opts.onOpen);
      ws.on("message", (data: Buffer) => {
        // `ws` with binaryType "nodebuffer" and RawWebSocket both hand over one Buffer per message.
        this.counters.bytesIn += data.length;
        this.counters.framesIn += 1;
        opts.onFrame(data, control);
      });
      ws.on("error", (error) => fail(error));
      ws.on("close", (code) => {
        this.closeCode = code;
        this.seated = false;
        fail(new Error(`${opts.label} closed (${code}) before the first state`));
        this.onClosed?.();
      });
    });
  }

  /** Sends one frame if the socket is open; `bytes` is its payload size (default its length). */
  protected send(frame: Buffer | string, bytes = frame.length): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    ws.send(frame);
    this.counters.bytesOut += bytes;
    this.counters.framesOut += 1;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    // Let an in-flight join (e.g. a matchmaking request) finish or fail so its socket is known.
    if (this.connectPromise !== null && this.ws === null) {
      await Promise.race([this.connectPromise.catch(() => 0), sleep(this.closeTimeoutMs)]);
    }
    const ws = this.ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => {
      this.onClosed = resolve;
    });
    if (ws.readyState === WebSocket.OPEN) this.leave(ws);
    else ws.terminate();
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
