import { describe, expect, it, vi } from "vitest";
import { LIVE_SSE_EVENT, LiveKind, type LiveEvent } from "../../../shared/live.ts";
import {
  LIVE_FEED_SIZE,
  LIVE_RETRY_MAX_MS,
  LiveEventList,
  LiveFeed,
  liveRetryDelayMs,
  parseLiveData,
  toLiveEvent,
  type EventSourceLike,
  type LiveFeedStatus,
} from "../../../client/src/net/live-feed.ts";
import { emptyLiveText, formatAgo } from "../../../client/src/ui/live-panel.ts";

/** A stand-in for the browser's EventSource: the test opens, feeds and fails it. */
class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.fire("open");
  }

  send(data: string, type = LIVE_SSE_EVENT): void {
    this.fire(type, data);
  }

  /** The connection dropped: EventSource reconnects by itself. */
  drop(): void {
    this.readyState = 0;
    this.fire("error");
  }

  /** The server answered an error status: EventSource gives up. */
  refuse(): void {
    this.readyState = 2;
    this.fire("error");
  }

  private fire(type: string, data?: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent);
  }
}

/** Timers the test runs by hand. */
class FakeTimers {
  readonly pending: { callback: () => void; ms: number; handle: number }[] = [];
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.push({ callback, ms, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    const at = this.pending.findIndex((t) => t.handle === handle);
    if (at >= 0) this.pending.splice(at, 1);
  }
  runNext(): number {
    const timer = this.pending.shift();
    if (timer === undefined) throw new Error("no timer pending");
    timer.callback();
    return timer.ms;
  }
}

function event(id: string, at: number, text = `event ${id}`): LiveEvent {
  return { id, kind: LiveKind.MatchEnd, text, at, pilot: "Ace", kills: 7 };
}

function openFeed(size?: number) {
  FakeEventSource.instances = [];
  const timers = new FakeTimers();
  const changes: { events: readonly LiveEvent[]; status: LiveFeedStatus }[] = [];
  const feed = new LiveFeed("http://game.test/events", {
    onChange: (events, status) => changes.push({ events, status }),
    EventSource: FakeEventSource,
    timers,
    ...(size !== undefined ? { size } : {}),
  });
  const last = () => FakeEventSource.instances.at(-1)!;
  return { feed, timers, changes, last };
}

describe("live event parsing", () => {
  it("accepts a valid event and drops anything else", () => {
    const good = event("p1:1", 1000);
    expect(parseLiveData(JSON.stringify(good))).toEqual(good);
    expect(toLiveEvent(good)).toEqual(good);
    expect(parseLiveData("not json")).toBeNull();
    expect(parseLiveData(undefined)).toBeNull();
    expect(parseLiveData(JSON.stringify({ ...good, kind: "gossip" }))).toBeNull();
    expect(parseLiveData(JSON.stringify({ ...good, text: "" }))).toBeNull();
    expect(parseLiveData(JSON.stringify({ ...good, text: "x".repeat(201) }))).toBeNull();
    expect(parseLiveData(JSON.stringify({ ...good, at: -1 }))).toBeNull();
    expect(toLiveEvent({ id: "x", kind: "announcement", text: "hi" })).toBeNull();
    expect(toLiveEvent(null)).toBeNull();
  });
});

describe("LiveEventList", () => {
  it("keeps the newest events, newest first, each once", () => {
    const list = new LiveEventList(3);
    expect(list.add(event("a", 1))).toBe(true);
    expect(list.add(event("b", 2))).toBe(true);
    expect(list.add(event("a", 1))).toBe(false);
    expect(list.add(event("c", 3))).toBe(true);
    expect(list.add(event("d", 4))).toBe(true);
    expect(list.list().map((e) => e.id)).toEqual(["d", "c", "b"]);
    // Older than everything kept in a full list (a replay after a reconnect): no change.
    expect(list.add(event("z", 0))).toBe(false);
    // Same time: the later arrival counts as newer.
    expect(list.add(event("e", 4))).toBe(true);
    expect(list.list().map((e) => e.id)).toEqual(["e", "d", "c"]);
  });

  it("does not bring back an event it dropped when the replay sends it again", () => {
    const list = new LiveEventList(2);
    for (const id of ["a", "b", "c"]) list.add(event(id, id.charCodeAt(0)));
    expect(list.list().map((e) => e.id)).toEqual(["c", "b"]);
    expect(list.add(event("a", "a".charCodeAt(0)))).toBe(false);
    expect(list.list().map((e) => e.id)).toEqual(["c", "b"]);
  });
});

describe("LiveFeed", () => {
  it("opens /events, shows valid live events newest first, and drops invalid or repeated ones", () => {
    const { feed, changes, last } = openFeed();
    expect(last().url).toBe("http://game.test/events");
    expect(feed.status()).toBe("connecting");
    last().open();
    expect(changes.at(-1)).toEqual({ events: [], status: "open" });

    // The replay, oldest first.
    for (let i = 1; i <= 8; i++) last().send(JSON.stringify(event(`p:${i}`, 1000 * i)));
    expect(feed.events().map((e) => e.id)).toEqual(["p:8", "p:7", "p:6", "p:5", "p:4", "p:3"]);
    expect(feed.events()).toHaveLength(LIVE_FEED_SIZE);

    const before = changes.length;
    last().send("{broken");
    last().send(JSON.stringify({ id: "p:9", kind: "match-end", text: "<b>x</b>", at: "soon" }));
    last().send(JSON.stringify(event("p:8", 8000)));
    // Other SSE event names are not ours.
    last().send(JSON.stringify(event("p:10", 10_000)), "message");
    expect(changes.length).toBe(before);

    last().send(JSON.stringify(event("p:11", 11_000, "Ace won a match in arena XyZ12 with 7 kills")));
    expect(changes.at(-1)?.events[0]?.text).toBe("Ace won a match in arena XyZ12 with 7 kills");
    feed.close();
  });

  it("lets EventSource reconnect after a drop, and the replay adds no duplicates", () => {
    const { feed, changes, last } = openFeed();
    const source = last();
    source.open();
    source.send(JSON.stringify(event("p:1", 1000)));
    source.send(JSON.stringify(event("p:2", 2000)));
    source.drop();
    expect(feed.status()).toBe("reconnecting");
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(source.closed).toBe(false);
    source.open();
    expect(feed.status()).toBe("open");
    const count = changes.length;
    source.send(JSON.stringify(event("p:1", 1000)));
    source.send(JSON.stringify(event("p:2", 2000)));
    expect(changes.length).toBe(count);
    source.send(JSON.stringify(event("p:3", 3000)));
    expect(feed.events().map((e) => e.id)).toEqual(["p:3", "p:2", "p:1"]);
    feed.close();
  });

  it("reopens a refused stream with a backoff capped at 30 s, and resets it once open", () => {
    const { feed, timers, last } = openFeed();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const source = last();
      source.refuse();
      expect(source.closed).toBe(true);
      expect(feed.status()).toBe("reconnecting");
      expect(timers.pending).toHaveLength(1);
      delays.push(timers.runNext());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(FakeEventSource.instances).toHaveLength(8);
    last().open();
    last().refuse();
    expect(timers.runNext()).toBe(1000);
    expect(liveRetryDelayMs(100)).toBe(LIVE_RETRY_MAX_MS);
    feed.close();
  });

  it("keeps the events through a refused stream and retries a constructor that throws", () => {
    FakeEventSource.instances = [];
    const timers = new FakeTimers();
    let throws = true;
    class Flaky extends FakeEventSource {
      constructor(url: string) {
        if (throws) throw new SyntaxError("bad url");
        super(url);
      }
    }
    const feed = new LiveFeed("http://game.test/events", { onChange: () => {}, EventSource: Flaky, timers });
    expect(feed.status()).toBe("reconnecting");
    throws = false;
    expect(timers.runNext()).toBe(1000);
    const source = FakeEventSource.instances.at(-1)!;
    source.open();
    source.send(JSON.stringify(event("p:1", 1000)));
    source.refuse();
    expect(feed.events().map((e) => e.id)).toEqual(["p:1"]);
    feed.close();
  });

  it("closes cleanly: the stream, any pending retry, and no more notifications", () => {
    const { feed, timers, changes, last } = openFeed();
    const first = last();
    first.open();
    feed.close();
    expect(first.closed).toBe(true);
    expect(feed.status()).toBe("closed");
    const count = changes.length;
    first.send(JSON.stringify(event("p:1", 1000)));
    expect(changes.length).toBe(count);

    const again = openFeed();
    again.last().refuse();
    expect(again.timers.pending).toHaveLength(1);
    again.feed.close();
    expect(again.timers.pending).toHaveLength(0);
    expect(timers.pending).toHaveLength(0);
  });

  it("says closed when the browser has no EventSource", () => {
    vi.stubGlobal("EventSource", undefined);
    try {
      const statuses: LiveFeedStatus[] = [];
      const feed = new LiveFeed("http://game.test/events", { onChange: (_events, status) => statuses.push(status) });
      expect(statuses).toEqual(["closed"]);
      feed.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("live panel text", () => {
  it("says how long ago, in rounded-down units", () => {
    expect(formatAgo(-5000)).toBe("just now");
    expect(formatAgo(4999)).toBe("just now");
    expect(formatAgo(12_400)).toBe("12 s ago");
    expect(formatAgo(59_999)).toBe("59 s ago");
    expect(formatAgo(60_000)).toBe("1 min ago");
    expect(formatAgo(3_599_999)).toBe("59 min ago");
    expect(formatAgo(7_200_000)).toBe("2 h ago");
    expect(formatAgo(3 * 86_400_000)).toBe("3 d ago");
  });

  it("says why the list is empty", () => {
    expect(emptyLiveText("open")).toBe("Quiet right now.");
    expect(emptyLiveText("connecting")).toMatch(/tuning in/i);
    expect(emptyLiveText("reconnecting")).toMatch(/retrying/i);
    expect(emptyLiveText("closed")).toMatch(/unavailable/i);
  });
});
