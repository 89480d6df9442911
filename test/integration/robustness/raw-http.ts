/**
 * HTTP read off raw sockets, for the robustness tests that must see exactly what the server
 * sends: an answer parsed as it arrives (head, de-chunked body, whether it is complete), and a
 * WebSocket upgrade that keeps an accepted socket open (it never answers the close).
 */
import { randomBytes } from "node:crypto";
import net, { type Socket } from "node:net";

export interface ParsedAnswer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  readonly raw: string;
  /** The head arrived. */
  readonly headDone: boolean;
  /** The whole answer arrived (by content-length or the last chunk). */
  readonly complete: boolean;
}

/** The body of a chunked answer, and whether its last chunk arrived. */
function dechunk(data: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = lineEnd + 2;
    if (data.length < start + size + 2) break;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
  return { body: Buffer.concat(parts), complete: false };
}

/** Parses what a server sent so far. */
export function parseAnswer(data: Buffer): ParsedAnswer {
  const raw = data.toString("latin1");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
  const headers = new Map<string, string>();
  const headEnd = data.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status, headers, body: Buffer.alloc(0), raw, headDone: false, complete: false };
  for (const line of data.subarray(0, headEnd).toString("latin1").split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = data.subarray(headEnd + 4);
  if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
    const { body, complete } = dechunk(rest);
    return { status, headers, body, raw, headDone: true, complete };
  }
  const length = headers.get("content-length");
  if (length !== undefined) {
    const n = Number(length);
    return { status, headers, body: rest.subarray(0, n), raw, headDone: true, complete: rest.length >= n };
  }
  return { status, headers, body: rest, raw, headDone: true, complete: false };
}

/** One WebSocket upgrade on a raw socket: the answer's head, and the socket (open after a 101). */
export interface UpgradeAttempt {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  readonly socket: Socket;
}

/**
 * Asks for a WebSocket upgrade of `target`, with `headers` added to the request (e.g. the
 * `X-Real-IP` a proxy sets); resolves at the 101, or with the whole refusal. An accepted socket
 * stays open until destroyed: it never answers the server's close.
 */
export function rawUpgrade(
  port: number,
  target: string,
  timeoutMs = 5000,
  headers: Readonly<Record<string, string>> = {},
): Promise<UpgradeAttempt> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const parsed = parseAnswer(Buffer.concat(chunks));
      if (parsed.status !== 101) socket.destroy();
      resolve({ status: parsed.status, headers: parsed.headers, body: parsed.body.toString("utf8"), socket });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseAnswer(Buffer.concat(chunks));
      if ((parsed.status === 101 && parsed.headDone) || parsed.complete) finish();
    });
    socket.on("error", () => undefined);
    socket.on("close", finish);
    socket.write(
      [
        `GET ${target} HTTP/1.1`,
        "Host: 127.0.0.1",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        "",
        "",
      ].join("\r\n"),
    );
  });
}
