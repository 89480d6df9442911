/**
 * A minimal WebSocket client on a bare TCP or TLS socket, for light load clients that must be
 * cheap: one load process has to drive thousands of connections on one core, and the `ws`
 * client's per-message machinery (streams, Receiver, Sender, events) costs about as much per
 * message as the server it measures. This one speaks just enough of RFC 6455 for the benchmark:
 * the upgrade handshake (with the accept key checked), unfragmented or fragmented text and binary
 * frames from the server, answering pings with pongs (so the server's heartbeat is served like a
 * browser's), the closing handshake, and masked client frames written with a single
 * `socket.write`. The mask key is random per connection (browsers draw one per frame; the
 * server's unmasking work is the same).
 *
 * `wss://` (the cluster benchmark, through nginx) runs on `node:tls` with the certificate checked
 * (trusted through `NODE_EXTRA_CA_CERTS` or a given `ca`): a fresh full handshake per connection,
 * as every new player's browser makes, and one TLS context per trust store for the whole process
 * (building one per connection costs ~0.4 ms of CPU, 40 % of a core at 1,000 connections a second).
 *
 * It exposes the small part of the `ws` client's surface the light clients use ({@link LightSocket}).
 */
import { createHash, randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import net from "node:net";
import tls from "node:tls";

/** What a light client needs from its socket; the `ws` client has the same shape. */
export interface LightSocket {
  readonly readyState: number;
  send(data: Buffer | string): void;
  close(code?: number): void;
  terminate(): void;
  on(event: "open", listener: () => void): this;
  on(event: "message", listener: (data: Buffer) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "close", listener: (code: number) => void): this;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Close code reported when the connection ended without a close frame (as `ws` does). */
const ABNORMAL = 1006;
const NO_STATUS = 1005;

/** TLS contexts by trust store ("" = Node's default store plus NODE_EXTRA_CA_CERTS). */
const contexts = new Map<string | Buffer, tls.SecureContext>();

function secureContext(ca: string | Buffer | undefined): tls.SecureContext {
  const key = ca ?? "";
  let context = contexts.get(key);
  if (context === undefined) {
    context = tls.createSecureContext(ca === undefined ? {} : { ca });
    contexts.set(key, context);
  }
  return context;
}

/** Connection options beyond the URL. */
export interface RawWebSocketOptions {
  /** Certificates to trust instead of Node's store (plus NODE_EXTRA_CA_CERTS). */
  readonly ca?: string | Buffer;
}

/** A WebSocket client connection over TCP (`ws:`) or TLS (`wss:`). */
export class RawWebSocket extends EventEmitter implements LightSocket {
  readyState = CONNECTING;
  /** `performance.now()` when the TLS handshake finished (TCP: when connected), or null. */
  secureAt: number | null = null;
  private readonly socket: net.Socket;
  private readonly mask = randomBytes(4);
  private readonly key = randomBytes(16).toString("base64");
  private pending: Buffer | null = null;
  private fragments: Buffer[] = [];
  private closeCode = ABNORMAL;
  private closeEmitted = false;

  constructor(url: string, options: RawWebSocketOptions = {}) {
    super();
    const u = new URL(url);
    if (u.protocol !== "ws:" && u.protocol !== "wss:") throw new Error(`not a WebSocket URL: ${url}`);
    const secure = u.protocol === "wss:";
    const port = Number(u.port || (secure ? 443 : 80));
    const upgrade = (): void => {
      this.secureAt = performance.now();
      this.socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    };
    if (secure) {
      this.socket = tls.connect({
        host: u.hostname,
        port,
        // SNI takes host names only.
        ...(net.isIP(u.hostname) === 0 ? { servername: u.hostname } : {}),
        secureContext: secureContext(options.ca),
      });
      this.socket.once("secureConnect", upgrade);
    } else {
      this.socket = net.connect({ host: u.hostname, port });
      this.socket.once("connect", upgrade);
    }
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (error) => {
      if (this.listenerCount("error") > 0) this.emit("error", error);
    });
    this.socket.on("close", () => this.finish());
  }

  /** Sends one binary (Buffer) or text (string) message. */
  send(data: Buffer | string): void {
    if (this.readyState !== OPEN) return;
    const payload = typeof data === "string" ? Buffer.from(data) : data;
    this.socket.write(this.frame(typeof data === "string" ? 0x1 : 0x2, payload));
  }

  /** Starts the closing handshake; the server answers with its close frame and ends the socket. */
  close(code = 1000): void {
    if (this.readyState === CONNECTING) return this.terminate();
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSING;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code, 0);
    this.socket.write(this.frame(0x8, body));
  }

  /** Drops the connection at once. */
  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.socket.destroy();
  }

  /** A masked client frame: header, mask key, payload XOR mask. */
  private frame(opcode: number, payload: Buffer): Buffer {
    const n = payload.length;
    const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
    const head = 2 + ext + 4;
    const out = Buffer.allocUnsafe(head + n);
    out[0] = 0x80 | opcode;
    if (ext === 0) out[1] = 0x80 | n;
    else if (ext === 2) {
      out[1] = 0x80 | 126;
      out.writeUInt16BE(n, 2);
    } else {
      out[1] = 0x80 | 127;
      out.writeBigUInt64BE(BigInt(n), 2);
    }
    const m = this.mask;
    m.copy(out, 2 + ext);
    for (let i = 0; i < n; i++) out[head + i] = payload[i]! ^ m[i & 3]!;
    return out;
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    if (this.readyState === CONNECTING) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) {
        this.pending = buf;
        return;
      }
      const head = buf.subarray(0, end).toString("latin1");
      const accept = createHash("sha1")
        .update(this.key + GUID)
        .digest("base64");
      if (
        !/^HTTP\/1\.1 101 /.test(head) ||
        !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)
      ) {
        this.fail(new Error(`unexpected server response: ${head.split("\r\n")[0] ?? ""}`));
        return;
      }
      this.readyState = OPEN;
      this.emit("open");
      buf = buf.subarray(end + 4);
    }
    let offset = 0;
    while (buf.length - offset >= 2) {
      const b0 = buf[offset]!;
      const b1 = buf[offset + 1]!;
      let len = b1 & 0x7f;
      let pos = offset + 2;
      if (len === 126) {
        if (buf.length - pos < 2) break;
        len = buf.readUInt16BE(pos);
        pos += 2;
      } else if (len === 127) {
        if (buf.length - pos < 8) break;
        len = Number(buf.readBigUInt64BE(pos));
        pos += 8;
      }
      if (b1 & 0x80) pos += 4; // servers do not mask; tolerate it by skipping the key
      if (buf.length - pos < len) break;
      const payload = buf.subarray(pos, pos + len);
      offset = pos + len;
      this.onFrame(b0 & 0x80, b0 & 0x0f, payload);
      if (this.readyState === CLOSED) return;
    }
    if (offset < buf.length) this.pending = Buffer.from(buf.subarray(offset));
  }

  private onFrame(fin: number, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2: {
        if (!fin || this.fragments.length > 0) {
          // Copy: the chunk's memory is reused once this handler returns.
          this.fragments.push(Buffer.from(payload));
          if (!fin) return;
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          this.emit("message", whole);
          return;
        }
        this.emit("message", payload);
        return;
      }
      case 0x8: {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : NO_STATUS;
        if (this.readyState === OPEN) {
          // Echo the close, as the protocol asks, then let the server end the TCP connection.
          this.readyState = CLOSING;
          this.socket.write(this.frame(0x8, payload.subarray(0, 2)));
        }
        this.socket.end();
        return;
      }
      case 0x9:
        if (this.readyState === OPEN) this.socket.write(this.frame(0xa, payload));
        return;
      default:
        return; // pong or reserved: nothing to do
    }
  }

  private fail(error: Error): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    this.socket.destroy();
  }

  private finish(): void {
    this.readyState = CLOSED;
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.emit("close", this.closeCode);
  }
}
