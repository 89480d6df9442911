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

/** An open `GET /events` stream and the live events read from it so far. */
export interface SseReader {
  readonly opened: Promise<void>;
  readonly events: LiveEvent[];
  close(): void;
}

/** Reads Server-Sent Events from `url` (fetch streaming, as a page's EventSource would). */
export function readSse(url: string): SseReader {
  const events: LiveEvent[] = [];
  const abort = new AbortController();
  const opened = (async () => {
    const res = await fetch(url, { signal: abort.signal, headers: { Accept: "text/event-stream" } });
    if (!res.ok || res.body === null) throw new Error(`GET ${url}: ${res.status}`);
    if (!String(res.headers.get("content-type")).startsWith("text/event-stream")) {
      throw new Error(`GET ${url}: content-type ${res.headers.get("content-type")}`);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame
              .split("\n")
              .filter((l) => l.startsWith("data: "))
              .map((l) => l.slice(6))
              .join("\n");
            if (data === "" || !frame.includes("event: live")) continue;
            const parsed = liveEventSchema.safeParse(JSON.parse(data));
            if (parsed.success) events.push(parsed.data as LiveEvent);
          }
        }
      } catch {
        // aborted
      }
    })();
  })();
  opened.catch(() => undefined);
  return { opened, events, close: () => abort.abort() };
}

/** The listings of one process, optionally of one room type. */
export function roomsOfProcess(listings: Map<string, Listing>, processId: string, name?: string): Listing[] {
  return [...listings.values()].filter((l) => l.processId === processId && (name === undefined || l.name === name));
}
