/**
 * The server-wide "live now" feed for plain pages: the Server-Sent Events stream of
 * `GET /events` (shared/live.ts). The server replays its recent events first (oldest first),
 * then streams new ones; this keeps the newest few, each once (ids are unique), and tells a
 * listener whenever that list or the connection's state changes.
 *
 * EventSource reconnects by itself after a dropped connection. It gives up for good when the
 * server answers with an error status (or not an event stream): then this opens a new one
 * after a backoff that doubles up to {@link LIVE_RETRY_MAX_MS}. Events that fail the shared
 * schema are dropped. Nothing here touches the DOM, so it is tested with a fake EventSource.
 */
import { LIVE_HISTORY, LIVE_SSE_EVENT, liveEventSchema, type LiveEvent } from "../../../shared/live.ts";

/** Events the menu panel keeps (newest first). */
export const LIVE_FEED_SIZE = 6;
/** First wait before reopening a stream EventSource gave up on. */
export const LIVE_RETRY_MIN_MS = 1000;
/** Longest wait between two attempts. */
export const LIVE_RETRY_MAX_MS = 30_000;
/** Ids remembered to drop repeats (a reconnect replays up to {@link LIVE_HISTORY} events). */
const SEEN_IDS = LIVE_HISTORY * 8;

/** `EventSource.readyState` values. */
const CONNECTING = 0;
const CLOSED = 2;

/** The parts of `EventSource` used here (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** A constructor like the browser's `EventSource`. */
export type EventSourceConstructor = new (url: string) => EventSourceLike;

/**
 * `connecting`: no stream has opened yet; `open`: streaming; `reconnecting`: the stream
 * dropped or was refused and is being retried; `closed`: {@link LiveFeed.close} was called
 * (or this browser has no EventSource).
 */
export type LiveFeedStatus = "connecting" | "open" | "reconnecting" | "closed";

/** Timers (the page's by default; tests drive their own). */
export interface LiveFeedTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveFeedOptions {
  /** Called with the events (newest first) and the status, each time either changes. */
  readonly onChange: (events: readonly LiveEvent[], status: LiveFeedStatus) => void;
  /** Default: the global `EventSource`. */
  readonly EventSource?: EventSourceConstructor | undefined;
  /** How many events to keep (default {@link LIVE_FEED_SIZE}). */
  readonly size?: number;
  readonly timers?: LiveFeedTimers;
}

/** A live event read from the wire (an SSE `data` line or a room message), or null if invalid. */
export function toLiveEvent(value: unknown): LiveEvent | null {
  const parsed = liveEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The SSE `data` of a `live` event, parsed and checked; null if it is not a live event. */
export function parseLiveData(data: unknown): LiveEvent | null {
  if (typeof data !== "string") return null;
  try {
    return toLiveEvent(JSON.parse(data));
  } catch {
    return null;
  }
}

/** Wait before reopening after `failures` refused attempts in a row (1 s, 2 s, 4 s … 30 s). */
export function liveRetryDelayMs(failures: number): number {
  return Math.min(LIVE_RETRY_MAX_MS, LIVE_RETRY_MIN_MS * 2 ** Math.max(0, Math.min(failures, 16)));
}

/**
 * The newest events, once each: ordered by time (newest first), so a replay of old events
 * after a reconnect never pushes newer ones out. Pure bookkeeping, shared by the feed.
 */
export class LiveEventList {
  private readonly events: LiveEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly size = LIVE_FEED_SIZE) {}

  /** Adds an event; true if the list changed (false for a repeat or one older than all kept). */
  add(event: LiveEvent): boolean {
    if (this.seen.has(event.id)) return false;
    this.seen.add(event.id);
    if (this.seen.size > Math.max(SEEN_IDS, this.size * 2)) {
      // A Set iterates in insertion order: forget the oldest id.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    // Before the first kept event that is not newer: ties keep arrival order, newest first.
    let at = this.events.findIndex((kept) => kept.at <= event.at);
    if (at < 0) at = this.events.length;
    if (at >= this.size) return false;
    this.events.splice(at, 0, event);
    if (this.events.length > this.size) this.events.length = this.size;
    return true;
  }

  /** The kept events, newest first (a copy). */
  list(): LiveEvent[] {
    return [...this.events];
  }
}

/** A subscription to `GET /events`; `close()` ends it. */
export class LiveFeed {
  private readonly kept: LiveEventList;
  private readonly Source: EventSourceConstructor | undefined;
  private readonly timers: LiveFeedTimers;
  private source: EventSourceLike | null = null;
  private retry: unknown = null;
  private failures = 0;
  private state: LiveFeedStatus = "connecting";

  /** Opens the stream at `url` (the server's `/events`). */
  constructor(
    private readonly url: string,
    private readonly options: LiveFeedOptions,
  ) {
    this.kept = new LiveEventList(options.size ?? LIVE_FEED_SIZE);
    this.Source = options.EventSource ?? (typeof EventSource === "function" ? EventSource : undefined);
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    };
    this.connect();
  }

  /** The kept events, newest first. */
  events(): LiveEvent[] {
    return this.kept.list();
  }

  status(): LiveFeedStatus {
    return this.state;
  }

  /** Closes the stream and cancels any retry; no more calls to `onChange`. */
  close(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    if (this.retry !== null) this.timers.clearTimeout(this.retry);
    this.retry = null;
    this.source?.close();
    this.source = null;
  }

  private connect(): void {
    this.retry = null;
    if (this.state === "closed") return;
    if (this.Source === undefined) {
      this.setStatus("closed");
      return;
    }
    let source: EventSourceLike;
    try {
      source = new this.Source(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.source = source;
    source.addEventListener("open", () => {
      if (source !== this.source) return;
      this.failures = 0;
      this.setStatus("open");
    });
    source.addEventListener(LIVE_SSE_EVENT, (message) => {
      if (source !== this.source) return;
      const event = parseLiveData(message.data);
      if (event !== null && this.kept.add(event)) this.emit();
    });
    source.addEventListener("error", () => {
      if (source !== this.source) return;
      if (source.readyState === CONNECTING) {
        // Dropped: EventSource reconnects by itself (and the replay fills any gap).
        this.setStatus("reconnecting");
        return;
      }
      if (source.readyState !== CLOSED) return;
      // Refused (an error status or not an event stream): EventSource has given up.
      source.close();
      this.source = null;
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.state === "closed") return;
    const delay = liveRetryDelayMs(this.failures);
    this.failures += 1;
    this.setStatus("reconnecting");
    this.retry = this.timers.setTimeout(() => this.connect(), delay);
  }

  private setStatus(status: LiveFeedStatus): void {
    if (this.state === status) return;
    this.state = status;
    this.emit();
  }

  private emit(): void {
    this.options.onChange(this.kept.list(), this.state);
  }
}
