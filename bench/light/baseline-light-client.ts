/**
 * A light load client for the JSON baseline server (bench/baseline): a raw `ws` socket, no JSON
 * parsing of states (one byte tells a state from the welcome), inputs pre-serialised with only
 * the seq concatenated in, no timers while connected.
 */
import WebSocket from "ws";
import { isStateFrame } from "../baseline/protocol.ts";
import type { LoadClient, LoadClientFactory, TrafficCounters } from "../load/types.ts";
import { DEFAULT_FRAMES_PER_PATTERN, JsonInputScript } from "./input-script.ts";

/** Options of a baseline light client. */
export interface BaselineLightClientOptions {
  /** Nickname sent in the join message; default `light-{index}`. */
  readonly name?: string;
  /** Input messages per movement pattern; default 30 (~1 s at 30 Hz). */
  readonly framesPerPattern?: number;
  /** Gives up `connect()` after this long; default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Waits at most this long for the close after `close()`; default 2 s. */
  readonly closeTimeoutMs?: number;
}

/** One light connection to the baseline server. */
export class BaselineLightClient implements LoadClient {
  readonly counters: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0 };
  closeCode: number | null = null;
  onPatch: ((nowMs: number) => void) | null = null;
  /** This player's id, from the welcome message. */
  playerId: string | null = null;

  private readonly wsUrl: string;
  private readonly joinMessage: string;
  private readonly connectTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly script: JsonInputScript;
  private ws: WebSocket | null = null;
  private seated = false;
  private closing = false;
  private connectPromise: Promise<number> | null = null;
  private closePromise: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;

  constructor(baseUrl: string, index: number, options: BaselineLightClientOptions = {}) {
    const url = new URL(baseUrl);
    url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
    this.wsUrl = url.toString();
    this.joinMessage = JSON.stringify({ join: options.name ?? `light-${index}` });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.script = new JsonInputScript(index, options.framesPerPattern ?? DEFAULT_FRAMES_PER_PATTERN);
  }

  /** True once the first state arrived and until the socket closes. */
  get isSeated(): boolean {
    return this.seated && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sequence number of the last input sent. */
  get lastSeq(): number {
    return this.script.seq;
  }

  connect(): Promise<number> {
    this.connectPromise ??= this.doConnect();
    return this.connectPromise;
  }

  private doConnect(): Promise<number> {
    const start = performance.now();
    return new Promise<number>((resolve, reject) => {
      if (this.closing) {
        reject(new Error("closed before connecting"));
        return;
      }
      const ws = new WebSocket(this.wsUrl, { perMessageDeflate: false, skipUTF8Validation: true });
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
        this.connectTimeoutMs,
      );

      ws.on("open", () => this.sendText(this.joinMessage, Buffer.byteLength(this.joinMessage)));
      ws.on("message", (raw: WebSocket.RawData) => {
        const data = raw as Buffer;
        this.counters.bytesIn += data.length;
        this.counters.framesIn += 1;
        if (!isStateFrame(data)) {
          if (this.playerId === null) this.playerId = readWelcome(data);
          return;
        }
        if (this.seated) {
          this.onPatch?.(performance.now());
          return;
        }
        // The first state is the join snapshot (like Colyseus's ROOM_STATE): the seated moment,
        // off the patch cycle, so it is not reported as a patch.
        this.seated = true;
        settled = true;
        clearTimeout(timeout);
        resolve(performance.now() - start);
      });
      ws.on("error", (error) => fail(error));
      ws.on("close", (code) => {
        this.closeCode = code;
        this.seated = false;
        fail(new Error(`baseline connection closed (${code}) before the first state`));
        this.onClosed?.();
      });
    });
  }

  sendInput(): void {
    if (!this.seated || this.closing) return;
    this.sendText(this.script.next());
  }

  /** Sends a text frame; `bytes` defaults to the length, right for the ASCII-only inputs. */
  private sendText(text: string, bytes = text.length): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    ws.send(text);
    this.counters.bytesOut += bytes;
    this.counters.framesOut += 1;
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => {
      this.onClosed = resolve;
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
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

/** The player id of a welcome message, or null when it is not one. */
function readWelcome(data: Buffer): string | null {
  try {
    const value = JSON.parse(String(data)) as { welcome?: unknown };
    return typeof value.welcome === "string" ? value.welcome : null;
  } catch {
    return null;
  }
}

/** The default baseline light client: nickname `light-{index}`, 30 messages per pattern. */
export const baselineLightClient: LoadClientFactory = (baseUrl, index) => new BaselineLightClient(baseUrl, index);
