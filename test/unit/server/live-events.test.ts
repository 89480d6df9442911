/**
 * docs/PROTOCOL.md, "Live feed": an arena's own live events (RoomLiveEvents), driven the way
 * ArenaRoom drives them, through a real LiveFeed on an in-process presence, so every event
 * checked here is one the feed accepted and would stream. `kill-streak`: "a pilot destroyed 5,
 * 10, 15… ships without being destroyed", with `roomId`, `pilot` and `kills` (the streak);
 * `match-end`: "`pilot` and `kills` are its top pilot". Also the feed's SSE stream on a fake
 * response: "a `: ping` comment every 15 s" and "503 when the process already serves 2,000
 * streams".
 */
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalPresence } from "@colyseus/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveFeed } from "../../../server/live/live-feed.ts";
import { LIVE_SHARE_BURST, LIVE_SHARE_EVERY_MS, PlayerLiveShare } from "../../../server/live/player-share.ts";
import { RoomLiveEvents } from "../../../server/rooms/live-events.ts";
import { LiveKind, type LiveEvent } from "../../../shared/live.ts";
import type { ArenaMode } from "../../../shared/protocol.ts";
import { addShip, createWorld, Phase, step, type World } from "../../../shared/sim/index.ts";
import { NO_INPUTS } from "../helpers.ts";

const ROOM_ID = "Rm5xQ2kLp";

/** A feed on a fresh in-process presence, and an arena's live events on it. */
async function arena(mode: ArenaMode = "quick"): Promise<{
  feed: LiveFeed;
  live: RoomLiveEvents;
  world: World;
  events: () => LiveEvent[];
  broadcasts: LiveEvent[];
}> {
  const feed = new LiveFeed(
    () => "proc1",
    () => undefined,
  );
  await feed.attach(new LocalPresence());
  const broadcasts: LiveEvent[] = [];
  const live = new RoomLiveEvents(feed, {
    roomId: () => ROOM_ID,
    mode: () => mode,
    broadcast: (_type, event) => broadcasts.push(event),
  });
  const world = createWorld({ seed: 7, matchSeconds: 1, resultsSeconds: 1 });
  for (const [id, name] of [
    ["a", "Ann"],
    ["b", "Bob"],
    ["c", "Cid"],
  ] as const) {
    addShip(world, id, name);
  }
  return { feed, live, world, events: () => [...feed.history()], broadcasts };
}

const streaks = (events: readonly LiveEvent[]) => events.filter((e) => e.kind === LiveKind.KillStreak);

const feeds: LiveFeed[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

describe("kill-streak live events", () => {
  it("publishes at 5, 10 and 15 kills without a death, and not at 4, 6 or any other count", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    const publishedAt: number[] = [];
    for (let kill = 1; kill <= 15; kill++) {
      const before = streaks(events()).length;
      live.kill(world, "a", kill % 2 === 0 ? "b" : "c");
      if (streaks(events()).length > before) publishedAt.push(kill);
    }
    expect(publishedAt).toEqual([5, 10, 15]);
    expect(streaks(events()).map((e) => e.kills)).toEqual([5, 10, 15]);
  });

  it("carries roomId, pilot and the streak as kills", async () => {
    const { feed, live, world, events, broadcasts } = await arena();
    feeds.push(feed);
    for (let i = 0; i < 5; i++) live.kill(world, "b", "a");
    const [event, ...more] = streaks(events());
    expect(more).toEqual([]);
    expect(event).toMatchObject({ kind: LiveKind.KillStreak, roomId: ROOM_ID, pilot: "Bob", kills: 5 });
    expect(event!.id).toMatch(/^proc1-\d+$/);
    expect(event!.text).toContain("Bob");
    // The room's players get the same event as the `live` message.
    expect(broadcasts).toContainEqual(event);
  });

  it("starts a destroyed pilot's streak over", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    for (let i = 0; i < 4; i++) live.kill(world, "a", "b");
    live.kill(world, "c", "a"); // Ann is destroyed at a streak of 4.
    for (let i = 0; i < 4; i++) live.kill(world, "a", "b");
    // 8 kills in all, but only 4 since the death: nothing yet.
    expect(streaks(events())).toEqual([]);
    live.kill(world, "a", "b");
    expect(streaks(events())).toMatchObject([{ pilot: "Ann", kills: 5 }]);
  });

  it("keeps the streaks of different pilots apart", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    for (let i = 0; i < 3; i++) {
      live.kill(world, "a", "c");
      live.kill(world, "b", "c");
    }
    expect(streaks(events())).toEqual([]);
    for (let i = 0; i < 2; i++) live.kill(world, "b", "c");
    expect(streaks(events())).toMatchObject([{ pilot: "Bob", kills: 5 }]);
  });

  it("never names a private arena's room", async () => {
    const { feed, live, world, events } = await arena("private");
    feeds.push(feed);
    for (let i = 0; i < 5; i++) live.kill(world, "a", "b");
    const [event] = streaks(events());
    expect(event).toMatchObject({ pilot: "Ann", kills: 5 });
    expect(event).not.toHaveProperty("roomId");
    expect(event!.text).not.toContain(ROOM_ID);
  });
});

