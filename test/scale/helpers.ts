/** Small readers the scale tests share: guest tokens, an SSE stream, listings. */
import { liveEventSchema, type LiveEvent } from "../../shared/live.ts";
import type { Listing } from "./cluster.ts";

/** A guest token from `POST /auth/guest` of `baseUrl`. */
export async function guestToken(baseUrl: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth/guest`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`POST /auth/guest: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** A `GET /events` stream read as raw SSE frames (the text between blank lines), headers kept. */
export interface RawSse {
  /** Resolves with the response once its headers arrived. */
  readonly opened: Promise<Response>;
  /** Every complete frame so far, in order, without its closing blank line. */
  readonly frames: string[];
  close(): void;
}

/** Reads `url` as Server-Sent Events frames (fetch streaming), calling `onFrame` on each. */
export function readSseFrames(
  url: string,
  headers: Record<string, string> = {},
  onFrame: (frame: string) => void = () => undefined,
): RawSse {
  const frames: string[] = [];
  const abort = new AbortController();
  const opened = (async () => {
    const res = await fetch(url, { signal: abort.signal, headers: { Accept: "text/event-stream", ...headers } });
    if (res.body === null) throw new Error(`GET ${url}: ${res.status} without a body`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            frames.push(frame);
            onFrame(frame);
          }
        }
      } catch {
        // aborted
      }
    })();
    return res;
  })();
  opened.catch(() => undefined);
  return { opened, frames, close: () => abort.abort() };
}

/** An open `GET /events` stream and the live events read from it so far. */
export interface SseReader {
  readonly opened: Promise<void>;
  readonly events: LiveEvent[];
  close(): void;
}

/** Reads the live events of `url` (as a page's EventSource would): `opened` checks the answer. */
export function readSse(url: string): SseReader {
  const events: LiveEvent[] = [];
  const raw = readSseFrames(url, {}, (frame) => {
    const data = frame
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => l.slice(6))
      .join("\n");
    if (data === "" || !frame.includes("event: live")) return;
    const parsed = liveEventSchema.safeParse(JSON.parse(data));
    if (parsed.success) events.push(parsed.data as LiveEvent);
  });
  const opened = raw.opened.then((res) => {
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    if (!String(res.headers.get("content-type")).startsWith("text/event-stream")) {
      throw new Error(`GET ${url}: content-type ${res.headers.get("content-type")}`);
    }
  });
  opened.catch(() => undefined);
  return { opened, events, close: raw.close };
}

/** The listings of one process, optionally of one room type. */
export function roomsOfProcess(listings: Map<string, Listing>, processId: string, name?: string): Listing[] {
  return [...listings.values()].filter((l) => l.processId === processId && (name === undefined || l.name === name));
}
