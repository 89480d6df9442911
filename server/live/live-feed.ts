/**
 * The server-wide "live now" channel (shared/live.ts): one pub/sub topic on the presence, so an
 * event published by any process reaches every process (Redis in a cluster, in-process alone).
 * Each process keeps the recent history, hands events to its arenas (which send them to their
 * players as the `live` message) and streams them to plain pages as Server-Sent Events.
 *
 * Every event arrives through the subscription, the publisher's own included, so all processes
 * see the same events in the same order Redis delivered them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Presence } from "@colyseus/core";
import { LIVE_HISTORY, LIVE_SSE_EVENT, LIVE_TEXT_MAX, liveEventSchema, type LiveEvent } from "../../shared/live.ts";
import { jsonLogSink } from "../log/logger.ts";
import { PlayerLiveShare } from "./player-share.ts";

/** The pub/sub topic (its own prefix: the presence's keys are shared with Colyseus's). */
export const LIVE_TOPIC = "tick-arena:live";
/** SSE comment sent this often so proxies and browsers keep an idle stream open. */
const SSE_PING_MS = 15_000;
/** Streams one process serves at once; more get 503 (each is an open socket). */
const MAX_SSE_CLIENTS = 2000;

/** What a publisher supplies; the feed stamps the id and the time. */
export type LiveEventInput = Omit<LiveEvent, "id" | "at">;

/**
 * An arena's listener: every event, with whether players of arenas other than its own get it
 * (`admitted`, decided once per event for the whole process: player-share.ts).
 */
type Listener = (event: LiveEvent, admitted: boolean) => void;

export class LiveFeed {
  private presence: Presence | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly recent: LiveEvent[] = [];
  private readonly streams = new Set<ServerResponse>();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private counter = 0;
  private readonly onMessage = (data: unknown): void => this.receive(data);

  constructor(
    /** Prefix of event ids (the process id), so ids are unique across processes. */
    private readonly origin: () => string,
    private readonly log: (line: string) => void = jsonLogSink.error,
    /** How much of the feed reaches players of other arenas (pages get everything). */
    private readonly share: PlayerLiveShare = new PlayerLiveShare(),
  ) {}

  /** Subscribes to the topic; call once the server's presence is set up. */
  async attach(presence: Presence): Promise<void> {
    this.presence = presence;
    await presence.subscribe(LIVE_TOPIC, this.onMessage);
    this.pingTimer = setInterval(() => this.ping(), SSE_PING_MS);
    this.pingTimer.unref();
  }

  /**
   * Publishes an event to every process; failures (Redis away) are logged, never thrown.
   * `onId` gets the event's id before it goes out (an in-process presence delivers it back at
   * once, inside this call).
   */
  publish(input: LiveEventInput, onId?: (id: string) => void): void {
    const presence = this.presence;
    if (presence === null) return;
    this.counter += 1;
    const event: LiveEvent = {
      ...input,
      text: input.text.slice(0, LIVE_TEXT_MAX),
      id: `${this.origin()}-${this.counter}`,
      at: Date.now(),
    };
    onId?.(event.id);
    try {
      const sent: unknown = presence.publish(LIVE_TOPIC, event);
      if (sent instanceof Promise) sent.catch((error: unknown) => this.failed("publish", error));
    } catch (error) {
      this.failed("publish", error);
    }
  }

  /**
   * Calls `listener` with every event from now on and whether players of other arenas get it;
   * returns the unsubscribe function.
   */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest events, oldest first. */
  history(): readonly LiveEvent[] {
    return this.recent;
  }

  /** Open SSE streams on this process. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * `GET /events`: a Server-Sent Events stream of live events (the recent history first, then
   * new ones as they happen). Public and read-only, so any origin may read it.
   */
  serveEvents(req: IncomingMessage, res: ServerResponse, retryMs = 3000): void {
    if (this.streams.size >= MAX_SSE_CLIENTS) {
      res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "10" });
      res.end(JSON.stringify({ error: "too many event streams", code: 503 }));
      return;
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "Access-Control-Allow-Origin": "*",
      // nginx: stream, do not buffer.
      "X-Accel-Buffering": "no",
    });
    res.write(`retry: ${retryMs}\n\n`);
    for (const event of this.recent) res.write(sseFrame(event));
    this.streams.add(res);
    req.socket.setKeepAlive(true);
    const close = (): void => {
      this.streams.delete(res);
    };
    req.on("close", close);
    res.on("error", close);
  }

  /** Unsubscribes and ends every stream. */
  async close(): Promise<void> {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const res of this.streams) res.end();
    this.streams.clear();
    this.listeners.clear();
    const presence = this.presence;
    this.presence = null;
    if (presence !== null) {
      try {
        await presence.unsubscribe(LIVE_TOPIC, this.onMessage);
      } catch (error) {
        this.failed("unsubscribe", error);
      }
    }
  }

  private receive(data: unknown): void {
    const parsed = liveEventSchema.safeParse(data);
    if (!parsed.success) {
      this.log(JSON.stringify({ event: "live-feed-invalid", detail: parsed.error.issues[0]?.message ?? "" }));
      return;
    }
    const event = parsed.data as LiveEvent;
    this.recent.push(event);
    if (this.recent.length > LIVE_HISTORY) this.recent.shift();
    const admitted = this.share.admit(event);
    for (const listener of this.listeners) {
      try {
        listener(event, admitted);
      } catch (error) {
        this.failed("listener", error);
      }
    }
    const frame = sseFrame(event);
    for (const res of this.streams) res.write(frame);
  }

  private ping(): void {
    for (const res of this.streams) res.write(": ping\n\n");
  }

  private failed(what: string, error: unknown): void {
    this.log(JSON.stringify({ event: "live-feed-error", what, error: String(error) }));
  }
}

/** One SSE frame: the event's id, the `live` event name and the JSON on one data line. */
export function sseFrame(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${LIVE_SSE_EVENT}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Text of an announcement or an event, made safe for one line. */
export function oneLine(text: string): string {
  // Control characters (C0 and DEL) become spaces: one line, nothing a terminal or page interprets.
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f ? " " : ch;
  }
  return out.replace(/ {2,}/g, " ").trim();
}
