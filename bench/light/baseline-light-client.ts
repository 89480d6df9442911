/**
 * A light load client for the JSON baseline server (bench/baseline): a raw `ws` socket, no JSON
 * parsing of states (one byte tells a state from the welcome), inputs pre-serialised with only
 * the seq concatenated in, no timers while connected. With `decodeStates` it parses every state
 * as a browser would: the benchmark's probes for the baseline (in their own process) do that.
 */
import type { LightSocket } from "./raw-websocket.ts";
import { isStateFrame } from "../baseline/protocol.ts";
import type { LoadClientFactory } from "../load/types.ts";
import { DEFAULT_FRAMES_PER_PATTERN, JsonInputScript } from "./input-script.ts";
import { LightSocketClient, type LightSocketTimeouts } from "./light-socket-client.ts";

/** Options of a baseline light client. */
export interface BaselineLightClientOptions extends LightSocketTimeouts {
  /** Nickname sent in the join message; default `light-{index}`. */
  readonly name?: string;
  /** Input messages per movement pattern; default 30 (~1 s at 30 Hz). */
  readonly framesPerPattern?: number;
  /** `JSON.parse` every state before reporting it (a full client); default false. */
  readonly decodeStates?: boolean;
}

/** One light connection to the baseline server. */
export class BaselineLightClient extends LightSocketClient {
  /** This player's id, from the welcome message. */
  playerId: string | null = null;

  private readonly wsUrl: string;
  private readonly joinMessage: string;
  private readonly script: JsonInputScript;
  private readonly decodeStates: boolean;
  /** The last state decoded (only with `decodeStates`). */
  lastState: unknown = null;

  constructor(baseUrl: string, index: number, options: BaselineLightClientOptions = {}) {
    super(options);
    this.decodeStates = options.decodeStates ?? false;
    const url = new URL(baseUrl);
    url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
    this.wsUrl = url.toString();
    this.joinMessage = JSON.stringify({ join: options.name ?? `light-${index}` });
    this.script = new JsonInputScript(index, options.framesPerPattern ?? DEFAULT_FRAMES_PER_PATTERN);
  }

  /** Sequence number of the last input sent. */
  get lastSeq(): number {
    return this.script.seq;
  }

  protected doConnect(): Promise<number> {
    if (this.closing) return Promise.reject(new Error("closed before connecting"));
    return this.openSocket({
      url: this.wsUrl,
      startMs: performance.now(),
      label: "baseline connection",
      onOpen: () => this.send(this.joinMessage, Buffer.byteLength(this.joinMessage)),
      onFrame: (data, control) => {
        if (!isStateFrame(data)) {
          if (this.playerId === null) this.playerId = readWelcome(data);
        } else if (this.seated) {
          if (this.decodeStates) this.lastState = JSON.parse(String(data)) as unknown;
          this.onPatch?.(performance.now());
        } else {
          // The first state is the join snapshot (like Colyseus's ROOM_STATE): the seated
          // moment, off the patch cycle, so it is not reported as a patch.
          control.seat();
        }
      },
    });
  }

  /** Inputs are ASCII, so the string length is the byte count. */
  protected sendInputFrame(): void {
    this.send(this.script.next());
  }

  protected leave(ws: LightSocket): void {
    ws.close(1000);
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