describe("match-end live events", () => {
  it("names the top pilot and their kills when the match clock runs out", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    world.ships.get("a")!.kills = 3;
    world.ships.get("b")!.kills = 7;
    world.ships.get("c")!.kills = 5;
    expect(world.phase).toBe(Phase.Playing);
    // Step the simulation until its clock ends the match, as ArenaRoom does.
    for (let i = 0; i <= world.config.matchTicks && world.phase === Phase.Playing; i++) step(world, NO_INPUTS);
    expect(world.phase).toBe(Phase.Results);
    live.phaseChanged(world, Phase.Playing);
    const ends = events().filter((e) => e.kind === LiveKind.MatchEnd);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ kind: LiveKind.MatchEnd, roomId: ROOM_ID, pilot: "Bob", kills: 7 });
    expect(ends[0]!.text).toContain("Bob");
  });

  it("names the top pilot even when it joined last", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    world.ships.get("a")!.kills = 2;
    world.ships.get("b")!.kills = 1;
    world.ships.get("c")!.kills = 4;
    world.phase = Phase.Results;
    live.phaseChanged(world, Phase.Playing);
    expect(events().filter((e) => e.kind === LiveKind.MatchEnd)).toMatchObject([{ pilot: "Cid", kills: 4 }]);
  });

  it("on a tie names the tied pilot who joined first", async () => {
    const { feed, live, world, events } = await arena();
    feeds.push(feed);
    world.ships.get("a")!.kills = 1;
    world.ships.get("b")!.kills = 4;
    world.ships.get("c")!.kills = 4;
    world.phase = Phase.Results;
    live.phaseChanged(world, Phase.Playing);
    expect(events().filter((e) => e.kind === LiveKind.MatchEnd)).toMatchObject([{ pilot: "Bob", kills: 4 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// The players' share of the feed (docs/PROTOCOL.md, "Live feed": every announcement, every event
// of your own arena, of other arenas' events a burst of 3 then one per 4 s at most, match starts
// first to go; `GET /events` gets everything)
// ---------------------------------------------------------------------------------------------

function liveEvent(kind: LiveKind, n: number, roomId?: string): LiveEvent {
  return { id: `p-${n}`, kind, text: `event ${n}`, at: 0, ...(roomId !== undefined ? { roomId } : {}) };
}

describe("PlayerLiveShare", () => {
  it("admits a burst of 3, then one event per 4 s", () => {
    expect([LIVE_SHARE_BURST, LIVE_SHARE_EVERY_MS]).toEqual([3, 4000]);
    const share = new PlayerLiveShare(3, 4000, 0);
    const admitted = (at: number, n: number) => share.admit(liveEvent(LiveKind.MatchEnd, n), at);
    expect([0, 1, 2, 3, 4].map((n) => admitted(10, n))).toEqual([true, true, true, false, false]);
    expect(admitted(3_900, 5)).toBe(false);
    expect(admitted(4_100, 6)).toBe(true);
    expect(admitted(4_200, 7)).toBe(false);
    expect(admitted(8_200, 8)).toBe(true);
    // A long quiet refills the burst, never more than the burst.
    expect([9, 10, 11, 12].map((n) => admitted(60_000, n))).toEqual([true, true, true, false]);
  });

  it("always admits announcements, without spending the budget", () => {
    const share = new PlayerLiveShare(3, 4000, 0);
    for (let n = 0; n < 10; n++) expect(share.admit(liveEvent(LiveKind.Announcement, n), 1)).toBe(true);
    expect([0, 1, 2].map((n) => share.admit(liveEvent(LiveKind.KillStreak, n), 1))).toEqual([true, true, true]);
    expect(share.admit(liveEvent(LiveKind.KillStreak, 3), 1)).toBe(false);
    expect(share.admit(liveEvent(LiveKind.Announcement, 11), 1)).toBe(true);
  });

  it("lets a match start through only while a token would remain for better news", () => {
    const share = new PlayerLiveShare(3, 4000, 0);
    const start = (n: number) => share.admit(liveEvent(LiveKind.MatchStart, n), 1);
    expect([0, 1, 2].map(start)).toEqual([true, true, false]);
    // The token kept back goes to a result.
    expect(share.admit(liveEvent(LiveKind.MatchEnd, 3), 1)).toBe(true);
    expect(share.admit(liveEvent(LiveKind.MatchEnd, 4), 1)).toBe(false);
  });
});

describe("the players' share of the feed, arena by arena", () => {
  /** Two arenas on one real feed (one process), each recording what its players got. */
  async function twoArenas(modeA: ArenaMode = "quick") {
    const feed = new LiveFeed(
      () => "proc1",
      () => undefined,
    );
    feeds.push(feed);
    await feed.attach(new LocalPresence());
    const got = { A: [] as LiveEvent[], B: [] as LiveEvent[] };
    const make = (id: "A" | "B", mode: ArenaMode) =>
      new RoomLiveEvents(feed, { roomId: () => id, mode: () => mode, broadcast: (_t, e) => got[id].push(e) });
    const a = make("A", modeA);
    make("B", "quick");
    const world = createWorld({ seed: 7, matchSeconds: 1, resultsSeconds: 1 });
    addShip(world, "x", "Xen");
    addShip(world, "y", "Yul");
    return { feed, a, world, got };
  }

  it("gives an arena's players all of its own events, and other arenas' players only a share", async () => {
    const { feed, a, world, got } = await twoArenas();
    // 20 streaks in arena A at once: far more than the share.
    for (let kill = 1; kill <= 100; kill++) a.kill(world, "x", "y");
    const published = feed.history().filter((e) => e.kind === LiveKind.KillStreak);
    expect(published).toHaveLength(20);
    expect(got.A.filter((e) => e.kind === LiveKind.KillStreak)).toHaveLength(20);
    expect(got.B.filter((e) => e.kind === LiveKind.KillStreak)).toHaveLength(LIVE_SHARE_BURST);
    // In order, the first ones.
    expect(got.B.map((e) => e.id)).toEqual(published.slice(0, LIVE_SHARE_BURST).map((e) => e.id));
  });

  it("knows a private arena's own events by their ids (they carry no room id)", async () => {
    const { a, world, got } = await twoArenas("private");
    for (let kill = 1; kill <= 50; kill++) a.kill(world, "x", "y");
    const mine = got.A.filter((e) => e.kind === LiveKind.KillStreak);
    expect(mine).toHaveLength(10);
    for (const e of mine) expect(e).not.toHaveProperty("roomId");
    expect(got.B.filter((e) => e.kind === LiveKind.KillStreak)).toHaveLength(LIVE_SHARE_BURST);
  });

  it("gives every arena every announcement, however busy the feed", async () => {
    const { feed, a, world, got } = await twoArenas();
    for (let kill = 1; kill <= 50; kill++) a.kill(world, "x", "y");
    for (let n = 0; n < 5; n++) feed.publish({ kind: LiveKind.Announcement, text: `notice ${n}` });
    const notices = (list: LiveEvent[]) => list.filter((e) => e.kind === LiveKind.Announcement).map((e) => e.text);
    expect(notices(got.A)).toEqual(["notice 0", "notice 1", "notice 2", "notice 3", "notice 4"]);
    expect(notices(got.B)).toEqual(["notice 0", "notice 1", "notice 2", "notice 3", "notice 4"]);
  });
});

// ---------------------------------------------------------------------------------------------
// LiveFeed's SSE streams on fake requests and responses
// ---------------------------------------------------------------------------------------------

/** A fake `GET /events` request: a socket with keep-alive, and `close`. */
function fakeRequest(): IncomingMessage & EventEmitter {
  const req = new EventEmitter() as IncomingMessage & EventEmitter;
  Object.assign(req, { socket: { setKeepAlive: () => undefined } });
  return req;
}

/** A fake response that records its status, headers and every write. */
function fakeResponse(): ServerResponse & { status: number; headers: Record<string, string>; written: string[] } {
  const res = Object.assign(new EventEmitter(), {
    status: 0,
    headers: {} as Record<string, string>,
    written: [] as string[],
    writeHead(status: number, headers: Record<string, string>) {
      res.status = status;
      res.headers = headers;
      return res;
    },
    write(chunk: string) {
      res.written.push(chunk);
      return true;
    },
    end(chunk?: string) {
      if (chunk !== undefined) res.written.push(chunk);
      return res;
    },
  });
  return res as unknown as ServerResponse & { status: number; headers: Record<string, string>; written: string[] };
}

describe("LiveFeed SSE streams", () => {
  it("sends a `: ping` comment every 15 s", async () => {
    vi.useFakeTimers();
    const feed = new LiveFeed(
      () => "proc1",
      () => undefined,
    );
    feeds.push(feed);
    await feed.attach(new LocalPresence());
    const res = fakeResponse();
    feed.serveEvents(fakeRequest(), res);
    expect(res.status).toBe(200);
    const pings = () => res.written.filter((w) => w === ": ping\n\n").length;
    vi.advanceTimersByTime(15_000 - 1);
    expect(pings()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pings()).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(pings()).toBe(2);
  });

  it("answers 503 once the process serves 2,000 streams", async () => {
    const feed = new LiveFeed(
      () => "proc1",
      () => undefined,
    );
    feeds.push(feed);
    await feed.attach(new LocalPresence());
    const requests: (IncomingMessage & EventEmitter)[] = [];
    for (let i = 0; i < 2000; i++) {
      const req = fakeRequest();
      const res = fakeResponse();
      feed.serveEvents(req, res);
      expect(res.status).toBe(200);
      requests.push(req);
    }
    expect(feed.streamCount).toBe(2000);
    const refused = fakeResponse();
    feed.serveEvents(fakeRequest(), refused);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.written.join(""))).toMatchObject({ code: 503 });
    expect(feed.streamCount).toBe(2000);
    // A stream that closes frees its place.
    requests[0]!.emit("close");
    const again = fakeResponse();
    feed.serveEvents(fakeRequest(), again);
    expect(again.status).toBe(200);
  });
});
