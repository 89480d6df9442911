/**
 * A light load client for the bare-`ws` reference server (bench/reference): a raw `ws` socket
 * that is seated by the server's first frame, reports every patch frame's arrival, and sends the
 * reference's 16 B input frame at the tick rate, as many to a message as Tick Arena's clients
 * batch (INPUT_BATCH_FRAMES: two ticks per message), cycling through the same movement patterns as
 * the other light clients. It doubles as the reference's probe: there is nothing to decode, so a
 * "full" client of this protocol is the same client, run in the probe process.
 */
import type { LightSocket } from "./raw-websocket.ts";
import type { LoadClientFactory } from "../load/types.ts";
import { INPUT_BYTES, RefMessage, writeInput } from "../reference/protocol.ts";
import { INPUT_BATCH_FRAMES } from "../../shared/protocol.ts";
import { DEFAULT_FRAMES_PER_PATTERN, INPUT_PATTERNS } from "./input-script.ts";
import { LightSocketClient, type LightSocketTimeouts } from "./light-socket-client.ts";

/** One light connection to the reference server. */
export class WsReferenceLightClient extends LightSocketClient {
  private readonly wsUrl: string;
  /** The frames of one message: the next one is written at `filled`. */
  private readonly frame = Buffer.alloc(INPUT_BYTES * INPUT_BATCH_FRAMES);
  private filled = 0;
  private readonly framesPerPattern: number;
  private pattern: number;
  private seq = 0;

  constructor(baseUrl: string, index: number, options: LightSocketTimeouts & { framesPerPattern?: number } = {}) {
    super(options);
    const url = new URL(baseUrl);
    url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
    this.wsUrl = url.toString();
    this.pattern = index % INPUT_PATTERNS.length;
    this.framesPerPattern = options.framesPerPattern ?? DEFAULT_FRAMES_PER_PATTERN;
  }

  protected doConnect(): Promise<number> {
    if (this.closing) return Promise.reject(new Error("closed before connecting"));
    return this.openSocket({
      url: this.wsUrl,
      startMs: performance.now(),
      label: "reference connection",
      onFrame: (data, control) => {
        if (data[0] === RefMessage.Patch) this.onPatch?.(performance.now());
        else if (data[0] === RefMessage.Seat) control.seat();
      },
    });
  }

  /** The next input: seq one up, the pattern changing every `framesPerPattern` frames. */
  protected sendInputFrame(): void {
    this.seq += 1;
    if (this.seq % this.framesPerPattern === 0) this.pattern = (this.pattern + 1) % INPUT_PATTERNS.length;
    writeInput(this.frame.subarray(this.filled), this.seq, INPUT_PATTERNS[this.pattern]!);
    this.filled += INPUT_BYTES;
    if (this.filled < this.frame.length) return;
    this.filled = 0;
    this.send(this.frame);
  }

  protected leave(ws: LightSocket): void {
    ws.close(1000);
  }
}

/** The default reference light client. */
export const wsReferenceLightClient: LoadClientFactory = (baseUrl, index) => new WsReferenceLightClient(baseUrl, index);
