/**
 * What WebSocket compression (`permessage-deflate`, RFC 7692) would save on one client's
 * downstream: every message the client receives is fed, in order, to a raw-deflate stream that
 * keeps its context between messages and is sync-flushed after each, as `ws` does when
 * compression is negotiated with context takeover; a message would cost the deflate output less
 * its 4-byte `00 00 ff ff` tail (RFC 7692 §7.2.1). The server does not compress (it would pay
 * CPU per message per client, and a zlib context per client): this measures what it leaves on
 * the table. Compression runs on libuv's threadpool, off the event loop that drives the swarm.
 */
import zlib from "node:zlib";

/** One compressor setting: zlib's window bits and memory level. */
export interface DeflateSetting {
  readonly windowBits: number;
  readonly memLevel: number;
}

/** zlib's defaults (`ws` uses them unless told otherwise): a 32 KB window, ≈ 256 KB per client. */
export const DEFLATE_DEFAULT: DeflateSetting = { windowBits: 15, memLevel: 8 };
/** A lean setting an operator might pick for many clients: a 1 KB window, ≈ 12 KB per client. */
export const DEFLATE_LEAN: DeflateSetting = { windowBits: 10, memLevel: 4 };

/** Bytes in, and what permessage-deflate would have sent for them, for one setting. */
class DeflateStream {
  raw = 0;
  compressed = 0;
  private readonly stream: zlib.DeflateRaw;
  private chunks = 0;
  /** Messages are compressed one after the other, in the order they arrived. */
  private queue: Promise<void> = Promise.resolve();

  constructor(setting: DeflateSetting) {
    this.stream = zlib.createDeflateRaw({ windowBits: setting.windowBits, memLevel: setting.memLevel });
    this.stream.on("data", (chunk: Buffer) => {
      this.chunks += chunk.length;
    });
  }

  add(message: Buffer): void {
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          this.chunks = 0;
          this.stream.write(message);
          this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.raw += message.length;
            this.compressed += Math.max(0, this.chunks - 4);
            resolve();
          });
        }),
    );
  }

  async close(): Promise<void> {
    await this.queue;
    this.stream.close();
  }
}

/** Compressed ÷ raw payload bytes of one client's downstream, per setting. */
export interface DeflateRatios {
  /** With {@link DEFLATE_DEFAULT}. */
  readonly defaultWindow: number;
  /** With {@link DEFLATE_LEAN}. */
  readonly leanWindow: number;
  /** Payload bytes the ratios are taken over. */
  readonly rawBytes: number;
}

/** Feeds one client's received messages to compressors of both settings. */
export class DeflateEstimate {
  private readonly standard = new DeflateStream(DEFLATE_DEFAULT);
  private readonly lean = new DeflateStream(DEFLATE_LEAN);

  /** One received message (copied: the caller's buffer may be reused). */
  add(message: Uint8Array): void {
    const copy = Buffer.from(message);
    this.standard.add(copy);
    this.lean.add(copy);
  }

  /** Waits for every message to be compressed; null when none came. */
  async finish(): Promise<DeflateRatios | null> {
    await Promise.all([this.standard.close(), this.lean.close()]);
    if (this.standard.raw === 0) return null;
    return {
      defaultWindow: this.standard.compressed / this.standard.raw,
      leanWindow: this.lean.compressed / this.lean.raw,
      rawBytes: this.standard.raw,
    };
  }
}
